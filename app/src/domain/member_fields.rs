//! A member's registered details as staff type them (S2, after the 出資金
//! payment) or the core system exports them (S7, the members CSV): one
//! rule for both. Names and addresses are kept as they came; characters
//! outside JIS X 0208 (髙, 﨑, 外字) are a warning, never a refusal, and
//! members see the display spelling (seed 000).

use chrono::NaiveDate;

use super::jis::display_spelling;
use super::member_number::MemberNumber;

/// The details, one per column of the CSV and field of the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Number,
    Name,
    Kana,
    BirthDate,
    PostalCode,
    Prefecture,
    Address1,
    Address2,
    Phone,
    Workplace,
    CapitalPaidOn,
    CapitalAmount,
}

impl Field {
    pub const ALL: [Field; 12] = [
        Field::Number,
        Field::Name,
        Field::Kana,
        Field::BirthDate,
        Field::PostalCode,
        Field::Prefecture,
        Field::Address1,
        Field::Address2,
        Field::Phone,
        Field::Workplace,
        Field::CapitalPaidOn,
        Field::CapitalAmount,
    ];

    /// The CSV column heading (and the form's label).
    pub fn column(self) -> &'static str {
        match self {
            Field::Number => "組合員番号",
            Field::Name => "氏名",
            Field::Kana => "フリガナ",
            Field::BirthDate => "生年月日",
            Field::PostalCode => "郵便番号",
            Field::Prefecture => "都道府県",
            Field::Address1 => "住所1",
            Field::Address2 => "住所2",
            Field::Phone => "電話番号",
            Field::Workplace => "勤務先",
            Field::CapitalPaidOn => "出資金払込日",
            Field::CapitalAmount => "出資金額",
        }
    }

    /// The form field's name.
    pub fn key(self) -> &'static str {
        match self {
            Field::Number => "member_number",
            Field::Name => "name",
            Field::Kana => "name_kana",
            Field::BirthDate => "birth_date",
            Field::PostalCode => "postal_code",
            Field::Prefecture => "prefecture",
            Field::Address1 => "address1",
            Field::Address2 => "address2",
            Field::Phone => "phone",
            Field::Workplace => "workplace",
            Field::CapitalPaidOn => "capital_paid_on",
            Field::CapitalAmount => "capital_amount",
        }
    }

    /// Columns every members CSV must have.
    pub fn required_column(self) -> bool {
        matches!(
            self,
            Field::Number
                | Field::Name
                | Field::Kana
                | Field::BirthDate
                | Field::PostalCode
                | Field::Prefecture
                | Field::Address1
        )
    }
}

/// What is wrong (or worth a warning) with one field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub field: Field,
    pub message: String,
}

fn problem(field: Field, message: impl Into<String>) -> Problem {
    Problem {
        field,
        message: message.into(),
    }
}

/// The text of each field, as typed or read from a row. Serialised with
/// the form's field names ([`Field::key`]); a missing field is empty.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Raw {
    #[serde(rename = "member_number")]
    pub number: String,
    pub name: String,
    #[serde(rename = "name_kana")]
    pub kana: String,
    pub birth_date: String,
    pub postal_code: String,
    pub prefecture: String,
    pub address1: String,
    pub address2: String,
    pub phone: String,
    pub workplace: String,
    pub capital_paid_on: String,
    pub capital_amount: String,
}

impl Raw {
    pub fn set(&mut self, field: Field, value: &str) {
        let slot = match field {
            Field::Number => &mut self.number,
            Field::Name => &mut self.name,
            Field::Kana => &mut self.kana,
            Field::BirthDate => &mut self.birth_date,
            Field::PostalCode => &mut self.postal_code,
            Field::Prefecture => &mut self.prefecture,
            Field::Address1 => &mut self.address1,
            Field::Address2 => &mut self.address2,
            Field::Phone => &mut self.phone,
            Field::Workplace => &mut self.workplace,
            Field::CapitalPaidOn => &mut self.capital_paid_on,
            Field::CapitalAmount => &mut self.capital_amount,
        };
        value.trim().clone_into(slot);
    }
}

