//! Maintenance windows (M17, S5): staff schedule and cancel them; during one, member
//! and public pages answer 503 with a maintenance page (`ssr::gate`), the back
//! office stays up, and an admin can end it early; a week before, members
//! are told on the login page and the My Page home. This feature owns
//! `maintenance_windows`.

#[cfg(feature = "ssr")]
pub mod ssr;

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A window as members are told of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpcomingMaintenance {
    /// `2026/12/10 1:00` (JST).
    pub starts: String,
    pub ends: String,
    pub message: String,
}

/// A window as the back office lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WindowRow {
    pub id: i32,
    pub starts: String,
    pub ends: String,
    pub message: String,
    /// 予定 / 実施中 / 終了 / 早期終了.
    pub state: String,
    /// To come (any staff member cancels it), or under way and the staff
    /// member is an admin (who ends it early).
    pub can_end: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MaintenanceAdmin {
    pub rows: Vec<WindowRow>,
    pub admin: bool,
    /// An hour from now, for the start field (JST, `datetime-local`).
    pub suggested_start: String,
}

/// The next window within a week, if any (no login needed).
#[server(endpoint = "maintenance_notice")]
pub async fn maintenance_notice() -> Result<Option<UpcomingMaintenance>, AppError> {
    crate::error::with_status(ssr::notice().await)
}

/// Every window, newest first.
#[server(endpoint = "staff_maintenance")]
pub async fn staff_maintenance() -> Result<MaintenanceAdmin, AppError> {
    crate::error::with_status(ssr::staff_list().await)
}

/// Schedules a window (times in JST, as the form sends them).
#[server(endpoint = "staff_maintenance_schedule")]
pub async fn staff_schedule_maintenance(
    starts_at: String,
    ends_at: String,
    message: String,
) -> Result<(), AppError> {
    crate::error::with_status(ssr::schedule(&starts_at, &ends_at, &message).await)
}

/// Cancels a window to come, or ends one under way now (admins only).
#[server(endpoint = "staff_maintenance_end")]
pub async fn staff_end_maintenance(id: i32) -> Result<(), AppError> {
    crate::error::with_status(ssr::end(id).await)
}
