//! Six-digit codes sent by mail (email change, login from a new browser):
//! valid for 10 minutes, 5 tries, one use.

use super::ParseError;
use chrono::{DateTime, Duration, Utc};

use super::policy::{CODE_MAX_TRIES, CODE_VALID_MINUTES};

pub const LENGTH: usize = 6;

/// What a typed code is, once full-width digits and spaces are folded.
pub fn parse(input: &str) -> Result<String, ParseError> {
    let digits: String = input
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            _ => c,
        })
        .collect();
    if digits.len() == LENGTH && digits.bytes().all(|b| b.is_ascii_digit()) {
        Ok(digits)
    } else {
        Err(ParseError("認証コード(6桁の数字)を入力してください。"))
    }
}

pub fn expires_at(now: DateTime<Utc>) -> DateTime<Utc> {
    now + Duration::minutes(CODE_VALID_MINUTES)
}

/// Why a stored code cannot be tried any more.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Spent {
    Expired,
    TooManyTries,
    Used,
}

/// Whether a code with this history may still be tried at `now`.
pub fn usable(
    attempts: i32,
    expires_at: DateTime<Utc>,
    used: bool,
    now: DateTime<Utc>,
) -> Result<(), Spent> {
    if used {
        Err(Spent::Used)
    } else if now >= expires_at {
        Err(Spent::Expired)
    } else if attempts >= CODE_MAX_TRIES {
        Err(Spent::TooManyTries)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn parses_what_people_type() {
        assert_eq!(parse(" 012 345 ").unwrap(), "012345");
        assert_eq!(parse("０１２３４５").unwrap(), "012345");
        assert!(parse("12345").is_err());
        assert!(parse("1234567").is_err());
        assert!(parse("12a456").is_err());
    }

    #[test]
    fn ten_minutes_five_tries_one_use() {
        let t = Utc.with_ymd_and_hms(2026, 11, 23, 0, 0, 0).unwrap();
        let exp = expires_at(t);
        assert_eq!(usable(0, exp, false, t + Duration::minutes(9)), Ok(()));
        assert_eq!(
            usable(0, exp, false, t + Duration::minutes(10)),
            Err(Spent::Expired)
        );
        assert_eq!(usable(4, exp, false, t), Ok(()));
        assert_eq!(usable(5, exp, false, t), Err(Spent::TooManyTries));
        assert_eq!(usable(0, exp, true, t), Err(Spent::Used));
    }
}
