//! Benteng's HTTP face: server-rendered pages (askama, Fluent), the JSON API under `/api/v1`
//! with its OpenAPI document, sessions, CSRF, security headers, rate limits, health and metrics.
//!
//! Handlers stay thin: they read the request, call one `benteng_app` use case with the
//! request's [`benteng_app::Ctx`] (the storage checks the policy and the scope again), and
//! render. Nothing here knows SQL or reaches `benteng-db` directly.

mod api;
mod archive;
mod ctx;
mod error;
/// Translations live in their own crate so that the worker and the PDFs share them.
use benteng_i18n as i18n;
mod metrics;
pub mod monthly_job;
mod pages;
mod pdf;
mod security;
mod session_store;
mod xlsx;

use axum::Router;
pub use benteng_app::account::SecondFactorPolicy;
use benteng_app::jobs as worker;
pub use benteng_app::jobs::NotifyConfig;
use benteng_app::Db;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;

pub use i18n::{message_ids, LOCALES_AVAILABLE};

/// The message `key` in `lang` (`id` or `en`), for the command line's error messages.
pub fn translate(lang: &str, key: &str) -> String {
    i18n::Tr::new(lang).t(key)
}

/// The register as the web's XLSX export, for `benteng export register --format xlsx`.
pub fn register_xlsx(items: &[benteng_app::migrants::Migrant]) -> anyhow::Result<Vec<u8>> {
    xlsx::migrants(items).map_err(|e| anyhow::anyhow!("writing the XLSX file: {e:?}"))
}

/// The first sheet of an XLSX file as CSV bytes, read as the web's import reads it (sizes
/// checked first, row and column limits); the error is a Fluent message id. Blocking.
pub fn xlsx_first_sheet_as_csv(bytes: &[u8]) -> Result<Vec<u8>, &'static str> {
    xlsx::first_sheet_as_csv(bytes)
}

/// Settings the web layer needs; the command line fills them from the config file and env.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Address to listen on; port 0 picks a free port (tests).
    pub bind: SocketAddr,
    /// Mark cookies `Secure` (set when served over HTTPS, as in production).
    pub secure_cookies: bool,
    /// Idle time after which a session ends, in minutes.
    pub session_idle_minutes: i64,
    /// Login attempts allowed per minute per client address and per username.
    pub login_attempts_per_minute: u32,
    /// Take the client address from `X-Forwarded-For` (only behind a proxy that sets it).
    pub trust_proxy: bool,
    /// Lifetime of API tokens, in hours.
    pub api_token_hours: i64,
    /// Directory for uploaded files (report photos and documents).
    pub upload_dir: std::path::PathBuf,
    /// Public reports allowed per hour per client address.
    pub public_reports_per_hour: u32,
    /// Report searches (words, a phone, a code) allowed per minute per signed-in user.
    pub searches_per_minute: u32,
    /// Below this much free space (MB) on the database's or the uploads' volume the admin's
    /// home page warns.
    pub disk_warn_mb: u64,
    /// Below this much free space (MB) `/healthz` answers 503 (writes are about to fail).
    pub disk_min_free_mb: u64,
    /// Delivery channels, the WhatsApp number and the digest (coordination module).
    pub notify: NotifyConfig,
    /// Who must enrol a second factor (TOTP) before anything else; by default admin, kanwil
    /// and pemeriksa (`totp_required_roles`). The demo (`serve --demo`) makes it optional.
    pub second_factor: SecondFactorPolicy,
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            bind: SocketAddr::from(([127, 0, 0, 1], 8080)),
            secure_cookies: false,
            session_idle_minutes: 12 * 60,
            login_attempts_per_minute: 10,
            trust_proxy: false,
            api_token_hours: 12,
            upload_dir: "benteng-data/uploads".into(),
            public_reports_per_hour: 10,
            searches_per_minute: 60,
            disk_warn_mb: 1024,
            disk_min_free_mb: 32,
            notify: NotifyConfig::default(),
            second_factor: SecondFactorPolicy::default(),
        }
    }
}

/// Everything a handler may reach, in one allocation: axum hands the state to every layer and
/// handler of a request (about 90 copies for a page, callgrind, docs/performance.md), so a
/// copy is one reference count instead of one per field.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

