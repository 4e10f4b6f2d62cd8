//! The rules of the dashboard's figures: which days a period covers, the period before it,
//! the months of a trend, and when a count is too small to show.
//!
//! **Time zone.** Every figure counts by the calendar of Western Indonesia (WIB, UTC+7), the
//! zone of the programme's first offices and of the Kanwil reports: a report filed at 23:59
//! WIB on 30 November belongs to November even though it is 16:59 UTC. An office in WITA or
//! WIT sees the same boundaries (one or two hours earlier in its own clock); one calendar for
//! all keeps the province's roll-up equal to the sum of its offices. Timestamps (filing,
//! opening, check-in) count by the instant; dates kept as dates (a visit's day, a departure,
//! a referral's due date) count by the date itself.

use serde::Serialize;
use time::{Date, Duration, Month, UtcOffset};

/// WIB, the offset every figure's calendar uses.
pub fn wib() -> UtcOffset {
    UtcOffset::from_hms(7, 0, 0).unwrap_or(UtcOffset::UTC)
}

/// Today's date in WIB for the instant `unix`.
pub fn wib_date(unix: i64) -> Date {
    time::OffsetDateTime::from_unix_timestamp(unix)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
        .to_offset(wib())
        .date()
}

/// How a period was chosen, which decides the period before it and how it is named.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PeriodKind {
    Month,
    Quarter,
    Year,
    Custom,
}

/// A span of whole days (WIB), `first` to `last` inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Period {
    pub kind: PeriodKind,
    pub first: Date,
    pub last: Date,
}

/// The longest custom period: ten years keeps every count bounded.
const MAX_DAYS: i64 = 3660;

fn month_start(year: i32, month: Month) -> Option<Date> {
    Date::from_calendar_date(year, month, 1).ok()
}

fn month_end(year: i32, month: Month) -> Option<Date> {
    let (y, m) = if month == Month::December {
        (year + 1, Month::January)
    } else {
        (year, month.next())
    };
    month_start(y, m)?.previous_day()
}

impl Period {
    pub fn month(year: i32, month: Month) -> Option<Period> {
        Some(Period {
            kind: PeriodKind::Month,
            first: month_start(year, month)?,
            last: month_end(year, month)?,
        })
    }

    /// Quarter `q` (1–4) of `year`.
    pub fn quarter(year: i32, q: u8) -> Option<Period> {
        if !(1..=4).contains(&q) {
            return None;
        }
        let first = Month::try_from(3 * (q - 1) + 1).ok()?;
        let last = Month::try_from(3 * q).ok()?;
        Some(Period {
            kind: PeriodKind::Quarter,
            first: month_start(year, first)?,
            last: month_end(year, last)?,
        })
    }

    pub fn year(year: i32) -> Option<Period> {
        Some(Period {
            kind: PeriodKind::Year,
            first: Date::from_calendar_date(year, Month::January, 1).ok()?,
            last: Date::from_calendar_date(year, Month::December, 31).ok()?,
        })
    }

