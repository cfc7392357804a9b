//! The member's own account security: login history, active sessions (M15).

#[cfg(feature = "ssr")]
pub mod ssr;

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginRecord {
    /// JST.
    pub at: String,
    pub browser: String,
    pub ip: String,
    /// 成功 / 失敗 / ロック中.
    pub result: String,
    pub ok: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActiveSession {
    pub started_at: String,
    pub last_seen_at: String,
    pub browser: String,
    pub ip: String,
    /// The session of this very browser.
    pub current: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecurityOverview {
    pub logins: Vec<LoginRecord>,
    pub sessions: Vec<ActiveSession>,
}

/// The member's recent logins and the browsers logged in now.
#[server(endpoint = "security_overview")]
pub async fn load_security() -> Result<SecurityOverview, AppError> {
    crate::error::with_status(ssr::overview().await)
}

/// Ends every session of the member but this one. Returns how many ended.
#[server(endpoint = "end_other_sessions")]
pub async fn end_other_sessions() -> Result<u64, AppError> {
    crate::error::with_status(ssr::end_others().await)
}
