//! 郵便番号 (M5): reading a code however it is typed, and what a lookup may
//! fill in. Seed 000: a code that stands for several towns (町域) fills the
//! prefecture and the city only; the member types the town.

use super::ParseError;

/// Seven digits, `3300064`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostalCode(String);

impl PostalCode {
    /// `330-0064`, `3300064`, `〒330-0064`, `３３０－００６４`, with spaces
    /// around. Anything else is refused.
    pub fn parse(input: &str) -> Result<Self, ParseError> {
        let mut digits = String::with_capacity(7);
        for c in input.trim().trim_start_matches('〒').trim().chars() {
            match c {
                '0'..='9' => digits.push(c),
                '０'..='９' => {
                    digits.push(char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or('0'))
                }
                '-' | 'ー' | '－' | '‐' | '−' | '―' | 'ｰ' | ' ' | '　' => {}
                _ => {
                    return Err(ParseError(
                        "郵便番号は7桁の数字で入力してください(例:330-0064)。",
                    ))
                }
            }
            if digits.len() > 7 {
                break;
            }
        }
        if digits.is_empty() {
            return Err(ParseError("郵便番号を入力してください。"));
        }
        if digits.len() != 7 {
            return Err(ParseError(
                "郵便番号は7桁の数字で入力してください(例:330-0064)。",
            ));
        }
        Ok(Self(digits))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `330-0064`.
    pub fn hyphenated(&self) -> String {
        format!("{}-{}", &self.0[..3], &self.0[3..])
    }
}

/// One place a code stands for in the postal data: one code may stand for
/// several (Japan Post lists each town of such a code on a line of its own).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place<'a> {
    pub prefecture: &'a str,
    pub city: &'a str,
    /// Empty for "以下に掲載がない場合" (the rest of the city).
    pub town: &'a str,
}

/// What a lookup fills in for a code: only what all of its places share.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fill {
    pub prefecture: String,
    /// `None` when the code crosses a city boundary.
    pub city: Option<String>,
    /// `None` when the code stands for several towns, or for the rest of a
    /// city (seed 000: then no town is filled).
    pub town: Option<String>,
}

/// The several-towns rule. `None` when there are no places or they do not
/// even share a prefecture.
pub fn fill(places: &[Place<'_>]) -> Option<Fill> {
    let first = places.first()?;
    if places.iter().any(|p| p.prefecture != first.prefecture) {
        return None;
    }
    let one_city = places.iter().all(|p| p.city == first.city);
    let one_town =
        one_city && !first.town.is_empty() && places.iter().all(|p| p.town == first.town);
    Some(Fill {
        prefecture: first.prefecture.to_owned(),
        city: one_city.then(|| first.city.to_owned()),
        town: one_town.then(|| first.town.to_owned()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_codes_however_they_are_typed() {
        for typed in [
            "3300064",
            "330-0064",
            "〒330-0064",
            " 〒 330-0064 ",
            "３３０－００６４",
            "３３０００６４",
            "330ー0064",
            "330 0064",
        ] {
            assert_eq!(
                PostalCode::parse(typed).map(|c| c.hyphenated()),
                Ok("330-0064".to_owned()),
                "{typed:?}"
            );
        }
    }

    #[test]
    fn refuses_anything_but_seven_digits() {
        for bad in [
            "",
            "330",
            "330-006",
            "330-00645",
            "33000645",
            "abc-defg",
            "330_0064",
        ] {
            assert!(PostalCode::parse(bad).is_err(), "{bad:?}");
        }
        assert_eq!(
            PostalCode::parse("").unwrap_err().0,
            "郵便番号を入力してください。"
        );
    }

    fn place<'a>(city: &'a str, town: &'a str) -> Place<'a> {
        Place {
            prefecture: "愛知県",
            city,
            town,
        }
    }

    #[test]
    fn one_town_fills_the_town() {
        let f = fill(&[place("清須市", "春日明河原")]).unwrap();
        assert_eq!(f.prefecture, "愛知県");
        assert_eq!(f.city.as_deref(), Some("清須市"));
        assert_eq!(f.town.as_deref(), Some("春日明河原"));
    }

    #[test]
    fn several_towns_fill_no_town() {
        let f = fill(&[place("清須市", "春日明河原"), place("清須市", "春日一番割")]).unwrap();
        assert_eq!(f.city.as_deref(), Some("清須市"));
        assert_eq!(f.town, None);
    }

    #[test]
    fn the_rest_of_a_city_fills_no_town() {
        let f = fill(&[place("名古屋市中区", "")]).unwrap();
        assert_eq!(f.city.as_deref(), Some("名古屋市中区"));
        assert_eq!(f.town, None);
    }

    #[test]
    fn a_code_across_cities_fills_the_prefecture_only() {
        let f = fill(&[place("清須市", "春日"), place("北名古屋市", "春日")]).unwrap();
        assert_eq!(f.prefecture, "愛知県");
        assert_eq!(f.city, None);
        assert_eq!(f.town, None);
    }

    #[test]
    fn the_same_town_twice_is_one_town() {
        let f = fill(&[place("清須市", "春日"), place("清須市", "春日")]).unwrap();
        assert_eq!(f.town.as_deref(), Some("春日"));
    }

    #[test]
    fn nothing_fills_nothing() {
        assert_eq!(fill(&[]), None);
        let mixed = [
            place("清須市", "春日"),
            Place {
                prefecture: "岐阜県",
                city: "岐阜市",
                town: "",
            },
        ];
        assert_eq!(fill(&mixed), None);
    }
}
