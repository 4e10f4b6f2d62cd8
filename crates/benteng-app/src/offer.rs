//! Cek Tawaran Kerja: the resident's answers about a job offer, read and checked against the
//! P3MI register. The verdict itself is the domain's ([`benteng_domain::offer::check`]); the
//! page and the API (`/api/v1/public/offer-check`) both call [`evaluate`].

use crate::p3mi::P3mi;
use benteng_db::Db;
use benteng_domain::offer::{
    company_standing, same_company, Answers, Company, Job, Recruiter, Visa,
};
use benteng_domain::values::optional_country;
use benteng_domain::FieldErrors;
use serde::Deserialize;

/// The form's fields, as typed.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct OfferForm {
    #[serde(default)]
    pub company: String,
    #[serde(default)]
    pub destination: String,
    #[serde(default)]
    pub job: String,
    #[serde(default)]
    pub visa: String,
    #[serde(default)]
    pub fee: String,
    #[serde(default)]
    pub contract: String,
    #[serde(default)]
    pub training: Option<String>,
    #[serde(default)]
    pub age: String,
    #[serde(default)]
    pub recruiter: String,
}

/// Read the answers (every question may be skipped; what is given must be valid) and look the
/// company up in the P3MI registry.
pub async fn evaluate(db: &Db, f: &OfferForm) -> Result<(Answers, Option<P3mi>), FieldErrors> {
    let mut e = FieldErrors::new();
    let job = match f.job.trim() {
        "" => None,
        j => e.check("job", Job::parse(j)),
    };
    let visa = match f.visa.trim() {
        "" => None,
        v => e.check("visa", Visa::parse(v)),
    };
    let recruiter = match f.recruiter.trim() {
        "" => None,
        r => e.check("recruiter", Recruiter::parse(r)),
    };
    let destination = e
        .check("destination", optional_country(&f.destination))
        .flatten();
    let number = |v: &str, field: &'static str, max: i64, e: &mut FieldErrors| -> Option<i64> {
        let digits: String = v
            .chars()
            .filter(|c| !matches!(c, '.' | ' ' | ','))
            .collect();
        match digits.as_str() {
            "" => None,
            d => match d.parse::<i64>() {
                Ok(n) if (0..=max).contains(&n) => Some(n),
                _ => {
                    e.add(field, "err-number");
                    None
                }
            },
        }
    };
    let fee_rp = number(&f.fee, "fee", 10_000_000_000, &mut e);
    let age = number(&f.age, "age", 120, &mut e);
    let contract_seen = match f.contract.trim() {
        "ya" => true,
        "" | "tidak" => false,
        _ => {
            e.add("contract", "err-invalid-choice");
            false
        }
    };
    let name =
        Some(f.company.split_whitespace().collect::<Vec<_>>().join(" ")).filter(|n| !n.is_empty());
    if name.as_ref().is_some_and(|n| n.chars().count() > 200) {
        e.add("company", "err-too-long");
    }
    if !e.is_empty() {
        return Err(e);
    }
    let (company, found) = match name {
        None => (Some(Company::TidakTahu), None),
        Some(n) => match crate::p3mi::search(db, &n, None).await {
            Ok(page) => match page
                .items
                .into_iter()
                .find(|p| same_company(&p.name, &p.licence_no, &n))
            {
                None => (Some(Company::TidakTerdaftar), None),
                Some(p) => {
                    let countries: Vec<&str> = p.countries.split(',').collect();
                    let c = company_standing(p.licence(), &countries, destination.as_deref());
                    (Some(c), Some(p))
                }
            },
            Err(_) => (Some(Company::TidakTahu), None),
        },
    };
    Ok((
        Answers {
            company,
            destination,
            job,
            visa,
            fee_rp,
            contract_seen,
            unofficial_training: f.training.is_some(),
            age,
            recruiter,
        },
        found,
    ))
}
