//! Sosialisasi (awareness events): the time zones events are announced in, who attends, and
//! the short check-in code participants type when they cannot scan the QR code.

use crate::report::coded;
use serde::{Deserialize, Serialize};
use time::{OffsetDateTime, PrimitiveDateTime, UtcOffset};

coded! {
    /// Indonesia's three time zones (no daylight saving).
    Zone {
        /// Western Indonesia, UTC+7 (Java, Sumatra).
        Wib = "WIB",
        /// Central Indonesia, UTC+8 (Bali, Nusa Tenggara, Kalimantan Selatan/Timur, Sulawesi).
        Wita = "WITA",
        /// Eastern Indonesia, UTC+9 (Maluku, Papua).
        Wit = "WIT",
    }
}

impl Zone {
    pub fn offset(self) -> UtcOffset {
        let hours = match self {
            Zone::Wib => 7,
            Zone::Wita => 8,
            Zone::Wit => 9,
        };
        UtcOffset::from_hms(hours, 0, 0).unwrap_or(UtcOffset::UTC)
    }

    /// The zone of a province (first two digits of a region code): WIT for Maluku and Papua,
    /// WITA for Bali, Nusa Tenggara, the eastern and southern Kalimantan provinces and
    /// Sulawesi, WIB elsewhere.
    pub fn of_province(code: &str) -> Zone {
        match code.get(..2).unwrap_or("") {
            "81" | "82" | "91" | "92" | "93" | "94" | "95" | "96" | "97" => Zone::Wit,
            "51" | "52" | "53" | "63" | "64" | "65" | "71" | "72" | "73" | "74" | "75" | "76" => {
                Zone::Wita
            }
            _ => Zone::Wib,
        }
    }

    /// A local date and time in this zone as a Unix time.
    pub fn to_unix(self, local: PrimitiveDateTime) -> i64 {
        local.assume_offset(self.offset()).unix_timestamp()
    }

    /// A Unix time as local date and time in this zone.
    pub fn local(self, unix: i64) -> Option<PrimitiveDateTime> {
        let t = OffsetDateTime::from_unix_timestamp(unix)
            .ok()?
            .to_offset(self.offset());
        Some(PrimitiveDateTime::new(t.date(), t.time()))
    }
}

coded! {
    /// A file attached to an event.
    EventFileKind {
        /// A speaker's material (slides), downloadable by participants.
        Materi = "materi",
        /// A photo of the event (officers and the activity report only).
        Foto = "foto",
    }
}

coded! {
    /// Who a participant is, for the attendance table of the activity report.
    AttendeeRole {
        Warga = "warga",
        /// Village government (kepala desa, perangkat).
        PerangkatDesa = "perangkat_desa",
        /// Someone planning to work abroad.
        CalonPmi = "calon_pmi",
        /// A returned migrant worker.
        PmiPurna = "pmi_purna",
        /// Community or religious leader, teacher.
        Tokoh = "tokoh",
        /// Staff of an agency.
        Petugas = "petugas",
        Lainnya = "lainnya",
    }
}

/// Letters of check-in codes: no 0/O, 1/I/L, so a code read aloud or typed on a phone is
/// unambiguous.
pub const CODE_ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
pub const CODE_LEN: usize = 6;

/// A typed check-in code, upper-cased, spaces and dashes dropped, confusable letters read as
/// the digits they look like. The error is a Fluent message id.
pub fn parse_code(input: &str) -> Result<String, &'static str> {
    let code: String = input
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            x => x,
        })
        .collect();
    if code.is_empty() {
        return Err("err-required");
    }
    if code.len() != CODE_LEN || !code.bytes().all(|b| CODE_ALPHABET.contains(&b)) {
        return Err("err-checkin-code");
    }
    Ok(code)
}

/// A participant's name as the duplicate check compares it: lower case, single spaces.
pub fn name_key(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn zones_convert_local_times() {
        let t = datetime!(2024-09-17 08:30);
        let wib = Zone::Wib.to_unix(t);
        assert_eq!(Zone::Wita.to_unix(t), wib - 3600);
        assert_eq!(Zone::Wib.local(wib), Some(t));
        assert_eq!(Zone::of_province("35.07"), Zone::Wib);
        assert_eq!(Zone::of_province("52"), Zone::Wita);
        assert_eq!(Zone::of_province("94.01"), Zone::Wit);
    }

    #[test]
    fn codes_forgive_typing() {
        assert_eq!(parse_code(" ab3-k9z "), Ok("AB3K9Z".into()));
        assert_eq!(parse_code("abcdef"), Ok("ABCDEF".into()));
        // An O typed for a zero becomes a zero, which codes never contain: refused clearly.
        assert_eq!(parse_code("AB3K9O"), Err("err-checkin-code"));
        assert_eq!(parse_code("AB3K9"), Err("err-checkin-code"));
        assert_eq!(parse_code(""), Err("err-required"));
        assert_eq!(name_key("  Siti   Aminah "), "siti aminah");
    }
}
