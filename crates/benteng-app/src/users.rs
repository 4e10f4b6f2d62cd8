//! User accounts as admins manage them: the user form read into checked [`UserFields`] (the
//! role decides which of office, agency or region gives the user's home), creating and
//! changing accounts, and the lists. The storage (`benteng_db::users`) hashes passwords,
//! keeps the SQL, the policy checks, the sessions that end and the audit log.

use crate::regions::known_region;
use benteng_db::users::UserFields;
use benteng_db::{Ctx, Db, Error, Page, Result};
use benteng_domain::values::{new_password, optional_email, required_text, username};
use benteng_domain::{Action, FieldErrors, RegionLevel, Role};

pub use benteng_db::users::{random_password, random_token, User};

use crate::de::ticked;

/// A user form as typed (strings), parsed by [`Db::parse_user`].
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct UserInput {
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub username: String,
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub full_name: String,
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub email: String,
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub role: String,
    #[serde(default, deserialize_with = "crate::de::loose_opt")]
    pub pimpasa: Option<String>,
    #[serde(default, deserialize_with = "crate::de::loose_opt")]
    pub pemeriksa: Option<String>,
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub office_id: String,
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub agency_id: String,
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub region_code: String,
    /// Only read when creating a user or resetting a password.
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub password: String,
    #[serde(default, deserialize_with = "crate::de::loose_opt")]
    pub active: Option<String>,
}

/// Users the actor may see (all for admins, the province's users for kanwil), by username.
pub async fn list(
    db: &Db,
    ctx: &Ctx,
    q: &str,
    role: Option<Role>,
    page: Option<i64>,
    per_page: i64,
) -> Result<Page<User>> {
    db.users().list_users(ctx, q, role, page, per_page).await
}

/// One user, if the actor may see their home.
pub async fn show(db: &Db, ctx: &Ctx, id: i64) -> Result<User> {
    db.users().get_user(ctx, id).await
}

/// An admin creates an account; the user chooses their own password at the first sign-in.
pub async fn create(db: &Db, ctx: &Ctx, i: &UserInput) -> Result<i64> {
    ctx.require(Action::UserManage, None)?;
    let (u, password) = read(db, i, true).await?;
    db.users()
        .create_user(Some(ctx), &u, &password.unwrap_or_default(), true)
        .await
}

/// An account made with the operator's authority, without an actor: the command line, the
/// first start's admin (`must_change`) and the demo set.
pub async fn create_as_operator(db: &Db, i: &UserInput, must_change: bool) -> Result<i64> {
    let (u, password) = read(db, i, true).await?;
    db.users()
        .create_user(None, &u, &password.unwrap_or_default(), must_change)
        .await
}

/// An admin changes an account: profile, role, home, active; a non-empty password resets it.
pub async fn update(db: &Db, ctx: &Ctx, id: i64, i: &UserInput) -> Result<()> {
    db.users().user_editable(ctx, id).await?;
    let (u, password) = read(db, i, false).await?;
    db.users()
        .update_user(ctx, id, &u, ticked(&i.active), password.as_deref())
        .await
}

/// The operator sets a user's password on the command line (the account is activated).
pub async fn set_password_cli(db: &Db, uname: &str, pw: &str) -> Result<()> {
    let mut e = FieldErrors::new();
    let pw = e.check("password", new_password(pw, &[uname]));
    e.into_result()?;
    db.users()
        .set_password_cli(uname, &pw.unwrap_or_default())
        .await
}

/// Read the form; the password is required when `creating`, and otherwise read only when
/// one was typed.
async fn read(db: &Db, input: &UserInput, creating: bool) -> Result<(UserFields, Option<String>)> {
    let mut e = FieldErrors::new();
    let uname = e.check("username", username(&input.username));
    let full_name = e.check("full_name", required_text(&input.full_name, 120));
    let email = e.check("email", optional_email(&input.email)).flatten();
    let role = e.check("role", Role::parse(&input.role));
    let password = if creating || !input.password.is_empty() {
        e.check(
            "password",
            new_password(
                &input.password,
                &[
                    input.username.as_str(),
                    input.full_name.as_str(),
                    input.email.as_str(),
                ],
            ),
        )
    } else {
        None
    };
    let mut office_id = None;
    let mut agency_id = None;
    let mut region_code = None;
    let mut home_code = None;
    match role {
        Some(Role::Petugas) => match input.office_id.trim().parse::<i64>() {
            Ok(id) => match db.offices().office_province(id).await? {
                Some(p) => {
                    office_id = Some(id);
                    home_code = Some(p);
                }
                None => e.add("office_id", "err-not-found"),
            },
            Err(_) => e.add("office_id", "err-required"),
        },
        Some(Role::Mitra) => match input.agency_id.trim().parse::<i64>() {
            Ok(id) => match db.agencies().agency_region(id).await? {
                Some(r) => {
                    agency_id = Some(id);
                    home_code = Some(r);
                }
                None => e.add("agency_id", "err-not-found"),
            },
            Err(_) => e.add("agency_id", "err-required"),
        },
        Some(r @ (Role::Kanwil | Role::Desa)) => {
            let (want, wrong) = if r == Role::Kanwil {
                (RegionLevel::Provinsi, "err-region-need-province")
            } else {
                (RegionLevel::Desa, "err-region-need-desa")
            };
            let code = known_region(
                db,
                &input.region_code,
                "region_code",
                &mut e,
                |l| l == want,
                wrong,
            )
            .await?;
            region_code = code.map(|c| c.as_str().to_string());
            home_code = region_code.clone();
        }
        _ => {}
    }
    e.into_result()?;
    let (Some(username), Some(full_name), Some(role)) = (uname, full_name, role) else {
        return Err(Error::Invalid(FieldErrors::new()));
    };
    Ok((
        UserFields {
            username,
            full_name,
            email,
            role,
            // The flags describe officers only; ignore them on other roles.
            pimpasa: role == Role::Petugas && ticked(&input.pimpasa),
            pemeriksa: role == Role::Petugas && ticked(&input.pemeriksa),
            office_id,
            agency_id,
            region_code,
            home_code,
        },
        password,
    ))
}
