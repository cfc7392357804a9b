//! Japanese telephone numbers as members type them (M5) and the core system
//! sends them (S7): full-width digits, hyphens of any kind, brackets around
//! the local part, spaces. What is kept is the number a person dials, in
//! the usual grouping.
//!
//! The rule (総務省's numbering plan, for numbers a person can be called on):
//! - 070 / 080 / 090 + 8 digits: a mobile phone (11 digits).
//! - 050 + 8 digits: an IP phone (11 digits).
//! - 0 + area code + local number, 10 digits, the second digit not 0: a
//!   fixed line.
//! - Service numbers nobody can be called back on are refused: 0120 / 0800
//!   (free dial), 0570 (navi dial), 0180, 0990, 020 (pagers and machines).

use super::ParseError;

/// Longest text a number may be typed in, before normalising.
pub const TYPED_MAX_CHARS: usize = 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhoneKind {
    Fixed,
    Mobile,
    Ip,
}

/// A valid Japanese number, stored with its hyphens (`090-1234-5678`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhoneNumber {
    text: String,
    kind: PhoneKind,
}

const SERVICE_PREFIXES: [&str; 6] = ["0120", "0800", "0570", "0180", "0990", "020"];

fn normalise_char(c: char) -> Option<char> {
    match c {
        '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32),
        '-' | 'ー' | '－' | '‐' | '−' | '―' | '‑' | '–' | '—' | 'ｰ' => Some('-'),
        // 03(1234)5678: the brackets separate groups like hyphens.
        '(' | ')' | '（' | '）' => Some('-'),
        ' ' | '　' => None,
        c => Some(c),
    }
}

impl PhoneNumber {
    /// Reads a number as typed. The message says what is wrong in words a
    /// member understands.
    pub fn parse(input: &str) -> Result<Self, ParseError> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(ParseError("電話番号を入力してください。"));
        }
        if trimmed.chars().count() > TYPED_MAX_CHARS {
            return Err(ParseError(
                "電話番号は、0から始まる10桁または11桁の数字で入力してください(例:048-123-4567、090-1234-5678)。",
            ));
        }
        let text: String = trimmed.chars().filter_map(normalise_char).collect();
        let groups: Vec<&str> = text
            .trim_matches('-')
            .split('-')
            .filter(|g| !g.is_empty())
            .collect();
        if groups.is_empty()
            || groups.len() > 3
            || !groups.iter().all(|g| g.bytes().all(|b| b.is_ascii_digit()))
        {
            return Err(ParseError(
                "電話番号は、数字とハイフンで入力してください(例:048-123-4567、090-1234-5678)。",
            ));
        }
        let digits: String = groups.concat();
        if !digits.starts_with('0') || !(10..=11).contains(&digits.len()) {
            return Err(ParseError(
                "電話番号は、0から始まる10桁または11桁の数字で入力してください(例:048-123-4567、090-1234-5678)。",
            ));
        }
        if SERVICE_PREFIXES.iter().any(|p| digits.starts_with(p)) {
            return Err(ParseError(
                "フリーダイヤルなど、折り返しのお電話ができない番号は登録できません。ご自宅か携帯電話の番号を入力してください。",
            ));
        }
        let kind = match (&digits[..3], digits.len()) {
            ("070" | "080" | "090", 11) => PhoneKind::Mobile,
            ("050", 11) => PhoneKind::Ip,
            ("070" | "080" | "090" | "050", _) => {
                return Err(ParseError(
                    "携帯電話・IP電話の番号は11桁です。桁数をご確認ください。",
                ))
            }
            (_, 10) if digits.as_bytes()[1] != b'0' => PhoneKind::Fixed,
            _ => {
                return Err(ParseError(
                    "固定電話の番号は、市外局番から10桁です。桁数をご確認ください。",
                ))
            }
        };
        let text = match kind {
            PhoneKind::Mobile | PhoneKind::Ip => {
                format!("{}-{}-{}", &digits[..3], &digits[3..7], &digits[7..])
            }
            // Tokyo and Osaka: the area code is always two digits.
            PhoneKind::Fixed if digits.starts_with("03") || digits.starts_with("06") => {
                format!("{}-{}-{}", &digits[..2], &digits[2..6], &digits[6..])
            }
            // Elsewhere the area code has two to five digits; the grouping
            // typed is kept when it is a plausible one, otherwise the digits.
            // Ten digits ending in a group of four: area code and exchange
            // make the other six, as they always do.
            PhoneKind::Fixed
                if groups.len() == 3
                    && (2..=5).contains(&groups[0].len())
                    && groups[2].len() == 4 =>
            {
                groups.join("-")
            }
            PhoneKind::Fixed => digits,
        };
        Ok(Self { text, kind })
    }

    /// A mobile number only (携帯電話番号).
    pub fn parse_mobile(input: &str) -> Result<Self, ParseError> {
        let number = Self::parse(input)?;
        if number.kind != PhoneKind::Mobile {
            return Err(ParseError(
                "携帯電話番号は、070・080・090から始まる11桁で入力してください。",
            ));
        }
        Ok(number)
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    pub fn kind(&self) -> PhoneKind {
        self.kind
    }

    pub fn into_string(self) -> String {
        self.text
    }
}

