//! A report as it enters, read and checked: what the intake use case hands the storage.
//! Built only by `benteng_app::reports` from what the user sent (or, for the stored people
//! of a report whose priority is computed again, by the storage from its own rows).

use crate::report::{Category, PersonRole};
use crate::RegionCode;

/// A person named in a report. Phones are normalised (`+62…`), a NIK has 16 digits, a sex is
/// `L` or `P`; at least one of name, phone and NIK is present.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPerson {
    pub role: PersonRole,
    pub name: Option<String>,
    pub phone: Option<String>,
    pub nik: Option<String>,
    pub sex: Option<String>,
    pub minor: bool,
    pub village: Option<String>,
    pub note: Option<String>,
}

/// A new report. `village` is a desa/kelurahan that exists; an incident date is not in the
/// future (`YYYY-MM-DD`); a destination is a country code the form offers. A report that is
/// not anonymous carries its reporter's name and phone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewReport {
    pub category: Category,
    pub description: String,
    pub village: RegionCode,
    pub places: Option<String>,
    pub destination_country: Option<String>,
    pub incident_date: Option<String>,
    pub departure_soon: bool,
    pub anonymous: bool,
    pub reporter_name: Option<String>,
    pub reporter_phone: Option<String>,
    pub people: Vec<NewPerson>,
}
