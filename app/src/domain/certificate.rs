//! 掛金払込証明書 (M8), seed 000's rules exactly, with "today" passed in:
//!
//! - **Paper reissue** at any time: asked for in January–May it is the
//!   previous year's, in July–December the current year's; June is when the
//!   year switches, so the member chooses on the screen. Another year: the
//!   member contacts the co-op.
//! - **Electronic issue**: the current year's only, from October 1 to
//!   March 31 of the next year (in February 2027 that is 2026's).
//!
//! Also the amounts a certificate states (証明額 and 申告予定額, as
//! insurers' October certificates do) and its verification code.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::statement::BillingMonth;
use super::ParseError;

/// Which year a paper reissue asked for on a given day is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PaperYear {
    /// January–May: the previous year; July–December: the current one.
    One(i32),
    /// June: the member chooses between the two.
    Choose { previous: i32, current: i32 },
}

impl PaperYear {
    pub fn years(self) -> Vec<i32> {
        match self {
            PaperYear::One(y) => vec![y],
            PaperYear::Choose { previous, current } => vec![previous, current],
        }
    }
}

pub fn paper_year(today: NaiveDate) -> PaperYear {
    let y = today.year();
    match today.month() {
        1..=5 => PaperYear::One(y - 1),
        6 => PaperYear::Choose {
            previous: y - 1,
            current: y,
        },
        _ => PaperYear::One(y),
    }
}

/// What a paper reissue for another year is told (seed 000).
pub const OTHER_YEAR: &str =
    "この画面でご依頼いただけるのは表示している対象年の証明書です。ほかの年の証明書が必要な場合は、お電話でお問い合わせください。";

/// The year a paper reissue filed on `today` is for: `asked` must be one of
/// [`paper_year`]'s, and in June it must be given.
pub fn paper_year_for(today: NaiveDate, asked: Option<i32>) -> Result<i32, ParseError> {
    let allowed = paper_year(today);
    match (allowed, asked) {
        (PaperYear::One(y), None) => Ok(y),
        (PaperYear::Choose { .. }, None) => Err(ParseError(
            "6月は対象年が切り替わる月です。証明書の対象年を選んでください。",
        )),
        (_, Some(y)) if allowed.years().contains(&y) => Ok(y),
        (_, Some(_)) => Err(ParseError(OTHER_YEAR)),
    }
}

/// The years staff may file a paper reissue for, asked by phone on `today`:
/// the latest one the screen offers and the
/// [`super::policy::PHONE_CERTIFICATE_YEARS_BACK`] before it, newest first.
pub fn phone_paper_years(today: NaiveDate) -> Vec<i32> {
    let latest = paper_year(today)
        .years()
        .into_iter()
        .max()
        .unwrap_or(today.year());
    (latest - super::policy::PHONE_CERTIFICATE_YEARS_BACK..=latest)
        .rev()
        .collect()
}

/// The year of a paper reissue staff file on `today`, if it is one of
/// [`phone_paper_years`].
pub fn phone_paper_year(today: NaiveDate, asked: Option<i32>) -> Result<i32, ParseError> {
    match asked {
        Some(y) if phone_paper_years(today).contains(&y) => Ok(y),
        _ => Err(ParseError(
            "証明書の対象年を、一覧から選んでください(5年前まで)。",
        )),
    }
}

/// Whether an electronic certificate can be issued on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Electronic {
    /// The certificate of `year`, issued until `until` (March 31).
    Open { year: i32, until: NaiveDate },
    /// April–September: the next period opens on `opens_on` (October 1)
    /// for the certificate of `year`.
    Closed { year: i32, opens_on: NaiveDate },
}

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
}

pub fn electronic(today: NaiveDate) -> Electronic {
    let y = today.year();
    match today.month() {
        10..=12 => Electronic::Open {
            year: y,
            until: ymd(y + 1, 3, 31),
        },
        1..=3 => Electronic::Open {
            year: y - 1,
            until: ymd(y, 3, 31),
        },
        _ => Electronic::Closed {
            year: y,
            opens_on: ymd(y, 10, 1),
        },
    }
}

/// One month of a certificate year, for one contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Month {
    /// Billed and paid.
    Paid(i64),
    /// Billed, not (fully) paid yet.
    Billed(i64),
    /// Not billed yet: what the premium in force will be.
    Expected(i64),
    /// Nothing due.
    Nothing,
}

