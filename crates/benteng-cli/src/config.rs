//! Configuration: built-in defaults, then a TOML file, then `BENTENG_*` environment variables.
//! Every option is documented in `config/benteng.example.toml`.

use anyhow::Context;
use figment::providers::{Env, Format, Serialized, Toml};
use figment::Figment;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// Every option name, as read from `BENTENG_<NAME>` environment variables.
const OPTIONS: &[&str] = &[
    "database_url",
    "bind",
    "secure_cookies",
    "session_idle_minutes",
    "login_attempts_per_minute",
    "trust_proxy",
    "api_token_hours",
    "log_format",
    "log_level",
    "upload_dir",
    "public_reports_per_hour",
    "searches_per_minute",
    "disk_warn_mb",
    "disk_min_free_mb",
    "rules_file",
    "public_url",
    "worker",
    "digest_hour",
    "backup_dir",
    "backup_keep",
    "backup_hour",
    "whatsapp_office_id",
    "totp_required_roles",
];

#[derive(Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub database_url: String,
    pub bind: String,
    pub secure_cookies: bool,
    pub session_idle_minutes: i64,
    pub login_attempts_per_minute: u32,
    pub trust_proxy: bool,
    pub api_token_hours: i64,
    pub log_format: String,
    pub log_level: String,
    pub upload_dir: String,
    pub public_reports_per_hour: u32,
    /// Report searches per minute per signed-in user.
    pub searches_per_minute: u32,
    /// Below this much free space (MB) on the database's or the uploads' volume the admin's
    /// home page warns.
    pub disk_warn_mb: u64,
    /// Below this much free space (MB) `/healthz` answers 503 and `serve` refuses to start.
    pub disk_min_free_mb: u64,
    /// A rules file replacing the shipped rule sets (job-offer rules, moratorium countries,
    /// zero-cost occupations); empty: the shipped ones.
    pub rules_file: String,
    /// Weights of the report priority score (a TOML table; not settable from the environment).
    pub priority: benteng_domain::report::PriorityWeights,
    /// Retention periods in months per kind of record, 0 keeps for ever (a TOML table
    /// `[retention]`; docs/privacy.md; not settable from the environment).
    pub retention: benteng_domain::retention::Retention,
    /// The address users reach Benteng at, for links in e-mail, WhatsApp and SMS; empty:
    /// `http://` and `bind`.
    pub public_url: String,
    /// Run the delivery worker inside `serve` (turn off when `benteng worker` runs apart).
    pub worker: bool,
    /// Hour of the day (WIB, 0–23) after which the daily digest is made.
    pub digest_hour: u8,
    /// Where the worker writes a daily backup (`benteng-YYYY-MM-DD.zip`, as `benteng backup`);
    /// empty: no scheduled backups.
    pub backup_dir: String,
    /// How many daily backups the worker keeps in `backup_dir` (older ones are deleted).
    pub backup_keep: usize,
    /// Hour of the day (WIB, 0–23) after which the daily backup is taken.
    pub backup_hour: u8,
    /// The office whose officers answer messages to the WhatsApp number (its id).
    pub whatsapp_office_id: Option<i64>,
    /// Who must enrol a second factor (TOTP) before anything else: roles (`admin`, `kanwil`,
    /// `petugas`, `mitra`, `desa`) and officer duties (`pemeriksa`, `pimpasa`).
    pub totp_required_roles: Vec<String>,
    /// SMTP server for e-mail notifications (a TOML table `[email]`); none: no e-mail.
    #[serde(skip_serializing)]
    pub email: Option<benteng_notify::EmailConfig>,
    /// WhatsApp Cloud API (a TOML table `[whatsapp]`); none: no WhatsApp.
    #[serde(skip_serializing)]
    pub whatsapp: Option<benteng_notify::WhatsAppConfig>,
    /// HTTP SMS gateway (a TOML table `[sms]`); none: no SMS.
    #[serde(skip_serializing)]
    pub sms: Option<benteng_notify::SmsConfig>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            database_url: "sqlite://benteng-data/benteng.db".into(),
            bind: "127.0.0.1:8080".into(),
            secure_cookies: false,
            session_idle_minutes: 720,
            login_attempts_per_minute: 10,
            trust_proxy: false,
            api_token_hours: 12,
            log_format: "text".into(),
            log_level: "info".into(),
            upload_dir: "benteng-data/uploads".into(),
            public_reports_per_hour: 10,
            searches_per_minute: 60,
            disk_warn_mb: 1024,
            disk_min_free_mb: 32,
            rules_file: String::new(),
            priority: Default::default(),
            retention: Default::default(),
            public_url: String::new(),
            worker: true,
            digest_hour: 17,
            backup_dir: String::new(),
            backup_keep: 7,
            backup_hour: 1,
            whatsapp_office_id: None,
            totp_required_roles: benteng_web::SecondFactorPolicy::DEFAULT_NAMES
                .iter()
                .map(|s| s.to_string())
                .collect(),
            email: None,
            whatsapp: None,
            sms: None,
        }
    }
}

