//! Users, passwords, API tokens, and the [`Actor`] (with its scope) built for each request.

use crate::audit::{self, Event};
use crate::credentials::{dummy_hash, verify_password};
pub use crate::credentials::{hash_password, random_password, random_token, token_hash, TokenRow};
use crate::sql::Filter;
use crate::{on_unique, Ctx, Error, Page, Result};
use benteng_domain::{Action, Actor, FieldErrors, RegionCode, RegionLevel, Role, Scope};
use serde::Serialize;
use sqlx::Row;

/// The account that authors what the system posts itself (the monthly report's announcement
/// in a room). Made inactive and without a usable password by migration 0036, left out of
/// the user list and of the first-start check.
pub const SYSTEM_USERNAME: &str = "benteng.sistem";

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct User {
    pub id: i64,
    pub username: String,
    pub full_name: String,
    pub email: Option<String>,
    pub role: String,
    pub pimpasa: i64,
    pub pemeriksa: i64,
    pub office_id: Option<i64>,
    pub agency_id: Option<i64>,
    pub region_code: Option<String>,
    pub home_code: Option<String>,
    pub locale: Option<String>,
    pub active: i64,
    pub last_login_at: Option<i64>,
    /// 1 when someone else chose the password: the user must choose their own first.
    pub must_change_password: i64,
    /// 1 when the user has confirmed a second factor (TOTP).
    pub totp_enabled: i64,
    pub created_at: i64,
}

