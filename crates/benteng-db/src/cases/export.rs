//! The export: cases in the actor's scope as HTCDS-aligned records (optionally anonymised)
//! and the same records as CSV.

use super::*;

impl crate::cases::Repo<'_> {
    /// Cases in the actor's scope as HTCDS-aligned records. With `anonymised`, names, NIKs,
    /// phones and birth dates are removed (an age band at opening stays) and places are cut to
    /// the kabupaten/kota. Every export is audited; a non-anonymised one as a sensitive view.
    pub async fn export_cases(&self, ctx: &Ctx, anonymised: bool) -> Result<Vec<HtcdsRecord>> {
        ctx.require(Action::CaseExport, None)?;
        // Who sees personal data masked on every page gets the anonymised export only (the
        // Kanwil); names, NIKs and phones leave the system only with someone allowed to
        // reveal them.
        let anonymised = anonymised || !ctx.allows(Action::ReportSensitiveView, None);
        let mut f = Filter::default();
        f.scope(
            &ctx.actor.scope,
            "c.region_code",
            "c.kab_code",
            "c.prov_code",
        );
        let cases = f
            .query_as::<Case>(format!(
                "{CASE_SELECT}{} ORDER BY c.id LIMIT 50000",
                f.where_sql()
            ))
            .fetch_all(&self.db.pool)
            .await?;
        let mut out = Vec::with_capacity(cases.len());
        for c in &cases {
            let people = self.case_people(c.id).await?;
            let services: Vec<CaseService> = sqlx::query_as("SELECT id, service_date, service_type, provider, note FROM case_services WHERE case_id = $1 ORDER BY id")
                .bind(c.id)
                .fetch_all(&self.db.pool)
                .await?;
            let referrals: Vec<(String, String, i64, String, String)> = sqlx::query_as(
                "SELECT g.name, g.kind, f.created_at, f.purpose, f.status FROM referrals f JOIN agencies g ON g.id = f.agency_id WHERE f.report_id = $1 ORDER BY f.id",
            )
            .bind(c.report_id)
            .fetch_all(&self.db.pool)
            .await?;
            out.push(htcds_record(c, &people, &services, &referrals, anonymised));
        }
        // The export is placed where the Kanwil of the exporter can read the entry: its
        // province, or the province of an officer's first regency.
        let place = match &ctx.actor.scope {
            benteng_domain::Scope::Province(p) => Some(p.clone()),
            benteng_domain::Scope::Regencies(list) => list
                .first()
                .and_then(|r| r.ancestor(benteng_domain::RegionLevel::Provinsi)),
            _ => None,
        };
        audit::write(
            &self.db.pool,
            Some(ctx),
            Event {
                action: "export",
                entity: "case",
                entity_id: None,
                region: place.as_ref(),
                sensitive: !anonymised,
                detail: Some(format!("count={} anonymised={anonymised}", out.len())),
            },
        )
        .await?;
        Ok(out)
    }
}

fn opened_date(ts: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(ts)
        .map(|t| {
            format_date(
                t.to_offset(time::UtcOffset::from_hms(7, 0, 0).unwrap_or(time::UtcOffset::UTC))
                    .date(),
            )
        })
        .unwrap_or_default()
}

/// The CTDC age bands, from a birth date at a given day.
fn age_band(birth: &str, on: &str) -> Option<&'static str> {
    let (by, bm, bd) = (
        birth.get(..4)?.parse::<i32>().ok()?,
        birth.get(5..7)?.parse::<i32>().ok()?,
        birth.get(8..10)?.parse::<i32>().ok()?,
    );
    let (y, m, d) = (
        on.get(..4)?.parse::<i32>().ok()?,
        on.get(5..7)?.parse::<i32>().ok()?,
        on.get(8..10)?.parse::<i32>().ok()?,
    );
    let age = y - by - i32::from((m, d) < (bm, bd));
    Some(match age {
        i32::MIN..=8 => "0--8",
        9..=17 => "9--17",
        18..=20 => "18--20",
        21..=23 => "21--23",
        24..=26 => "24--26",
        27..=29 => "27--29",
        30..=38 => "30--38",
        39..=47 => "39--47",
        _ => "48+",
    })
}

