//! Translations: every sentence a user reads lives in `locales/{id,en}/*.ftl`. Bahasa Indonesia
//! is the default; the locale is the user's setting, then the language chosen in this session, then
//! `Accept-Language`.

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader};
use std::borrow::Cow;
use std::collections::HashMap;

fluent_templates::static_loader! {
    static LOCALES = {
        locales: "../../locales",
        fallback_language: "id",
        // Bidi isolation marks would show up as stray characters in inputs and tests.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

pub const LOCALES_AVAILABLE: [&str; 2] = ["id", "en"];

/// The Fluent files, for the test that checks every used key exists in every locale.
pub fn message_ids(locale: &str) -> Vec<String> {
    let files: &[&str] = match locale {
        "en" => &[include_str!("../../../locales/en/main.ftl")],
        _ => &[include_str!("../../../locales/id/main.ftl")],
    };
    files
        .iter()
        .flat_map(|f| f.lines())
        .filter_map(|l| {
            let (k, _) = l.split_once(" =")?;
            (!k.starts_with(' ') && !k.starts_with('#') && !k.is_empty())
                .then(|| k.trim().to_string())
        })
        .collect()
}

/// Every message of both files as [`Tr::t`] reads it, one table per locale (in the order of
/// [`LOCALES_AVAILABLE`]), made on first use. A Fluent lookup negotiates the language and
/// hashes its identifier on every call: with ~100 messages on a form that was over a third of
/// the page's cost (callgrind, docs/performance.md). A message read without arguments reads
/// the same every time, so the table gives exactly what the lookup gave, fallback to Bahasa
/// Indonesia included; a key outside it (none in the files) still goes to Fluent.
static PLAIN: std::sync::OnceLock<[HashMap<String, String>; LOCALES_AVAILABLE.len()]> =
    std::sync::OnceLock::new();

fn plain_tables() -> &'static [HashMap<String, String>; LOCALES_AVAILABLE.len()] {
    PLAIN.get_or_init(|| {
        let mut ids = message_ids("id");
        ids.extend(message_ids("en"));
        ids.sort_unstable();
        ids.dedup();
        LOCALES_AVAILABLE.map(|lang| {
            let id: LanguageIdentifier = lang.parse().expect("static locale ids parse");
            ids.iter()
                .filter_map(|k| Some((k.clone(), LOCALES.try_lookup(&id, k)?)))
                .collect()
        })
    })
}

/// A translator bound to one locale, handed to templates as `tr`.
#[derive(Debug, Clone)]
pub struct Tr {
    pub lang: &'static str,
    id: LanguageIdentifier,
}

impl Tr {
    pub fn new(lang: &str) -> Tr {
        let lang = if lang == "en" { "en" } else { "id" };
        Tr {
            lang,
            id: lang.parse().expect("static locale ids parse"),
        }
    }

    /// The message `key`; the key itself when missing, so a gap shows instead of crashing.
    pub fn t(&self, key: &str) -> String {
        self.lookup(key).unwrap_or_else(|| key.to_string())
    }

    /// The message `key` read without arguments, from the table when it is there.
    fn lookup(&self, key: &str) -> Option<String> {
        let at = LOCALES_AVAILABLE
            .iter()
            .position(|l| *l == self.lang)
            .unwrap_or(0);
        let table = &plain_tables()[at];
        match table.get(key) {
            Some(text) => Some(text.clone()),
            None => LOCALES.try_lookup(&self.id, key),
        }
    }

    /// The message `key` with one variable.
    pub fn t1(&self, key: &str, name: &'static str, value: impl ToString) -> String {
        let mut args: HashMap<Cow<'static, str>, FluentValue> = HashMap::new();
        let v = value.to_string();
        match v.parse::<i64>() {
            Ok(n) => args.insert(Cow::Borrowed(name), FluentValue::from(n)),
            Err(_) => args.insert(Cow::Borrowed(name), FluentValue::from(v)),
        };
        LOCALES
            .try_lookup_with_args(&self.id, key, &args)
            .unwrap_or_else(|| key.to_string())
    }

    /// The message `key` with two variables.
    pub fn t2(
        &self,
        key: &str,
        a: &'static str,
        av: impl ToString,
        b: &'static str,
        bv: impl ToString,
    ) -> String {
        let mut args: HashMap<Cow<'static, str>, FluentValue> = HashMap::new();
        for (name, v) in [(a, av.to_string()), (b, bv.to_string())] {
            match v.parse::<i64>() {
                Ok(n) => args.insert(Cow::Borrowed(name), FluentValue::from(n)),
                Err(_) => args.insert(Cow::Borrowed(name), FluentValue::from(v)),
            };
        }
        LOCALES
            .try_lookup_with_args(&self.id, key, &args)
            .unwrap_or_else(|| key.to_string())
    }

    /// The message `{prefix}-{code}`, or, when there is none, the code made readable
    /// ("view_sensitive" → "View sensitive"): a code never shows as `snake_case`.
    pub fn label(&self, prefix: &str, code: &str) -> String {
        self.lookup(&format!("{prefix}-{code}"))
            .unwrap_or_else(|| humanize(code))
    }

    /// A stored detail line ("fields=nik,sponsor_phone rows=3", "rencana>proses") in words:
    /// each `key=value` reads "Key: value", with known keys and field names translated
    /// (`detail-key-…`, `field-…`), underscores become spaces and `>` an arrow.
    pub fn detail(&self, text: &str) -> String {
        text.split(' ')
            .filter(|w| !w.is_empty())
            .map(|w| match w.split_once('=') {
                Some((k, v)) => {
                    let values: Vec<String> = v
                        .split(',')
                        .map(|x| {
                            if benteng_domain::values::date(x).is_ok() {
                                return self.date_short(x);
                            }
                            if x == "true" || x == "false" {
                                return self.t(&format!("detail-value-{x}"));
                            }
                            self.lookup(&format!("field-{x}"))
                                .unwrap_or_else(|| x.replace('_', " "))
                        })
                        .collect();
                    format!("{}: {}", self.label("detail-key", k), values.join(", "))
                }
                None => w.replace('_', " ").replace('>', " → "),
            })
            .collect::<Vec<_>>()
            .join(" · ")
    }

    /// A Unix time as people read it, in WIB (the programme's home zone):
    /// "Selasa, 8 Desember 2026, 09.00 WIB".
    pub fn datetime(&self, unix: &i64) -> String {
        self.zoned(unix, "WIB")
    }

    /// A Unix time in the zone named `zone` (WIB, WITA or WIT; WIB when unknown), as
    /// "Kamis, 17 Desember 2026, 08.30 WITA": an event's time where it happens.
    pub fn zoned(&self, unix: &i64, zone: &str) -> String {
        let z =
            benteng_domain::event::Zone::parse(zone).unwrap_or(benteng_domain::event::Zone::Wib);
        match time::OffsetDateTime::from_unix_timestamp(*unix) {
            Ok(t) => {
                let t = t.to_offset(z.offset());
                let weekday = self.t(&format!("weekday-{}", t.weekday().number_from_monday()));
                format!(
                    "{weekday}, {}, {} {}",
                    self.date_of(t.date()),
                    self.clock(t.hour(), t.minute()),
                    z.as_str()
                )
            }
            Err(_) => String::new(),
        }
    }

    /// A Unix time for tables, in WIB: "8 Des 2026, 09.00".
    pub fn datetime_short(&self, unix: &i64) -> String {
        let wib = time::UtcOffset::from_hms(7, 0, 0).unwrap_or(time::UtcOffset::UTC);
        match time::OffsetDateTime::from_unix_timestamp(*unix) {
            Ok(t) => {
                let t = t.to_offset(wib);
                format!(
                    "{}, {}",
                    self.short_of(t.date()),
                    self.clock(t.hour(), t.minute())
                )
            }
            Err(_) => String::new(),
        }
    }

    /// Format a stored `YYYY-MM-DD` date as "17 September 2024".
    pub fn date(&self, ymd: &str) -> String {
        match benteng_domain::values::date(ymd) {
            Ok(d) => self.date_of(d),
            Err(_) => ymd.to_string(),
        }
    }

    /// A date as "17 September 2024".
    pub fn day(&self, d: &time::Date) -> String {
        self.date_of(*d)
    }

    /// A stored `YYYY-MM-DD` date for tables: "17 Sep 2024".
    pub fn date_short(&self, ymd: &str) -> String {
        match benteng_domain::values::date(ymd) {
            Ok(d) => self.short_of(d),
            Err(_) => ymd.to_string(),
        }
    }

    /// A whole number with the locale's thousands separator: "12.345" (id), "12,345" (en).
    pub fn number(&self, n: &i64) -> String {
        let sep = if self.lang == "en" { ',' } else { '.' };
        let digits = n.unsigned_abs().to_string();
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(sep);
            }
            out.push(c);
        }
        if *n < 0 {
            format!("-{out}")
        } else {
            out
        }
    }

    /// A dashboard period: "November 2026", "Kuartal IV 2026", "2026", or for a custom one
    /// "1 Mar 2026 – 19 Mar 2026".
    pub fn period(&self, p: &benteng_domain::figures::Period) -> String {
        use benteng_domain::figures::PeriodKind;
        match p.kind {
            PeriodKind::Month => format!(
                "{} {}",
                self.t(&format!("month-{}", u8::from(p.first.month()))),
                p.first.year()
            ),
            PeriodKind::Quarter => {
                let q = ["I", "II", "III", "IV"][usize::from((u8::from(p.first.month()) - 1) / 3)];
                self.t2("period-quarter", "q", q, "year", p.first.year())
            }
            PeriodKind::Year => p.first.year().to_string(),
            PeriodKind::Custom => format!("{} – {}", self.short_of(p.first), self.short_of(p.last)),
        }
    }

    /// A span of minutes as people say it: "45 menit", "3 jam 20 menit", "2 hari 4 jam".
    pub fn minutes(&self, m: &i64) -> String {
        let m = (*m).max(0);
        let (d, h, mm) = (m / 1440, (m % 1440) / 60, m % 60);
        let part = |key: &str, n: i64| self.t1(key, "n", n);
        if d > 0 {
            if h > 0 {
                format!("{} {}", part("span-days", d), part("span-hours", h))
            } else {
                part("span-days", d)
            }
        } else if h > 0 {
            if mm > 0 {
                format!("{} {}", part("span-hours", h), part("span-minutes", mm))
            } else {
                part("span-hours", h)
            }
        } else {
            part("span-minutes", mm)
        }
    }

    fn date_of(&self, d: time::Date) -> String {
        let month = self.t(&format!("month-{}", u8::from(d.month())));
        format!("{} {} {}", d.day(), month, d.year())
    }

    fn short_of(&self, d: time::Date) -> String {
        let month = self.t(&format!("month-short-{}", u8::from(d.month())));
        format!("{} {} {}", d.day(), month, d.year())
    }

    /// "09.00" in Indonesian (PUEBI writes the hour and minutes with a full stop), "09:00"
    /// in English.
    fn clock(&self, h: u8, m: u8) -> String {
        let sep = if self.lang == "en" { ':' } else { '.' };
        format!("{h:02}{sep}{m:02}")
    }
}