/// Whose actor `Repo::actor_row` builds: a user by id, or the holder of an API token (by
/// the token's hash).
#[derive(Clone, Copy)]
enum Who<'a> {
    Id(i64),
    Token(&'a str),
    /// The user of a live session, by the session's id.
    Session(&'a str),
}

const USER_COLS: &str = "id, username, full_name, email, role, pimpasa, pemeriksa, office_id, agency_id, region_code, home_code, locale, active, last_login_at, must_change_password, totp_enabled, created_at";

impl User {
    pub fn role(&self) -> Role {
        Role::parse(&self.role).unwrap_or(Role::Desa)
    }
}

/// A user's profile, role and home, checked (read from the form by `benteng_app::users`).
#[derive(Debug, Clone)]
pub struct UserFields {
    pub username: String,
    pub full_name: String,
    pub email: Option<String>,
    pub role: Role,
    /// The flags describe officers only: false on other roles.
    pub pimpasa: bool,
    pub pemeriksa: bool,
    pub office_id: Option<i64>,
    pub agency_id: Option<i64>,
    pub region_code: Option<String>,
    /// The place the user's visibility to kanwil and admins follows (office's province,
    /// agency's region, own region).
    pub home_code: Option<String>,
}

impl crate::users::Repo<'_> {
    /// Create a user with a checked password. `ctx` is `None` only for the command line,
    /// first-start bootstrap and the demo set, which run with the operator's authority on the
    /// machine. `must_change`: the user must choose their own password at the first sign-in.
    pub async fn create_user(
        &self,
        ctx: Option<&Ctx>,
        u: &UserFields,
        password: &str,
        must_change: bool,
    ) -> Result<i64> {
        if let Some(c) = ctx {
            c.require(Action::UserManage, None)?;
        }
        let pw = password.to_string();
        let hash = tokio::task::spawn_blocking(move || hash_password(&pw))
            .await
            .map_err(|e| anyhow::anyhow!(e))??;
        let now = crate::now();
        let mut tx = self.db.begin().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO users (username, full_name, email, password_hash, role, pimpasa, pemeriksa, office_id, agency_id, region_code, home_code, active, must_change_password, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 1, $13, $12, $12) RETURNING id",
        )
        .bind(u.username.clone())
        .bind(u.full_name.clone())
        .bind(u.email.clone())
        .bind(hash)
        .bind(u.role.as_str())
        .bind(u.pimpasa as i64)
        .bind(u.pemeriksa as i64)
        .bind(u.office_id)
        .bind(u.agency_id)
        .bind(u.region_code.clone())
        .bind(u.home_code.clone())
        .bind(now)
        .bind(must_change as i64)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| on_unique(e, "username", "err-username-taken"))?;
        audit::write(
            &mut *tx,
            ctx,
            Event {
                action: "create",
                entity: "user",
                entity_id: Some(id.to_string()),
                detail: Some(format!("username={} role={}", u.username, u.role.as_str())),
                ..Default::default()
            },
        )
        .await?;
        tx.commit().await?;
        self.db
            .rooms()
            .sync_rooms(crate::rooms::Sync::User(id))
            .await?;
        Ok(id)
    }

    /// Refuse unless the actor manages users and user `id` exists (checked before the input
    /// is read).
    pub async fn user_editable(&self, ctx: &Ctx, id: i64) -> Result<()> {
        ctx.require(Action::UserManage, None)?;
        self.user_by_id(id).await?.ok_or(Error::NotFound)?;
        Ok(())
    }

    /// Update a user's profile, role, home and whether the account is active; a checked
    /// `password` resets it. An admin cannot demote or deactivate themselves: that check
    /// stays here, where it guards the write.
    pub async fn update_user(
        &self,
        ctx: &Ctx,
        id: i64,
        u: &UserFields,
        active: bool,
        password: Option<&str>,
    ) -> Result<()> {
        self.user_editable(ctx, id).await?;
        if id == ctx.actor.user_id && (!active || u.role != Role::Admin) {
            // An admin cannot lock themselves out by accident.
            return Err(Error::Invalid(FieldErrors(vec![
                benteng_domain::FieldError {
                    field: "role",
                    code: "err-self-demote",
                },
            ])));
        }
        let password_reset = password.is_some();
        let hash = match password.map(str::to_string) {
            Some(pw) => Some(
                tokio::task::spawn_blocking(move || hash_password(&pw))
                    .await
                    .map_err(|e| anyhow::anyhow!(e))??,
            ),
            None => None,
        };
        let mut tx = self.db.begin().await?;
        sqlx::query(
            "UPDATE users SET username = $1, full_name = $2, email = $3, role = $4, pimpasa = $5, pemeriksa = $6, \
             office_id = $7, agency_id = $8, region_code = $9, home_code = $10, active = $11, updated_at = $12 WHERE id = $13",
        )
        .bind(u.username.clone())
        .bind(u.full_name.clone())
        .bind(u.email.clone())
        .bind(u.role.as_str())
        .bind(u.pimpasa as i64)
        .bind(u.pemeriksa as i64)
        .bind(u.office_id)
        .bind(u.agency_id)
        .bind(u.region_code.clone())
        .bind(u.home_code.clone())
        .bind(active as i64)
        .bind(crate::now())
        .bind(id)
        .execute(&mut *tx)
        .await
        .map_err(|e| on_unique(e, "username", "err-username-taken"))?;
        if let Some(h) = hash {
            // A password an admin chose for someone else must be replaced at their next sign-in.
            sqlx::query(
                "UPDATE users SET password_hash = $1, must_change_password = $2 WHERE id = $3",
            )
            .bind(h)
            .bind((id != ctx.actor.user_id) as i64)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        }
        if !active || password_reset {
            // A deactivated user, or one whose password was reset, is signed out everywhere.
            crate::sessions::end_sessions_of(&mut tx, id, None).await?;
        }
        audit::write(
            &mut *tx,
            Some(ctx),
            Event {
                action: if password_reset {
                    "update+password"
                } else {
                    "update"
                },
                entity: "user",
                entity_id: Some(id.to_string()),
                detail: Some(format!("role={} active={active}", u.role.as_str())),
                ..Default::default()
            },
        )
        .await?;
        tx.commit().await?;
        self.db
            .rooms()
            .sync_rooms(crate::rooms::Sync::User(id))
            .await?;
        Ok(())
    }

    /// Whether `current` is the acting user's password (before they choose a new one).
    pub async fn verify_own_password(&self, ctx: &Ctx, current: &str) -> Result<bool> {
        let hash: String = sqlx::query_scalar("SELECT password_hash FROM users WHERE id = $1")
            .bind(ctx.actor.user_id)
            .fetch_one(&self.db.pool)
            .await?;
        let cur = current.to_string();
        Ok(
            tokio::task::spawn_blocking(move || verify_password(&cur, &hash))
                .await
                .map_err(|e| anyhow::anyhow!(e))?,
        )
    }

    /// A user's own new password (checked, after [`crate::users::Repo::verify_own_password`]). Their other
    /// sessions and API tokens end; `keep_session` (the one they are using) stays.
    pub async fn set_own_password(
        &self,
        ctx: &Ctx,
        new: &str,
        keep_session: Option<&str>,
    ) -> Result<()> {
        let pw = new.to_string();
        let h = tokio::task::spawn_blocking(move || hash_password(&pw))
            .await
            .map_err(|e| anyhow::anyhow!(e))??;
        let mut tx = self.db.begin().await?;
        sqlx::query("UPDATE users SET password_hash = $1, must_change_password = 0, updated_at = $2 WHERE id = $3")
            .bind(h)
            .bind(crate::now())
            .bind(ctx.actor.user_id)
            .execute(&mut *tx)
            .await?;
        crate::sessions::end_sessions_of(&mut tx, ctx.actor.user_id, keep_session).await?;
        audit::write(
            &mut *tx,
            Some(ctx),
            Event {
                action: "change_password",
                entity: "user",
                entity_id: Some(ctx.actor.user_id.to_string()),
                ..Default::default()
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The command line's password reset with a checked password (no actor: the operator
    /// has the machine).
    pub async fn set_password_cli(&self, uname: &str, pw: &str) -> Result<()> {
        let pw = pw.to_string();
        let h = tokio::task::spawn_blocking(move || hash_password(&pw))
            .await
            .map_err(|e| anyhow::anyhow!(e))??;
        let mut tx = self.db.begin().await?;
        let id: Option<i64> = sqlx::query_scalar(
            "UPDATE users SET password_hash = $1, active = 1, must_change_password = 0, updated_at = $2 WHERE username = $3 RETURNING id",
        )
        .bind(h)
        .bind(crate::now())
        .bind(uname.trim().to_lowercase())
        .fetch_optional(&mut *tx)
        .await?;
        let Some(id) = id else {
            return Err(Error::NotFound);
        };
        crate::sessions::end_sessions_of(&mut tx, id, None).await?;
        tx.commit().await?;
        self.db
            .audit()
            .audit(
                None,
                Event {
                    action: "cli_password_reset",
                    entity: "user",
                    entity_id: Some(id.to_string()),
                    ..Default::default()
                },
            )
            .await
    }

    pub async fn set_locale(&self, user_id: i64, locale: &str) -> Result<()> {
        sqlx::query("UPDATE users SET locale = $1 WHERE id = $2")
            .bind(locale.to_string())
            .bind(user_id)
            .execute(&self.db.pool)
            .await?;
        Ok(())
    }

    /// People's accounts (the system's own author, [`SYSTEM_USERNAME`], is not one): zero on
    /// a first start, when `serve` makes the first administrator.
    pub async fn user_count(&self) -> Result<i64> {
        Ok(
            sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE username <> $1")
                .bind(SYSTEM_USERNAME)
                .fetch_one(&self.db.pool)
                .await?,
        )
    }

    /// The id of the system's own author (migration 0036).
    pub async fn system_user_id(&self) -> Result<i64> {
        Ok(
            sqlx::query_scalar("SELECT id FROM users WHERE username = $1")
                .bind(SYSTEM_USERNAME)
                .fetch_one(&self.db.pool)
                .await?,
        )
    }

    pub(crate) async fn user_by_id(&self, id: i64) -> Result<Option<User>> {
        Ok(sqlx::query_as::<_, User>(sqlx::AssertSqlSafe(format!(
            "SELECT {USER_COLS} FROM users WHERE id = $1"
        )))
        .bind(id)
        .fetch_optional(&self.db.pool)
        .await?)
    }

    /// Check a username and password. Unknown users, wrong passwords and deactivated accounts
    /// all answer `None` after the same amount of work.
    pub async fn authenticate(&self, uname: &str, password: &str) -> Result<Option<User>> {
        let uname = uname.trim().to_lowercase();
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {USER_COLS}, password_hash FROM users WHERE username = $1"
        )))
        .bind(uname)
        .fetch_optional(&self.db.pool)
        .await?;
        let (user, hash) = match row {
            Some(r) => {
                let u = <User as sqlx::FromRow<_>>::from_row(&r)?;
                let h: String = r.try_get("password_hash")?;
                (Some(u), h)
            }
            None => (None, dummy_hash().to_string()),
        };
        let pw = password.to_string();
        let ok = tokio::task::spawn_blocking(move || verify_password(&pw, &hash))
            .await
            .map_err(|e| anyhow::anyhow!(e))?;
        match user {
            Some(u) if ok && u.active == 1 => {
                sqlx::query("UPDATE users SET last_login_at = $1 WHERE id = $2")
                    .bind(crate::now())
                    .bind(u.id)
                    .execute(&self.db.pool)
                    .await?;
                Ok(Some(u))
            }
            _ => Ok(None),
        }
    }

    /// The id of an account by name, for auditing failed logins of real accounts only.
    pub async fn user_id_by_name(&self, uname: &str) -> Result<Option<i64>> {
        Ok(
            sqlx::query_scalar("SELECT id FROM users WHERE username = $1")
                .bind(uname.trim().to_lowercase())
                .fetch_optional(&self.db.pool)
                .await?,
        )
    }

    /// Build the actor for an active user: role, flags and the scope in force today.
    pub async fn actor(&self, user_id: i64) -> Result<Option<(Actor, User)>> {
        Ok(self
            .actor_row(Who::Id(user_id), false)
            .await?
            .map(|(actor, user, _, _)| (actor, user)))
    }

    /// [`Self::actor_and_unread`] for the user of a live session, with the session's stored
    /// data, in one statement (a signed-in page read the session and then its user: two).
    /// `None` when the session has expired, has no user, or its user is not active: the
    /// caller then reads the session as usual.
    pub async fn actor_for_session(
        &self,
        session_id: &str,
    ) -> Result<Option<(Actor, User, i64, String)>> {
        Ok(self
            .actor_row(Who::Session(session_id), true)
            .await?
            .and_then(|(actor, user, unread, data)| Some((actor, user, unread, data?))))
    }

    /// [`Self::actor`] for the holder of an API token that has not expired, in one
    /// statement (the token's lookup used to be a statement of its own on every API call).
    /// The token's last use is written at most every five minutes.
    pub async fn actor_for_token(&self, token: &str) -> Result<Option<(Actor, User)>> {
        Ok(self
            .actor_row(Who::Token(&crate::credentials::token_hash(token)), false)
            .await?
            .map(|(actor, user, _, _)| (actor, user)))
    }

    /// [`Self::actor`] and the user's unread in-app notifications, for a page's menu badge:
    /// one statement instead of two on every page a signed-in user opens.
    pub async fn actor_and_unread(&self, user_id: i64) -> Result<Option<(Actor, User, i64)>> {
        Ok(self
            .actor_row(Who::Id(user_id), true)
            .await?
            .map(|(actor, user, unread, _)| (actor, user, unread)))
    }

    /// The actor, the user, their unread notifications (when `with_unread`) and, for
    /// [`Who::Session`], the session's data.
    async fn actor_row(
        &self,
        who: Who<'_>,
        with_unread: bool,
    ) -> Result<Option<(Actor, User, i64, Option<String>)>> {
        // The user and their office's area in force today in one statement: this runs on
        // every signed-in request, and on PostgreSQL every statement is a round trip.
        #[derive(sqlx::FromRow)]
        struct Row {
            #[sqlx(flatten)]
            user: User,
            area: Option<String>,
            unread: i64,
            token_used: Option<i64>,
            session_data: Option<String>,
        }
        let agg = match self.db.backend {
            crate::Backend::Sqlite => "group_concat(a.region_code, ',')",
            crate::Backend::Postgres => "string_agg(a.region_code, ',')",
        };
        // As `outbox::Repo::unread_notifications`.
        let unread = if with_unread {
            "(SELECT COUNT(*) FROM outbox o WHERE o.recipient_id = users.id AND o.channel = 'inapp' AND o.read_at IS NULL)"
        } else {
            "0"
        };
        let now = crate::now();
        // $1 the user (or the token's hash, or the session's id), $2 today, $3 now.
        let no_token = "CAST(NULL AS BIGINT)";
        let no_session = "CAST(NULL AS TEXT)";
        let (token_used, session_data, user) = match who {
            Who::Id(_) => (no_token, no_session, "$1"),
            Who::Token(_) => (
                "(SELECT last_used_at FROM api_tokens WHERE token_hash = $1)",
                no_session,
                "(SELECT user_id FROM api_tokens WHERE token_hash = $1 AND expires_at > $3)",
            ),
            Who::Session(_) => (
                no_token,
                "(SELECT data FROM sessions WHERE id = $1 AND expires_at > $3)",
                "(SELECT user_id FROM sessions WHERE id = $1 AND expires_at > $3)",
            ),
        };
        let q = sqlx::query_as::<_, Row>(sqlx::AssertSqlSafe(format!(
            "SELECT {USER_COLS}, (SELECT {agg} FROM office_areas a WHERE a.office_id = users.office_id \
             AND a.valid_from <= $2 AND (a.valid_to IS NULL OR a.valid_to > $2)) AS area, \
             CAST({unread} AS BIGINT) AS unread, {token_used} AS token_used, \
             {session_data} AS session_data FROM users WHERE id = {user}"
        )));
        let q = match who {
            Who::Id(id) => q.bind(id),
            Who::Token(key) | Who::Session(key) => q.bind(key.to_string()),
        };
        let row = q
            .bind(benteng_domain::values::format_date(crate::today()))
            .bind(now)
            .fetch_optional(&self.db.pool)
            .await?;
        let Some(Row {
            user: u,
            area,
            unread,
            token_used,
            session_data,
        }) = row
        else {
            return Ok(None);
        };
        if let Who::Token(hash) = who {
            if token_used.is_none_or(|t| now - t >= 300) {
                sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE token_hash = $2")
                    .bind(now)
                    .bind(hash.to_string())
                    .execute(&self.db.pool)
                    .await?;
            }
        }
        if u.active != 1 {
            return Ok(None);
        }
        let region = u
            .region_code
            .as_deref()
            .and_then(|c| RegionCode::parse(c).ok());
        let scope = match u.role() {
            Role::Admin => Scope::All,
            Role::Kanwil => region.map(Scope::Province).unwrap_or(Scope::Nothing),
            Role::Desa => region.map(Scope::Village).unwrap_or(Scope::Nothing),
            Role::Petugas => match u.office_id {
                Some(_) => {
                    // As `crate::offices::Repo::office_area_on`: valid codes, in order.
                    let mut codes: Vec<RegionCode> = area
                        .as_deref()
                        .unwrap_or("")
                        .split(',')
                        .filter_map(|c| RegionCode::parse(c).ok())
                        .collect();
                    codes.sort_by(|a, b| a.as_str().cmp(b.as_str()));
                    if codes.is_empty() {
                        Scope::Nothing
                    } else {
                        Scope::Regencies(codes)
                    }
                }
                None => Scope::Nothing,
            },
            Role::Mitra => match u
                .home_code
                .as_deref()
                .and_then(|c| RegionCode::parse(c).ok())
            {
                Some(c) if c.level() == RegionLevel::Provinsi => Scope::Province(c),
                Some(c) => c
                    .ancestor(RegionLevel::KabupatenKota)
                    .map(|k| Scope::Regencies(vec![k]))
                    .unwrap_or(Scope::Nothing),
                None => Scope::Nothing,
            },
        };
        let actor = Actor {
            user_id: u.id,
            username: u.username.clone(),
            role: u.role(),
            pimpasa: u.pimpasa == 1,
            pemeriksa: u.pemeriksa == 1,
            office_id: u.office_id,
            agency_id: u.agency_id,
            scope,
        };
        Ok(Some((actor, u, unread, session_data)))
    }

    /// Users the actor may see: all for admins, the province's users for kanwil.
    pub async fn list_users(
        &self,
        ctx: &Ctx,
        q: &str,
        role: Option<Role>,
        page: Option<i64>,
        per_page: i64,
    ) -> Result<Page<User>> {
        ctx.require(Action::UserView, None)?;
        let mut f = Filter::default();
        let system = f.text(SYSTEM_USERNAME);
        f.push(format!("username <> {system}"));
        match &ctx.actor.scope {
            Scope::All => {}
            Scope::Province(p) => {
                let a = f.text(p.as_str());
                let b = f.text(format!("{}.%", p.as_str()));
                f.push(format!("(home_code = {a} OR home_code LIKE {b})"));
            }
            _ => f.push("1 = 0".into()),
        }
        if !q.trim().is_empty() {
            let ph = f.text(crate::sql::like_pattern(q));
            f.push(format!(
                "(LOWER(username) LIKE {ph} OR LOWER(full_name) LIKE {ph})"
            ));
        }
        if let Some(r) = role {
            let ph = f.text(r.as_str());
            f.push(format!("role = {ph}"));
        }
        let (page, per_page, offset) = crate::paging(page, per_page);
        let total = f
            .scalar(format!("SELECT COUNT(*) FROM users{}", f.where_sql()))
            .fetch_one(&self.db.pool)
            .await?;
        let items = f
            .query_as::<User>(format!(
                "SELECT {USER_COLS} FROM users{} ORDER BY username LIMIT {per_page} OFFSET {offset}",
                f.where_sql()
            ))
            .fetch_all(&self.db.pool)
            .await?;
        Ok(Page {
            items,
            total,
            page,
            per_page,
            more: false,
        })
    }

    pub async fn get_user(&self, ctx: &Ctx, id: i64) -> Result<User> {
        let u = self.user_by_id(id).await?.ok_or(Error::NotFound)?;
        let home = u
            .home_code
            .as_deref()
            .and_then(|c| RegionCode::parse(c).ok());
        let visible = match &home {
            Some(h) => ctx.allows(Action::UserView, Some(h)),
            None => ctx.actor.role == Role::Admin,
        };
        if !visible {
            return Err(Error::Forbidden);
        }
        Ok(u)
    }

    /// Officers (petugas) of one office, for assigning PIMPASA to a village.
    pub async fn office_officers(&self, office_id: i64) -> Result<Vec<User>> {
        Ok(sqlx::query_as::<_, User>(sqlx::AssertSqlSafe(format!(
            "SELECT {USER_COLS} FROM users WHERE office_id = $1 AND role = 'petugas' AND active = 1 ORDER BY full_name"
        )))
        .bind(office_id)
        .fetch_all(&self.db.pool)
        .await?)
    }
}

/// The users repository, reached as `db.users()`: every storage function of
/// this area is a method of it, so a call names the module it lands in.
#[derive(Debug, Clone, Copy)]
pub struct Repo<'a> {
    pub(crate) db: &'a crate::Db,
}
