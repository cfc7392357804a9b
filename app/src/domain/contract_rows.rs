//! The rows of the core system's catalogue and contracts exports (S7): what
//! a course (コース) or rider (特約) is and costs, and which member holds
//! which contract with which coverage from which day. Checked here, written
//! by `contract::ssr::import`.

use super::certificate::Deduction;
use super::coverage::Period;
use super::member_fields::parse_date;
use super::member_number::MemberNumber;
use super::statement::{parse_amount, Problem};

/// The catalogue CSV, in the documented order.
pub const CATALOGUE_COLUMNS: [(&str, bool); 7] = [
    ("区分", true),
    ("コード", true),
    ("名称", true),
    ("月掛金", true),
    ("保障内容", false),
    ("控除区分", false),
    ("販売", false),
];

/// The contracts CSV, in the documented order: one row per course or rider
/// period of a contract.
pub const CONTRACT_COLUMNS: [(&str, bool); 6] = [
    ("契約番号", true),
    ("組合員番号", true),
    ("区分", true),
    ("コード", true),
    ("保障開始日", true),
    ("保障終了日", false),
];

/// The longest code (the catalogue's column).
pub const CODE_MAX: usize = 32;
/// The longest name of a course or rider.
pub const NAME_MAX: usize = 60;
/// The longest 保障内容.
pub const SUMMARY_MAX: usize = 300;
/// The longest contract number (the column).
pub const CONTRACT_NUMBER_MAX: usize = 20;
/// The highest monthly premium taken, in yen.
pub const PREMIUM_MAX: i64 = 1_000_000;

/// A course or a rider.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Item {
    Course,
    Rider,
}

impl Item {
    pub fn parse(text: &str) -> Option<Self> {
        match text.trim() {
            "コース" => Some(Item::Course),
            "特約" => Some(Item::Rider),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Item::Course => "コース",
            Item::Rider => "特約",
        }
    }
}

fn item(text: &str, problems: &mut Vec<Problem>) -> Option<Item> {
    let item = Item::parse(text);
    if item.is_none() {
        problems.push(("区分", "区分は「コース」か「特約」にしてください。".into()));
    }
    item
}

/// A code as the core system writes it: letters, digits, `-` and `_`.
fn code(text: &str, problems: &mut Vec<Problem>) -> Option<String> {
    let ok = !text.is_empty()
        && text.len() <= CODE_MAX
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if ok {
        Some(text.to_owned())
    } else {
        problems.push((
            "コード",
            format!("コードは{CODE_MAX}文字までの半角英数字(- と _ も可)で書いてください。"),
        ));
        None
    }
}

fn one_line(text: &str) -> bool {
    !text.chars().any(char::is_control)
}

/// A checked catalogue row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogueRow {
    pub item: Item,
    pub code: String,
    pub name: String,
    pub monthly_premium: i32,
    pub summary: String,
    /// Courses only: which deduction their premiums count towards.
    pub deduction: Deduction,
    /// Offered on the application screens. An item off sale stays in the
    /// contracts that hold it; only new applications no longer list it.
    pub on_sale: bool,
}

/// The 販売 cell: empty (a file from before the column) or 販売中 is on sale,
/// 販売停止 (or 停止) is off sale.
fn on_sale(text: &str, problems: &mut Vec<Problem>) -> Option<bool> {
    match text {
        "" | "販売中" => Some(true),
        "販売停止" | "停止" => Some(false),
        _ => {
            problems.push((
                "販売",
                "販売は「販売中」か「販売停止」にしてください(空なら販売中)。".into(),
            ));
            None
        }
    }
}

