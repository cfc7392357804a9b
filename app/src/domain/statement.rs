//! 請求明細 (M9) and what feeds them (S7): the billing month and its dates
//! (closing on the 20th, billed the next month — seed 001), statement lines
//! by kind with their totals, the payment status, and the checks of the
//! statements, payments and 割戻金 CSV rows.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::member_fields::parse_date;
use super::member_number::MemberNumber;
use super::policy::PAYMENT_CONFIRMATION_DAYS;
use super::ParseError;

/// A billing month (請求月): the month a statement is billed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct BillingMonth {
    year: i32,
    month: u32,
}

/// Day of the month statements close on (seed 001: 20日締め).
pub const CLOSING_DAY: u32 = 20;
/// Day of the month the bill is collected (口座振替日); moved to the next
/// business day when it is not one.
pub const BILLING_DAY: u32 = 27;

impl BillingMonth {
    pub fn new(year: i32, month: u32) -> Option<Self> {
        ((1..=12).contains(&month) && (2000..=2999).contains(&year)).then_some(Self { year, month })
    }

    /// `2026-11`, `2026/11`, `202611`, `2026年11月` (full-width digits too).
    pub fn parse(text: &str) -> Result<Self, ParseError> {
        const WRONG: ParseError = ParseError("請求月は「2026-11」のように年と月で書いてください。");
        let t: String = text
            .trim()
            .chars()
            .map(|c| match c {
                '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
                '年' | '/' | '／' | '－' | '.' => '-',
                '月' => ' ',
                _ => c,
            })
            .collect();
        let t = t.trim();
        let (y, m) = if t.len() == 6 && t.bytes().all(|b| b.is_ascii_digit()) {
            (&t[..4], &t[4..])
        } else {
            t.split_once('-').ok_or(WRONG)?
        };
        let (Ok(y), Ok(m)) = (y.trim().parse(), m.trim().parse()) else {
            return Err(WRONG);
        };
        Self::new(y, m).ok_or(WRONG)
    }

    pub fn of(day: NaiveDate) -> Self {
        Self {
            year: day.year(),
            month: day.month(),
        }
    }

    pub fn year(self) -> i32 {
        self.year
    }

    pub fn month(self) -> u32 {
        self.month
    }

    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).unwrap_or(NaiveDate::MIN)
    }

    pub fn previous(self) -> Self {
        if self.month == 1 {
            Self {
                year: self.year - 1,
                month: 12,
            }
        } else {
            Self {
                year: self.year,
                month: self.month - 1,
            }
        }
    }

    pub fn next(self) -> Self {
        if self.month == 12 {
            Self {
                year: self.year + 1,
                month: 1,
            }
        } else {
            Self {
                year: self.year,
                month: self.month + 1,
            }
        }
    }

    /// 締切日: the 20th of the month before.
    pub fn closing_date(self) -> NaiveDate {
        let p = self.previous();
        NaiveDate::from_ymd_opt(p.year, p.month, CLOSING_DAY).unwrap_or(NaiveDate::MIN)
    }

    /// 請求日 (振替日): the 27th, or the next business day.
    pub fn billing_date(self, holiday: impl Fn(NaiveDate) -> bool) -> NaiveDate {
        let day =
            NaiveDate::from_ymd_opt(self.year, self.month, BILLING_DAY).unwrap_or(NaiveDate::MIN);
        if super::calendar::is_business_day(day, &holiday) {
            day
        } else {
            super::calendar::business_days_after(day, 1, holiday)
        }
    }

    /// `2026年11月`.
    pub fn label(self) -> String {
        format!("{}年{}月", self.year, self.month)
    }

    /// `2026-11`, as in URLs and files.
    pub fn code(self) -> String {
        format!("{:04}-{:02}", self.year, self.month)
    }
}

/// The kinds of statement lines, in the order a statement shows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum LineKind {
    /// 共済掛金, per contract.
    Premium,
    /// 出資金 (増資).
    Capital,
    /// ご購入品.
    Purchase,
    /// その他 (手数料、返品など).
    Other,
}

