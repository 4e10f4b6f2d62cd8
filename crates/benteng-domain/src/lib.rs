//! Benteng's pure rules: typed values that can only exist when valid, the roles and scopes of
//! users, and the one access policy every other crate asks. No IO, no async, no SQL.
//!
//! Domain words kept in Indonesian, explained once:
//! - *desa binaan*: a village adopted ("fostered") by an immigration office under the
//!   Desa Binaan Imigrasi programme;
//! - *pimpasa*: "Petugas Imigrasi Pembina Desa", the immigration officer who mentors a desa binaan;
//! - *pemeriksa*: the officer who interviews passport applicants;
//! - *mitra*: a partner agency (Disnaker, BP3MI/KP2MI, Dukcapil, Polri, Dinas Sosial …);
//! - *kanwil*: the provincial office (Kantor Wilayah) of the Directorate General of Immigration;
//! - *kantong PMI*: a village that sends many migrant workers (Pekerja Migran Indonesia).

pub mod coordination;
pub mod event;
pub mod field;
pub mod figures;
pub mod intake;
pub mod migrant;
pub mod nik;
pub mod offer;
pub mod p3mi;
pub mod passport;
pub mod phone;
pub mod policy;
pub mod quiz;
pub mod region;
pub mod report;
pub mod retention;
pub mod role;
pub mod rules;
pub mod screening;
pub mod second_factor;
pub mod subject;
pub mod values;
pub mod webhook;

pub use field::{FieldError, FieldErrors};
pub use nik::{Nik, Sex};
pub use phone::PhoneNumber;
pub use policy::{can, Action, Actor};
pub use region::{RegionCode, RegionLevel};
pub use role::{Role, Scope};
