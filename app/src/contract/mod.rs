//! ご契約内容 (M6): the member's contracts as in force today.

#[cfg(feature = "ssr")]
pub mod ssr;

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A course or rider as the member sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Coverage {
    pub name: String,
    /// `2,000円`.
    pub monthly_premium: String,
    pub summary: String,
    /// 保障開始日, `2019/4/1`.
    pub starts_on: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContractView {
    pub contract_number: String,
    /// `None` before the first course starts.
    pub course: Option<Coverage>,
    pub riders: Vec<Coverage>,
    /// Course plus riders, per month.
    pub monthly_total: String,
    /// Why something decided is not shown yet, e.g. 変更後のコースは…から表示されます.
    pub pending: Vec<String>,
    /// The last day of coverage, `2027/3/31`, once every course and rider
    /// has ended (a withdrawal, or as the core system sent it).
    pub ended: Option<String>,
}

/// The logged-in member's contracts, as in force today (JST).
#[server(endpoint = "contracts")]
pub async fn my_contracts() -> Result<Vec<ContractView>, AppError> {
    crate::error::with_status(ssr::contracts().await)
}