impl std::fmt::Display for PhoneNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(input: &str) -> (String, PhoneKind) {
        let p = PhoneNumber::parse(input).unwrap_or_else(|e| panic!("{input}: {e}"));
        (p.as_str().to_owned(), p.kind())
    }

    #[test]
    fn reads_the_ways_numbers_are_typed() {
        use PhoneKind::*;
        assert_eq!(ok("090-1234-5678"), ("090-1234-5678".into(), Mobile));
        assert_eq!(ok("09012345678"), ("090-1234-5678".into(), Mobile));
        assert_eq!(
            ok("０９０－１２３４－５６７８"),
            ("090-1234-5678".into(), Mobile)
        );
        assert_eq!(ok(" 080 1234 5678 "), ("080-1234-5678".into(), Mobile));
        assert_eq!(ok("070ー1234ー5678"), ("070-1234-5678".into(), Mobile));
        assert_eq!(ok("050-1234-5678"), ("050-1234-5678".into(), Ip));
        assert_eq!(ok("0312345678"), ("03-1234-5678".into(), Fixed));
        assert_eq!(ok("03(1234)5678"), ("03-1234-5678".into(), Fixed));
        assert_eq!(ok("06-1234-5678"), ("06-1234-5678".into(), Fixed));
        assert_eq!(ok("048-123-4567"), ("048-123-4567".into(), Fixed));
        assert_eq!(ok("0299-12-3456"), ("0299-12-3456".into(), Fixed));
        assert_eq!(ok("01456-2-3456"), ("01456-2-3456".into(), Fixed));
        // No grouping typed and no way to know the area code: the digits.
        assert_eq!(ok("0481234567"), ("0481234567".into(), Fixed));
        // A grouping that cannot be right is not kept.
        assert_eq!(ok("04812-345-67"), ("0481234567".into(), Fixed));
        assert_eq!(ok("048-1234-567"), ("0481234567".into(), Fixed));
    }

    #[test]
    fn refuses_what_is_not_a_number_to_call() {
        for bad in [
            "",
            "   ",
            "123-4567",
            "48-123-4567",
            "0-4-8-1-2-3-4-5-6-7",
            "090-1234-567",
            "090-1234-56789",
            "0901234567",
            "0012345678",
            "0120-123-456",
            "0800-123-4567",
            "0570-123-456",
            "020-1234-5678",
            "03-1234-abcd",
            "tel:0312345678",
            "03-1234-5678 内線12",
            "0312345678901234567890",
        ] {
            assert!(PhoneNumber::parse(bad).is_err(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn says_why() {
        assert_eq!(
            PhoneNumber::parse("0120-123-456").unwrap_err().0,
            "フリーダイヤルなど、折り返しのお電話ができない番号は登録できません。ご自宅か携帯電話の番号を入力してください。"
        );
        assert_eq!(
            PhoneNumber::parse("090-1234-567").unwrap_err().0,
            "携帯電話・IP電話の番号は11桁です。桁数をご確認ください。"
        );
    }

    #[test]
    fn a_mobile_number_is_a_mobile_number() {
        assert!(PhoneNumber::parse_mobile("090-1234-5678").is_ok());
        assert!(PhoneNumber::parse_mobile("03-1234-5678").is_err());
        assert!(PhoneNumber::parse_mobile("050-1234-5678").is_err());
    }
}