/// "view_sensitive" → "View sensitive".
fn humanize(code: &str) -> String {
    let words = code.replace(['_', '-'], " ");
    let mut c = words.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Pick the locale from an `Accept-Language` header (first supported tag wins).
pub fn from_accept_language(header: &str) -> Option<&'static str> {
    let mut tags: Vec<(f32, String)> = header
        .split(',')
        .filter_map(|part| {
            let mut it = part.trim().split(';');
            let tag = it.next()?.trim().to_lowercase();
            let q = it
                .find_map(|p| {
                    p.trim()
                        .strip_prefix("q=")
                        .and_then(|q| q.parse::<f32>().ok())
                })
                .unwrap_or(1.0);
            Some((q, tag))
        })
        .collect();
    tags.sort_by(|a, b| b.0.partial_cmp(&a.0).unwrap_or(std::cmp::Ordering::Equal));
    tags.iter().find_map(|(_, t)| {
        let primary = t.split('-').next().unwrap_or("");
        match primary {
            "id" | "in" | "ms" => Some("id"),
            "en" => Some("en"),
            _ => None,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_negotiation() {
        assert_eq!(from_accept_language("en-US,en;q=0.9"), Some("en"));
        assert_eq!(
            from_accept_language("fr;q=0.9, id;q=0.8, en;q=0.5"),
            Some("id")
        );
        assert_eq!(from_accept_language("de"), None);
    }

    #[test]
    fn both_locales_have_the_same_keys() {
        let mut id = message_ids("id");
        let mut en = message_ids("en");
        id.sort();
        en.sort();
        let missing_en: Vec<_> = id.iter().filter(|k| !en.contains(k)).collect();
        let missing_id: Vec<_> = en.iter().filter(|k| !id.contains(k)).collect();
        assert!(
            missing_en.is_empty() && missing_id.is_empty(),
            "only id: {missing_en:?}; only en: {missing_id:?}"
        );
    }

    /// Every message id the code names literally exists in both locales: `t("…")` and
    /// `t1("…"` in templates and pages, titles given to `Layout::new`, field labels, and the
    /// error codes (`err-…`) the domain and data layers return.
    #[test]
    fn every_message_the_code_uses_exists() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let mut files = Vec::new();
        // Every crate's sources and templates: messages may be named in any layer.
        let mut dirs = Vec::new();
        for c in std::fs::read_dir(root.join("crates")).unwrap().flatten() {
            for sub in ["src", "templates"] {
                if c.path().join(sub).is_dir() {
                    dirs.push(c.path().join(sub));
                }
            }
        }
        for dir in dirs {
            let mut stack = vec![dir];
            while let Some(d) = stack.pop() {
                for e in std::fs::read_dir(&d).unwrap().flatten() {
                    let p = e.path();
                    if p.is_dir() {
                        stack.push(p);
                    } else if p.extension().is_some_and(|x| x == "rs" || x == "html") {
                        files.push(p);
                    }
                }
            }
        }
        let prefixes = [
            "err-",
            "error-",
            "flash-",
            "field-",
            "hint-",
            "role-",
            "level-",
            "status-",
            "login-",
            "home-",
            "action-",
            "nav-",
            "offices-",
            "agencies-",
            "users-",
            "desa-binaan-",
            "visit-",
            "audit-",
            "account-",
            "regions-",
            "pager-",
        ];
        let ids_id = message_ids("id");
        let ids_en = message_ids("en");
        let mut missing = Vec::new();
        for f in &files {
            let text = std::fs::read_to_string(f).unwrap();
            for piece in text.split('"').skip(1).step_by(2) {
                let looks_like_id = prefixes.iter().any(|p| piece.starts_with(p))
                    && piece.len() < 60
                    && piece
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                    && !piece.ends_with('-');
                if looks_like_id
                    && !(ids_id.iter().any(|k| k == piece) && ids_en.iter().any(|k| k == piece))
                {
                    missing.push(format!("{piece} ({})", f.display()));
                }
            }
        }
        missing.sort();
        missing.dedup();
        assert!(
            missing.is_empty(),
            "messages missing from locales: {missing:#?}"
        );
    }

    #[test]
    fn the_table_reads_every_message_as_fluent_does() {
        let mut ids = message_ids("id");
        ids.extend(message_ids("en"));
        assert!(ids.len() > 1000, "the files were read: {}", ids.len());
        for lang in LOCALES_AVAILABLE {
            let tr = Tr::new(lang);
            for k in &ids {
                assert_eq!(tr.lookup(k), LOCALES.try_lookup(&tr.id, k), "{lang} {k}");
            }
        }
        // The locales differ, and a missing key shows itself.
        assert_ne!(
            Tr::new("id").t("guide-title"),
            Tr::new("en").t("guide-title")
        );
        assert_eq!(Tr::new("en").t("no-such-key"), "no-such-key");
    }

    #[test]
    fn dates_read_naturally() {
        // 2026-12-08 02:00 UTC is 09.00 WIB, 10.00 WITA.
        let t = 1_796_695_200;
        assert_eq!(
            Tr::new("id").datetime(&t),
            "Selasa, 8 Desember 2026, 09.00 WIB"
        );
        assert_eq!(
            Tr::new("en").datetime(&t),
            "Tuesday, 8 December 2026, 09:00 WIB"
        );
        assert_eq!(
            Tr::new("id").zoned(&t, "WITA"),
            "Selasa, 8 Desember 2026, 10.00 WITA"
        );
        assert_eq!(Tr::new("id").datetime_short(&t), "8 Des 2026, 09.00");
        assert_eq!(Tr::new("en").date_short("2026-12-08"), "8 Dec 2026");
        assert_eq!(Tr::new("id").date("2024-09-17"), "17 September 2024");
        // Codes never show raw.
        assert_eq!(
            Tr::new("id").label("no-such", "view_sensitive"),
            "View sensitive"
        );
        assert_eq!(
            Tr::new("id").detail("fields=nik,sponsor_phone rencana>proses"),
            "Data: NIK, sponsor phone · rencana → proses"
        );
        assert_eq!(Tr::new("en").date("2024-08-17"), "17 August 2024");
        assert_eq!(Tr::new("id").date("2024-08-17"), "17 Agustus 2024");
    }
}