    /// A custom span; refused when it ends before it starts or is longer than ten years.
    pub fn custom(first: Date, last: Date) -> Result<Period, &'static str> {
        if last < first {
            return Err("err-period-order");
        }
        if (last - first).whole_days() > MAX_DAYS {
            return Err("err-period-long");
        }
        Ok(Period {
            kind: PeriodKind::Custom,
            first,
            last,
        })
    }

    /// The month that holds `day`.
    pub fn month_of(day: Date) -> Period {
        Period::month(day.year(), day.month()).unwrap_or(Period {
            kind: PeriodKind::Month,
            first: day,
            last: day,
        })
    }

    /// Read `2026-11` (a month), `2026-Q4` or `2026-k4` (a quarter), `2026` (a year).
    pub fn parse(text: &str) -> Result<Period, &'static str> {
        let t = text.trim();
        let bad = "err-period";
        let year = |s: &str| -> Result<i32, &'static str> {
            let y: i32 = s.parse().map_err(|_| bad)?;
            if (2000..=2100).contains(&y) {
                Ok(y)
            } else {
                Err(bad)
            }
        };
        if let Some((y, rest)) = t.split_once('-') {
            let y = year(y)?;
            if let Some(q) = rest.strip_prefix(['Q', 'q', 'K', 'k']) {
                let q: u8 = q.parse().map_err(|_| bad)?;
                return Period::quarter(y, q).ok_or(bad);
            }
            let m: u8 = rest.parse().map_err(|_| bad)?;
            let m = Month::try_from(m).map_err(|_| bad)?;
            return Period::month(y, m).ok_or(bad);
        }
        Period::year(year(t)?).ok_or(bad)
    }

    /// The text [`Period::parse`] reads back (custom periods have none: they travel as two
    /// dates).
    pub fn key(&self) -> Option<String> {
        match self.kind {
            PeriodKind::Month => Some(format!(
                "{}-{:02}",
                self.first.year(),
                self.first.month() as u8
            )),
            PeriodKind::Quarter => Some(format!(
                "{}-Q{}",
                self.first.year(),
                (self.first.month() as u8 - 1) / 3 + 1
            )),
            PeriodKind::Year => Some(self.first.year().to_string()),
            PeriodKind::Custom => None,
        }
    }

    pub fn days(&self) -> i64 {
        (self.last - self.first).whole_days() + 1
    }

    /// The period just before, of the same kind: the month, quarter or year before; for a
    /// custom span, the same number of days ending the day before it starts.
    pub fn previous(&self) -> Period {
        let back = |p: Option<Period>| p.unwrap_or(*self);
        let before = self.first.previous_day().unwrap_or(self.first);
        match self.kind {
            PeriodKind::Month => Period::month_of(before),
            PeriodKind::Quarter => back(Period::quarter(
                before.year(),
                (before.month() as u8 - 1) / 3 + 1,
            )),
            PeriodKind::Year => back(Period::year(self.first.year() - 1)),
            PeriodKind::Custom => Period {
                kind: PeriodKind::Custom,
                first: before - Duration::days(self.days() - 1),
                last: before,
            },
        }
    }

    /// The instants (unix seconds) where the period starts and where the day after it starts,
    /// both at midnight WIB: a timestamp `t` belongs to it when `start <= t < end`.
    pub fn instants(&self) -> (i64, i64) {
        let start = self.first.midnight().assume_offset(wib()).unix_timestamp();
        let end = self
            .last
            .next_day()
            .unwrap_or(self.last)
            .midnight()
            .assume_offset(wib())
            .unix_timestamp();
        (start, end)
    }

    /// The dates as stored text, first inclusive and the day after the last exclusive
    /// (`YYYY-MM-DD`, which sorts as text).
    pub fn day_bounds(&self) -> (String, String) {
        let after = self.last.next_day().unwrap_or(self.last);
        (iso(self.first), iso(after))
    }

    pub fn contains(&self, day: Date) -> bool {
        self.first <= day && day <= self.last
    }
}

fn iso(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), d.month() as u8, d.day())
}

/// The `n` months ending with the month that holds `day`, oldest first (a trend's columns).
pub fn months_ending(day: Date, n: usize) -> Vec<Period> {
    let mut out = Vec::with_capacity(n);
    let mut p = Period::month_of(day);
    for _ in 0..n {
        out.push(p);
        p = p.previous();
    }
    out.reverse();
    out
}

/// Counts of people from 1 to 4 are not shown outside the village's own users and its
/// office's officers: "< 5" says there were some without letting a reader find them.
pub const FEW: i64 = 5;

/// A count as it may be shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Shown {
    Exact(i64),
    /// Between 1 and 4.
    Few,
}

impl Shown {
    pub fn exact(&self) -> Option<i64> {
        match self {
            Shown::Exact(n) => Some(*n),
            Shown::Few => None,
        }
    }
}

/// Whether `n` must be hidden as "< 5".
pub fn is_few(n: i64) -> bool {
    (1..FEW).contains(&n)
}