/// The configuration without secrets, safe to log.
impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("database_url", &self.redacted_url())
            .field("bind", &self.bind)
            .field("secure_cookies", &self.secure_cookies)
            .field("session_idle_minutes", &self.session_idle_minutes)
            .field("login_attempts_per_minute", &self.login_attempts_per_minute)
            .field("trust_proxy", &self.trust_proxy)
            .field("api_token_hours", &self.api_token_hours)
            .field("upload_dir", &self.upload_dir)
            .field("public_reports_per_hour", &self.public_reports_per_hour)
            .field("searches_per_minute", &self.searches_per_minute)
            .field("disk_warn_mb", &self.disk_warn_mb)
            .field("disk_min_free_mb", &self.disk_min_free_mb)
            .field("rules_file", &self.rules_file)
            .field("retention", &self.retention)
            .field("public_url", &self.public_url)
            .field("worker", &self.worker)
            .field("digest_hour", &self.digest_hour)
            .field("backup_dir", &self.backup_dir)
            .field("backup_keep", &self.backup_keep)
            .field("backup_hour", &self.backup_hour)
            .field("whatsapp_office_id", &self.whatsapp_office_id)
            .field("totp_required_roles", &self.totp_required_roles)
            .field("email", &self.email.is_some())
            .field("whatsapp", &self.whatsapp.is_some())
            .field("sms", &self.sms.is_some())
            .finish()
    }
}

impl Config {
    pub fn load(file: Option<&Path>) -> anyhow::Result<Config> {
        let mut fig = Figment::from(Serialized::defaults(Config::default()));
        let path = file
            .map(Path::to_path_buf)
            .or_else(|| std::env::var_os("BENTENG_CONFIG").map(Into::into))
            .or_else(|| {
                Path::new("benteng.toml")
                    .exists()
                    .then(|| "benteng.toml".into())
            });
        if let Some(p) = path {
            anyhow::ensure!(p.exists(), "configuration file {} not found", p.display());
            fig = fig.merge(Toml::file(p));
        }
        let cfg: Config = fig
            // Only the option names: scripts and tests use other BENTENG_* variables
            // (BENTENG_BIN, BENTENG_TEST_DATABASE_URL, …) that are not configuration.
            .merge(Env::prefixed("BENTENG_").only(OPTIONS))
            .extract()
            .context("reading configuration")?;
        anyhow::ensure!(
            cfg.session_idle_minutes > 0,
            "session_idle_minutes must be positive"
        );
        anyhow::ensure!(cfg.api_token_hours > 0, "api_token_hours must be positive");
        anyhow::ensure!(cfg.digest_hour < 24, "digest_hour must be 0 to 23");
        cfg.second_factor()?;
        anyhow::ensure!(
            cfg.whatsapp.is_none() || cfg.whatsapp_office_id.is_some(),
            "[whatsapp] needs whatsapp_office_id: the office whose officers answer the number"
        );
        Ok(cfg)
    }

    /// Who must enrol a second factor; an unknown name is an error.
    pub fn second_factor(&self) -> anyhow::Result<benteng_web::SecondFactorPolicy> {
        benteng_web::SecondFactorPolicy::parse(&self.totp_required_roles)
            .map_err(|e| anyhow::anyhow!("totp_required_roles: {e}"))
    }

    /// The database URL with any password replaced by `***`.
    pub fn redacted_url(&self) -> String {
        redact(&self.database_url)
    }

