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
    /// 成功 / 失敗 / ロック中 / パスワード確認・認証コード送信.
    pub result: String,
    pub ok: bool,
    /// Neither: a right password waiting for the mailed code.
    pub pending: bool,
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

/// A browser that logs in without an authentication code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KnownBrowser {
    pub browser: String,
    pub since: String,
    pub last_used: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecurityOverview {
    pub logins: Vec<LoginRecord>,
    pub sessions: Vec<ActiveSession>,
    pub known_browsers: Vec<KnownBrowser>,
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

/// Makes every browser ask for an authentication code again. Returns how many.
#[server(endpoint = "forget_known_browsers")]
pub async fn forget_known_browsers() -> Result<u64, AppError> {
    crate::error::with_status(ssr::forget_browsers().await)
}

/// Changes the password; the current one is required. Other sessions end.
#[server(endpoint = "change_password")]
pub async fn change_password(
    current_password: String,
    password: String,
    password_confirm: String,
) -> Result<(), AppError> {
    crate::error::with_status(
        ssr::credentials::change_password(&current_password, &password, &password_confirm).await,
    )
}

/// Changes the user ID; returns the new one.
/// Stops the My Page service (M13) with the current password; logs out.
#[server(endpoint = "stop_service")]
pub async fn stop_service(current_password: String) -> Result<(), AppError> {
    crate::error::with_status(ssr::credentials::stop_service(&current_password).await)
}

#[server(endpoint = "change_user_id")]
pub async fn change_user_id(user_id: String, current_password: String) -> Result<String, AppError> {
    crate::error::with_status(ssr::credentials::change_user_id(&user_id, &current_password).await)
}

/// Sends a code to a new email address; returns the address.
#[server(endpoint = "email_change_request")]
pub async fn request_email_change(
    email: String,
    current_password: String,
) -> Result<String, AppError> {
    crate::error::with_status(
        ssr::credentials::request_email_change(&email, &current_password).await,
    )
}

/// A mail change waiting for its code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingEmail {
    /// The new address the code went to.
    pub email: String,
    /// Until when the code works (JST, `12:34`).
    pub until: String,
}

/// The mail change waiting for its code, if any: the page offers the code
/// field again after a reload or a closed tab (the code's mail says to
/// enter it on the change screen).
#[server(endpoint = "email_change_pending")]
pub async fn pending_email_change() -> Result<Option<PendingEmail>, AppError> {
    crate::error::with_status(ssr::credentials::pending_email_change().await)
}

/// Drops the mail change waiting for its code (another address instead).
#[server(endpoint = "email_change_cancel")]
pub async fn cancel_email_change() -> Result<(), AppError> {
    crate::error::with_status(ssr::credentials::cancel_email_change().await)
}

/// Makes the email change with the code from the new address; returns it.
#[server(endpoint = "email_change_confirm")]
pub async fn confirm_email_change(code: String) -> Result<String, AppError> {
    crate::error::with_status(ssr::credentials::confirm_email_change(&code).await)
}
