//! 連絡・お問い合わせ (M11, S4): a member writes to the co-op and follows
//! the thread; staff answer from the back-office inbox. This feature owns the
//! `inquiries` and `inquiry_messages` tables; the member functions here never
//! read a staff member's internal notes.

#[cfg(feature = "ssr")]
pub mod ssr;

use crate::domain::inquiry::{Category, Status};
use crate::error::AppError;
use crate::staff::MemberBrief;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// One line of a list of inquiries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InquirySummary {
    pub id: i32,
    /// The category's label.
    pub category: String,
    pub subject: String,
    pub status: Status,
    pub status_label: String,
    /// When it was started (JST).
    pub created_at: String,
    /// When it last changed (JST).
    pub updated_at: String,
}

/// One message of a thread.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    pub id: i32,
    /// ご本人 / 当組合の担当者.
    pub author: String,
    pub from_staff: bool,
    /// The name a staff member chose to sign with.
    pub signature: Option<String>,
    /// Plain text; shown with its line breaks, never as HTML.
    pub body: String,
    /// JST.
    pub at: String,
    /// A staff note (only in the back office).
    pub internal: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InquiryThread {
    pub summary: InquirySummary,
    /// Oldest first.
    pub messages: Vec<Message>,
    /// Still open: one may write and close.
    pub open: bool,
}

/// A row of the staff inbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboxRow {
    pub summary: InquirySummary,
    pub member: MemberBrief,
    /// How long the member has waited for the co-op (`3時間`), while it does.
    pub waited: Option<String>,
    /// The staff member who took it, if any.
    pub assigned_to: Option<String>,
}

/// A thread as staff work on it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffThread {
    /// With internal notes.
    pub thread: InquiryThread,
    pub member: MemberBrief,
    pub member_phone: String,
    /// `None` without a My Page account (no mail can go out).
    pub member_email: Option<String>,
    /// Where the member stands (`利用停止中`) when they cannot open My Page
    /// and so cannot read a reply there.
    pub member_closed: Option<String>,
    pub assigned_to: Option<String>,
    pub assigned_to_me: bool,
    pub waited: Option<String>,
}

/// The categories a member may choose from.
#[server(endpoint = "inquiry_categories")]
pub async fn inquiry_categories() -> Result<Vec<Category>, AppError> {
    crate::error::with_status(ssr::categories().await)
}

/// The logged-in member's inquiries, most recently changed first.
#[server(endpoint = "inquiries")]
pub async fn my_inquiries() -> Result<Vec<InquirySummary>, AppError> {
    crate::error::with_status(ssr::list().await)
}

/// One of the member's own threads (never another member's, never a note).
#[server(endpoint = "inquiry")]
pub async fn my_inquiry(id: i32) -> Result<InquiryThread, AppError> {
    crate::error::with_status(ssr::thread(id).await)
}

/// Sends a new inquiry and goes to its thread.
#[server(endpoint = "inquiry_start")]
pub async fn start_inquiry(
    category: String,
    subject: String,
    text: String,
) -> Result<(), AppError> {
    crate::error::with_status(ssr::start(&category, &subject, &text).await)
}

/// Adds the member's message to an open thread.
#[server(endpoint = "inquiry_reply")]
pub async fn reply_inquiry(id: i32, text: String) -> Result<(), AppError> {
    crate::error::with_status(ssr::reply(id, &text).await)
}

/// The member closes their thread (解決した).
#[server(endpoint = "inquiry_close")]
pub async fn close_inquiry(id: i32) -> Result<(), AppError> {
    crate::error::with_status(ssr::close(id).await)
}

/// The staff inbox: by status (`""`: waiting for the co-op, `all`) and
/// category; what waits oldest first, anything else newest first.
#[server(endpoint = "staff_inquiries")]
pub async fn staff_inquiries(
    status: Option<String>,
    category: Option<String>,
) -> Result<crate::staff::Listing<InboxRow>, AppError> {
    crate::error::with_status(ssr::staff::inbox(status.as_deref(), category.as_deref()).await)
}

/// The categories, for the inbox filter.
#[server(endpoint = "staff_inquiry_categories")]
pub async fn staff_inquiry_categories() -> Result<Vec<Category>, AppError> {
    crate::error::with_status(ssr::staff::categories().await)
}

/// A thread with its internal notes and the member's summary.
#[server(endpoint = "staff_inquiry")]
pub async fn staff_inquiry(id: i32) -> Result<StaffThread, AppError> {
    crate::error::with_status(ssr::staff::thread(id).await)
}

/// Staff answer the member (who gets a mail saying a reply is waiting).
#[server(endpoint = "staff_inquiry_reply")]
pub async fn staff_reply_inquiry(
    id: i32,
    text: String,
    signature: Option<String>,
) -> Result<(), AppError> {
    crate::error::with_status(ssr::staff::reply(id, &text, signature.as_deref()).await)
}

/// An internal note on the thread: the member never sees it.
#[server(endpoint = "staff_inquiry_note")]
pub async fn staff_note_inquiry(id: i32, note: String) -> Result<(), AppError> {
    crate::error::with_status(ssr::staff::note(id, &note).await)
}

/// The staff member takes the thread (担当する).
#[server(endpoint = "staff_inquiry_assign")]
pub async fn staff_assign_inquiry(id: i32) -> Result<(), AppError> {
    crate::error::with_status(ssr::staff::assign(id).await)
}

/// Staff close the thread (完了にする).
#[server(endpoint = "staff_inquiry_close")]
pub async fn staff_close_inquiry(id: i32) -> Result<(), AppError> {
    crate::error::with_status(ssr::staff::close(id).await)
}