/// Checks a row of the catalogue CSV (cells in [`CATALOGUE_COLUMNS`] order).
pub fn check_catalogue_row(cells: [&str; 7]) -> Result<CatalogueRow, Vec<Problem>> {
    let [item_text, code_text, name, premium, summary, deduction, sale] = cells.map(str::trim);
    let mut problems = Vec::new();
    let item = item(item_text, &mut problems);
    let code = code(code_text, &mut problems);
    if name.is_empty() || name.chars().count() > NAME_MAX || !one_line(name) {
        problems.push((
            "名称",
            format!("名称は{NAME_MAX}文字までの1行で書いてください。"),
        ));
    }
    let premium = match parse_amount(premium) {
        Some(yen) if (0..=PREMIUM_MAX).contains(&yen) => i32::try_from(yen).ok(),
        _ => None,
    };
    if premium.is_none() {
        problems.push((
            "月掛金",
            "月掛金は0円以上の円単位の数字で書いてください(例:2000)。".into(),
        ));
    }
    if summary.chars().count() > SUMMARY_MAX || !one_line(summary) {
        problems.push((
            "保障内容",
            format!("保障内容は{SUMMARY_MAX}文字までの1行で書いてください。"),
        ));
    }
    let deduction = match (item, deduction) {
        (_, "") | (Some(Item::Course), "一般" | "一般生命" | "一般生命保険料") => {
            Some(Deduction::GeneralLife)
        }
        (Some(Item::Course), "介護医療" | "介護医療保険料") => {
            Some(Deduction::MedicalCare)
        }
        (Some(Item::Rider), _) => {
            problems.push((
                "控除区分",
                "特約の控除区分は空にしてください(コースの区分に従います)。".into(),
            ));
            None
        }
        _ => {
            problems.push((
                "控除区分",
                "控除区分は「一般」か「介護医療」にしてください(空なら一般)。".into(),
            ));
            None
        }
    };
    let on_sale = on_sale(sale, &mut problems);
    match (item, code, premium, deduction, on_sale) {
        (Some(item), Some(code), Some(monthly_premium), Some(deduction), Some(on_sale))
            if problems.is_empty() =>
        {
            Ok(CatalogueRow {
                item,
                code,
                name: name.to_owned(),
                monthly_premium,
                summary: summary.to_owned(),
                deduction,
                on_sale,
            })
        }
        _ => Err(problems),
    }
}

/// A checked contracts row: one period of a course or rider.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContractRow {
    pub contract_number: String,
    pub member: MemberNumber,
    pub item: Item,
    pub code: String,
    pub period: Period,
}

/// Checks a row of the contracts CSV (cells in [`CONTRACT_COLUMNS`] order).
pub fn check_contract_row(cells: [&str; 6]) -> Result<ContractRow, Vec<Problem>> {
    let [number, member_text, item_text, code_text, starts, ends] = cells.map(str::trim);
    let mut problems = Vec::new();
    let number_ok = !number.is_empty()
        && number.len() <= CONTRACT_NUMBER_MAX
        && number
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-');
    if !number_ok {
        problems.push((
            "契約番号",
            format!(
                "契約番号は{CONTRACT_NUMBER_MAX}文字までの半角英数字(- も可)で書いてください。"
            ),
        ));
    }
    let member = MemberNumber::parse(member_text)
        .map_err(|e| problems.push(("組合員番号", e.0.to_owned())))
        .ok();
    let item = item(item_text, &mut problems);
    let code = code(code_text, &mut problems);
    let starts_on = parse_date(starts);
    if starts_on.is_none() {
        problems.push((
            "保障開始日",
            "保障開始日は「2026-04-01」のように書いてください。".into(),
        ));
    }
    let ends_on = if ends.is_empty() {
        Some(None)
    } else {
        match (parse_date(ends), starts_on) {
            (Some(end), Some(start)) if end <= start => {
                problems.push((
                    "保障終了日",
                    "保障終了日は保障開始日より後の日にしてください(終了日の前日までが保障期間です)。"
                        .into(),
                ));
                None
            }
            (Some(end), _) => Some(Some(end)),
            (None, _) => {
                problems.push((
                    "保障終了日",
                    "保障終了日は「2027-04-01」のように書くか、続いている保障なら空にしてください。"
                        .into(),
                ));
                None
            }
        }
    };
    match (member, item, code, starts_on, ends_on) {
        (Some(member), Some(item), Some(code), Some(starts_on), Some(ends_on))
            if problems.is_empty() =>
        {
            Ok(ContractRow {
                contract_number: number.to_owned(),
                member,
                item,
                code,
                period: Period { starts_on, ends_on },
            })
        }
        _ => Err(problems),
    }
}

