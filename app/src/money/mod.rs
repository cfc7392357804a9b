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
    /// 入金済 / 一部入金 / 未入金 / ご請求なし.
    pub status_label: String,
    pub paid: bool,
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
