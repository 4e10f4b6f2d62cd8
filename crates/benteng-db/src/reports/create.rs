//! Intake: validating a report from the public form, a village or an officer, storing its
//! files, people and full-text entry, and notifying the area in the same transaction.

use super::*;
use crate::idempotency::{self, IdemKey};

/// The id and tracking code a report's idempotency key recorded ("id code").
fn report_answer(answer: &str) -> Result<(i64, String)> {
    answer
        .split_once(' ')
        .and_then(|(id, code)| Some((id.parse().ok()?, code.to_string())))
        .ok_or_else(|| Error::Other(anyhow::anyhow!("unreadable idempotency answer")))
}

impl crate::reports::Repo<'_> {
    /// Store cleaned files before the rows that point at them.
    pub(crate) async fn store_files(
        &self,
        store: &dyn BlobStore,
        files: &[CleanFile],
    ) -> Result<Vec<String>> {
        let mut keys = Vec::new();
        for f in files {
            let key = new_key(f);
            store
                .put(&key, &f.bytes)
                .await
                .map_err(crate::storage::put_failed)?;
            keys.push(key);
        }
        Ok(keys)
    }

    /// A report from the public form (read by `benteng_app::reports`). Committed (with its
    /// files stored) before the tracking code is returned, so an acknowledged report survives
    /// a crash. A repeat with the same `idempotency_key` answers the first report's id and
    /// tracking code (see [`crate::idempotency`]).
    pub async fn insert_public_report(
        &self,
        v: NewReport,
        files: &[CleanFile],
        store: &dyn BlobStore,
        idempotency_key: Option<&str>,
    ) -> Result<(i64, String)> {
        let idem = IdemKey::public(idempotency_key);
        self.insert_report(None, v, Source::Publik, files, store, None, idem.as_ref())
            .await
    }

    /// A report by a signed-in user, in their scope. `source` is the user's kind (village or
    /// officer) unless given; `origin` (`pesan` or `whatsapp`, and the message id) is linked
    /// both ways in the same transaction, and a message already turned into a report is
    /// refused.
    pub async fn insert_user_report(
        &self,
        ctx: &Ctx,
        v: NewReport,
        files: &[CleanFile],
        store: &dyn BlobStore,
        source: Option<Source>,
        origin: Option<(&'static str, i64)>,
    ) -> Result<(i64, String)> {
        ctx.require(Action::ReportCreate, None)?;
        if !ctx.allows(Action::ReportCreate, Some(&v.village)) {
            return Err(invalid("region_code", "err-region-out-of-scope"));
        }
        let source = source.unwrap_or(if ctx.actor.role == Role::Desa {
            Source::Desa
        } else {
            Source::Petugas
        });
        let idem = IdemKey::of(ctx);
        self.insert_report(Some(ctx), v, source, files, store, origin, idem.as_ref())
            .await
    }

    #[allow(clippy::too_many_arguments)]
    async fn insert_report(
        &self,
        ctx: Option<&Ctx>,
        v: NewReport,
        source: Source,
        files: &[CleanFile],
        store: &dyn BlobStore,
        origin: Option<(&'static str, i64)>,
        idem: Option<&IdemKey>,
    ) -> Result<(i64, String)> {
        if let Some(answer) = idempotency::earlier(self.db, idem, "report").await? {
            return report_answer(&answer);
        }
        if files.len() > MAX_FILES {
            return Err(Error::Invalid(FieldErrors(vec![
                benteng_domain::FieldError {
                    field: "files",
                    code: "err-too-many-files",
                },
            ])));
        }
        let keys = self.store_files(store, files).await?;
        let (kab, prov) = kab_and_prov(&v.village);
        let kab = kab.unwrap_or_default();
        let linked = self.count_links(&v.people, &kab, None).await?;
        let p = priority(
            &self.db.weights,
            &PriorityInput {
                category: Some(v.category),
                indicators: &[],
                // Only a victim or person at risk who is a child raises the priority.
                minor: v
                    .people
                    .iter()
                    .any(|p| p.minor && p.role == PersonRole::Korban),
                departure_soon: v.departure_soon,
                recruiter_known: v.people.iter().any(|p| {
                    p.role == PersonRole::Perekrut && (p.name.is_some() || p.phone.is_some())
                }),
                linked_reports: linked,
            },
        );
        let now = crate::now();
        let mut tx = self.db.begin().await?;
        let mut attempt = 0;
        let (id, code) = loop {
            let random: [u8; TRACKING_CODE_LEN] = rand::random();
            let code = tracking_code(&random);
            let r: std::result::Result<i64, sqlx::Error> = sqlx::query_scalar(
                "INSERT INTO reports (tracking_code, category, status, source, region_code, kab_code, prov_code, description, places, \
                 destination_country, incident_date, departure_soon, anonymous, reporter_name, reporter_phone, reporter_user_id, \
                 priority, priority_reasons, priority_linked, created_at, updated_at) \
                 VALUES ($1, $2, 'baru', $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $19) RETURNING id",
            )
            .bind(code.clone())
            .bind(v.category.as_str())
            .bind(source.as_str())
            .bind(v.village.as_str().to_string())
            .bind(kab.clone())
            .bind(prov.clone())
            .bind(v.description.clone())
            .bind(v.places.clone())
            .bind(v.destination_country.clone())
            .bind(v.incident_date.clone())
            .bind(v.departure_soon as i64)
            .bind(v.anonymous as i64)
            .bind(v.reporter_name.clone())
            .bind(v.reporter_phone.clone())
            .bind(ctx.map(|c| c.actor.user_id))
            .bind(p.score)
            .bind(p.encode_reasons())
            .bind(p.linked_part())
            .bind(now)
            .fetch_one(&mut *tx)
            .await;
            match r {
                Ok(id) => break (id, code),
                // A clash of random codes is astronomically rare; try another.
                Err(sqlx::Error::Database(d)) if d.is_unique_violation() && attempt < 3 => {
                    attempt += 1;
                }
                Err(e) => return Err(e.into()),
            }
        };
        for person in &v.people {
            insert_person(&mut tx, id, person).await?;
        }
        for (f, key) in files.iter().zip(&keys) {
            sqlx::query("INSERT INTO report_attachments (report_id, storage_key, content_type, size, file_name, uploaded_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
                .bind(id)
                .bind(key.clone())
                .bind(f.content_type)
                .bind(f.bytes.len() as i64)
                .bind(f.file_name.clone())
                .bind(ctx.map(|c| c.actor.user_id))
                .bind(now)
                .execute(&mut *tx)
                .await?;
        }
        if let Some((kind, message)) = origin {
            let table = if kind == "whatsapp" {
                "wa_messages"
            } else {
                "room_messages"
            };
            let linked = sqlx::query(sqlx::AssertSqlSafe(format!(
                "UPDATE {table} SET report_id = $1 WHERE id = $2 AND report_id IS NULL"
            )))
            .bind(id)
            .bind(message)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if linked != 1 {
                return Err(Error::Conflict("message", "err-message-has-report"));
            }
            sqlx::query("UPDATE reports SET origin_kind = $1, origin_id = $2 WHERE id = $3")
                .bind(kind)
                .bind(message)
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        add_event(&mut tx, id, ctx, "created", None, Some("baru"), None).await?;
        crate::webhooks::queue::emit(
            &mut tx,
            benteng_domain::webhook::EventKind::ReportFiled,
            v.village.as_str(),
            serde_json::json!({
                "report": {
                    "id": id,
                    "category": v.category.as_str(),
                    "source": source.as_str(),
                    "status": "baru",
                },
                "links": { "api": format!("/api/v1/reports/{id}"), "web": format!("/laporan/{id}") },
            }),
        )
        .await?;
        self.index_report(&mut tx, id).await?;
        let recipients = outbox::area_officers(&mut tx, &kab).await?;
        outbox::notify(
            &mut tx,
            &recipients,
            &Notice {
                kind: "report_new",
                link: format!("/laporan/{id}"),
                subject: format!("{}|{}", v.category.as_str(), code),
            },
        )
        .await?;
        audit::write(
            &mut *tx,
            ctx,
            Event {
                action: "create",
                entity: "report",
                entity_id: Some(id.to_string()),
                region: Some(&v.village),
                detail: Some(format!(
                    "source={} category={}",
                    source.as_str(),
                    v.category.as_str()
                )),
                ..Default::default()
            },
        )
        .await?;
        if !idempotency::remember(&mut tx, idem, "report", &format!("{id} {code}")).await? {
            drop(tx);
            return report_answer(&idempotency::first_answer(self.db, idem, "report").await?);
        }
        tx.commit().await?;
        Ok((id, code))
    }

    /// How many other reports of the same kabupaten/kota (`kab`) share a phone or a distinctive
    /// name with these people. Only that area: the count goes into the priority, which the
    /// filer sees, and the officers who triage it can open every report it counts. Reports
    /// elsewhere in the country appear on the report's page for those whose scope covers them
    /// ([`crate::reports::Repo::get_report`]'s linked list), never as a bare number.
    pub(super) async fn count_links(
        &self,
        people: &[NewPerson],
        kab: &str,
        except: Option<i64>,
    ) -> Result<i64> {
        let mut f = Filter::default();
        let mut ors = Vec::new();
        for p in people {
            if let Some(ph) = &p.phone {
                ors.push(format!("phone = {}", f.text(ph.clone())));
            }
            if let Some(n) = &p.name {
                let k = name_key(n);
                if name_key_links(&k) {
                    ors.push(format!("name_key = {}", f.text(k)));
                }
            }
        }
        if ors.is_empty() {
            return Ok(0);
        }
        let except = f.int(except.unwrap_or(0));
        let kab = f.text(kab.to_string());
        // Capped: beyond a handful the priority does not change.
        let n = f
            .scalar(format!(
                "SELECT COUNT(*) FROM (SELECT DISTINCT report_id FROM report_people WHERE ({}) AND kab_code = {kab} AND report_id <> {except} LIMIT 20) x",
                ors.join(" OR ")
            ))
            .fetch_one(&self.db.pool)
            .await?;
        Ok(n)
    }

    /// (Re)write a report's full-text entry: the tracking code, description, places, the
    /// people's names and added information. Only what every viewer of the report sees: a
    /// person's address (`village`) is masked for the Kanwil and villages, so it is not in the
    /// index, where a prefix search would spell it out letter by letter (migration 0026).
    pub(crate) async fn index_report(
        &self,
        tx: &mut sqlx::Transaction<'static, sqlx::Any>,
        id: i64,
    ) -> Result<()> {
        let (desc, places, code): (String, Option<String>, String) =
            sqlx::query_as("SELECT description, places, tracking_code FROM reports WHERE id = $1")
                .bind(id)
                .fetch_one(&mut **tx)
                .await?;
        let names: Vec<(Option<String>,)> =
            sqlx::query_as("SELECT name FROM report_people WHERE report_id = $1")
                .bind(id)
                .fetch_all(&mut **tx)
                .await?;
        let infos: Vec<(Option<String>,)> =
            sqlx::query_as("SELECT body FROM report_events WHERE report_id = $1 AND kind = 'info'")
                .bind(id)
                .fetch_all(&mut **tx)
                .await?;
        let mut text = format!("{code} {desc} {}", places.unwrap_or_default());
        for (n,) in names {
            text.push(' ');
            text.push_str(&n.unwrap_or_default());
        }
        for (b,) in infos {
            text.push(' ');
            text.push_str(&b.unwrap_or_default());
        }
        match self.db.backend {
            Backend::Sqlite => {
                sqlx::query("DELETE FROM report_fts WHERE rowid = $1")
                    .bind(id)
                    .execute(&mut **tx)
                    .await?;
                sqlx::query("INSERT INTO report_fts (rowid, body) VALUES ($1, $2)")
                    .bind(id)
                    .bind(text)
                    .execute(&mut **tx)
                    .await?;
            }
            Backend::Postgres => {
                sqlx::query("UPDATE reports SET search_text = $1 WHERE id = $2")
                    .bind(text)
                    .bind(id)
                    .execute(&mut **tx)
                    .await?;
            }
        }
        Ok(())
    }
}
