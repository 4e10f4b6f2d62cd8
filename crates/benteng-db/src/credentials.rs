//! Credentials: password hashing (Argon2id), random secrets, and API tokens (stored hashed).

use crate::{Ctx, Result};
use argon2::password_hash::{phc::PasswordHash, PasswordHasher, PasswordVerifier};
use argon2::Argon2;
use sha2::{Digest, Sha256};

/// One of a user's API tokens as the account page lists it (never the token itself).
#[derive(Debug, Clone, serde::Serialize, sqlx::FromRow)]
pub struct TokenRow {
    pub id: i64,
    pub created_at: i64,
    pub expires_at: i64,
    pub last_used_at: Option<i64>,
    pub device: Option<String>,
    pub network: Option<String>,
}

pub fn hash_password(pw: &str) -> anyhow::Result<String> {
    Argon2::default()
        .hash_password(pw.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("hashing failed: {e}"))
}

pub(crate) fn verify_password(pw: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .ok()
        .is_some_and(|h| Argon2::default().verify_password(pw.as_bytes(), &h).is_ok())
}

/// A hash of a random password, verified against when the username does not exist so that a
/// wrong username takes as long as a wrong password.
pub(crate) fn dummy_hash() -> &'static str {
    static H: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    H.get_or_init(|| hash_password("benteng-dummy-password").unwrap_or_default())
}

pub fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A random URL-safe secret of 32 bytes.
pub fn random_token() -> String {
    use rand::Rng;
    let bytes: [u8; 32] = rand::rng().random();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A readable random password for bootstrap and demo accounts.
pub fn random_password() -> String {
    use rand::Rng;
    // 64 everyday words: four of them and a number of 10 to 99 are 64^4 × 90 ≈ 1.5 × 10^9 passwords
    // (about 2^30), easy to read out and type on a phone. Each is checked against the same
    // rule as a password a user chooses, so none is refused when it is first changed.
    const WORDS: &[&str] = &[
        "sawah", "gunung", "sungai", "pantai", "kopi", "padi", "jati", "merah", "putih", "melati",
        "cengkeh", "bambu", "rumah", "pasar", "jalan", "kelapa", "mangga", "pisang", "nanas",
        "jagung", "tebu", "kacang", "bawang", "cabai", "tomat", "wortel", "kubis", "rambutan",
        "durian", "salak", "jeruk", "apel", "kerbau", "kambing", "bebek", "ayam", "ikan", "udang",
        "kepiting", "perahu", "sepeda", "kereta", "lampu", "meja", "kursi", "pintu", "jendela",
        "atap", "sumur", "kebun", "hutan", "danau", "pulau", "bukit", "lembah", "awan", "hujan",
        "pelangi", "bintang", "bulan", "matahari", "angin", "embun", "batu",
    ];
    let mut rng = rand::rng();
    loop {
        let mut words: Vec<&str> = (0..4)
            .map(|_| WORDS[rng.random_range(0..WORDS.len())])
            .collect();
        let n: u8 = rng.random_range(10..100);
        let number = n.to_string();
        words.push(&number);
        let pw = words.join("-");
        if benteng_domain::values::new_password(&pw, &[]).is_ok() {
            return pw;
        }
    }
}

impl crate::users::Repo<'_> {
    /// Issue an API token for a user who proved their password (and second factor). Only its
    /// hash is stored, with the client's short name and network for the account page.
    pub async fn issue_api_token(
        &self,
        user_id: i64,
        ttl_secs: i64,
        device: &str,
        network: &str,
    ) -> Result<(String, i64)> {
        let token = random_token();
        let expires = crate::now() + ttl_secs;
        sqlx::query("INSERT INTO api_tokens (user_id, token_hash, created_at, expires_at, device, network) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(user_id)
            .bind(token_hash(&token))
            .bind(crate::now())
            .bind(expires)
            .bind(device.to_string())
            .bind(network.to_string())
            .execute(&self.db.pool)
            .await?;
        Ok((token, expires))
    }

    /// The acting user's API tokens that have not expired, newest first.
    pub async fn tokens_of(&self, ctx: &Ctx) -> Result<Vec<TokenRow>> {
        Ok(sqlx::query_as::<_, TokenRow>(
            "SELECT id, created_at, expires_at, last_used_at, device, network FROM api_tokens \
             WHERE user_id = $1 AND expires_at > $2 ORDER BY created_at DESC, id DESC",
        )
        .bind(ctx.actor.user_id)
        .bind(crate::now())
        .fetch_all(&self.db.pool)
        .await?)
    }

    /// Revoke one of the acting user's API tokens by its id (from the account page); it stops
    /// working at once. Not found: no such token of this user.
    pub async fn revoke_own_token(&self, ctx: &Ctx, id: i64) -> Result<()> {
        let mut tx = self.db.begin().await?;
        let n = sqlx::query("DELETE FROM api_tokens WHERE id = $1 AND user_id = $2")
            .bind(id)
            .bind(ctx.actor.user_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if n == 0 {
            return Err(crate::Error::NotFound);
        }
        crate::audit::write(
            &mut *tx,
            Some(ctx),
            crate::audit::Event {
                action: "token_revoke",
                entity: "api_token",
                entity_id: Some(id.to_string()),
                ..Default::default()
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn revoke_api_token(&self, token: &str) -> Result<()> {
        sqlx::query("DELETE FROM api_tokens WHERE token_hash = $1")
            .bind(token_hash(token))
            .execute(&self.db.pool)
            .await?;
        Ok(())
    }
}

#[cfg(test)]
mod password_tests {
    #[test]
    fn random_passwords_are_four_words_and_a_number_and_pass_the_rule() {
        let mut seen = std::collections::HashSet::new();
        for _ in 0..200 {
            let pw = super::random_password();
            assert_eq!(pw.split('-').count(), 5, "{pw}");
            assert!(
                benteng_domain::values::new_password(&pw, &[]).is_ok(),
                "{pw}"
            );
            seen.insert(pw);
        }
        assert!(seen.len() > 190, "random: {}", seen.len());
    }
}
