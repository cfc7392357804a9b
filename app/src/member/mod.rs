//! The member's registered details (登録内容), shown on the My Page home.

#[cfg(feature = "ssr")]
pub mod ssr;

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    pub member_number: String,
    pub name: String,
    pub name_kana: String,
    pub birth_date: String,
    /// `〒330-0064`.
    pub postal_code: String,
    pub address: String,
    pub phone: String,
    pub email: String,
    pub user_id: String,
    pub workplace: Option<String>,
    /// A character of the registered name or address is shown as another
    /// (a 旧字体 in its 新字体, or 〓 for one that cannot be shown).
    pub spelling_substituted: bool,
}

/// The logged-in member's own details; there is no way to ask for anyone else's.
#[server(endpoint = "profile")]
pub async fn my_profile() -> Result<Profile, AppError> {
    crate::error::with_status(ssr::profile().await)
}
