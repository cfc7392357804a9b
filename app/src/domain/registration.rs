//! The registration code of the letter staff send a new member (M12): long
//! enough to guess at no rate the limits allow, easy to read and type from
//! paper, single use, and it expires.

use chrono::{DateTime, Duration, Utc};

use super::policy::REGISTRATION_CODE_DAYS;

/// Letters and digits that cannot be mistaken for one another on paper.
pub const ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
/// Characters of a code (about 59 bits), printed in groups of four.
pub const LENGTH: usize = 12;

/// `ABCD-EFGH-JKMN` from the twelve characters.
pub fn grouped(code: &str) -> String {
    code.as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join("-")
}

/// What a member typed, made comparable: case, spaces, hyphens and
/// full-width forms do not matter. `None` if it cannot be a code.
pub fn normalise(typed: &str) -> Option<String> {
    let code: String = typed
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '-' | '－' | 'ー' | '−'))
        .map(|c| match c {
            'Ａ'..='Ｚ' | 'ａ'..='ｚ' | '０'..='９' => {
                char::from_u32(c as u32 - 0xFF01 + 0x21).unwrap_or(c)
            }
            _ => c,
        })
        .map(|c| c.to_ascii_uppercase())
        .collect();
    (code.len() == LENGTH && code.bytes().all(|b| ALPHABET.contains(&b))).then_some(code)
}

pub fn expires_at(issued: DateTime<Utc>) -> DateTime<Utc> {
    issued + Duration::days(REGISTRATION_CODE_DAYS)
}

/// Whether a stored code may still be used at `now`.
pub fn usable(expires_at: DateTime<Utc>, used: bool, now: DateTime<Utc>) -> bool {
    !used && now < expires_at
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn codes_are_read_loosely() {
        assert_eq!(normalise("abcd-efgh-jkmn").as_deref(), Some("ABCDEFGHJKMN"));
        assert_eq!(
            normalise(" ＡＢＣＤ ＥＦＧＨ ＪＫＭＮ ").as_deref(),
            Some("ABCDEFGHJKMN")
        );
        assert_eq!(normalise("ABCD-EFGH-JKM"), None, "too short");
        assert_eq!(
            normalise("ABCD-EFGH-JKM0"),
            None,
            "0 is not in the alphabet"
        );
        assert_eq!(normalise("ABCD-EFGH-JKMO"), None, "nor O");
        assert_eq!(grouped("ABCDEFGHJKMN"), "ABCD-EFGH-JKMN");
    }

    #[test]
    fn codes_expire_and_are_used_once() {
        let t = Utc.with_ymd_and_hms(2026, 11, 23, 1, 0, 0).unwrap();
        let end = expires_at(t);
        assert!(usable(end, false, t));
        assert!(usable(end, false, end - Duration::seconds(1)));
        assert!(!usable(end, false, end));
        assert!(!usable(end, true, t));
    }

    #[test]
    fn the_alphabet_has_no_lookalikes() {
        for c in b"01IOL" {
            assert!(!ALPHABET.contains(c));
        }
        assert_eq!(ALPHABET.len(), 31);
    }
}