fn gender(sex: Option<&str>) -> &'static str {
    match sex {
        Some("P") => "Feminine",
        Some("L") => "Masculine",
        _ => "NonSpecifiedUnknown",
    }
}

fn org_type(kind: &str) -> &'static str {
    match kind {
        "polri" => "LawEnforcement",
        "bp3mi" => "CentralGovernmentOrganisation",
        _ => "LocalGovernmentOrganisation",
    }
}

/// Split a full name into HTCDS first and second name (Indonesian names often have one part).
fn split_name(name: &str) -> (String, String) {
    let mut parts = name.split_whitespace();
    let first = parts.next().unwrap_or("").to_string();
    (first, parts.collect::<Vec<_>>().join(" "))
}

fn htcds_record(
    c: &Case,
    people: &[CasePerson],
    services: &[CaseService],
    referrals: &[(String, String, i64, String, String)],
    anon: bool,
) -> Value {
    let opened = opened_date(c.opened_at);
    let kab = RegionCode::parse(&c.region_code)
        .ok()
        .and_then(|r| r.ancestor(RegionLevel::KabupatenKota))
        .map(|k| k.as_str().to_string())
        .unwrap_or_default();
    let mut exploitation: Vec<&str> = Vec::new();
    for e in c
        .exploitation
        .split(',')
        .filter(|s| !s.is_empty())
        .map(benteng_domain::report::htcds_exploitation)
    {
        if !exploitation.contains(&e) {
            exploitation.push(e);
        }
    }
    let ts = TraffickingStatus::parse(&c.trafficking_status)
        .map(|t| t.htcds())
        .unwrap_or("PossibleVictimOfTrafficking");
    let person = |p: &CasePerson| {
        let mut v = json!({
            "prs_Gender": gender(p.sex.as_deref()),
            "prs_Citizenship": ["ID"],
        });
        if anon {
            v["tppo_age_band_at_opening"] =
                json!(p.birth_date.as_deref().and_then(|b| age_band(b, &opened)));
        } else {
            let (first, second) = split_name(&p.name);
            v["prs_FirstName"] = json!(first);
            v["prs_SecondName"] = json!(second);
            v["prs_Birthdate"] = json!(p.birth_date);
            v["prs_IdentityNumber"] = json!(p.nik);
            v["prs_MobilePhone"] = json!(p.phone);
        }
        v
    };
    let victims: Vec<Value> = people
        .iter()
        .filter(|p| p.kind == "korban")
        .map(|p| {
            let mut v = person(p);
            v["vic_TraffickingStatus"] = json!(ts);
            v["vic_TraffickingStatusDecisionMakingOrg"] = json!(c.decision_org);
            v["vic_TypeOfExploitation"] = json!(exploitation);
            v["vic_LocationOfExploitation"] = json!(c.destination_country);
            v["con_Consent"] = json!(p.consent == 1);
            v
        })
        .collect();
    let perpetrators: Vec<Value> = people
        .iter()
        .filter(|p| p.kind == "tersangka")
        .map(|p| {
            let mut v = person(p);
            v["per_RoleInProcess"] = json!(p.role_in_process.as_deref().unwrap_or("Other"));
            v
        })
        .collect();
    let status = CaseStatus::parse(&c.status)
        .map(|s| s.htcds())
        .unwrap_or("Active");
    json!({
        "cas_Status": status,
        "cas_ReasonForCaseClosure": if anon { Value::Null } else { json!(c.closure_reason) },
        "cas_CaseOwner": if anon { Value::Null } else { json!(c.owner_name) },
        "cas_OutgoingReferrals": referrals.iter().map(|(name, kind, at, purpose, st)| json!({
            "cas_ReferredOrganisation": name,
            "org_Type": org_type(kind),
            "cas_OutgoingReferralDate": opened_date(*at),
            "cas_ReasonForOutgoingReferral": purpose,
            "tppo_referral_status": st,
        })).collect::<Vec<_>>(),
        "victims": victims,
        "perpetrators": perpetrators,
        "spl_SupportPlans": services.iter().map(|s| json!({
            "spl_Type": s.service_type,
            "spl_ActualEndDate": s.service_date,
            "tppo_provider": s.provider,
        })).collect::<Vec<_>>(),
        "hte_Events": [{
            "hte_Type": "Recruitment",
            "hte_Country": "ID",
            "hte_State": &c.region_code[..2.min(c.region_code.len())],
        }],
        "tppo_case_number": if anon { Value::Null } else { json!(c.case_number) },
        "tppo_report_category": c.category,
        "tppo_opened": opened,
        "tppo_legal_stage": c.legal_stage,
        "tppo_legal_reference": if anon { Value::Null } else { json!(c.legal_reference) },
        "tppo_outcome": if anon { Value::Null } else { json!(c.outcome) },
        "tppo_region_code": if anon { kab } else { c.region_code.clone() },
        "tppo_destination_country": c.destination_country,
    })
}