impl std::ops::Deref for AppState {
    type Target = Shared;
    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// What [`AppState`] holds.
pub struct Shared {
    pub db: Db,
    pub config: Arc<WebConfig>,
    pub limiter: Arc<security::LoginLimiter>,
    pub public_limiter: Arc<security::PublicLimiter>,
    pub search_limiter: Arc<security::SearchLimiter>,
    pub store: Arc<dyn benteng_app::uploads::BlobStore>,
    pub metrics: Arc<metrics::Metrics>,
    /// The watchlist index for screening, shared by every request.
    pub watch: Arc<benteng_app::screening::WatchCache>,
    /// The configured delivery channels (which ones users may choose).
    pub channels: worker::Channels,
    /// The key that signs anonymous visitors' CSRF tokens (`security::visitor_token`), shared
    /// by every instance through the database.
    pub csrf_key: Arc<Vec<u8>>,
    /// The guide's current pages, rendered (`pages::guide::GuideCache`).
    pub(crate) guide: pages::guide::GuideCache,
    /// The last write probe of `/healthz` and when it ran: probes run at most once a second
    /// per process, so hammering the public `/healthz` cannot queue writes.
    pub(crate) health_probe:
        Arc<std::sync::Mutex<Option<(std::time::Instant, pages::ProbeOutcome)>>>,
    /// Session records a signed-in page read with its user, for the session store to take
    /// (`session_store::Prefetched`).
    pub(crate) prefetched: Arc<session_store::Prefetched>,
}

/// A bound, ready-to-run server.
pub struct Application {
    listener: TcpListener,
    router: Router,
    watch: Arc<benteng_app::screening::WatchCache>,
}

impl Application {
    pub async fn build(config: WebConfig, db: Db) -> anyhow::Result<Application> {
        let listener = TcpListener::bind(config.bind).await?;
        let limiter = Arc::new(security::LoginLimiter::new(
            db.clone(),
            config.login_attempts_per_minute,
        ));
        let public_limiter = Arc::new(security::PublicLimiter::new(
            db.clone(),
            config.public_reports_per_hour,
        ));
        let store = Arc::new(
            benteng_app::uploads::FsStore::new(&config.upload_dir)
                .map_err(|e| anyhow::anyhow!("upload_dir {}: {e}", config.upload_dir.display()))?,
        );
        let search_limiter = Arc::new(security::SearchLimiter::new(config.searches_per_minute));
        let (idle_db, idle_search) = (db.clone(), search_limiter.clone());
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(std::time::Duration::from_secs(60));
            loop {
                tick.tick().await;
                if let Err(e) = benteng_app::system::forget_idle_limits(&idle_db).await {
                    tracing::warn!(error = %e, "forgetting idle rate limits failed");
                }
                idle_search.forget_idle();
            }
        });
        // The watchlist index is built in the background at start (seconds at a million
        // entries) and kept fresh once a minute; a screening before it is ready builds it.
        let watch = Arc::new(benteng_app::screening::WatchCache::new());
        {
            let (watch, db) = (watch.clone(), db.clone());
            tokio::spawn(async move {
                match watch.rebuild(&db).await {
                    Ok(b) => tracing::info!(
                        entries = b.index.len(),
                        ms = b.build_ms as u64,
                        "watchlist index built"
                    ),
                    Err(e) => tracing::warn!(error = %e, "watchlist index build failed"),
                }
                let mut tick = tokio::time::interval(std::time::Duration::from_secs(60));
                loop {
                    tick.tick().await;
                    if let Err(e) = watch.current(&db).await {
                        tracing::warn!(error = %e, "watchlist index refresh failed");
                    }
                }
            });
        }
        // Rooms for every desa binaan, office and province, with their default members.
        benteng_app::system::sync_all_rooms(&db).await?;
        let channels = worker::Channels::from_config(&config.notify)?;
        let csrf_key = Arc::new(benteng_app::system::server_secret(&db, "csrf").await?);
        let state = AppState(Arc::new(Shared {
            channels,
            csrf_key,
            health_probe: Default::default(),
            prefetched: Default::default(),
            guide: Default::default(),
            limiter,
            public_limiter,
            search_limiter,
            store,
            watch: watch.clone(),
            metrics: Arc::new(metrics::Metrics::new()),
            config: Arc::new(config),
            db,
        }));
        Ok(Application {
            listener,
            router: router(state),
            watch,
        })
    }

    /// The watchlist index this server screens against (built in the background at start).
    pub fn watch(&self) -> Arc<benteng_app::screening::WatchCache> {
        self.watch.clone()
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .expect("bound listener has an address")
    }

    /// Serve until `shutdown` resolves, then finish the requests in flight.
    pub async fn run_until(
        self,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        axum::serve(
            self.listener,
            self.router
                .into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown)
        .await?;
        Ok(())
    }
}

fn router(state: AppState) -> Router {
    let pages = pages::routes();
    let app = Router::new().merge(pages).merge(api::router());
    security::wrap(app, state)
}