impl LineKind {
    pub const ALL: [LineKind; 4] = [
        LineKind::Premium,
        LineKind::Capital,
        LineKind::Purchase,
        LineKind::Other,
    ];

    pub fn label(self) -> &'static str {
        match self {
            LineKind::Premium => "共済掛金",
            LineKind::Capital => "出資金",
            LineKind::Purchase => "ご購入品",
            LineKind::Other => "その他",
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            LineKind::Premium => "premium",
            LineKind::Capital => "capital",
            LineKind::Purchase => "purchase",
            LineKind::Other => "other",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    /// The 区分 column of the export: the label, or 購買 for purchases.
    pub fn parse(text: &str) -> Option<Self> {
        match text.trim() {
            "共済掛金" | "掛金" => Some(LineKind::Premium),
            "出資金" | "増資" => Some(LineKind::Capital),
            "ご購入品" | "購入品" | "購買" => Some(LineKind::Purchase),
            "その他" => Some(LineKind::Other),
            _ => None,
        }
    }
}

/// One line as a statement shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Line {
    pub kind: LineKind,
    pub contract_number: Option<String>,
    pub description: String,
    pub used_on: Option<NaiveDate>,
    pub amount: i64,
}

/// Lines of one kind with their subtotal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Group {
    pub kind: LineKind,
    pub lines: Vec<Line>,
    pub subtotal: i64,
}

/// Lines grouped by kind in [`LineKind::ALL`]'s order (empty kinds left
/// out), each keeping the order it came in, and the statement's total.
pub fn group(lines: Vec<Line>) -> (Vec<Group>, i64) {
    let total = lines.iter().map(|l| l.amount).sum();
    let mut groups: Vec<Group> = LineKind::ALL
        .iter()
        .map(|k| Group {
            kind: *k,
            lines: Vec::new(),
            subtotal: 0,
        })
        .collect();
    for line in lines {
        if let Some(g) = groups.iter_mut().find(|g| g.kind == line.kind) {
            g.subtotal += line.amount;
            g.lines.push(line);
        }
    }
    groups.retain(|g| !g.lines.is_empty());
    (groups, total)
}

/// Whether a statement is paid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum PaymentStatus {
    /// 入金済, on the day the last payment made it whole.
    Paid { on: NaiveDate },
    /// 一部入金: `paid` so far, the last on `on`; `late`: the rest is
    /// past its day (and the days its confirmation takes).
    Partial {
        paid: i64,
        on: NaiveDate,
        late: bool,
    },
    /// 未入金: the bill's day and the days its confirmation takes have
    /// passed, and nothing came.
    Unpaid,
    /// お支払い前: nothing paid yet, and the bill's day (`on`, the debit) is
    /// today or later. A statement comes out before its 27th; until then it
    /// is not owed, let alone late.
    NotYetDue { on: NaiveDate },
    /// 入金確認中: the debit was on `on`, within
    /// [`PAYMENT_CONFIRMATION_DAYS`]; its result is not recorded yet.
    Confirming { on: NaiveDate },
    /// Nothing to pay (a total of zero or less).
    NothingDue,
}

impl PaymentStatus {
    /// From the total, the payments (day, amount) in any order, the bill's
    /// day (請求日, the debit) and today.
    pub fn of(
        total: i64,
        payments: &[(NaiveDate, i64)],
        due_on: NaiveDate,
        today: NaiveDate,
    ) -> Self {
        if total <= 0 {
            return PaymentStatus::NothingDue;
        }
        let late = today > due_on + chrono::Duration::days(PAYMENT_CONFIRMATION_DAYS);
        let mut sorted = payments.to_vec();
        sorted.sort();
        let mut paid = 0;
        for (on, amount) in &sorted {
            paid += amount;
            if paid >= total {
                return PaymentStatus::Paid { on: *on };
            }
        }
        match sorted.last() {
            Some((on, _)) if paid > 0 => PaymentStatus::Partial {
                paid,
                on: *on,
                late,
            },
            _ if today <= due_on => PaymentStatus::NotYetDue { on: due_on },
            _ if !late => PaymentStatus::Confirming { on: due_on },
            _ => PaymentStatus::Unpaid,
        }
    }