/// The months of `year` whose premium a certificate issued on `today` adds
/// as expected: those after the last statement, and not before today's
/// month (a month already past without a statement had nothing billed).
/// None for a year that is over or billed through December.
pub fn months_to_project(
    year: i32,
    last_billed: Option<BillingMonth>,
    today: NaiveDate,
) -> Vec<BillingMonth> {
    let after_billed = match last_billed {
        Some(m) => m.next(),
        None => BillingMonth::of(NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(today)),
    };
    let mut month = after_billed.max(BillingMonth::of(today));
    let mut out = Vec::new();
    while month.year() == year {
        out.push(month);
        month = month.next();
    }
    out
}

/// What a certificate states for one contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Amounts {
    /// 証明額: paid so far in the year.
    pub certified: i64,
    /// 申告予定額: what the whole year will come to.
    pub expected: i64,
}

pub fn amounts(months: impl IntoIterator<Item = Month>) -> Amounts {
    let mut out = Amounts {
        certified: 0,
        expected: 0,
    };
    for m in months {
        match m {
            Month::Paid(a) => {
                out.certified += a;
                out.expected += a;
            }
            Month::Billed(a) | Month::Expected(a) => out.expected += a,
            Month::Nothing => {}
        }
    }
    out
}

/// 生命保険料控除 categories a contract's premiums count towards.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Deduction {
    /// 一般生命保険料
    GeneralLife,
    /// 介護医療保険料
    MedicalCare,
}

impl Deduction {
    pub fn code(self) -> &'static str {
        match self {
            Deduction::GeneralLife => "general_life",
            Deduction::MedicalCare => "medical_care",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        [Deduction::GeneralLife, Deduction::MedicalCare]
            .into_iter()
            .find(|d| d.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            Deduction::GeneralLife => "一般生命保険料控除",
            Deduction::MedicalCare => "介護医療保険料控除",
        }
    }
}

/// The alphabet of verification codes: Crockford's base 32 (no I, L, O, U),
/// so what is read off paper is typed back without confusion.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// Random characters in a code; one check character follows.
pub const CODE_RANDOM_CHARS: usize = 15;

/// A certificate's verification code, `XXXX-XXXX-XXXX-XXXX`: 15 random
/// characters (75 bits) and a check character that catches every single
/// mistyped character, so a typo is told apart from a code never issued.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct VerificationCode(String);

fn value_of(c: char) -> Option<u32> {
    let c = match c.to_ascii_uppercase() {
        'O' => '0',
        'I' | 'L' => '1',
        c => c,
    };
    ALPHABET
        .iter()
        .position(|&a| a as char == c)
        .map(|p| p as u32)
}

/// Odd weights make every single substitution change the sum mod 32.
fn check_value(values: &[u32]) -> u32 {
    values
        .iter()
        .enumerate()
        .map(|(i, v)| (2 * i as u32 + 1) * v)
        .sum::<u32>()
        % 32
}

/// Why a typed code cannot be one that was issued.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeError {
    /// Wrong length or characters outside the alphabet.
    Shape,
    /// The check character does not match: most likely a typo.
    Check,
}

impl VerificationCode {
    /// A code from 15 random values (each taken mod 32).
    pub fn from_random(random: [u8; CODE_RANDOM_CHARS]) -> Self {
        let values: Vec<u32> = random.iter().map(|b| u32::from(*b) % 32).collect();
        let mut s: String = values
            .iter()
            .map(|v| ALPHABET[*v as usize] as char)
            .collect();
        s.push(ALPHABET[check_value(&values) as usize] as char);
        Self(s)
    }

    /// Reads a code as typed: hyphens and spaces ignored, lower case, O for
    /// 0 and I/L for 1 accepted.
    pub fn parse(input: &str) -> Result<Self, CodeError> {
        let cleaned: Vec<char> = input
            .chars()
            .filter(|c| !matches!(c, '-' | ' ' | '　' | 'ー' | '－'))
            .collect();
        if cleaned.len() != CODE_RANDOM_CHARS + 1 {
            return Err(CodeError::Shape);
        }
        let values: Vec<u32> = cleaned
            .iter()
            .map(|c| value_of(*c))
            .collect::<Option<_>>()
            .ok_or(CodeError::Shape)?;
        let (data, check) = values.split_at(CODE_RANDOM_CHARS);
        if check_value(data) != check[0] {
            return Err(CodeError::Check);
        }
        Ok(Self(
            values
                .iter()
                .map(|v| ALPHABET[*v as usize] as char)
                .collect(),
        ))
    }

