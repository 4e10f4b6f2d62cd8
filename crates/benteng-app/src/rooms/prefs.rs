//! Notification preferences: per kind and channel, with the e-mail address and phone the
//! channels need. Only the channels the operator configured are offered (the caller passes
//! them).

use benteng_db::rooms::prefs::NewPreferences;
use benteng_db::{Ctx, Db, Result};
use benteng_domain::coordination::{Channel, NoticeKind};
use benteng_domain::{FieldErrors, PhoneNumber};
use serde::Deserialize;

pub use benteng_db::rooms::prefs::Preferences;

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct PreferencesInput {
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub phone: String,
    /// `kind:channel` pairs to switch on; every other pair of an offered channel is off.
    #[serde(default)]
    pub on: Vec<String>,
}

/// My choices and addresses.
pub async fn show(db: &Db, ctx: &Ctx) -> Result<Preferences> {
    db.rooms().preferences(ctx).await
}

/// Save my choices for the `offered` channels, and my addresses. A channel switched on needs
/// its address (e-mail; a phone for WhatsApp and SMS): the error is on that field.
pub async fn save(db: &Db, ctx: &Ctx, i: &PreferencesInput, offered: &[Channel]) -> Result<()> {
    let p = read(i, offered)?;
    db.rooms().set_preferences(ctx, &p, offered).await
}

fn read(i: &PreferencesInput, offered: &[Channel]) -> Result<NewPreferences> {
    let mut e = FieldErrors::new();
    let email = i.email.trim();
    let email = if email.is_empty() {
        None
    } else if email.chars().count() > 200
        || !email.contains('@')
        || email.starts_with('@')
        || email.ends_with('@')
        || email.contains(char::is_whitespace)
    {
        e.add("email", "err-email");
        None
    } else {
        Some(email.to_string())
    };
    let phone = match i.phone.trim() {
        "" => None,
        p => match PhoneNumber::parse(p) {
            Ok(p) => Some(p.as_str().to_string()),
            Err(c) => {
                e.add("phone", c);
                None
            }
        },
    };
    let mut on = Vec::new();
    for pair in &i.on {
        let mut parts = pair.splitn(2, ':');
        let (Ok(k), Ok(c)) = (
            NoticeKind::parse(parts.next().unwrap_or("")),
            Channel::parse(parts.next().unwrap_or("")),
        ) else {
            e.add("on", "err-invalid-choice");
            continue;
        };
        if !offered.contains(&c) {
            continue;
        }
        match c {
            Channel::Email if email.is_none() && e.get("email").is_none() => {
                e.add("email", "err-pref-needs-email")
            }
            Channel::Whatsapp | Channel::Sms if phone.is_none() && e.get("phone").is_none() => {
                e.add("phone", "err-pref-needs-phone")
            }
            _ => {}
        }
        on.push((k, c));
    }
    e.into_result()?;
    Ok(NewPreferences { email, phone, on })
}
