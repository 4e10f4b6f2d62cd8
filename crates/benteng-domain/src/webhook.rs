//! Outbound webhooks: a partner agency's system (BP2MI's placement records, a provincial
//! dashboard, a hotline's case tool) registered by an administrator, or by the Kanwil for its
//! province, hears about chosen events within a region, signed (`docs/webhooks.md`).
//!
//! Decisions written here because nobody could be asked:
//! - **Thin payloads.** An event carries what happened (kind, record id and reference, status,
//!   category, the village's region code, times) and links to the API, never a person's name,
//!   NIK, phone or the text of a report. Whatever the receiver may see beyond that it fetches
//!   with its own API token, under its own scope and masking. So a payload can reveal nothing
//!   the subscription's scope may not see, and needs no masking of its own.
//! - **Scope.** A subscription covers one province or one kabupaten/kota (or, for
//!   administrators only, the whole country); an event is delivered when the record's place
//!   lies inside it.
//! - **Addresses.** `https://` only, except `http://` to the same machine (a receiver on
//!   loopback, used in tests and by a local relay). No user name or password in the address.

use crate::field::FieldErrors;
use crate::region::{RegionCode, RegionLevel};
use crate::report::coded;
use crate::values::required_text;
use serde::{Deserialize, Serialize};

coded! {
    /// What a subscription can ask to hear about.
    EventKind {
        /// A report (of any source) was filed.
        ReportFiled = "report.filed",
        /// A report moved to another status (triage, closing, merging).
        ReportStatus = "report.status_changed",
        /// A referral was sent to an agency.
        ReferralSent = "referral.sent",
        /// An agency accepted, declined or finished a referral.
        ReferralAnswered = "referral.answered",
        /// A case moved to another status.
        CaseStatus = "case.status_changed",
        /// An alert (waspada) was posted to the rooms of an area.
        AlertSent = "alert.sent",
        /// A calon PMI left the country without the legal procedure.
        MigrantNonprocedural = "migrant.departed_unprocedural",
    }
}

/// Consecutive failed attempts after which a subscription is paused, unless its owner chose
/// another number within [`FAILURE_LIMITS`].
pub const DEFAULT_FAILURE_LIMIT: i64 = 10;
pub const FAILURE_LIMITS: std::ops::RangeInclusive<i64> = 3..=100;

/// Attempts per delivery before it is given up (30 s doubling, at most 6 hours apart: the
/// last attempt is about 14.5 hours after the first).
pub const MAX_ATTEMPTS: i64 = 12;

/// After a rotation the old secret still signs, beside the new one, for this long, so the
/// receiver can switch without losing deliveries.
pub const ROTATION_GRACE_SECS: i64 = 24 * 3600;

/// A subscription as the form or the API sends it.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct WebhookInput {
    pub name: String,
    pub url: String,
    /// Event names ([`EventKind`] codes).
    pub events: Vec<String>,
    /// A province or kabupaten/kota code; empty for the whole country.
    pub region: String,
    /// Empty for [`DEFAULT_FAILURE_LIMIT`].
    pub failure_limit: String,
}

/// A checked subscription.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ValidWebhook {
    pub name: String,
    pub url: String,
    pub events: Vec<EventKind>,
    pub region: Option<RegionCode>,
    pub failure_limit: i64,
}

impl WebhookInput {
    pub fn validate(&self) -> Result<ValidWebhook, FieldErrors> {
        let mut e = FieldErrors::new();
        let name = e.check("name", required_text(&self.name, 120));
        let url = e.check("url", parse_url(&self.url));
        let mut events = Vec::new();
        for s in self.events.iter().filter(|s| !s.trim().is_empty()) {
            match EventKind::parse(s) {
                Ok(k) if !events.contains(&k) => events.push(k),
                Ok(_) => {}
                Err(_) => {
                    e.add("events", "err-invalid-choice");
                    break;
                }
            }
        }
        if events.is_empty() && e.get("events").is_none() {
            e.add("events", "err-webhook-events");
        }
        let region = match self.region.trim() {
            "" => Some(None),
            s => e.check(
                "region",
                RegionCode::parse(s).and_then(|r| match r.level() {
                    RegionLevel::Provinsi | RegionLevel::KabupatenKota => Ok(Some(r)),
                    _ => Err("err-webhook-region"),
                }),
            ),
        };
        let failure_limit = match self.failure_limit.trim() {
            "" => Some(DEFAULT_FAILURE_LIMIT),
            s => e.check(
                "failure_limit",
                s.parse::<i64>()
                    .ok()
                    .filter(|n| FAILURE_LIMITS.contains(n))
                    .ok_or("err-webhook-failure-limit"),
            ),
        };
        e.into_result()?;
        events.sort_by_key(|k| k.as_str());
        match (name, url, region, failure_limit) {
            (Some(name), Some(url), Some(region), Some(failure_limit)) => Ok(ValidWebhook {
                name,
                url,
                events,
                region,
                failure_limit,
            }),
            _ => Err(FieldErrors::new()),
        }
    }
}

