//! ユーザーID: what a member types to log in, besides their email address.

use super::ParseError;
use serde::{Deserialize, Serialize};
use std::fmt;

pub const MIN_LEN: usize = 6;
pub const MAX_LEN: usize = 32;

/// Half-width letters, digits and `. _ -`, 6–32 characters, compared without case
/// (stored lower-cased), so `Kyosai.Taro` and `kyosai.taro` are one ID.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct UserId(String);

impl UserId {
    pub fn parse(input: &str) -> Result<Self, ParseError> {
        let s = input.trim();
        let len = s.chars().count();
        if !(MIN_LEN..=MAX_LEN).contains(&len) {
            return Err(ParseError(
                "ユーザーIDは6文字以上32文字以内で入力してください。",
            ));
        }
        if !s
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
        {
            return Err(ParseError(
                "ユーザーIDは半角英数字と記号(. _ -)で入力してください。",
            ));
        }
        Ok(Self(s.to_ascii_lowercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for UserId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_case_and_spaces() {
        assert_eq!(
            UserId::parse(" Kyosai.Taro ").unwrap().as_str(),
            "kyosai.taro"
        );
    }

    #[test]
    fn enforces_length_and_characters() {
        assert!(UserId::parse("abc12").is_err());
        assert!(UserId::parse(&"a".repeat(33)).is_err());
        assert!(UserId::parse(&"a".repeat(32)).is_ok());
        assert!(UserId::parse("taro@home").is_err());
        assert!(UserId::parse("共済たろう123").is_err());
    }
}