/// Checked details, ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberFields {
    pub number: MemberNumber,
    pub name: String,
    pub kana: String,
    pub birth_date: NaiveDate,
    /// Seven digits.
    pub postal_code: String,
    pub prefecture: String,
    pub address1: String,
    pub address2: String,
    /// Half-width digits and hyphens, or empty.
    pub phone: String,
    pub workplace: Option<String>,
    pub capital_paid_on: Option<NaiveDate>,
    pub capital_amount: Option<i32>,
}

pub const PREFECTURES: [&str; 47] = [
    "北海道",
    "青森県",
    "岩手県",
    "宮城県",
    "秋田県",
    "山形県",
    "福島県",
    "茨城県",
    "栃木県",
    "群馬県",
    "埼玉県",
    "千葉県",
    "東京都",
    "神奈川県",
    "新潟県",
    "富山県",
    "石川県",
    "福井県",
    "山梨県",
    "長野県",
    "岐阜県",
    "静岡県",
    "愛知県",
    "三重県",
    "滋賀県",
    "京都府",
    "大阪府",
    "兵庫県",
    "奈良県",
    "和歌山県",
    "鳥取県",
    "島根県",
    "岡山県",
    "広島県",
    "山口県",
    "徳島県",
    "香川県",
    "愛媛県",
    "高知県",
    "福岡県",
    "佐賀県",
    "長崎県",
    "熊本県",
    "大分県",
    "宮崎県",
    "鹿児島県",
    "沖縄県",
];

pub const NAME_MAX: usize = 40;
pub const KANA_MAX: usize = 60;
pub const ADDRESS_MAX: usize = 80;
pub const WORKPLACE_MAX: usize = 60;
/// A phone number with its hyphens, as stored (`090-1234-5678`).
pub const PHONE_MAX: usize = 13;
/// The largest 出資金 a row may carry, in yen.
pub const CAPITAL_MAX: i32 = 10_000_000;

/// Half-width digits for full-width ones.
fn ascii_digits(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            'ー' | '－' | '‐' | '−' | '―' => '-',
            '／' => '/',
            _ => c,
        })
        .collect()
}

/// The day the 出資金 was paid, when given: a written date, not after
/// `today`.
pub fn paid_on(text: &str, today: NaiveDate) -> Result<Option<NaiveDate>, &'static str> {
    if text.trim().is_empty() {
        return Ok(None);
    }
    match parse_date(text) {
        Some(d) if d <= today => Ok(Some(d)),
        Some(_) => Err("未来の日付は入力できません。"),
        None => Err("日付を 2026-04-01 または 2026/4/1 の形で入力してください。"),
    }
}

/// The 出資金 paid, in yen, when given: `1000`, `1,000`, `１，０００円`.
pub fn capital_amount(text: &str) -> Result<Option<i32>, &'static str> {
    let digits: String = ascii_digits(text.trim())
        .chars()
        .filter(|c| !matches!(c, ',' | '，' | '円'))
        .collect();
    if digits.is_empty() {
        return Ok(None);
    }
    match digits.parse::<i32>() {
        Ok(n) if (1..=CAPITAL_MAX).contains(&n) => Ok(Some(n)),
        _ => Err("出資金額は円単位の数字で入力してください(例:1000)。"),
    }
}

/// `1985-04-02`, `1985/4/2`, `19850402` (full-width digits too).
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    let t = ascii_digits(text.trim());
    if t.len() == 8 && t.bytes().all(|b| b.is_ascii_digit()) {
        return NaiveDate::parse_from_str(&t, "%Y%m%d").ok();
    }
    let parts: Vec<&str> = t.split(['-', '/']).collect();
    match parts.as_slice() {
        [y, m, d] if y.len() == 4 => {
            NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
        }
        _ => None,
    }
}

/// Whether `text` is written like a date (and so, unparsed, names a day
/// that does not exist, like 2月30日).
fn date_shaped(text: &str) -> bool {
    let t = ascii_digits(text.trim());
    let parts: Vec<&str> = t.split(['-', '/']).collect();
    (t.len() == 8 && t.bytes().all(|b| b.is_ascii_digit()))
        || (parts.len() == 3
            && parts[0].len() == 4
            && parts
                .iter()
                .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit())))
}

