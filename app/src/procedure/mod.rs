//! Online procedures (M7) as the member sees them: what can be applied for,
//! the confirmation before filing, 手続き照会 and cancelling while 受付.

#[cfg(feature = "ssr")]
pub mod ssr;

use crate::domain::procedure::Status;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// One line of 手続き照会.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcedureSummary {
    pub id: i32,
    /// 受付番号, `20261123-000042`.
    pub receipt: String,
    /// 特約追加 …
    pub kind: String,
    /// What was asked for, in words.
    pub summary: String,
    pub status: Status,
    /// 受付 …
    pub status_label: String,
    /// When it was filed (JST).
    pub filed_at: String,
    /// When its status last changed (JST).
    pub updated_at: String,
    /// ご本人 / 当組合(職員).
    pub filed_by: String,
    pub filed_by_staff: bool,
}

/// One step of a procedure's status history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    pub at: String,
    pub status_label: String,
    /// ご本人 / 当組合(職員).
    pub by: String,
    /// From staff, shown to the member too.
    pub comment: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcedureDetail {
    pub summary: ProcedureSummary,
    pub contract_number: Option<String>,
    /// 保障開始日, once approved.
    pub coverage_starts_on: Option<String>,
    /// What the member should know now, e.g. when shipped documents arrive.
    pub notes: Vec<String>,
    /// Oldest first.
    pub history: Vec<HistoryEntry>,
    pub can_cancel: bool,
}

/// A rider or course the member may choose, with what it costs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choice {
    /// `{contract id}-{item id}`, the value the form sends.
    pub value: String,
    pub name: String,
    pub monthly_premium: String,
    pub summary: String,
    /// For courses: the change of the monthly premium, `+2,000円`.
    pub difference: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContractOptions {
    pub contract_number: String,
    pub current_course: Option<String>,
    /// Riders the contract does not have and has not applied for.
    pub riders: Vec<Choice>,
    pub courses: Vec<Choice>,
    /// Why a kind cannot be applied for on this contract right now.
    pub rider_note: Option<String>,
    pub course_note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplyOptions {
    pub contracts: Vec<ContractOptions>,
    /// (code, name).
    pub documents: Vec<(String, String)>,
    /// Where documents go: the registered address.
    pub address: String,
}

/// What the confirmation step shows before filing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Preview {
    pub kind: String,
    /// (label, value) rows.
    pub rows: Vec<(String, String)>,
}

/// 手続き照会: every procedure of the logged-in member, newest first.
#[server(endpoint = "procedures")]
pub async fn my_procedures() -> Result<Vec<ProcedureSummary>, AppError> {
    crate::error::with_status(ssr::list().await)
}

/// One of the member's own procedures with its history.
#[server(endpoint = "procedure")]
pub async fn my_procedure(id: i32) -> Result<ProcedureDetail, AppError> {
    crate::error::with_status(ssr::detail(id).await)
}

/// What the member may apply for now, per contract.
#[server(endpoint = "apply_options")]
pub async fn load_apply_options() -> Result<ApplyOptions, AppError> {
    crate::error::with_status(ssr::options().await)
}

/// Checks an application and says what filing it would do.
#[server(endpoint = "apply_preview")]
pub async fn preview_application(
    kind: String,
    choice: Option<String>,
    documents: Option<String>,
) -> Result<Preview, AppError> {
    crate::error::with_status(ssr::preview(&kind, choice.as_deref(), documents.as_deref()).await)
}

/// Files the application and goes to its receipt.
#[server(endpoint = "apply")]
pub async fn apply(
    kind: String,
    choice: Option<String>,
    documents: Option<String>,
) -> Result<(), AppError> {
    crate::error::with_status(ssr::file(&kind, choice.as_deref(), documents.as_deref()).await)
}

/// Withdraws the member's own procedure while it is still 受付.
#[server(endpoint = "procedure_cancel")]
pub async fn cancel_procedure(id: i32) -> Result<(), AppError> {
    crate::error::with_status(ssr::cancel(id).await)
}
