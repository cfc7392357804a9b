//! Member login, logout and the facts shown on every My Page screen (M1, M2, M15).

#[cfg(feature = "ssr")]
pub mod ssr;

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The header of every My Page screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionInfo {
    pub name: String,
    /// `0123-45678`.
    pub member_number: String,
    /// The login before this one, in JST (`2018/8/14 9:45`); `None` on a first login.
    pub previous_login: Option<String>,
    /// Logged in with a temporary password: only the password page is open.
    pub must_change_password: bool,
    /// After a withdrawal: the last day of My Page (`2027/7/31`), for the banner.
    pub access_until: Option<String>,
}

/// Logs in with user ID or email plus password, then sends the browser to `next`
/// (a same-site path) or the My Page home.
#[server(endpoint = "login")]
pub async fn login(
    identifier: String,
    password: String,
    next: Option<String>,
) -> Result<(), AppError> {
    crate::error::with_status(ssr::login_request(&identifier, &password, next.as_deref()).await)
}

/// Who is logged in, for the My Page header.
#[server(endpoint = "session")]
pub async fn load_session() -> Result<SessionInfo, AppError> {
    crate::error::with_status(ssr::session_info().await)
}

/// Mails a password reset link if the ID or address belongs to an account (M3).
/// Answers the same either way.
#[server(endpoint = "password_reset_request")]
pub async fn request_password_reset(identifier: String) -> Result<(), AppError> {
    crate::error::with_status(ssr::reset_request(&identifier).await)
}

/// Whether a reset link can still be used, before the member types a password.
#[server(endpoint = "password_reset_check")]
pub async fn check_reset_link(token: String) -> Result<(), AppError> {
    crate::error::with_status(ssr::reset_check(&token).await)
}

/// Sets a new password through a reset link, then sends the browser to the login page.
#[server(endpoint = "password_reset")]
pub async fn reset_password(
    token: String,
    password: String,
    password_confirm: String,
) -> Result<(), AppError> {
    crate::error::with_status(ssr::reset_complete(&token, &password, &password_confirm).await)
}

/// The 照合記号 of this browser's pending login code, to compare with the mail.
#[server(endpoint = "login_code_mark")]
pub async fn login_code_mark() -> Result<String, AppError> {
    crate::error::with_status(ssr::code_mark().await)
}

/// Finishes a login from a new browser with the mailed authentication code.
#[server(endpoint = "login_code")]
pub async fn verify_login_code(code: String, next: Option<String>) -> Result<(), AppError> {
    crate::error::with_status(ssr::code_request(&code, next.as_deref()).await)
}
