//! Benteng's use cases: one function per thing a user does, between the HTTP layer
//! (`benteng-web`) and the storage (`benteng-db`). A use case takes the storage handle
//! ([`Db`]), the actor with their scope ([`Ctx`]) and the input as the user sent it; it reads
//! the input into the domain's types (a wrong field answers its Fluent error code), asks the
//! domain's rules, and calls the repositories, which check the policy and the scope again
//! and write the audit log.
//!
//! The web layer reaches the storage only through this crate: the vocabulary it needs (the
//! handle, the actor, the error, a page of a list) is re-exported here.
//!
//! `ARCHITECTURE.md` at the repository root says where each piece of a feature goes.

pub mod account;
pub mod agencies;
pub mod audit;
pub mod cases;
pub mod csv_rows;
pub mod de;
pub mod desa_binaan;
pub mod events;
pub mod figures;
pub mod guide;
/// Requests sent twice create one record (`Idempotency-Key`); see the storage module.
pub mod idempotency {
    pub use benteng_db::idempotency::{valid_key, IdemKey, KEEP_SECONDS, PUBLIC_OWNER};
}
pub mod jobs;
pub mod migrants;
pub mod monthly_reports;
pub mod notifications;
pub mod offer;
pub mod offices;
pub mod p3mi;
pub mod referrals;
pub mod regions;
pub mod reports;
pub mod rooms;
pub mod screening;
/// Public answers kept for seconds per process (see the storage module).
pub use benteng_db::shelf;
pub mod subjects;
pub mod system;
pub mod uploads;
pub mod users;
pub mod visits;
pub mod webhooks;

pub use benteng_db::{now, paging, today, Ctx, Db, Error, Page, Result};

/// One field's error, as the storage's `Invalid` error carries it.
pub(crate) fn invalid(field: &'static str, code: &'static str) -> Error {
    Error::Invalid(benteng_domain::FieldErrors(vec![
        benteng_domain::FieldError { field, code },
    ]))
}