    /// Owed and not (wholly) paid past its day and the days its
    /// confirmation takes: shown as a warning.
    pub fn is_overdue(&self) -> bool {
        matches!(
            self,
            PaymentStatus::Unpaid | PaymentStatus::Partial { late: true, .. }
        )
    }

    pub fn is_paid(&self) -> bool {
        matches!(self, PaymentStatus::Paid { .. } | PaymentStatus::NothingDue)
    }

    /// 入金済 / 一部入金 / 未入金 / お支払い前 / 入金確認中 / ご請求なし.
    pub fn label(&self) -> &'static str {
        match self {
            PaymentStatus::Paid { .. } => "入金済",
            PaymentStatus::Partial { .. } => "一部入金",
            PaymentStatus::Unpaid => "未入金",
            PaymentStatus::NotYetDue { .. } => "お支払い前",
            PaymentStatus::Confirming { .. } => "入金確認中",
            PaymentStatus::NothingDue => "ご請求なし",
        }
    }
}

/// How a payment was made (入金方法).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PaymentMethod {
    AccountTransfer,
    BankTransfer,
    ConvenienceStore,
    Counter,
    Other,
}

impl PaymentMethod {
    pub const ALL: [PaymentMethod; 5] = [
        PaymentMethod::AccountTransfer,
        PaymentMethod::BankTransfer,
        PaymentMethod::ConvenienceStore,
        PaymentMethod::Counter,
        PaymentMethod::Other,
    ];

    pub fn label(self) -> &'static str {
        match self {
            PaymentMethod::AccountTransfer => "口座振替",
            PaymentMethod::BankTransfer => "振込",
            PaymentMethod::ConvenienceStore => "コンビニ払い",
            PaymentMethod::Counter => "窓口",
            PaymentMethod::Other => "その他",
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            PaymentMethod::AccountTransfer => "account_transfer",
            PaymentMethod::BankTransfer => "bank_transfer",
            PaymentMethod::ConvenienceStore => "convenience_store",
            PaymentMethod::Counter => "counter",
            PaymentMethod::Other => "other",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.code() == code)
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text.trim() {
            "口座振替" | "振替" => Some(PaymentMethod::AccountTransfer),
            "振込" | "銀行振込" => Some(PaymentMethod::BankTransfer),
            "コンビニ" | "コンビニ払い" => Some(PaymentMethod::ConvenienceStore),
            "窓口" | "現金" => Some(PaymentMethod::Counter),
            "その他" => Some(PaymentMethod::Other),
            _ => None,
        }
    }
}

/// 出資金 one share (1口) is worth, yen.
pub const CAPITAL_SHARE_YEN: i64 = 1_000;

/// The largest amount one line, payment or 割戻金 may carry, in yen.
pub const AMOUNT_MAX: i64 = 10_000_000;
/// Longest line description (品名・内容).
pub const DESCRIPTION_MAX: usize = 100;
/// Longest contract number.
pub const CONTRACT_NUMBER_MAX: usize = 20;

/// One column's problem in a row: the column heading and the message.
pub type Problem = (&'static str, String);

/// Yen as the export writes them: `2000`, `2,000`, `-300`, `2,000円`.
pub fn parse_amount(text: &str) -> Option<i64> {
    let t: String = text
        .trim()
        .chars()
        .filter(|c| !matches!(c, ',' | '，' | '円' | '¥' | '￥'))
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            '－' | '−' | 'ー' | '▲' | '△' => '-',
            _ => c,
        })
        .collect();
    let n: i64 = t.parse().ok()?;
    (n.abs() <= AMOUNT_MAX).then_some(n)
}

fn member(text: &str, problems: &mut Vec<Problem>) -> Option<MemberNumber> {
    MemberNumber::parse(text)
        .map_err(|e| problems.push(("組合員番号", e.0.to_owned())))
        .ok()
}

fn month(text: &str, problems: &mut Vec<Problem>) -> Option<BillingMonth> {
    BillingMonth::parse(text)
        .map_err(|e| problems.push(("請求月", e.0.to_owned())))
        .ok()
}

