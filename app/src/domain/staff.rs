//! Staff accounts (S1): roles, and the shape of a staff login ID.

use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use sea_orm::{sea_query::StringLen, DeriveActiveEnum, EnumIter};

use super::ParseError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(EnumIter, DeriveActiveEnum))]
#[cfg_attr(
    feature = "ssr",
    sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")
)]
pub enum StaffRole {
    /// Works the procedure queue and looks members up.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "operator"))]
    Operator,
    /// Also manages staff accounts.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "admin"))]
    Admin,
}

impl StaffRole {
    pub const ALL: [StaffRole; 2] = [Self::Operator, Self::Admin];

    pub fn label(self) -> &'static str {
        match self {
            Self::Operator => "担当者",
            Self::Admin => "管理者",
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Self::Operator => "operator",
            Self::Admin => "admin",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }
}

pub const LOGIN_ID_MIN: usize = 3;
pub const LOGIN_ID_MAX: usize = 32;
pub const NAME_MAX: usize = 60;

/// A staff login ID: ASCII letters, digits and `. _ -`, lower-cased.
pub fn parse_login_id(raw: &str) -> Result<String, ParseError> {
    let id = raw.trim().to_ascii_lowercase();
    if id.is_empty() {
        return Err(ParseError("ログインIDを入力してください。"));
    }
    if !(LOGIN_ID_MIN..=LOGIN_ID_MAX).contains(&id.len()) {
        return Err(ParseError("ログインIDは3〜32文字で入力してください。"));
    }
    if !id
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
    {
        return Err(ParseError(
            "ログインIDは半角英数字と記号(. _ -)で入力してください。",
        ));
    }
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn login_ids_are_short_ascii_and_lower_cased() {
        assert_eq!(parse_login_id(" Sato.K ").as_deref(), Ok("sato.k"));
        assert!(parse_login_id("ab").is_err());
        assert!(parse_login_id(&"a".repeat(33)).is_err());
        assert!(parse_login_id("さとう").is_err());
        assert!(parse_login_id("a b c").is_err());
        assert!(parse_login_id("").is_err());
    }

    #[test]
    fn roles_round_trip() {
        for role in StaffRole::ALL {
            assert_eq!(StaffRole::from_code(role.code()), Some(role));
        }
        assert_eq!(StaffRole::from_code("root"), None);
    }
}
