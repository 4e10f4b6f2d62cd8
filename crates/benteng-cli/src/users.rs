//! `benteng user`: add a user, set a password, reset a second factor, through the same
//! application functions as the admin's pages (audited as the operator).

use crate::config::Config;
use crate::{explain, load_regions, open};
use anyhow::Context;
use benteng_app::users::{random_password, UserInput};
use clap::Subcommand;
use std::io::BufRead;

#[derive(Subcommand)]
pub enum UserCommand {
    /// Create a user. The password is read from $BENTENG_NEW_PASSWORD or the first line of
    /// standard input; with --random-password one is generated and printed.
    Add {
        #[arg(long)]
        username: String,
        /// admin, kanwil, petugas, mitra or desa.
        #[arg(long)]
        role: String,
        #[arg(long)]
        full_name: Option<String>,
        #[arg(long)]
        email: Option<String>,
        /// Office id (petugas).
        #[arg(long)]
        office_id: Option<i64>,
        /// Agency id (mitra).
        #[arg(long)]
        agency_id: Option<i64>,
        /// Province code (kanwil) or village code (desa).
        #[arg(long)]
        region: Option<String>,
        #[arg(long)]
        pimpasa: bool,
        #[arg(long)]
        pemeriksa: bool,
        #[arg(long)]
        random_password: bool,
    },
    /// Set a user's password (and re-activate the account); same password sources as `add`.
    Passwd {
        #[arg(long)]
        username: String,
        #[arg(long)]
        random_password: bool,
    },
    /// Remove a user's second factor (TOTP) and sign them out everywhere, e.g. the only admin
    /// who lost their phone (audited as `totp_reset`).
    #[command(name = "reset-2fa")]
    ResetTotp {
        #[arg(long)]
        username: String,
    },
}

pub async fn run(cfg: &Config, action: UserCommand) -> anyhow::Result<()> {
    let db = open(cfg).await?;
    load_regions(&db).await?;
    match action {
        UserCommand::Add {
            username,
            role,
            full_name,
            email,
            office_id,
            agency_id,
            region,
            pimpasa,
            pemeriksa,
            random_password,
        } => {
            let (password, generated) = read_password(random_password)?;
            let input = UserInput {
                full_name: full_name.unwrap_or_else(|| username.clone()),
                username,
                email: email.unwrap_or_default(),
                role,
                pimpasa: pimpasa.then(|| "1".into()),
                pemeriksa: pemeriksa.then(|| "1".into()),
                office_id: office_id.map(|n| n.to_string()).unwrap_or_default(),
                agency_id: agency_id.map(|n| n.to_string()).unwrap_or_default(),
                region_code: region.unwrap_or_default(),
                password: password.clone(),
                active: Some("1".into()),
            };
            let id = benteng_app::users::create_as_operator(&db, &input, false)
                .await
                .map_err(explain)?;
            println!("Pengguna {} dibuat (id {id}).", input.username);
            if generated {
                println!("Kata sandi: {password}");
            }
        }
        UserCommand::ResetTotp { username } => {
            benteng_app::account::second_factor::reset_cli(&db, &username)
                .await
                .map_err(explain)?;
            println!("Verifikasi dua langkah {username} direset (second factor reset).");
        }
        UserCommand::Passwd {
            username,
            random_password,
        } => {
            let (password, generated) = read_password(random_password)?;
            benteng_app::users::set_password_cli(&db, &username, &password)
                .await
                .map_err(explain)?;
            println!("Kata sandi {username} diganti.");
            if generated {
                println!("Kata sandi: {password}");
            }
        }
    }
    Ok(())
}

fn read_password(random: bool) -> anyhow::Result<(String, bool)> {
    if random {
        return Ok((random_password(), true));
    }
    if let Ok(p) = std::env::var("BENTENG_NEW_PASSWORD") {
        return Ok((p, false));
    }
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("reading the password from standard input")?;
    Ok((line.trim_end_matches(['\r', '\n']).to_string(), false))
}