fn one_line(text: &str) -> bool {
    !text.chars().any(char::is_control)
}

/// The statements CSV, in the documented order.
pub const STATEMENT_COLUMNS: [(&str, bool); 7] = [
    ("組合員番号", true),
    ("請求月", true),
    ("区分", true),
    ("契約番号", false),
    ("内容", true),
    ("利用日", false),
    ("金額", true),
];

/// A checked statement line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementRow {
    pub member: MemberNumber,
    pub month: BillingMonth,
    pub line: Line,
}

/// Checks one statements row (cells in [`STATEMENT_COLUMNS`]' order).
pub fn check_statement_row(cells: [&str; 7]) -> Result<StatementRow, Vec<Problem>> {
    let [number, month_text, kind, contract, description, used_on, amount] = cells.map(str::trim);
    let mut problems = Vec::new();
    let member = member(number, &mut problems);
    let month = month(month_text, &mut problems);
    let kind = LineKind::parse(kind);
    if kind.is_none() {
        problems.push((
            "区分",
            "区分は「共済掛金」「出資金」「購買」「その他」のどれかにしてください。".into(),
        ));
    }
    let contract = (!contract.is_empty()).then(|| contract.to_owned());
    match (&kind, &contract) {
        (Some(LineKind::Premium), None) => {
            problems.push(("契約番号", "共済掛金の行には契約番号が必要です。".into()))
        }
        (_, Some(c))
            if c.chars().count() > CONTRACT_NUMBER_MAX
                || !c.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') =>
        {
            problems.push((
                "契約番号",
                format!(
                    "契約番号は{CONTRACT_NUMBER_MAX}文字までの英数字とハイフンで書いてください。"
                ),
            ))
        }
        _ => {}
    }
    if description.is_empty() {
        problems.push(("内容", "内容(品名など)が空です。".into()));
    } else if description.chars().count() > DESCRIPTION_MAX || !one_line(description) {
        problems.push((
            "内容",
            format!("内容は改行なしの{DESCRIPTION_MAX}文字までにしてください。"),
        ));
    }
    let used_on = if used_on.is_empty() {
        None
    } else {
        let parsed = parse_date(used_on);
        match (parsed, month) {
            (None, _) => {
                problems.push((
                    "利用日",
                    "利用日は「2026-10-05」のように書いてください。".into(),
                ));
                None
            }
            (Some(d), Some(m)) if d > m.closing_date() => {
                problems.push((
                    "利用日",
                    format!(
                        "利用日が、この請求月の締切日({})より後です。",
                        super::jst::format_date(m.closing_date())
                    ),
                ));
                None
            }
            (d, _) => d,
        }
    };
    let amount_value = parse_amount(amount);
    match (amount_value, kind) {
        (None, _) => problems.push((
            "金額",
            format!("金額は{AMOUNT_MAX}円までの整数(円)で書いてください。"),
        )),
        (Some(a), Some(LineKind::Premium | LineKind::Capital)) if a <= 0 => problems.push((
            "金額",
            "共済掛金と出資金の金額は1円以上にしてください。".into(),
        )),
        _ => {}
    }
    match (member, month, kind, amount_value) {
        (Some(member), Some(month), Some(kind), Some(amount)) if problems.is_empty() => {
            Ok(StatementRow {
                member,
                month,
                line: Line {
                    kind,
                    contract_number: contract,
                    description: description.to_owned(),
                    used_on,
                    amount,
                },
            })
        }
        _ => Err(problems),
    }
}

