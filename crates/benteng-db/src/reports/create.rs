//! Intake: validating a report from the public form, a village or an officer, storing its
//! files, people and full-text entry, and notifying the area in the same transaction.

use super::group;
use super::*;
use crate::idempotency::{self, IdemKey};

/// The id and tracking code a report's idempotency key recorded ("id code").
pub(super) fn report_answer(answer: &str) -> Result<(i64, String)> {
    answer
        .split_once(' ')
        .and_then(|(id, code)| Some((id.parse().ok()?, code.to_string())))
        .ok_or_else(|| Error::Other(anyhow::anyhow!("unreadable idempotency answer")))
}

/// A report's full-text entry: the tracking code, description, places, then the people's
/// names and added information (`rest`).
pub(super) fn index_text<'a>(
    code: &str,
    description: &str,
    places: Option<&str>,
    rest: impl Iterator<Item = &'a str>,
) -> String {
    let mut text = format!("{code} {description} {}", places.unwrap_or_default());
    for t in rest {
        text.push(' ');
        text.push_str(t);
    }
    text
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
        // A repeat is answered by the intake writer, which takes the batch's keys before it
        // writes (`group`), so a report without files is not read for here: one statement
        // fewer per keyed report. With files, the read comes first so that a repeat does
        // not store its files again.
        if !files.is_empty() {
            if let Some(answer) = idempotency::earlier(self.db, idem, "report").await? {
                return report_answer(&answer);
            }
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
        let attachments = files
            .iter()
            .zip(keys)
            .map(|(f, key)| group::Attachment {
                key,
                content_type: f.content_type,
                size: f.bytes.len() as i64,
                file_name: f.file_name.clone(),
            })
            .collect();
        group::submit(group::Pending {
            db: self.db.clone(),
            ctx: ctx.cloned(),
            report: v,
            source,
            attachments,
            origin,
            idem: idem.cloned(),
            priority: p,
            kab,
            prov,
        })
        .await
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
        let text = index_text(
            &code,
            &desc,
            places.as_deref(),
            names
                .iter()
                .chain(&infos)
                .map(|(t,)| t.as_deref().unwrap_or("")),
        );
        self.write_index(tx, id, text).await
    }

    /// Store `text` as report `id`'s full-text entry, in place of the one it had. (A new
    /// report's first entry is written with its row, `group::write_rows`.)
    async fn write_index(
        &self,
        tx: &mut sqlx::Transaction<'static, sqlx::Any>,
        id: i64,
        text: String,
    ) -> Result<()> {
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
