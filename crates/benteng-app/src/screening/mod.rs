//! Screening: the passport interview (screening an applicant, the decision, the list and the
//! monthly figures), the watchlist ([`watchlist`]) and batch screening of CSV files
//! ([`batch`], also the contract of `benteng screen`). The index over the watchlist
//! ([`WatchCache`]) and the screenings are kept by `benteng_db::screening`.

pub mod batch;
mod interview;
pub mod watchlist;

pub use benteng_db::screening::{
    ImportOutcome, RowError, ScreeningDetail, ScreeningRow, ScreeningStats, StoredFinding,
    StoredHit, WatchCache,
};
pub use interview::{
    decide, list, screen_applicant, show, stats, DecisionInput, ScreeningInput, ScreeningQuery,
};

use crate::invalid;