/// Show a column of counts that belong together (rows of one table, or a total with its
/// parts). When `suppress` is false every count is exact. Otherwise counts from 1 to 4 become
/// [`Shown::Few`], and when exactly one count was hidden the next smallest non-zero count is
/// hidden too, so that the hidden one cannot be found by subtracting the others from a
/// total.
pub fn shown_column(counts: &[i64], suppress: bool) -> Vec<Shown> {
    if !suppress {
        return counts.iter().map(|n| Shown::Exact(*n)).collect();
    }
    let mut out: Vec<Shown> = counts
        .iter()
        .map(|n| {
            if is_few(*n) {
                Shown::Few
            } else {
                Shown::Exact(*n)
            }
        })
        .collect();
    let hidden = out.iter().filter(|s| **s == Shown::Few).count();
    if hidden == 1 {
        let next = counts
            .iter()
            .enumerate()
            .filter(|(i, n)| **n > 0 && out[*i] != Shown::Few)
            .min_by_key(|(_, n)| **n)
            .map(|(i, _)| i);
        if let Some(i) = next {
            out[i] = Shown::Few;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn a_report_at_2359_wib_on_the_last_day_belongs_to_that_month() {
        let nov = Period::parse("2026-11").unwrap();
        let (start, end) = nov.instants();
        // 30 November 23:59 WIB = 30 November 16:59 UTC.
        let late = time::macros::datetime!(2026-11-30 16:59 UTC).unix_timestamp();
        let next = time::macros::datetime!(2026-11-30 17:00 UTC).unix_timestamp();
        assert!(start <= late && late < end);
        assert_eq!(next, end, "00:00 WIB on 1 December starts December");
        let first = time::macros::datetime!(2026-10-31 17:00 UTC).unix_timestamp();
        assert_eq!(first, start);
        assert_eq!(nov.day_bounds(), ("2026-11-01".into(), "2026-12-01".into()));
    }

    #[test]
    fn periods_parse_and_have_a_period_before() {
        assert_eq!(
            Period::parse("2026-01").unwrap().previous(),
            Period::parse("2025-12").unwrap()
        );
        let q = Period::parse("2026-Q1").unwrap();
        assert_eq!(
            (q.first, q.last),
            (date!(2026 - 01 - 01), date!(2026 - 03 - 31))
        );
        assert_eq!(q.previous(), Period::parse("2025-k4").unwrap());
        assert_eq!(
            Period::parse("2026").unwrap().previous().key().unwrap(),
            "2025"
        );
        let c = Period::custom(date!(2026 - 03 - 10), date!(2026 - 03 - 19)).unwrap();
        let p = c.previous();
        assert_eq!(
            (p.first, p.last),
            (date!(2026 - 02 - 28), date!(2026 - 03 - 09))
        );
        assert_eq!(p.days(), 10);
        for bad in ["", "2026-13", "2026-Q5", "1999", "abc", "2026-00"] {
            assert!(Period::parse(bad).is_err(), "{bad}");
        }
        assert!(Period::custom(date!(2026 - 03 - 10), date!(2026 - 03 - 09)).is_err());
        assert_eq!(Period::parse("2024-02").unwrap().days(), 29);
    }

    #[test]
    fn a_trend_is_the_twelve_months_up_to_this_one() {
        let m = months_ending(date!(2026 - 12 - 06), 12);
        assert_eq!(m.len(), 12);
        assert_eq!(m[0].key().unwrap(), "2026-01");
        assert_eq!(m[11].key().unwrap(), "2026-12");
        let m = months_ending(date!(2026 - 02 - 28), 3);
        assert_eq!(m[0].key().unwrap(), "2025-12");
    }

    #[test]
    fn small_counts_are_hidden_with_a_second_one_when_alone() {
        use Shown::*;
        assert_eq!(
            shown_column(&[0, 3, 12, 7], true),
            vec![Exact(0), Few, Exact(12), Few],
            "3 alone could be found from the total: 7 is hidden with it"
        );
        assert_eq!(shown_column(&[2, 4, 9], true), vec![Few, Few, Exact(9)]);
        assert_eq!(
            shown_column(&[0, 5, 6], true),
            vec![Exact(0), Exact(5), Exact(6)]
        );
        assert_eq!(shown_column(&[3, 0], true), vec![Few, Exact(0)]);
        assert_eq!(shown_column(&[3, 1], false), vec![Exact(3), Exact(1)]);
    }
}