/// The payments CSV, in the documented order.
pub const PAYMENT_COLUMNS: [(&str, bool); 5] = [
    ("組合員番号", true),
    ("請求月", true),
    ("入金日", true),
    ("金額", true),
    ("入金方法", true),
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentRow {
    pub member: MemberNumber,
    pub month: BillingMonth,
    pub paid_on: NaiveDate,
    pub amount: i64,
    pub method: PaymentMethod,
}

/// Checks one payments row; `today` bounds the payment date.
pub fn check_payment_row(cells: [&str; 5], today: NaiveDate) -> Result<PaymentRow, Vec<Problem>> {
    let [number, month_text, paid_on, amount, method] = cells.map(str::trim);
    let mut problems = Vec::new();
    let member = member(number, &mut problems);
    let month = month(month_text, &mut problems);
    let paid_on = match parse_date(paid_on) {
        None => {
            problems.push((
                "入金日",
                "入金日は「2026-11-27」のように書いてください。".into(),
            ));
            None
        }
        Some(d) if d > today => {
            problems.push(("入金日", "入金日が今日より後です。".into()));
            None
        }
        Some(d) => Some(d),
    };
    let amount = match parse_amount(amount) {
        Some(a) if a > 0 => Some(a),
        _ => {
            problems.push((
                "金額",
                format!("金額は1円以上{AMOUNT_MAX}円までの整数(円)で書いてください。"),
            ));
            None
        }
    };
    let method = PaymentMethod::parse(method);
    if method.is_none() {
        problems.push((
            "入金方法",
            "入金方法は「口座振替」「振込」「コンビニ払い」「窓口」「その他」のどれかにしてください。"
                .into(),
        ));
    }
    match (member, month, paid_on, amount, method) {
        (Some(member), Some(month), Some(paid_on), Some(amount), Some(method)) => Ok(PaymentRow {
            member,
            month,
            paid_on,
            amount,
            method,
        }),
        _ => Err(problems),
    }
}

/// The 割戻金 CSV, in the documented order.
pub const REBATE_COLUMNS: [(&str, bool); 5] = [
    ("組合員番号", true),
    ("年度", true),
    ("割戻率", true),
    ("金額", true),
    ("支払日", false),
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RebateRow {
    pub member: MemberNumber,
    pub year: i32,
    /// Hundredths of a percent: 12.5% is 1250.
    pub rate_bp: i32,
    pub amount: i64,
    pub paid_on: Option<NaiveDate>,
}

/// `12.5`, `12.5%`, `１２．５％` as hundredths of a percent.
pub fn parse_rate(text: &str) -> Option<i32> {
    let t: String = text
        .trim()
        .chars()
        .filter(|c| !matches!(c, '%' | '％'))
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            '．' => '.',
            _ => c,
        })
        .collect();
    let (whole, frac) = t.split_once('.').unwrap_or((&t, ""));
    if whole.is_empty()
        || frac.len() > 2
        || !(whole.bytes().chain(frac.bytes())).all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let whole: i32 = whole.parse().ok()?;
    let frac: i32 = format!("{frac:0<2}").parse().ok()?;
    let bp = whole.checked_mul(100)?.checked_add(frac)?;
    (bp <= 10_000).then_some(bp)
}

/// `12.5%`.
pub fn rate_label(bp: i32) -> String {
    let whole = bp / 100;
    let frac = bp % 100;
    if frac == 0 {
        format!("{whole}%")
    } else if frac % 10 == 0 {
        format!("{whole}.{}%", frac / 10)
    } else {
        format!("{whole}.{frac:02}%")
    }
}

