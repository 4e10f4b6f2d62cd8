//! The "left without the procedure" flag (`nonprocedural`), recomputed from the checklist in
//! the database: for one resident on each change, for the whole register when the checklist
//! changes.

use super::*;

/// Recompute the "left without the procedure" flag of every resident in one statement, after
/// the checklist changed: the same rule as [`missing_steps`] (a required step in force on the
/// departure day, or today without one, not settled), in SQL so that a province's register is
/// done in one pass. Dates are ISO text, so they compare as text. Returns the rows updated.
pub(super) async fn recompute_all(tx: &mut sqlx::Transaction<'static, sqlx::Any>) -> Result<u64> {
    let n = sqlx::query(
        "UPDATE migrants SET nonprocedural = CASE WHEN \
           (status IN ('berangkat', 'luar_negeri', 'pulang') OR (status = 'bermasalah' AND departure_date IS NOT NULL)) \
           AND EXISTS (SELECT 1 FROM checklist_steps c WHERE c.required = 1 \
             AND c.effective_from <= COALESCE(migrants.departure_date, $1) \
             AND (c.effective_until IS NULL OR COALESCE(migrants.departure_date, $1) < c.effective_until) \
             AND NOT EXISTS (SELECT 1 FROM migrant_steps s WHERE s.migrant_id = migrants.id AND s.step = c.code \
               AND s.status IN ('selesai', 'tidak_perlu'))) \
         THEN 1 ELSE 0 END \
         WHERE status IN ('berangkat', 'luar_negeri', 'pulang', 'bermasalah')",
    )
    .bind(format_date(crate::today()))
    .execute(&mut **tx)
    .await?
    .rows_affected();
    Ok(n)
}

/// Recompute the "left without the procedure" flag from the stored checklist; returns it.
pub(super) async fn recompute(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    id: i64,
) -> Result<bool> {
    let (status, departure): (String, Option<String>) =
        sqlx::query_as("SELECT status, departure_date FROM migrants WHERE id = $1")
            .bind(id)
            .fetch_one(&mut **tx)
            .await?;
    let steps: Vec<StepRecord> = sqlx::query_as(
        "SELECT c.code, c.position, c.label, c.legal, c.effective_from, c.effective_until, c.required, s.status \
         FROM checklist_steps c LEFT JOIN migrant_steps s ON s.step = c.code AND s.migrant_id = $1",
    )
    .bind(id)
    .fetch_all(&mut **tx)
    .await?;
    let pairs: Vec<(Step, Option<StepStatus>)> =
        steps.into_iter().filter_map(StepRecord::step).collect();
    let status = MigrantStatus::parse(&status).unwrap_or(MigrantStatus::Rencana);
    let departed = departure.as_deref().and_then(|d| date(d).ok());
    let flagged = !missing_steps(status, departed, crate::today(), &pairs).is_empty();
    sqlx::query("UPDATE migrants SET nonprocedural = $1 WHERE id = $2")
        .bind(i64::from(flagged))
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(flagged)
}
