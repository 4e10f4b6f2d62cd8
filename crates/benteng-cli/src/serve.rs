//! `benteng serve` and `benteng worker`: the long-running processes, and the jobs each
//! starts.

use crate::config::Config;
use crate::ops::{check_disk, spawn_backups};
use crate::{explain, load_regions, open};
use anyhow::Context;
use benteng_app::users::{random_password, UserInput};
use benteng_db::Db;

pub async fn serve(cfg: Config, demo: bool, bind: Option<String>) -> anyhow::Result<()> {
    check_disk(&cfg)?;
    let db = open(&cfg).await?;
    load_regions(&db).await?;
    if db.users().user_count().await? == 0 {
        let password = random_password();
        let admin = UserInput {
            username: "admin".into(),
            full_name: "Administrator".into(),
            role: "admin".into(),
            password: password.clone(),
            active: Some("1".into()),
            ..Default::default()
        };
        match benteng_app::users::create_as_operator(&db, &admin, true).await {
            Ok(_) => {}
            // Another instance starting at the same moment created it first.
            Err(benteng_db::Error::Conflict(..)) => {
                tracing::info!("first admin account created by another instance");
                return serve_app(cfg, db, demo, bind).await;
            }
            Err(e) => return Err(explain(e)),
        }
        // Printed once to the operator's console, never to the log.
        println!("\nAkun pertama dibuat / first account created:\n  username: admin\n  password: {password}\nGanti kata sandi ini setelah masuk (menu Akun).\n");
    }
    serve_app(cfg, db, demo, bind).await
}

async fn serve_app(cfg: Config, db: Db, demo: bool, bind: Option<String>) -> anyhow::Result<()> {
    if demo {
        print_demo(
            &benteng_fixtures::demo::load_demo(&db)
                .await
                .map_err(explain)?,
        );
        let store = benteng_db::storage::FsStore::new(&cfg.upload_dir)?;
        let n = benteng_fixtures::demo::load_demo_reports(&db, &store)
            .await
            .map_err(explain)?;
        if n > 0 {
            println!("Laporan demo dimuat: {n} (demo reports loaded).");
        }
    }
    let mut web = cfg.web()?;
    if demo {
        // The demo's printed accounts are for a trial: the second factor stays optional for
        // every role (print_demo says so), whatever totp_required_roles says.
        web.second_factor = benteng_web::SecondFactorPolicy::nobody();
    } else {
        tracing::info!(required = ?web.second_factor.names(), "second factor required for");
    }
    if let Some(b) = bind {
        web.bind = b.parse().with_context(|| format!("--bind {b}"))?;
    }
    let warm = db.clone();
    tokio::spawn(async move {
        if let Err(e) = warm.regions().warm_region_index().await {
            tracing::warn!(error = %e, "building the in-memory region list failed; it is retried on first search");
        }
    });
    let app = benteng_web::Application::build(web, db.clone()).await?;
    benteng_app::jobs::spawn_referral_watch(db.clone());
    if cfg.worker {
        benteng_app::jobs::spawn(db.clone(), &cfg.notify())?;
        benteng_web::monthly_job::spawn(db.clone());
        spawn_retention(&cfg, &db)?;
        spawn_backups(&cfg, &db);
    }
    benteng_app::jobs::spawn_housekeeping(db);
    let addr = app.local_addr();
    println!("Benteng berjalan di http://{addr}/ (Ctrl+C untuk berhenti)");
    tracing::info!(%addr, "listening");
    app.run_until(shutdown_signal()).await
}

/// The daily retention job runs where the delivery worker runs.
fn spawn_retention(cfg: &Config, db: &Db) -> anyhow::Result<()> {
    let store = benteng_db::storage::FsStore::new(&cfg.upload_dir)?;
    benteng_app::jobs::retention::spawn_retention(
        db.clone(),
        cfg.retention,
        std::sync::Arc::new(store),
    );
    Ok(())
}

/// The delivery worker on its own (`worker = false` on the web instances).
pub async fn worker(cfg: Config) -> anyhow::Result<()> {
    let db = open(&cfg).await?;
    spawn_retention(&cfg, &db)?;
    let notify = cfg.notify();
    let channels = benteng_app::jobs::Channels::from_config(&notify)?;
    benteng_web::monthly_job::spawn(db.clone());
    spawn_backups(&cfg, &db);
    let w = benteng_app::jobs::Worker::new(db, channels, &notify);
    println!("Benteng worker {} berjalan (Ctrl+C untuk berhenti)", w.name);
    w.run(std::time::Duration::from_secs(2), shutdown_signal())
        .await;
    Ok(())
}

pub fn print_demo(report: &benteng_fixtures::demo::DemoReport) {
    if report.already_loaded {
        println!("Data demo sudah dimuat sebelumnya (demo data already loaded); kata sandi tidak ditampilkan lagi.");
        return;
    }
    println!("\nData demo Kabupaten Malang dimuat: {} desa binaan. Akun demo (username / peran / kata sandi):", report.desa_binaan);
    for l in &report.logins {
        println!("  {:<18} {:<8} {}", l.username, l.role, l.password);
    }
    println!("Dengan `serve --demo` verifikasi dua langkah (TOTP) tidak diwajibkan untuk peran mana pun, agar uji coba tidak terhambat; dengan `serve` biasa, peran di totp_required_roles wajib mendaftarkannya (two-step verification is optional under `serve --demo`, required for totp_required_roles under plain `serve`).");
    println!();
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down");
}