/// Katakana for a reading: hiragana becomes katakana, spaces a full-width
/// space; half-width kana and anything else are refused.
pub fn kana(text: &str) -> Result<String, String> {
    let mut out = String::new();
    for c in text.trim().chars() {
        match c {
            'ぁ'..='ゖ' => out.push(char::from_u32(c as u32 + 0x60).unwrap_or(c)),
            'ァ'..='ヺ' | 'ー' | '・' | 'ヽ' | 'ヾ' => out.push(c),
            ' ' | '　' => {
                if !out.ends_with('　') {
                    out.push('　');
                }
            }
            '\u{FF61}'..='\u{FF9F}' => {
                return Err("半角カタカナは使えません。全角カタカナで入力してください。".into())
            }
            _ => {
                return Err(format!(
                    "「{c}」は使えません。フリガナは全角カタカナで入力してください。"
                ))
            }
        }
    }
    Ok(out)
}

fn text(
    field: Field,
    value: &str,
    max: usize,
    required: bool,
    problems: &mut Vec<Problem>,
    warnings: &mut Vec<Problem>,
) -> String {
    let value = value.trim();
    if value.is_empty() {
        if required {
            problems.push(problem(field, "入力してください。"));
        }
        return String::new();
    }
    if value.chars().count() > max {
        problems.push(problem(field, format!("{max}文字以内にしてください。")));
    } else if value.chars().any(char::is_control) {
        problems.push(problem(field, "改行や制御文字は使えません。"));
    } else {
        let (shown, changed) = display_spelling(value);
        if changed {
            warnings.push(problem(
                field,
                format!(
                    "JIS X 0208 にない文字があります。登録どおりに保存し、マイページでは「{shown}」と表示します。"
                ),
            ));
        }
    }
    value.to_owned()
}

/// Checks a new 氏名 and フリガナ alone (a confirmed name change): the name as
/// typed (with a warning outside JIS X 0208) and the reading in katakana.
pub fn check_name(
    name: &str,
    kana_text: &str,
) -> Result<(String, String, Vec<Problem>), Vec<Problem>> {
    let mut problems = Vec::new();
    let mut warnings = Vec::new();
    let name = text(
        Field::Name,
        name,
        NAME_MAX,
        true,
        &mut problems,
        &mut warnings,
    );
    let reading = match kana(kana_text) {
        Ok(k) if k.trim_matches('　').is_empty() => {
            problems.push(problem(Field::Kana, "入力してください。"));
            String::new()
        }
        Ok(k) if k.chars().count() > KANA_MAX => {
            problems.push(problem(
                Field::Kana,
                format!("{KANA_MAX}文字以内にしてください。"),
            ));
            String::new()
        }
        Ok(k) => k.trim_matches('　').to_owned(),
        Err(message) => {
            problems.push(problem(Field::Kana, message));
            String::new()
        }
    };
    if problems.is_empty() {
        Ok((name, reading, warnings))
    } else {
        Err(problems)
    }
}

