//! The five roles and the scope of places each one sees.

use crate::region::RegionCode;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// System administrator: everything.
    Admin,
    /// Provincial immigration office: one province.
    Kanwil,
    /// Officer of a Kantor Imigrasi: the office's working area on the current date.
    Petugas,
    /// Staff of a partner agency: the agency's kabupaten/kota.
    Mitra,
    /// Village head, official or cadre: one village.
    Desa,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Admin,
        Role::Kanwil,
        Role::Petugas,
        Role::Mitra,
        Role::Desa,
    ];

    pub fn parse(s: &str) -> Result<Self, &'static str> {
        Ok(match s.trim() {
            "admin" => Role::Admin,
            "kanwil" => Role::Kanwil,
            "petugas" => Role::Petugas,
            "mitra" => Role::Mitra,
            "desa" => Role::Desa,
            _ => return Err("err-role"),
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Kanwil => "kanwil",
            Role::Petugas => "petugas",
            Role::Mitra => "mitra",
            Role::Desa => "desa",
        }
    }

    /// Fluent message id of the role's name.
    pub fn label_key(self) -> &'static str {
        match self {
            Role::Admin => "role-admin",
            Role::Kanwil => "role-kanwil",
            Role::Petugas => "role-petugas",
            Role::Mitra => "role-mitra",
            Role::Desa => "role-desa",
        }
    }
}

/// The places a user may see. Built once per request from the user's role and home
/// (province, office area on today's date, agency region, village).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "codes", rename_all = "snake_case")]
pub enum Scope {
    All,
    /// A province code.
    Province(RegionCode),
    /// Kabupaten/kota codes (an office's working area, an agency's region).
    Regencies(Vec<RegionCode>),
    /// One desa code.
    Village(RegionCode),
    /// A user whose home is missing (an officer of an office with no area today) sees nothing.
    Nothing,
}

impl Scope {
    /// Whether a record placed at `code` is inside this scope.
    pub fn contains(&self, code: &RegionCode) -> bool {
        match self {
            Scope::All => true,
            Scope::Province(p) => code.is_within(p),
            Scope::Regencies(list) => list.iter().any(|r| code.is_within(r)),
            Scope::Village(v) => code == v,
            Scope::Nothing => false,
        }
    }

    /// Whether a record placed at `code` is inside this scope *or is an ancestor of it*
    /// (a province-level record such as an office is visible to users inside that province).
    pub fn touches(&self, code: &RegionCode) -> bool {
        match self {
            Scope::All => true,
            Scope::Province(p) => code.is_within(p) || p.is_within(code),
            Scope::Regencies(list) => list.iter().any(|r| code.is_within(r) || r.is_within(code)),
            Scope::Village(v) => v.is_within(code),
            Scope::Nothing => false,
        }
    }
}