/// Whether two periods share a day.
pub fn overlap(a: Period, b: Period) -> bool {
    let before = |x: Period, y: Period| x.ends_on.is_some_and(|end| end <= y.starts_on);
    !before(a, b) && !before(b, a)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn p(start: NaiveDate, end: Option<NaiveDate>) -> Period {
        Period {
            starts_on: start,
            ends_on: end,
        }
    }

    #[test]
    fn a_catalogue_row_is_read() {
        let row = check_catalogue_row([
            "コース",
            "sogo2",
            "総合保障型2型",
            "2,000円",
            "入院1日 4,500円",
            "",
            "",
        ])
        .unwrap();
        assert_eq!(row.item, Item::Course);
        assert!(row.on_sale);
        assert_eq!(row.monthly_premium, 2000);
        assert_eq!(row.deduction, Deduction::GeneralLife);
        let medical = check_catalogue_row([
            "コース",
            "nyuin2",
            "入院保障型2型",
            "2000",
            "",
            "介護医療",
            "販売中",
        ])
        .unwrap();
        assert_eq!(medical.deduction, Deduction::MedicalCare);
        assert!(medical.on_sale);
        let rider = check_catalogue_row(["特約", "gan", "がん特約", "1000", "", "", ""]).unwrap();
        assert_eq!((rider.item, rider.summary.as_str()), (Item::Rider, ""));
        for off in ["販売停止", "停止", " 販売停止 "] {
            let row =
                check_catalogue_row(["特約", "gan", "がん特約", "1000", "", "", off]).unwrap();
            assert!(!row.on_sale, "{off}");
        }
    }

    #[test]
    fn a_bad_catalogue_row_names_each_column() {
        let problems =
            check_catalogue_row(["保障", "総合", "", "-1", "a\nb", "医療", "終了"]).unwrap_err();
        let columns: Vec<&str> = problems.iter().map(|(c, _)| *c).collect();
        assert_eq!(
            columns,
            [
                "区分",
                "コード",
                "名称",
                "月掛金",
                "保障内容",
                "控除区分",
                "販売"
            ]
        );
        let rider = check_catalogue_row(["特約", "gan", "がん特約", "1000", "", "介護医療", ""])
            .unwrap_err();
        assert_eq!(rider[0].0, "控除区分");
        let sale = check_catalogue_row(["特約", "gan", "がん特約", "1000", "", "", "販売終了"])
            .unwrap_err();
        assert_eq!(sale[0].0, "販売");
        let long = "a".repeat(CODE_MAX + 1);
        assert!(check_catalogue_row(["特約", &long, "x", "1", "", "", ""]).is_err());
        assert!(check_catalogue_row(["特約", "x", "x", "1000001", "", "", ""]).is_err());
    }

    #[test]
    fn a_contract_row_is_read() {
        let row = check_contract_row(["K-0001", "0123-45678", "特約", "senshin", "2024/4/1", ""])
            .unwrap();
        assert_eq!(row.member.digits(), "012345678");
        assert_eq!(row.period, p(d(2024, 4, 1), None));
        let ended = check_contract_row([
            "K-0001",
            "012345678",
            "コース",
            "sogo2",
            "2024-04-01",
            "2026-04-01",
        ])
        .unwrap();
        assert_eq!(ended.period, p(d(2024, 4, 1), Some(d(2026, 4, 1))));
    }

    #[test]
    fn a_bad_contract_row_names_each_column() {
        let problems =
            check_contract_row(["契約1", "12", "保障", "", "2024/2/30", "いつか"]).unwrap_err();
        let columns: Vec<&str> = problems.iter().map(|(c, _)| *c).collect();
        assert_eq!(
            columns,
            [
                "契約番号",
                "組合員番号",
                "区分",
                "コード",
                "保障開始日",
                "保障終了日"
            ]
        );
        let backwards = check_contract_row([
            "K-1",
            "012345678",
            "コース",
            "sogo2",
            "2024-04-01",
            "2024-04-01",
        ])
        .unwrap_err();
        assert_eq!(backwards[0].0, "保障終了日");
        let long = "K".repeat(CONTRACT_NUMBER_MAX + 1);
        assert!(check_contract_row([&long, "012345678", "コース", "x", "2024-04-01", ""]).is_err());
    }

    #[test]
    fn periods_overlap_when_they_share_a_day() {
        let april = d(2024, 4, 1);
        let next = d(2025, 4, 1);
        assert!(overlap(p(april, None), p(next, None)));
        assert!(overlap(p(april, Some(next)), p(d(2025, 3, 31), None)));
        // The end is exclusive: a period ending the day the next starts.
        assert!(!overlap(p(april, Some(next)), p(next, None)));
        assert!(!overlap(p(next, None), p(april, Some(next))));
        assert!(overlap(p(april, Some(next)), p(april, Some(next))));
    }
}
