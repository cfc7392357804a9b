//! Mail delivery, visible to staff (S6): mails still being retried and
//! those given up on, in the back office at `/staff/mails`, with resend and
//! cancel; a member's mail problems on their record and their own My Page
//! home. The outbox itself is `ssr::mail`'s; this feature reads and
//! changes it through `ssr::mail::status`.

#[cfg(feature = "ssr")]
pub mod ssr;

use crate::domain::mail_delivery::DeliveryState;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// One mail as the back office lists it: never its text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailRow {
    pub id: i32,
    pub to: String,
    pub subject: String,
    /// JST, `2026/12/6 10:30`.
    pub queued_at: String,
    pub state: DeliveryState,
    pub attempts: i32,
    pub last_error: Option<String>,
    /// The next try (JST), while it is being retried.
    pub next_try: Option<String>,
    /// When it was sent, given up on or cancelled (JST).
    pub ended_at: Option<String>,
    /// Carried a code, a link or a temporary password.
    pub sensitive: bool,
    /// The member whose My Page account has this address: (id, `0123-45678 共済太郎`).
    pub member: Option<(i32, String)>,
    pub can_resend: bool,
    pub can_cancel: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailList {
    pub rows: Vec<MailRow>,
    /// The member's address the list is narrowed to, if any.
    pub to: Option<String>,
    /// Over every address: failed and not dealt with, and being retried.
    pub failed: u64,
    pub retrying: u64,
}

/// Mails to a member's address that staff should know of.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailTrouble {
    pub failed: u64,
    pub retrying: u64,
}

/// `show`: `failed`, `retrying`, `cancelled`, `all`, or empty for every
/// mail not sent yet; `member`: only mails to the address of that member's
/// My Page account (by member, so that addresses stay out of URLs).
#[server(endpoint = "staff/mails")]
pub async fn staff_mails(show: Option<String>, member: Option<i32>) -> Result<MailList, AppError> {
    crate::error::with_status(ssr::list(show.as_deref(), member).await)
}

/// Queues a failed mail again (not one with a code or link).
#[server(endpoint = "staff/mails/resend")]
pub async fn staff_resend_mail(id: i32) -> Result<(), AppError> {
    crate::error::with_status(ssr::resend(id).await)
}

/// Stops a mail not sent yet (and not being sent), for good.
#[server(endpoint = "staff/mails/cancel")]
pub async fn staff_cancel_mail(id: i32) -> Result<(), AppError> {
    crate::error::with_status(ssr::cancel(id).await)
}
