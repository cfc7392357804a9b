//! 登録メールアドレス.

use super::ParseError;
use serde::{Deserialize, Serialize};
use std::fmt;

pub const MAX_LEN: usize = 254;

/// A mail address, trimmed and lower-cased. The check is deliberately plain
/// (one `@`, a dotted domain, no spaces): the confirmation mail is the real test.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Email(String);

impl Email {
    pub fn parse(input: &str) -> Result<Self, ParseError> {
        let s = input.trim();
        if s.is_empty() {
            return Err(ParseError("メールアドレスを入力してください。"));
        }
        if s.len() > MAX_LEN {
            return Err(ParseError("メールアドレスが長すぎます。"));
        }
        let valid = match s.split_once('@') {
            Some((local, domain)) => {
                !local.is_empty()
                    && !domain.contains('@')
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
                    && s.is_ascii()
                    && !s
                        .chars()
                        .any(|c| c.is_ascii_whitespace() || c.is_ascii_control())
            }
            None => false,
        };
        if valid {
            Ok(Self(s.to_ascii_lowercase()))
        } else {
            Err(ParseError(
                "メールアドレスの形式が正しくありません(半角で入力してください)。",
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lower_cases_and_trims() {
        assert_eq!(
            Email::parse(" Taro@Example.JP ").unwrap().as_str(),
            "taro@example.jp"
        );
    }

    #[test]
    fn refuses_malformed_addresses() {
        for s in [
            "",
            "taro",
            "taro@",
            "@example.jp",
            "taro@example",
            "ta ro@example.jp",
            "taro@@example.jp",
            "たろう@example.jp",
            "taro@.jp",
        ] {
            assert!(Email::parse(s).is_err(), "{s}");
        }
        assert!(Email::parse(&format!("{}@example.jp", "a".repeat(250))).is_err());
    }
}
