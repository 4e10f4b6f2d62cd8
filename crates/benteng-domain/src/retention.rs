//! How long Benteng keeps personal data, per kind of record (UU 27/2022 on personal data
//! protection; the periods and their reasons are in docs/privacy.md). Past its period a record
//! is anonymised (its personal fields emptied, its files deleted, its statistical fields kept)
//! or, for room messages, deleted. The storage applies it (`benteng_db::retention`).

use serde::{Deserialize, Serialize};
use time::{Date, Month, OffsetDateTime};

/// The retention periods, in months; 0 turns a kind off (kept for ever).
/// Read from the `[retention]` table of the configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Retention {
    /// Reports closed (selesai, ditolak, digabung) without a case, after their last change.
    pub reports_closed_months: u32,
    /// Closed cases (ditutup, ditutup_dirujuk), after closing; their report goes with them.
    pub cases_closed_months: u32,
    /// Calon PMI back home (status pulang), after their last change.
    pub migrants_returned_months: u32,
    /// Passport-interview screenings, after the interview.
    pub screenings_months: u32,
    /// Room messages (deleted with their files, a thread when its last reply is that old).
    pub room_messages_months: u32,
}

impl Default for Retention {
    fn default() -> Self {
        Retention {
            reports_closed_months: 60,
            cases_closed_months: 120,
            migrants_returned_months: 24,
            screenings_months: 24,
            room_messages_months: 12,
        }
    }
}

/// A kind of record the retention job handles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Reports,
    Cases,
    Migrants,
    Screenings,
    RoomMessages,
}

impl Kind {
    pub const ALL: [Kind; 5] = [
        Kind::Reports,
        Kind::Cases,
        Kind::Migrants,
        Kind::Screenings,
        Kind::RoomMessages,
    ];

    /// The code used in the audit log and the command's output.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Reports => "reports",
            Kind::Cases => "cases",
            Kind::Migrants => "migrants",
            Kind::Screenings => "screenings",
            Kind::RoomMessages => "room_messages",
        }
    }

    /// Deleted (room messages) rather than anonymised (everything else).
    pub fn deletes(self) -> bool {
        self == Kind::RoomMessages
    }
}

impl Retention {
    /// The period of a kind, in months (0: off).
    pub fn months(&self, kind: Kind) -> u32 {
        match kind {
            Kind::Reports => self.reports_closed_months,
            Kind::Cases => self.cases_closed_months,
            Kind::Migrants => self.migrants_returned_months,
            Kind::Screenings => self.screenings_months,
            Kind::RoomMessages => self.room_messages_months,
        }
    }

    /// Records of `kind` last changed before this instant (Unix seconds) are past their
    /// period at `now`; `None` when the kind is turned off.
    pub fn cutoff(&self, kind: Kind, now: OffsetDateTime) -> Option<i64> {
        match self.months(kind) {
            0 => None,
            m => Some(months_before(now, m).unix_timestamp()),
        }
    }
}

/// The same time of day `months` calendar months earlier; a day the earlier month does not
/// have becomes its last day (31 March minus one month is 28 or 29 February).
pub fn months_before(now: OffsetDateTime, months: u32) -> OffsetDateTime {
    let total = now.year() * 12 + (now.month() as i32 - 1) - months as i32;
    let (year, month0) = (total.div_euclid(12), total.rem_euclid(12));
    let month = Month::try_from(month0 as u8 + 1).unwrap_or(Month::January);
    let day = now.day().min(month.length(year));
    match Date::from_calendar_date(year, month, day) {
        Ok(d) => now.replace_date(d),
        // Only out of `time`'s year range (±9999): nothing is that old.
        Err(_) => OffsetDateTime::UNIX_EPOCH,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn months_are_calendar_months() {
        let now = datetime!(2026-03-31 10:00 UTC);
        assert_eq!(months_before(now, 1), datetime!(2026-02-28 10:00 UTC));
        assert_eq!(months_before(now, 12), datetime!(2025-03-31 10:00 UTC));
        assert_eq!(months_before(now, 3), datetime!(2025-12-31 10:00 UTC));
        assert_eq!(months_before(now, 25), datetime!(2024-02-29 10:00 UTC));
        assert_eq!(months_before(now, 0), now);
    }

    #[test]
    fn zero_turns_a_kind_off() {
        let now = datetime!(2026-06-15 00:00 UTC);
        let r = Retention {
            screenings_months: 0,
            ..Retention::default()
        };
        assert_eq!(r.cutoff(Kind::Screenings, now), None);
        assert_eq!(
            r.cutoff(Kind::Reports, now),
            Some(datetime!(2021-06-15 00:00 UTC).unix_timestamp())
        );
        assert!(Kind::RoomMessages.deletes() && !Kind::Reports.deletes());
    }
}
