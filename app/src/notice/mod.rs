//! お知らせ (M17, S5): notices staff publish and members read after login
//! (重要 first, unread marked), with the past ones in a list; a public notice
//! also shows on the login page. This feature owns `notices` and
//! `notice_reads`.

// The publish form's fields are the server function's arguments, one each
// (the browser's generated caller has them too, beyond clippy's limit of 7).
#![allow(clippy::too_many_arguments)]

#[cfg(feature = "ssr")]
pub mod ssr;

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A notice in a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoticeSummary {
    pub id: i32,
    pub title: String,
    pub important: bool,
    /// When it was published (JST).
    pub published: String,
    pub unread: bool,
}

/// The member's notices: those shown now, and earlier ones.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoticeBoard {
    pub current: Vec<NoticeSummary>,
    pub past: Vec<NoticeSummary>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoticeDetail {
    pub summary: NoticeSummary,
    /// Plain text with line breaks.
    pub body: String,
}

/// A notice of the login page (public, for everyone).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicNotice {
    pub title: String,
    pub body: String,
    pub important: bool,
    pub published: String,
}

/// A notice as the back office lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffNoticeRow {
    pub id: i32,
    pub title: String,
    pub important: bool,
    pub audience: String,
    pub public: bool,
    pub publish_at: String,
    pub expire_at: Option<String>,
    /// 掲載予定 / 掲載中 / 掲載終了.
    pub state: String,
    /// Still shown or still to come: it can be ended now.
    pub can_end: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoticeAdmin {
    pub rows: Vec<StaffNoticeRow>,
    /// (code, name) of the courses an audience may name.
    pub courses: Vec<(String, String)>,
    /// Now, for the publish field (`2026-12-06T09:30`, JST).
    pub now_local: String,
}

/// The logged-in member's notices.
#[server(endpoint = "notices")]
pub async fn my_notices() -> Result<NoticeBoard, AppError> {
    crate::error::with_status(ssr::board().await)
}

/// One notice for the member (marked read); another audience's is unknown.
#[server(endpoint = "notice")]
pub async fn my_notice(id: i32) -> Result<NoticeDetail, AppError> {
    crate::error::with_status(ssr::read(id).await)
}

/// The public notices of the login page (no login needed).
#[server(endpoint = "public_notices")]
pub async fn public_notices() -> Result<Vec<PublicNotice>, AppError> {
    crate::error::with_status(ssr::public().await)
}

/// Every notice, newest first, for the back office.
#[server(endpoint = "staff_notices")]
pub async fn staff_notices() -> Result<NoticeAdmin, AppError> {
    crate::error::with_status(ssr::staff_list().await)
}

/// Publishes a notice (times are JST, as the form sends them).
#[server(endpoint = "staff_notice_publish")]
pub async fn staff_publish_notice(
    title: String,
    body: String,
    importance: String,
    audience: String,
    course: Option<String>,
    public: Option<String>,
    publish_at: String,
    expire_at: Option<String>,
) -> Result<(), AppError> {
    let form = ssr::NoticeForm {
        title,
        body,
        importance,
        audience,
        course,
        public: public.is_some(),
        publish_at,
        expire_at,
    };
    crate::error::with_status(ssr::publish(form).await)
}

/// Ends a notice now (it moves to the members' past notices).
#[server(endpoint = "staff_notice_end")]
pub async fn staff_end_notice(id: i32) -> Result<(), AppError> {
    crate::error::with_status(ssr::end(id).await)
}
