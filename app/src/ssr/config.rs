//! Configuration from environment variables, validated once at start.
//! Every variable, its default and its meaning is listed in the README.

use std::time::Duration;

#[derive(Debug, Clone)]
pub struct Config {
    /// `sqlite://path?mode=rwc` (embedded default) or `postgres://…`.
    pub database_url: String,
    /// Session ends after this long without a request (M2).
    pub idle_timeout: Duration,
    /// Session ends this long after login, whatever the activity.
    pub absolute_timeout: Duration,
    /// Origin members reach the site at, e.g. `https://mypage.example.jp`.
    /// `https` makes the session cookie `Secure`.
    pub public_url: String,
    /// Take the client address from `X-Forwarded-For` (only behind a proxy that sets it).
    pub trust_proxy: bool,
    pub coop_name: String,
    pub coop_phone: String,
    pub coop_phone_hours: String,
    /// For 加入申込書 / 脱退届 sent by FAX (M14).
    pub coop_fax: String,
    /// Load the demo members at start (development and end-to-end tests).
    pub demo_data: bool,
    /// `smtp://user:pass@host:587?tls=required`, `smtps://…`; without it mails go
    /// to the development mailbox (`/dev/mails`) instead of being sent.
    pub smtp_url: Option<String>,
    /// Sender of every mail.
    pub mail_from: String,
    /// Production: SMTP required; development pages and demo data refused.
    pub production: bool,
    /// Under `cargo leptos watch`: the port of its reload websocket, for the CSP.
    pub dev_reload_port: Option<u32>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ConfigError {
    #[error("{name}: {reason} (got {value:?})")]
    Invalid {
        name: &'static str,
        value: String,
        reason: &'static str,
    },
}

impl Config {
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads through `get` so tests can pass a map instead of the process environment.
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let var = |name: &'static str, default: &str| get(name).unwrap_or_else(|| default.into());
        let duration = |name: &'static str, default: &str| {
            let value = var(name, default);
            match humantime::parse_duration(&value) {
                Ok(d) if !d.is_zero() => Ok(d),
                _ => Err(ConfigError::Invalid {
                    name,
                    value,
                    reason: "expected a duration such as 20m, 90s or 12h",
                }),
            }
        };
        let flag = |name: &'static str| {
            let value = var(name, "false");
            match value.as_str() {
                "1" | "true" | "yes" => Ok(true),
                "0" | "false" | "no" | "" => Ok(false),
                _ => Err(ConfigError::Invalid {
                    name,
                    value,
                    reason: "expected true or false",
                }),
            }
        };

        let database_url = var("DATABASE_URL", "sqlite://data/mypage.db?mode=rwc");
        if !(database_url.starts_with("sqlite:") || database_url.starts_with("postgres")) {
            return Err(ConfigError::Invalid {
                name: "DATABASE_URL",
                value: database_url,
                reason: "expected sqlite://… or postgres://…",
            });
        }
        let public_url = var("MYPAGE_PUBLIC_URL", "http://127.0.0.1:3000")
            .trim_end_matches('/')
            .to_owned();
        if !(public_url.starts_with("http://") || public_url.starts_with("https://")) {
            return Err(ConfigError::Invalid {
                name: "MYPAGE_PUBLIC_URL",
                value: public_url,
                reason: "expected http(s)://host[:port]",
            });
        }
        let idle_timeout = duration("MYPAGE_IDLE_TIMEOUT", "20m")?;
        let absolute_timeout = duration("MYPAGE_SESSION_MAX_AGE", "12h")?;
        if absolute_timeout < idle_timeout {
            return Err(ConfigError::Invalid {
                name: "MYPAGE_SESSION_MAX_AGE",
                value: humantime::format_duration(absolute_timeout).to_string(),
                reason: "must not be shorter than MYPAGE_IDLE_TIMEOUT",
            });
        }

        let production = flag("MYPAGE_PRODUCTION")?;
        let smtp_url = get("MYPAGE_SMTP_URL").filter(|v| !v.is_empty());
        if let Some(url) = &smtp_url {
            if !(url.starts_with("smtp://") || url.starts_with("smtps://")) {
                return Err(ConfigError::Invalid {
                    name: "MYPAGE_SMTP_URL",
                    value: url.clone(),
                    reason: "expected smtp://… or smtps://…",
                });
            }
        }
        if production && smtp_url.is_none() {
            return Err(ConfigError::Invalid {
                name: "MYPAGE_SMTP_URL",
                value: String::new(),
                reason: "required when MYPAGE_PRODUCTION is set",
            });
        }
        let demo_data = flag("MYPAGE_DEMO_DATA")?;
        if production && demo_data {
            return Err(ConfigError::Invalid {
                name: "MYPAGE_DEMO_DATA",
                value: "true".into(),
                reason: "demo data is refused when MYPAGE_PRODUCTION is set",
            });
        }
        let mail_from = var(
            "MYPAGE_MAIL_FROM",
            "組合員マイページ <no-reply@mypage.example.jp>",
        );

        Ok(Self {
            database_url,
            idle_timeout,
            absolute_timeout,
            public_url,
            trust_proxy: flag("MYPAGE_TRUST_PROXY")?,
            coop_name: var("MYPAGE_COOP_NAME", "みらい共済生活協同組合"),
            coop_phone: var("MYPAGE_COOP_PHONE", "0120-123-456"),
            coop_phone_hours: var(
                "MYPAGE_COOP_PHONE_HOURS",
                "平日 9:00〜17:00(土日祝・年末年始を除く)",
            ),
            coop_fax: var("MYPAGE_COOP_FAX", "0120-123-457"),
            demo_data,
            smtp_url,
            mail_from,
            production,
            dev_reload_port: get("LEPTOS_WATCH")
                .map(|_| var("LEPTOS_RELOAD_PORT", "3001").parse().unwrap_or(3001)),
        })
    }

    pub fn cookie_secure(&self) -> bool {
        self.public_url.starts_with("https://")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn from(pairs: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn defaults_are_the_documented_ones() {
        let c = from(&[]).unwrap();
        assert_eq!(c.idle_timeout, Duration::from_secs(20 * 60));
        assert!(c.database_url.starts_with("sqlite:"));
        assert!(!c.cookie_secure());
        assert!(!c.demo_data);
    }

    #[test]
    fn rejects_bad_values_by_name() {
        let err = from(&[("MYPAGE_IDLE_TIMEOUT", "soon")]).unwrap_err();
        assert!(err.to_string().starts_with("MYPAGE_IDLE_TIMEOUT"));
        assert!(from(&[("MYPAGE_IDLE_TIMEOUT", "0s")]).is_err());
        assert!(from(&[("DATABASE_URL", "mysql://x")]).is_err());
        assert!(from(&[("MYPAGE_DEMO_DATA", "maybe")]).is_err());
        assert!(from(&[
            ("MYPAGE_IDLE_TIMEOUT", "2h"),
            ("MYPAGE_SESSION_MAX_AGE", "1h")
        ])
        .is_err());
    }

    #[test]
    fn production_needs_smtp_and_refuses_demo_data() {
        assert!(from(&[("MYPAGE_PRODUCTION", "true")]).is_err());
        let smtp = ("MYPAGE_SMTP_URL", "smtp://mail.example.jp:587");
        assert!(
            from(&[("MYPAGE_PRODUCTION", "true"), smtp])
                .unwrap()
                .production
        );
        assert!(from(&[
            ("MYPAGE_PRODUCTION", "true"),
            smtp,
            ("MYPAGE_DEMO_DATA", "1")
        ])
        .is_err());
        assert!(from(&[("MYPAGE_SMTP_URL", "http://x")]).is_err());
    }

    #[test]
    fn https_public_url_makes_cookies_secure() {
        let c = from(&[("MYPAGE_PUBLIC_URL", "https://mypage.example.jp/")]).unwrap();
        assert!(c.cookie_secure());
        assert_eq!(c.public_url, "https://mypage.example.jp");
    }
}