/// Checks every field of `raw` against `today`: the details, or every
/// problem found; warnings come with the details.
pub fn check(raw: &Raw, today: NaiveDate) -> Result<(MemberFields, Vec<Problem>), Vec<Problem>> {
    let mut problems = Vec::new();
    let mut warnings = Vec::new();

    let number = match MemberNumber::parse(&raw.number) {
        Ok(n) => Some(n),
        Err(e) => {
            problems.push(problem(Field::Number, e.0));
            None
        }
    };
    let (name, kana_text) = match check_name(&raw.name, &raw.kana) {
        Ok((name, reading, w)) => {
            warnings.extend(w);
            (name, reading)
        }
        Err(ps) => {
            problems.extend(ps);
            (String::new(), String::new())
        }
    };
    let birth_date = match parse_date(&raw.birth_date) {
        None if raw.birth_date.trim().is_empty() => {
            problems.push(problem(Field::BirthDate, "入力してください。"));
            None
        }
        None if date_shaped(&raw.birth_date) => {
            problems.push(problem(Field::BirthDate, "存在しない日付です。"));
            None
        }
        None => {
            problems.push(problem(
                Field::BirthDate,
                "日付を 1985-04-02 または 1985/4/2 の形で入力してください。",
            ));
            None
        }
        Some(d) if d > today || Some(d) < NaiveDate::from_ymd_opt(1900, 1, 1) => {
            problems.push(problem(Field::BirthDate, "ありえない日付です。"));
            None
        }
        Some(d) => Some(d),
    };
    let postal: String = ascii_digits(&raw.postal_code)
        .chars()
        .filter(|c| *c != '-' && *c != '〒')
        .collect();
    if postal.is_empty() {
        problems.push(problem(Field::PostalCode, "入力してください。"));
    } else if postal.len() != 7 || !postal.bytes().all(|b| b.is_ascii_digit()) {
        problems.push(problem(
            Field::PostalCode,
            "郵便番号は7桁の数字で入力してください(例:330-0064)。",
        ));
    }
    let prefecture = raw.prefecture.trim();
    if prefecture.is_empty() {
        problems.push(problem(Field::Prefecture, "入力してください。"));
    } else if !PREFECTURES.contains(&prefecture) {
        problems.push(problem(
            Field::Prefecture,
            "都道府県名を「東京都」「埼玉県」のように入力してください。",
        ));
    }
    let address1 = text(
        Field::Address1,
        &raw.address1,
        ADDRESS_MAX,
        true,
        &mut problems,
        &mut warnings,
    );
    let address2 = text(
        Field::Address2,
        &raw.address2,
        ADDRESS_MAX,
        false,
        &mut problems,
        &mut warnings,
    );
    // Optional in the core system's export; when given, a number a person can
    // be called on, stored in its usual grouping.
    let phone = if raw.phone.trim().is_empty() {
        String::new()
    } else {
        match crate::domain::phone::PhoneNumber::parse(&raw.phone) {
            Ok(p) => p.into_string(),
            Err(e) => {
                problems.push(problem(Field::Phone, e.0));
                String::new()
            }
        }
    };
    let workplace = text(
        Field::Workplace,
        &raw.workplace,
        WORKPLACE_MAX,
        false,
        &mut problems,
        &mut warnings,
    );
    let capital_paid_on = paid_on(&raw.capital_paid_on, today).unwrap_or_else(|message| {
        problems.push(problem(Field::CapitalPaidOn, message));
        None
    });
    let capital_amount = capital_amount(&raw.capital_amount).unwrap_or_else(|message| {
        problems.push(problem(Field::CapitalAmount, message));
        None
    });

    match (number, birth_date) {
        (Some(number), Some(birth_date)) if problems.is_empty() => Ok((
            MemberFields {
                number,
                name,
                kana: kana_text,
                birth_date,
                postal_code: postal,
                prefecture: prefecture.to_owned(),
                address1,
                address2,
                phone,
                workplace: (!workplace.is_empty()).then_some(workplace),
                capital_paid_on,
                capital_amount,
            },
            warnings,
        )),
        _ => Err(problems),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
    }

    fn good() -> Raw {
        Raw {
            number: "0123-45678".into(),
            name: "共済 花子".into(),
            kana: "きょうさい はなこ".into(),
            birth_date: "1985/4/2".into(),
            postal_code: "３３０－００６４".into(),
            prefecture: "埼玉県".into(),
            address1: "さいたま市浦和区岸町7-5-14".into(),
            address2: "".into(),
            phone: "048-123-4567".into(),
            workplace: "埼玉県庁".into(),
            capital_paid_on: "2026-11-20".into(),
            capital_amount: "1,000".into(),
        }
    }

    #[test]
    fn a_good_row_is_normalised() {
        let (m, warnings) = check(&good(), today()).unwrap();
        assert!(warnings.is_empty());
        assert_eq!(m.number.digits(), "012345678");
        assert_eq!(m.kana, "キョウサイ　ハナコ");
        assert_eq!(m.birth_date, NaiveDate::from_ymd_opt(1985, 4, 2).unwrap());
        assert_eq!(m.postal_code, "3300064");
        assert_eq!(m.capital_amount, Some(1000));
        assert_eq!(m.workplace.as_deref(), Some("埼玉県庁"));
        assert_eq!(m.address2, "");
    }

    #[test]
    fn characters_outside_jis_x_0208_are_kept_with_a_warning() {
        let raw = Raw {
            name: "髙﨑 一郎".into(),
            ..good()
        };
        let (m, warnings) = check(&raw, today()).unwrap();
        assert_eq!(m.name, "髙﨑 一郎", "the registered spelling is kept");
        assert_eq!(warnings.len(), 1);
        assert_eq!(warnings[0].field, Field::Name);
        assert!(warnings[0].message.contains("「高崎 一郎」"));
    }

    #[test]
    fn every_bad_field_is_named() {
        type Spoil = fn(&mut Raw);
        let cases: [(Field, Spoil); 15] = [
            (Field::Number, |r| r.number = "12345".into()),
            (Field::Name, |r| r.name = "".into()),
            (Field::Name, |r| r.name = "あ".repeat(NAME_MAX + 1)),
            (Field::Kana, |r| r.kana = "ｷｮｳｻｲ".into()),
            (Field::Kana, |r| r.kana = "Kyosai".into()),
            (Field::Kana, |r| r.kana = "　".into()),
            (Field::BirthDate, |r| r.birth_date = "1985/2/30".into()),
            (Field::BirthDate, |r| r.birth_date = "2027-01-01".into()),
            (Field::PostalCode, |r| r.postal_code = "330-006".into()),
            (Field::Prefecture, |r| r.prefecture = "埼玉".into()),
            (Field::Address1, |r| r.address1 = "岸町\n7".into()),
            (Field::Phone, |r| r.phone = "123-4567".into()),
            (Field::Phone, |r| r.phone = "0-4-8-1-2-3-4-5-6-7".into()),
            (Field::CapitalPaidOn, |r| {
                r.capital_paid_on = "2026-12-01".into()
            }),
            (Field::CapitalAmount, |r| r.capital_amount = "-5".into()),
        ];
        for (field, spoil) in cases {
            let mut raw = good();
            spoil(&mut raw);
            let problems = check(&raw, today()).unwrap_err();
            assert_eq!(
                problems.iter().map(|p| p.field).collect::<Vec<_>>(),
                vec![field],
                "{raw:?}"
            );
        }
    }

    #[test]
    fn optional_fields_may_be_empty() {
        let raw = Raw {
            phone: "".into(),
            workplace: "".into(),
            capital_paid_on: "".into(),
            capital_amount: "".into(),
            ..good()
        };
        let (m, _) = check(&raw, today()).unwrap();
        assert_eq!(
            (m.phone.as_str(), m.workplace, m.capital_amount),
            ("", None, None)
        );
    }

    #[test]
    fn dates_in_the_usual_spellings() {
        let d = NaiveDate::from_ymd_opt(1985, 4, 2);
        for s in ["1985-04-02", "1985/4/2", "19850402", "１９８５／４／２"] {
            assert_eq!(parse_date(s), d, "{s}");
        }
        for s in ["85/4/2", "1985-4", "", "令和1年"] {
            assert_eq!(parse_date(s), None, "{s}");
            assert!(!date_shaped(s), "{s}");
        }
        assert!(date_shaped("1985/2/30") && parse_date("1985/2/30").is_none());
    }

    #[test]
    fn capital_payment_day_and_amount() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 20);
        assert_eq!(paid_on("", today()), Ok(None));
        assert_eq!(paid_on(" 2026/11/20 ", today()), Ok(day));
        assert_eq!(paid_on("２０２６／１１／２０", today()), Ok(day));
        assert!(paid_on("2099-01-01", today()).is_err_and(|m| m.contains("未来")));
        assert!(paid_on("2026/2/30", today()).is_err());
        assert!(paid_on("昨日", today()).is_err());
        for (text, yen) in [
            ("", None),
            ("1000", Some(1000)),
            ("1,000円", Some(1000)),
            ("１，０００円", Some(1000)),
            ("10000000", Some(CAPITAL_MAX)),
        ] {
            assert_eq!(capital_amount(text), Ok(yen), "{text}");
        }
        for text in ["0", "-5", "10000001", "千円", "1.5", "99999999999"] {
            assert!(capital_amount(text).is_err(), "{text}");
        }
    }

    #[test]
    fn columns_and_keys_are_unique() {
        let mut columns: Vec<_> = Field::ALL.iter().map(|f| f.column()).collect();
        columns.sort_unstable();
        columns.dedup();
        assert_eq!(columns.len(), Field::ALL.len());
    }
}