    /// The sixteen characters, as stored (hashed) and compared.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `XXXX-XXXX-XXXX-XXXX`, as printed.
    pub fn grouped(&self) -> String {
        self.0
            .as_bytes()
            .chunks(4)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect::<Vec<_>>()
            .join("-")
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn staff_file_this_years_screen_year_and_five_before_it() {
        let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
        // In May the screen offers 2025; in June 2025 and 2026; from July 2026.
        assert_eq!(
            phone_paper_years(d(5, 31)),
            [2025, 2024, 2023, 2022, 2021, 2020]
        );
        assert_eq!(phone_paper_years(d(6, 1))[0], 2026);
        assert_eq!(
            phone_paper_years(d(7, 1)),
            [2026, 2025, 2024, 2023, 2022, 2021]
        );
        assert_eq!(phone_paper_year(d(5, 31), Some(2020)), Ok(2020));
        assert!(phone_paper_year(d(5, 31), Some(2019)).is_err());
        assert!(phone_paper_year(d(5, 31), Some(2026)).is_err());
        assert!(phone_paper_year(d(5, 31), None).is_err());
    }

    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn last_day(y: i32, m: u32) -> NaiveDate {
        let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
        d(ny, nm, 1).pred_opt().unwrap()
    }

    #[test]
    fn the_paper_year_for_every_month_from_first_to_last_day() {
        for m in 1..=12 {
            for day in [d(2026, m, 1), last_day(2026, m)] {
                let expected = match m {
                    1..=5 => PaperYear::One(2025),
                    6 => PaperYear::Choose {
                        previous: 2025,
                        current: 2026,
                    },
                    _ => PaperYear::One(2026),
                };
                assert_eq!(paper_year(day), expected, "{day}");
            }
        }
        // Across the year boundary.
        assert_eq!(paper_year(d(2026, 12, 31)), PaperYear::One(2026));
        assert_eq!(paper_year(d(2027, 1, 1)), PaperYear::One(2026));
        assert_eq!(paper_year(d(2026, 5, 31)), PaperYear::One(2025));
        assert_eq!(
            paper_year(d(2026, 6, 1)).years(),
            vec![2025, 2026],
            "June offers both"
        );
        assert_eq!(paper_year(d(2026, 7, 1)), PaperYear::One(2026));
    }

    #[test]
    fn a_paper_year_asked_for_is_checked() {
        assert_eq!(paper_year_for(d(2026, 3, 10), None), Ok(2025));
        assert_eq!(paper_year_for(d(2026, 3, 10), Some(2025)), Ok(2025));
        assert_eq!(
            paper_year_for(d(2026, 3, 10), Some(2026)),
            Err(ParseError(OTHER_YEAR))
        );
        assert_eq!(
            paper_year_for(d(2026, 11, 10), Some(2024)),
            Err(ParseError(OTHER_YEAR))
        );
        assert!(paper_year_for(d(2026, 6, 15), None).is_err());
        assert_eq!(paper_year_for(d(2026, 6, 15), Some(2025)), Ok(2025));
        assert_eq!(paper_year_for(d(2026, 6, 15), Some(2026)), Ok(2026));
        assert!(paper_year_for(d(2026, 6, 15), Some(2027)).is_err());
    }

    #[test]
    fn the_electronic_period_for_every_month_and_both_boundaries() {
        for m in 1..=12 {
            for day in [d(2026, m, 1), last_day(2026, m)] {
                let expected = match m {
                    1..=3 => Electronic::Open {
                        year: 2025,
                        until: d(2026, 3, 31),
                    },
                    4..=9 => Electronic::Closed {
                        year: 2026,
                        opens_on: d(2026, 10, 1),
                    },
                    _ => Electronic::Open {
                        year: 2026,
                        until: d(2027, 3, 31),
                    },
                };
                assert_eq!(electronic(day), expected, "{day}");
            }
        }
        // In February 2027 it is the 2026 certificate (the example).
        assert_eq!(
            electronic(d(2027, 2, 10)),
            Electronic::Open {
                year: 2026,
                until: d(2027, 3, 31)
            }
        );
        assert!(matches!(
            electronic(d(2027, 3, 31)),
            Electronic::Open { year: 2026, .. }
        ));
        assert!(matches!(
            electronic(d(2027, 4, 1)),
            Electronic::Closed { year: 2027, .. }
        ));
        assert!(matches!(
            electronic(d(2026, 9, 30)),
            Electronic::Closed { .. }
        ));
        assert!(matches!(
            electronic(d(2026, 10, 1)),
            Electronic::Open { year: 2026, .. }
        ));
    }

    #[test]
    fn months_projected_are_after_the_last_statement_and_not_past() {
        let m = |y, mo| BillingMonth::new(y, mo).unwrap();
        let codes = |v: Vec<BillingMonth>| v.into_iter().map(|b| b.code()).collect::<Vec<_>>();
        // November, billed through November: December only.
        assert_eq!(
            codes(months_to_project(2026, Some(m(2026, 11)), d(2026, 11, 23))),
            ["2026-12"]
        );
        // Billed through September, today in November: October is past.
        assert_eq!(
            codes(months_to_project(2026, Some(m(2026, 9)), d(2026, 11, 23))),
            ["2026-11", "2026-12"]
        );
        // Billed through December, or the year over: nothing.
        assert!(months_to_project(2026, Some(m(2026, 12)), d(2026, 12, 1)).is_empty());
        assert!(months_to_project(2026, Some(m(2026, 10)), d(2027, 2, 10)).is_empty());
        assert!(months_to_project(2026, None, d(2027, 2, 10)).is_empty());
        // No statement at all yet, early in the year: the rest of it.
        assert_eq!(months_to_project(2026, None, d(2026, 10, 1)).len(), 3);
        // Statements of a later year already: nothing for this one.
        assert!(months_to_project(2026, Some(m(2027, 1)), d(2026, 12, 20)).is_empty());
    }

    #[test]
    fn amounts_certify_what_is_paid_and_expect_the_whole_year() {
        let months = [
            Month::Paid(2000),
            Month::Paid(2000),
            Month::Billed(2000),
            Month::Expected(3000),
            Month::Nothing,
        ];
        assert_eq!(
            amounts(months),
            Amounts {
                certified: 4000,
                expected: 9000
            }
        );
        assert_eq!(
            amounts([]),
            Amounts {
                certified: 0,
                expected: 0
            }
        );
    }

    #[test]
    fn codes_round_trip_and_read_as_people_type_them() {
        let code = VerificationCode::from_random([7; CODE_RANDOM_CHARS]);
        assert_eq!(code.as_str().len(), 16);
        assert_eq!(VerificationCode::parse(&code.grouped()), Ok(code.clone()));
        assert_eq!(
            VerificationCode::parse(&code.as_str().to_lowercase()),
            Ok(code.clone())
        );
        let zeros = VerificationCode::from_random([0; CODE_RANDOM_CHARS]);
        assert_eq!(zeros.as_str(), "0000000000000000");
        assert_eq!(
            VerificationCode::parse("oooo-OOOO 0000-0000"),
            Ok(zeros),
            "O is read as 0"
        );
        assert_eq!(VerificationCode::parse("123"), Err(CodeError::Shape));
        assert_eq!(
            VerificationCode::parse("UUUU-0000-0000-0000"),
            Err(CodeError::Shape)
        );
        assert_eq!(code.grouped().len(), 19);
    }

    #[test]
    fn every_single_mistyped_character_is_caught() {
        for seed in 0..32u8 {
            let random: [u8; CODE_RANDOM_CHARS] =
                std::array::from_fn(|i| seed.wrapping_mul(7).wrapping_add(i as u8 * 11));
            let code = VerificationCode::from_random(random);
            let chars: Vec<char> = code.as_str().chars().collect();
            for at in 0..chars.len() {
                for &other in ALPHABET {
                    let other = other as char;
                    if other == chars[at] {
                        continue;
                    }
                    let mut typed = chars.clone();
                    typed[at] = other;
                    let typed: String = typed.into_iter().collect();
                    assert_eq!(
                        VerificationCode::parse(&typed),
                        Err(CodeError::Check),
                        "{typed}"
                    );
                }
            }
        }
    }

    #[test]
    fn deduction_codes() {
        for d in [Deduction::GeneralLife, Deduction::MedicalCare] {
            assert_eq!(Deduction::from_code(d.code()), Some(d));
        }
        assert_eq!(Deduction::from_code("x"), None);
    }
}
