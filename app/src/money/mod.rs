//! Money (M8, M9, P2): 請求明細, 掛金払込証明書 and 出資金・割戻金 as the
//! member reads them, and the staff check of a certificate's code. The
//! data comes from the core system's exports (S7, [`ssr::import`]); this
//! feature owns the statements, payments, rebates and certificates tables.

#[cfg(feature = "ssr")]
pub mod ssr;

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// One month in the statements list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatementSummary {
    /// `2026-11`, as in the detail's URL.
    pub month: String,
    /// `2026年11月`.
    pub label: String,
    pub closing_on: String,
    pub billed_on: String,
    pub total: String,
    /// 入金済 / 一部入金 / 未入金 / お支払い前 (the bill's day, 請求日, is
    /// still to come) / 入金確認中 (the days after the debit while its result
    /// reaches the co-op) / ご請求なし.
    pub status_label: String,
    pub paid: bool,
    /// Owed and not (wholly) paid by its day and the days its confirmation
    /// takes: shown as a warning.
    pub overdue: bool,
    /// The day it was paid in full (or the last part came).
    pub paid_on: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatementList {
    pub statements: Vec<StatementSummary>,
    /// `2017年9月`: statements are shown from this month on.
    pub first_month: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineView {
    pub description: String,
    pub contract_number: Option<String>,
    pub used_on: Option<String>,
    pub amount: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupView {
    /// 共済掛金 …
    pub kind: String,
    pub lines: Vec<LineView>,
    pub subtotal: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentView {
    pub paid_on: String,
    pub amount: String,
    pub method: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatementDetail {
    pub summary: StatementSummary,
    pub groups: Vec<GroupView>,
    pub payments: Vec<PaymentView>,
    /// The member as the statement is addressed.
    pub name: String,
    pub member_number: String,
}

/// The logged-in member's statements, newest first.
#[server(endpoint = "statements")]
pub async fn my_statements() -> Result<StatementList, AppError> {
    crate::error::with_status(ssr::statements::list().await)
}

/// One of the member's statements by month (`2026-11`).
#[server(endpoint = "statement")]
pub async fn my_statement(month: String) -> Result<StatementDetail, AppError> {
    crate::error::with_status(ssr::statements::detail(&month).await)
}

/// 掛金払込証明書 (M8): what the member may ask for today.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificateOptions {
    /// The years a paper reissue can be for (two in June: the member chooses).
    pub paper_years: Vec<i32>,
    /// The electronic certificate's year while the period is open.
    pub electronic_year: Option<i32>,
    /// `2027/3/31`, while open.
    pub electronic_until: Option<String>,
    /// `2027/10/1` and its year, while closed.
    pub electronic_opens: Option<(String, i32)>,
    /// Paper reissues of these years are waiting already.
    pub paper_waiting: Vec<i32>,
    /// Where to ask for another year.
    pub coop_phone: String,
}

/// One contract on a certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificateLine {
    pub contract_number: String,
    pub course: String,
    /// 一般生命保険料控除 / 介護医療保険料控除.
    pub deduction: String,
    /// 証明額 (yen).
    pub certified: i64,
    /// 申告予定額 (yen).
    pub expected: i64,
}

/// What a staff check of a verification code found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum CertificateCheck {
    /// Not sixteen characters of the code's alphabet.
    Malformed,
    /// The check character does not match: a mistyped character.
    Mistyped,
    /// Well-formed but never issued here: forged or altered.
    Unknown,
    Genuine(IssuedCertificate),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuedCertificate {
    pub member_id: i32,
    pub member_name: String,
    pub member_number: String,
    pub year: i32,
    pub issued_at: String,
    pub lines: Vec<CertificateLine>,
    pub certified: String,
    pub expected: String,
}

#[server(endpoint = "certificate_options")]
pub async fn load_certificate_options() -> Result<CertificateOptions, AppError> {
    crate::error::with_status(ssr::certificate::options().await)
}

/// Files a paper reissue (a procedure in 手続き照会); answers its id.
#[server(endpoint = "certificate_paper")]
pub async fn request_paper_certificate(year: Option<i32>) -> Result<i32, AppError> {
    crate::error::with_status(ssr::certificate::request_paper(year).await)
}

/// Staff: checks a certificate's verification code.
#[server(endpoint = "staff_certificate_check")]
pub async fn staff_check_certificate(code: String) -> Result<CertificateCheck, AppError> {
    crate::error::with_status(ssr::certificate::check(&code).await)
}

/// 出資金 and 割戻金 (P2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CapitalView {
    /// 口数.
    pub shares: i64,
    pub share_price: String,
    pub total: String,
    pub payments: Vec<CapitalPayment>,
    pub rebates: Vec<RebateView>,
    /// After a recorded withdrawal, the day the 出資金 comes back
    /// (`2027/7/31`), which is also the last day of My Page.
    pub refund_on: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CapitalPayment {
    pub on: String,
    pub what: String,
    pub amount: String,
    /// Billed and not paid yet (not counted in the total): お支払い前 /
    /// 入金確認中 (the statement's status) or 未入金.
    pub pending: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RebateView {
    pub year: String,
    pub rate: String,
    pub amount: String,
    pub paid_on: Option<String>,
}

#[server(endpoint = "capital")]
pub async fn my_capital() -> Result<CapitalView, AppError> {
    crate::error::with_status(ssr::capital::view().await)
}