    pub fn web(&self) -> anyhow::Result<benteng_web::WebConfig> {
        Ok(benteng_web::WebConfig {
            bind: self
                .bind
                .parse()
                .with_context(|| format!("bind = {:?} is not an address:port", self.bind))?,
            secure_cookies: self.secure_cookies,
            session_idle_minutes: self.session_idle_minutes,
            login_attempts_per_minute: self.login_attempts_per_minute,
            trust_proxy: self.trust_proxy,
            api_token_hours: self.api_token_hours,
            upload_dir: self.upload_dir.clone().into(),
            public_reports_per_hour: self.public_reports_per_hour,
            searches_per_minute: self.searches_per_minute,
            disk_warn_mb: self.disk_warn_mb,
            disk_min_free_mb: self.disk_min_free_mb,
            notify: self.notify(),
            second_factor: self.second_factor()?,
        })
    }

    /// The delivery settings (channels, WhatsApp number, digest).
    pub fn notify(&self) -> benteng_app::jobs::NotifyConfig {
        benteng_app::jobs::NotifyConfig {
            public_url: if self.public_url.trim().is_empty() {
                format!("http://{}", self.bind)
            } else {
                self.public_url.trim().to_string()
            },
            email: self.email.clone(),
            whatsapp: self.whatsapp.clone(),
            whatsapp_office_id: self.whatsapp_office_id,
            sms: self.sms.clone(),
            digest_hour: self.digest_hour,
        }
    }
}

fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.find(':') {
                Some(c) => format!("{}{}:***{}", &url[..s + 3], &creds[..c], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

pub fn init_logging(cfg: &Config) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| {
        tracing_subscriber::EnvFilter::new(format!("{},sqlx=error,tower_http=info", cfg.log_level))
    });
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if cfg.log_format == "json" {
        builder.json().init();
    } else {
        builder.init();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn environment_overrides_only_known_options() {
        // Each test process has its own environment; these names are not used elsewhere.
        std::env::set_var("BENTENG_BIND", "0.0.0.0:9090");
        std::env::set_var("BENTENG_BIN", "/usr/bin/true");
        let cfg = Config::load(None).expect("unrelated BENTENG_* variables are ignored");
        assert_eq!(cfg.bind, "0.0.0.0:9090");
        std::env::remove_var("BENTENG_BIND");
        std::env::remove_var("BENTENG_BIN");
    }

    #[test]
    fn the_second_factor_is_required_by_default_and_typos_are_refused() {
        let cfg = Config::default();
        let p = cfg.second_factor().unwrap();
        assert!(p.requires(benteng_domain::Role::Admin, false, false));
        assert!(p.requires(benteng_domain::Role::Petugas, false, true));
        let bad = Config {
            totp_required_roles: vec!["admni".into()],
            ..Default::default()
        };
        assert!(bad.second_factor().is_err());
    }

    #[test]
    fn retention_table_is_read_with_defaults_and_zero() {
        let example =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../config/benteng.example.toml");
        let cfg = Config::load(Some(&example)).expect("the example configuration loads");
        assert_eq!(
            cfg.retention,
            benteng_domain::retention::Retention::default()
        );
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("b.toml");
        std::fs::write(
            &file,
            "[retention]\nscreenings_months = 0\nroom_messages_months = 6\n",
        )
        .unwrap();
        let cfg = Config::load(Some(&file)).unwrap();
        assert_eq!(cfg.retention.screenings_months, 0);
        assert_eq!(cfg.retention.room_messages_months, 6);
        assert_eq!(
            cfg.retention.reports_closed_months, 60,
            "the others keep their default"
        );
        std::fs::write(&file, "[retention]\naudit_months = 1\n").unwrap();
        assert!(
            Config::load(Some(&file)).is_err(),
            "an unknown name is refused"
        );
    }

    #[test]
    fn passwords_never_print() {
        assert_eq!(
            redact("postgres://benteng:s3cret@db:5432/benteng"),
            "postgres://benteng:***@db:5432/benteng"
        );
        assert_eq!(
            redact("sqlite://benteng-data/benteng.db"),
            "sqlite://benteng-data/benteng.db"
        );
        let cfg = Config {
            database_url: "postgres://u:pw@h/d".into(),
            ..Default::default()
        };
        assert!(!format!("{cfg:?}").contains("pw@"));
    }
}