pub fn check_rebate_row(cells: [&str; 5], today: NaiveDate) -> Result<RebateRow, Vec<Problem>> {
    let [number, year, rate, amount, paid_on] = cells.map(str::trim);
    let mut problems = Vec::new();
    let member = member(number, &mut problems);
    let year = match year
        .trim_end_matches('年')
        .trim_end_matches("年度")
        .parse::<i32>()
    {
        Ok(y) if (2000..=today.year()).contains(&y) => Some(y),
        _ => {
            problems.push((
                "年度",
                "年度は「2025」のように西暦4桁で書いてください(今年まで)。".into(),
            ));
            None
        }
    };
    let rate = parse_rate(rate);
    if rate.is_none() {
        problems.push((
            "割戻率",
            "割戻率は「3.5」のように百分率(100まで、小数2桁まで)で書いてください。".into(),
        ));
    }
    let amount = match parse_amount(amount) {
        Some(a) if a >= 0 => Some(a),
        _ => {
            problems.push((
                "金額",
                format!("金額は0円以上{AMOUNT_MAX}円までの整数(円)で書いてください。"),
            ));
            None
        }
    };
    let paid_on = if paid_on.is_empty() {
        None
    } else {
        match parse_date(paid_on) {
            Some(d) => Some(d),
            None => {
                problems.push((
                    "支払日",
                    "支払日は「2026-06-30」のように書いてください。".into(),
                ));
                None
            }
        }
    };
    match (member, year, rate, amount) {
        (Some(member), Some(year), Some(rate_bp), Some(amount)) if problems.is_empty() => {
            Ok(RebateRow {
                member,
                year,
                rate_bp,
                amount,
                paid_on,
            })
        }
        _ => Err(problems),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn billing_months_read_as_exports_write_them() {
        let nov = BillingMonth::new(2026, 11).unwrap();
        for t in [
            "2026-11",
            "2026/11",
            "202611",
            "2026年11月",
            "２０２６－１１",
            " 2026-11 ",
        ] {
            assert_eq!(BillingMonth::parse(t), Ok(nov), "{t}");
        }
        for t in ["2026-13", "2026-0", "26-11", "", "2026", "abc", "1999-01"] {
            assert!(BillingMonth::parse(t).is_err(), "{t}");
        }
        assert_eq!(nov.code(), "2026-11");
        assert_eq!(nov.label(), "2026年11月");
    }

    #[test]
    fn closing_is_the_20th_before_and_months_wrap() {
        let jan = BillingMonth::new(2027, 1).unwrap();
        assert_eq!(jan.closing_date(), d(2026, 12, 20));
        assert_eq!(jan.previous(), BillingMonth::new(2026, 12).unwrap());
        assert_eq!(jan.previous().next(), jan);
        // Seed 001: September's bill closed on August 20.
        assert_eq!(
            BillingMonth::new(2017, 9).unwrap().closing_date(),
            d(2017, 8, 20)
        );
    }

    #[test]
    fn the_billing_date_moves_past_weekends_and_holidays() {
        let no_holidays = |_| false;
        // 2026-11-27 is a Friday.
        assert_eq!(
            BillingMonth::new(2026, 11)
                .unwrap()
                .billing_date(no_holidays),
            d(2026, 11, 27)
        );
        // 2026-12-27 is a Sunday; the 28th a Monday.
        assert_eq!(
            BillingMonth::new(2026, 12)
                .unwrap()
                .billing_date(no_holidays),
            d(2026, 12, 28)
        );
        // A holiday on the 27th moves it on.
        let holiday = |day: NaiveDate| day == d(2026, 11, 27);
        assert_eq!(
            BillingMonth::new(2026, 11).unwrap().billing_date(holiday),
            d(2026, 11, 30)
        );
    }

    fn line(kind: LineKind, amount: i64) -> Line {
        Line {
            kind,
            contract_number: None,
            description: format!("{kind:?}"),
            used_on: None,
            amount,
        }
    }

    #[test]
    fn lines_group_by_kind_in_order_with_subtotals() {
        let (groups, total) = group(vec![
            line(LineKind::Purchase, 1200),
            line(LineKind::Premium, 2000),
            line(LineKind::Other, -300),
            line(LineKind::Premium, 1000),
            line(LineKind::Purchase, 800),
        ]);
        assert_eq!(total, 4700);
        let kinds: Vec<_> = groups
            .iter()
            .map(|g| (g.kind, g.subtotal, g.lines.len()))
            .collect();
        assert_eq!(
            kinds,
            vec![
                (LineKind::Premium, 3000, 2),
                (LineKind::Purchase, 2000, 2),
                (LineKind::Other, -300, 1)
            ]
        );
        assert_eq!(groups[1].lines[0].amount, 1200, "order kept within a kind");
        assert_eq!(group(vec![]), (vec![], 0));
    }

    #[test]
    fn payment_status() {
        // Billed on 2026/11/27; looked at before, on and after that day, and
        // once the days its confirmation takes have passed.
        let due = d(2026, 11, 27);
        let before = d(2026, 11, 21);
        let after = d(2026, 11, 28);
        let confirmed_by = due + chrono::Duration::days(PAYMENT_CONFIRMATION_DAYS);
        let late = confirmed_by + chrono::Duration::days(1);
        let of = |total, payments: &[(NaiveDate, i64)], today| {
            PaymentStatus::of(total, payments, due, today)
        };
        for today in [before, due, after, late] {
            assert_eq!(of(0, &[], today), PaymentStatus::NothingDue);
            assert_eq!(of(-5, &[], today), PaymentStatus::NothingDue);
        }
        assert_eq!(of(5000, &[], before), PaymentStatus::NotYetDue { on: due });
        assert_eq!(
            of(5000, &[], due),
            PaymentStatus::NotYetDue { on: due },
            "the debit day"
        );
        assert_eq!(of(5000, &[], after), PaymentStatus::Confirming { on: due });
        assert_eq!(
            of(5000, &[], confirmed_by),
            PaymentStatus::Confirming { on: due }
        );
        assert_eq!(of(5000, &[], late), PaymentStatus::Unpaid);
        for today in [before, late] {
            assert_eq!(
                of(5000, &[(d(2026, 11, 27), 5000)], today),
                PaymentStatus::Paid {
                    on: d(2026, 11, 27)
                }
            );
        }
        for (today, is_late) in [(before, false), (after, false), (late, true)] {
            assert_eq!(
                of(5000, &[(d(2026, 11, 20), 2000)], today),
                PaymentStatus::Partial {
                    paid: 2000,
                    on: d(2026, 11, 20),
                    late: is_late
                },
                "a part paid early stays a part"
            );
        }
        assert_eq!(
            of(
                5000,
                &[(d(2026, 12, 5), 3000), (d(2026, 11, 27), 2000)],
                late
            ),
            PaymentStatus::Paid { on: d(2026, 12, 5) },
            "whole on the day the last part came"
        );
        assert!(of(1, &[(d(2026, 1, 1), 2)], late).is_paid());
        let overdue: Vec<bool> = [
            of(5000, &[], before),
            of(5000, &[], after),
            of(5000, &[], late),
            of(5000, &[(due, 2000)], after),
            of(5000, &[(due, 2000)], late),
            of(5000, &[(due, 5000)], late),
            of(0, &[], late),
        ]
        .iter()
        .map(PaymentStatus::is_overdue)
        .collect();
        assert_eq!(overdue, [false, false, true, false, true, false, false]);
        assert!(!of(5000, &[], before).is_paid());
        assert_eq!(PaymentStatus::Unpaid.label(), "未入金");
        assert_eq!(of(5000, &[], before).label(), "お支払い前");
        assert_eq!(of(5000, &[], after).label(), "入金確認中");
    }

    #[test]
    fn amounts_and_rates() {
        assert_eq!(parse_amount("2,000"), Some(2000));
        assert_eq!(parse_amount("２０００円"), Some(2000));
        assert_eq!(parse_amount("-300"), Some(-300));
        assert_eq!(parse_amount("▲300"), Some(-300));
        assert_eq!(parse_amount("1.5"), None);
        assert_eq!(parse_amount(""), None);
        assert_eq!(parse_amount("10000001"), None);
        assert_eq!(parse_rate("12.5"), Some(1250));
        assert_eq!(parse_rate("3"), Some(300));
        assert_eq!(parse_rate("3.25%"), Some(325));
        assert_eq!(parse_rate("１２．５％"), Some(1250));
        assert_eq!(parse_rate("3.255"), None);
        assert_eq!(parse_rate("101"), None);
        assert_eq!(parse_rate(".5"), None);
        assert_eq!(parse_rate("-1"), None);
        assert_eq!(rate_label(1250), "12.5%");
        assert_eq!(rate_label(300), "3%");
        assert_eq!(rate_label(325), "3.25%");
        assert_eq!(rate_label(5), "0.05%");
    }

    #[test]
    fn a_good_statement_row() {
        let row = check_statement_row([
            "0123-45678",
            "2026-11",
            "共済掛金",
            "K-0001",
            "総合保障2型",
            "",
            "2,000",
        ])
        .unwrap();
        assert_eq!(row.member.digits(), "012345678");
        assert_eq!(row.line.kind, LineKind::Premium);
        assert_eq!(row.line.amount, 2000);
        let purchase = check_statement_row([
            "012345678",
            "2026/11",
            "購買",
            "",
            "お米 5kg",
            "2026-10-05",
            "2400",
        ])
        .unwrap();
        assert_eq!(purchase.line.used_on, Some(d(2026, 10, 5)));
        assert_eq!(purchase.line.contract_number, None);
        let refund =
            check_statement_row(["012345678", "2026-11", "その他", "", "返品", "", "-300"]);
        assert_eq!(refund.unwrap().line.amount, -300);
    }

    #[test]
    fn every_bad_statement_column_is_named() {
        let columns = |cells: [&str; 7]| -> Vec<&str> {
            check_statement_row(cells)
                .unwrap_err()
                .into_iter()
                .map(|(c, _)| c)
                .collect()
        };
        assert_eq!(
            columns(["12", "2026-13", "ガス", "", "", "x", "a"]),
            vec!["組合員番号", "請求月", "区分", "内容", "利用日", "金額"]
        );
        assert_eq!(
            columns(["012345678", "2026-11", "共済掛金", "", "掛金", "", "2000"]),
            vec!["契約番号"]
        );
        assert_eq!(
            columns([
                "012345678",
                "2026-11",
                "共済掛金",
                "K1",
                "掛金",
                "",
                "-2000"
            ]),
            vec!["金額"]
        );
        assert_eq!(
            columns([
                "012345678",
                "2026-11",
                "購買",
                "",
                "米",
                "2026-10-21",
                "100"
            ]),
            vec!["利用日"],
            "used after the closing date"
        );
        assert_eq!(
            columns(["012345678", "2026-11", "購買", "K 1", "米", "", "100"]),
            vec!["契約番号"]
        );
        assert_eq!(
            columns(["012345678", "2026-11", "購買", "", "米\n2", "", "100"]),
            vec!["内容"]
        );
        assert_eq!(
            columns([
                "012345678",
                "2026-11",
                "購買",
                "",
                &"米".repeat(101),
                "",
                "100"
            ]),
            vec!["内容"]
        );
    }

    #[test]
    fn payment_rows() {
        let today = d(2026, 11, 30);
        let ok = check_payment_row(
            ["0123-45678", "2026-11", "2026-11-27", "5,000", "口座振替"],
            today,
        )
        .unwrap();
        assert_eq!(ok.method, PaymentMethod::AccountTransfer);
        assert_eq!(ok.paid_on, d(2026, 11, 27));
        let bad: Vec<&str> = check_payment_row(["x", "y", "2026-12-01", "0", "手形"], today)
            .unwrap_err()
            .into_iter()
            .map(|(c, _)| c)
            .collect();
        assert_eq!(
            bad,
            vec!["組合員番号", "請求月", "入金日", "金額", "入金方法"]
        );
        for m in PaymentMethod::ALL {
            assert_eq!(PaymentMethod::parse(m.label()), Some(m));
            assert_eq!(PaymentMethod::from_code(m.code()), Some(m));
        }
    }

    #[test]
    fn rebate_rows() {
        let today = d(2026, 11, 30);
        let ok =
            check_rebate_row(["012345678", "2025", "3.5", "1,200", "2026-06-30"], today).unwrap();
        assert_eq!((ok.year, ok.rate_bp, ok.amount), (2025, 350, 1200));
        assert!(check_rebate_row(["012345678", "2025年度", "3.5", "0", ""], today).is_ok());
        let bad: Vec<&str> = check_rebate_row(["1", "2027", "x", "-1", "z"], today)
            .unwrap_err()
            .into_iter()
            .map(|(c, _)| c)
            .collect();
        assert_eq!(bad, vec!["組合員番号", "年度", "割戻率", "金額", "支払日"]);
    }

    #[test]
    fn kinds_round_trip() {
        for k in LineKind::ALL {
            assert_eq!(LineKind::parse(k.label()), Some(k));
            assert_eq!(LineKind::from_code(k.code()), Some(k));
        }
    }
}