/// The export as CSV: one row per victim (a case without victims still gives one row).
pub fn cases_csv(records: &[HtcdsRecord]) -> Result<String> {
    let cols = [
        "tppo_case_number",
        "cas_Status",
        "cas_ReasonForCaseClosure",
        "tppo_report_category",
        "tppo_opened",
        "tppo_region_code",
        "tppo_destination_country",
        "tppo_legal_stage",
        "prs_FirstName",
        "prs_SecondName",
        "prs_Gender",
        "prs_Birthdate",
        "tppo_age_band_at_opening",
        "prs_IdentityNumber",
        "prs_MobilePhone",
        "vic_TraffickingStatus",
        "vic_TypeOfExploitation",
        "con_Consent",
        "perpetrator_count",
        "referral_count",
        "service_count",
    ];
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(cols).map_err(|e| Error::Other(e.into()))?;
    let text = |v: &Value| -> String {
        let s = match v {
            Value::Null => String::new(),
            Value::String(s) => s.clone(),
            Value::Array(a) => a
                .iter()
                .filter_map(|x| x.as_str())
                .collect::<Vec<_>>()
                .join(";"),
            other => other.to_string(),
        };
        benteng_domain::values::safe_cell(&s)
    };
    for r in records {
        let victims = r["victims"].as_array().cloned().unwrap_or_default();
        let rows = if victims.is_empty() {
            vec![json!({})]
        } else {
            victims
        };
        for v in rows {
            let mut rec = Vec::new();
            for c in cols {
                let val = match c {
                    "perpetrator_count" => {
                        json!(r["perpetrators"].as_array().map_or(0, |a| a.len()))
                    }
                    "referral_count" => {
                        json!(r["cas_OutgoingReferrals"].as_array().map_or(0, |a| a.len()))
                    }
                    "service_count" => {
                        json!(r["spl_SupportPlans"].as_array().map_or(0, |a| a.len()))
                    }
                    c if c.starts_with("prs_")
                        || c.starts_with("vic_")
                        || c.starts_with("con_")
                        || c == "tppo_age_band_at_opening" =>
                    {
                        v.get(c).cloned().unwrap_or(Value::Null)
                    }
                    c => r.get(c).cloned().unwrap_or(Value::Null),
                };
                rec.push(text(&val));
            }
            w.write_record(&rec).map_err(|e| Error::Other(e.into()))?;
        }
    }
    let bytes = w
        .into_inner()
        .map_err(|e| Error::Other(anyhow::anyhow!("{e}")))?;
    String::from_utf8(bytes).map_err(|e| Error::Other(e.into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn age_bands_follow_ctdc() {
        assert_eq!(age_band("2010-06-01", "2026-05-31"), Some("9--17"));
        assert_eq!(age_band("2008-06-01", "2026-06-01"), Some("18--20"));
        assert_eq!(age_band("1970-01-01", "2026-01-01"), Some("48+"));
        assert_eq!(age_band("bad", "2026-01-01"), None);
    }

    #[test]
    fn csv_cells_cannot_become_formulas() {
        let r = json!({"tppo_case_number": "=HYPERLINK(1)", "victims": [{"prs_FirstName": "@x"}], "perpetrators": [], "cas_OutgoingReferrals": [], "spl_SupportPlans": []});
        let csv = cases_csv(&[r]).unwrap();
        assert!(csv.contains("'=HYPERLINK(1)"));
        assert!(csv.contains("'@x"));
    }
}