/// A receiver's address: `https://host[:port]/path`, or `http://` to loopback only.
pub fn parse_url(input: &str) -> Result<String, &'static str> {
    let s = input.trim();
    if s.is_empty() {
        return Err("err-required");
    }
    if s.len() > 500 || s.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("err-webhook-url");
    }
    let (https, rest) = if let Some(r) = s.strip_prefix("https://") {
        (true, r)
    } else if let Some(r) = s.strip_prefix("http://") {
        (false, r)
    } else {
        return Err("err-webhook-url");
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    if authority.is_empty() || authority.contains('@') {
        return Err("err-webhook-url");
    }
    let host = match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => authority.split(':').next().unwrap_or(""),
    };
    let port_ok = match authority
        .rsplit_once(']')
        .map_or(authority, |(_, p)| p)
        .split_once(':')
    {
        Some((_, p)) => p.parse::<u16>().is_ok_and(|p| p > 0),
        None => true,
    };
    let host_ok = !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':'));
    if !host_ok || !port_ok {
        return Err("err-webhook-url");
    }
    if !https && !matches!(host, "127.0.0.1" | "localhost" | "::1") {
        return Err("err-webhook-https");
    }
    Ok(s.to_string())
}

/// Does an event at `place` fall inside a subscription for `region` (`None`: the country)?
pub fn covers(region: Option<&str>, place: &str) -> bool {
    match region {
        None => true,
        Some(r) => place == r || place.strip_prefix(r).is_some_and(|t| t.starts_with('.')),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(url: &str, events: &[&str], region: &str) -> WebhookInput {
        WebhookInput {
            name: "BP2MI".into(),
            url: url.into(),
            events: events.iter().map(|s| s.to_string()).collect(),
            region: region.into(),
            failure_limit: String::new(),
        }
    }

    #[test]
    fn a_subscription_needs_https_an_event_and_a_province_or_regency() {
        let ok = input(
            "https://sisko.bp2mi.go.id/hook",
            &["report.filed", "alert.sent", "report.filed"],
            "35",
        )
        .validate()
        .unwrap();
        assert_eq!(
            ok.events,
            vec![EventKind::AlertSent, EventKind::ReportFiled]
        );
        assert_eq!(ok.region.unwrap().as_str(), "35");
        assert_eq!(ok.failure_limit, DEFAULT_FAILURE_LIMIT);
        let e = input("http://example.org/hook", &[], "35.07.04")
            .validate()
            .unwrap_err();
        assert_eq!(e.get("url"), Some("err-webhook-https"));
        assert_eq!(e.get("events"), Some("err-webhook-events"));
        assert_eq!(e.get("region"), Some("err-webhook-region"));
        let e = input("https://x.org/h", &["report.deleted"], "")
            .validate()
            .unwrap_err();
        assert_eq!(e.get("events"), Some("err-invalid-choice"));
        let mut i = input("https://x.org/h", &["case.status_changed"], "");
        i.failure_limit = "1".into();
        assert_eq!(
            i.validate().unwrap_err().get("failure_limit"),
            Some("err-webhook-failure-limit")
        );
        i.failure_limit = "25".into();
        let v = i.validate().unwrap();
        assert_eq!((v.failure_limit, v.region), (25, None));
    }

    #[test]
    fn addresses_are_https_or_loopback_http_without_credentials() {
        for ok in [
            "https://a.go.id/x",
            "https://a.go.id:8443/x?y=1",
            "http://127.0.0.1:9000/hook",
            "http://localhost/hook",
            "http://[::1]:8080/",
        ] {
            assert!(parse_url(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "ftp://a/b",
            "https://",
            "https://user:pw@a.go.id/",
            "https://a b/",
            "https://a.go.id:0/",
            "https://a.go.id:99999/",
            "http://10.0.0.5/hook",
            "a.go.id/hook",
        ] {
            assert!(parse_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_region_covers_its_own_places_only() {
        assert!(covers(None, "51.71.01.1001"));
        assert!(covers(Some("35"), "35.07.04.2007"));
        assert!(covers(Some("35.07"), "35.07"));
        assert!(!covers(Some("35.07"), "35.73.01.1001"));
        assert!(!covers(Some("3"), "35.07"));
        assert!(!covers(Some("35"), "51.71"));
    }
}
