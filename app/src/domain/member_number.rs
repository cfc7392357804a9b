//! 組合員番号: nine digits, written `0123-45678`.

use super::ParseError;
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct MemberNumber(String);

impl MemberNumber {
    /// Accepts `0123-45678`, `012345678` and full-width digits or hyphen, as people type them.
    pub fn parse(input: &str) -> Result<Self, ParseError> {
        let digits: String = input
            .trim()
            .chars()
            .filter(|c| !matches!(c, '-' | '－' | 'ー' | '‐' | ' ' | '　'))
            .map(|c| match c {
                '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
                _ => c,
            })
            .collect();
        if digits.len() == 9 && digits.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Self(digits))
        } else {
            Err(ParseError(
                "組合員番号は9桁の数字で入力してください(例:0123-45678)。",
            ))
        }
    }

    /// The nine digits, as stored.
    pub fn digits(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for MemberNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", &self.0[..4], &self.0[4..])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_usual_spellings() {
        for s in ["0123-45678", "012345678", " ０１２３－４５６７８ "] {
            let n = MemberNumber::parse(s).expect(s);
            assert_eq!(n.digits(), "012345678");
            assert_eq!(n.to_string(), "0123-45678");
        }
    }

    #[test]
    fn refuses_wrong_lengths_and_letters() {
        for s in ["", "0123-4567", "0123-456789", "0123-4567a", "abcd-efghi"] {
            assert!(MemberNumber::parse(s).is_err(), "{s}");
        }
    }
}
