//! Maintenance windows on the server: the windows that matter (active or
//! to come) are read from the database at most every
//! [`MAINTENANCE_CACHE_SECONDS`] per process; [`gate`] answers member and
//! public requests with 503 while one is active.

use std::sync::{Arc, Mutex};

use axum::{
    extract::{Request as HttpRequest, State},
    middleware::Next,
    response::{IntoResponse, Response},
};
use chrono::{DateTime, Duration, Utc};
use http::{header, HeaderValue, StatusCode};
use sea_orm::{
    sea_query::Expr, ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait,
    DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

use super::{MaintenanceAdmin, UpcomingMaintenance, WindowRow};
use crate::domain::jst;
use crate::domain::notice::{check_lead, check_window};
use crate::domain::policy::{MAINTENANCE_CACHE_SECONDS, MAINTENANCE_OPERATOR_LEAD_MINUTES};
use crate::error::AppError;
use crate::ssr::audit::{self, Actor};
use crate::ssr::entities::maintenance_window as window;
use crate::ssr::request::{accepts_html, Request};
use crate::ssr::AppState;
use crate::staff::ssr::auth::current_staff;

/// Longest message of a window, in characters.
const MESSAGE_MAX_CHARS: usize = 500;

#[derive(Default)]
struct Cached {
    /// Counts [`MaintenanceCache::forget`]s: a reading that began before one
    /// is not kept, so a change made in this process shows at once even to a
    /// request that was reading the old windows while it was made.
    generation: u64,
    /// The windows, and when (on the app's clock) they were read.
    reading: Option<(DateTime<Utc>, Arc<Vec<window::Model>>)>,
}

/// The windows not yet over, as one process last read them. Another
/// process's change is seen here within [`MAINTENANCE_CACHE_SECONDS`].
#[derive(Clone, Default)]
pub struct MaintenanceCache(Arc<Mutex<Cached>>);

impl MaintenanceCache {
    /// Windows not over at `now`, oldest start first.
    pub async fn windows(
        &self,
        db: &DatabaseConnection,
        now: DateTime<Utc>,
    ) -> Result<Arc<Vec<window::Model>>, AppError> {
        let fresh = Duration::seconds(MAINTENANCE_CACHE_SECONDS as i64);
        let generation = match self.0.lock() {
            Ok(cached) => {
                if let Some((at, list)) = &cached.reading {
                    // A clock set back makes a reading from the "future" stale.
                    if *at <= now && now - *at < fresh {
                        return Ok(list.clone());
                    }
                }
                Some(cached.generation)
            }
            Err(_) => None,
        };
        let list = Arc::new(pending(db, now).await?);
        if let (Some(generation), Ok(mut cached)) = (generation, self.0.lock()) {
            if cached.generation == generation {
                cached.reading = Some((now, list.clone()));
            }
        }
        Ok(list)
    }

    /// Drops what this process read (after a change made here).
    pub fn forget(&self) {
        if let Ok(mut cached) = self.0.lock() {
            cached.generation += 1;
            cached.reading = None;
        }
    }
}

async fn pending(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
) -> Result<Vec<window::Model>, AppError> {
    Ok(window::Entity::find()
        .filter(window::Column::EndsAt.gt(now))
        .filter(window::Column::EndedEarlyAt.is_null())
        .order_by_asc(window::Column::StartsAt)
        .limit(20)
        .all(db)
        .await?)
}

/// Paths that stay up during maintenance: the back office and its server
/// functions (`staff/…` and `staff_…` endpoints), the site's files (`/pkg`,
/// and the files at the root such as icons, `sw.js` and the card scanner's
/// `scan.js`), logging out, and the development controls.
fn stays_up(path: &str) -> bool {
    let root_file = path.len() > 1 && !path[1..].contains('/') && path.contains('.');
    path == "/staff"
        || path.starts_with("/staff/")
        || path.starts_with("/api/staff/")
        || path.starts_with("/api/staff_")
        || path.starts_with("/pkg/")
        || path.starts_with("/dev/")
        || root_file
        || matches!(path, "/logout" | "/api/site" | "/api/dev_mails")
}

fn message_of(w: &window::Model) -> String {
    format!(
        "ただいまシステムメンテナンスのため、マイページをご利用いただけません。{}ごろに再開する予定です。",
        jst::format_datetime(w.window().end())
    )
}

/// Answers member and public requests with 503 while a window is active.
/// If the windows cannot be read, requests go through (the pages report
/// their own database trouble).
pub async fn gate(State(state): State<AppState>, req: HttpRequest, next: Next) -> Response {
    let path = req.uri().path();
    if stays_up(path) {
        return next.run(req).await;
    }
    let now = state.clock.now();
    let windows = match state.maintenance.windows(&state.db, now).await {
        Ok(windows) => windows,
        Err(error) => {
            tracing::warn!(?error, "maintenance windows not read");
            return next.run(req).await;
        }
    };
    let Some(active) = windows.iter().find(|w| w.window().is_active(now)) else {
        return next.run(req).await;
    };
    let retry_after = active.window().retry_after(now).to_string();
    let message = message_of(active);
    let mut res = if path.starts_with("/api/") && !accepts_html(req.headers()) {
        // A hydrated page's server function: an error the form shows where
        // it was sent, keeping what was typed. A plain form (sent before the
        // page hydrated) gets the maintenance page below instead.
        let body = serde_json::to_string(&AppError::Maintenance(message)).unwrap_or_default();
        (
            StatusCode::SERVICE_UNAVAILABLE,
            [(header::CONTENT_TYPE, "application/json")],
            body,
        )
            .into_response()
    } else {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            page(&state, active, &message),
        )
            .into_response()
    };
    if let Ok(value) = HeaderValue::from_str(&retry_after) {
        res.headers_mut().insert(header::RETRY_AFTER, value);
    }
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

/// The maintenance page: a whole document, every text escaped by Leptos.
fn page(state: &AppState, w: &window::Model, message: &str) -> String {
    use leptos::prelude::*;
    let (starts, ends) = (
        jst::format_datetime(w.starts_at),
        jst::format_datetime(w.window().end()),
    );
    let (message, note) = (message.to_owned(), w.message.clone());
    let (coop, phone, hours) = (
        state.config.coop_name.clone(),
        state.config.coop_phone.clone(),
        state.config.coop_phone_hours.clone(),
    );
    let body = view! {
        <main class="page" id="main">
            <h1>"システムメンテナンス中です"</h1>
            <p class="notice" role="status">{message}</p>
            <section class="card">
                <dl class="details">
                    <div class="details__row"><dt>"停止期間"</dt><dd>{starts} "〜" {ends}</dd></div>
                </dl>
                <p class="message__body">{note}</p>
                <p class="hint">
                    "入力中だった内容は送信されていません。再開後に、もう一度お手続きください。"
                    "お急ぎの場合は、" {coop} "(" {phone} "、" {hours} ")までお電話ください。"
                </p>
            </section>
        </main>
    }
    .to_html();
    format!(
        "<!DOCTYPE html><html lang=\"ja\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>システムメンテナンス中 | 組合員マイページ</title>\
         <link rel=\"stylesheet\" href=\"{stylesheet}\"></head><body>{body}</body></html>",
        stylesheet = crate::ssr::assets::stylesheet_href(&state.leptos_options),
    )
}

fn notice_of(w: &window::Model) -> UpcomingMaintenance {
    UpcomingMaintenance {
        starts: jst::format_datetime(w.starts_at),
        ends: jst::format_datetime(w.window().end()),
        message: w.message.clone(),
    }
}

/// [`super::maintenance_notice`].
pub async fn notice() -> Result<Option<UpcomingMaintenance>, AppError> {
    let Request { state, now, .. } = Request::current()?;
    let windows = state.maintenance.windows(&state.db, now).await?;
    Ok(windows
        .iter()
        .find(|w| w.window().is_announced(now))
        .map(notice_of))
}

/// [`super::staff_maintenance`].
pub async fn staff_list() -> Result<MaintenanceAdmin, AppError> {
    let me = current_staff().await?;
    let Request { state, now, .. } = Request::current()?;
    let admin = me.require_admin().is_ok();
    let rows = window::Entity::find()
        .order_by_desc(window::Column::StartsAt)
        .limit(100)
        .all(&state.db)
        .await?
        .into_iter()
        .map(|w| {
            let span = w.window();
            let state = if w.ended_early_at.is_some_and(|early| early <= w.starts_at) {
                "取消"
            } else if w.ended_early_at.is_some() && span.end() <= now {
                "早期終了"
            } else if span.is_active(now) {
                "実施中"
            } else if now < w.starts_at {
                "予定"
            } else {
                "終了"
            };
            WindowRow {
                id: w.id,
                starts: jst::format_datetime(w.starts_at),
                ends: jst::format_datetime(span.end()),
                message: w.message,
                // Any staff member cancels a window to come; stopping one
                // under way early is an admin's decision.
                can_end: state == "予定" || (admin && state == "実施中"),
                state: state.to_owned(),
            }
        })
        .collect();
    Ok(MaintenanceAdmin {
        rows,
        admin,
        suggested_start: jst::datetime_local(now + Duration::hours(1)),
    })
}

/// [`super::staff_schedule_maintenance`].
pub async fn schedule(starts_at: &str, ends_at: &str, message: &str) -> Result<(), AppError> {
    let me = current_staff().await?;
    let Request {
        state, client, now, ..
    } = Request::current()?;
    let starts = jst::parse_datetime_local(starts_at)
        .ok_or_else(|| AppError::field("starts_at", "開始日時を入力してください。"))?;
    let ends = jst::parse_datetime_local(ends_at)
        .ok_or_else(|| AppError::field("ends_at", "終了日時を入力してください。"))?;
    check_window(starts, ends, now).map_err(|e| AppError::field("ends_at", e))?;
    if me.require_admin().is_err() {
        // An operator's window cannot start before someone could cancel it.
        let lead = Duration::minutes(MAINTENANCE_OPERATOR_LEAD_MINUTES);
        check_lead(starts, now, lead).map_err(|e| AppError::field("starts_at", e))?;
    }
    let message = message.replace("\r\n", "\n");
    let message = message.trim();
    if message.is_empty() {
        return Err(AppError::field(
            "message",
            "組合員に表示するお知らせ文を入力してください。",
        ));
    }
    if message.chars().count() > MESSAGE_MAX_CHARS {
        return Err(AppError::field(
            "message",
            "お知らせ文は500文字以内で入力してください。",
        ));
    }
    let txn = crate::ssr::db::begin_write(&state.db).await?;
    let saved = window::ActiveModel {
        starts_at: Set(starts),
        ends_at: Set(ends),
        message: Set(message.to_owned()),
        created_by: Set(Some(me.staff_id)),
        created_at: Set(now),
        ended_early_at: Set(None),
        ended_by: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        audit::Entry {
            actor: Actor::Staff {
                staff_id: me.staff_id,
            },
            member_id: None,
            action: "maintenance_scheduled",
            before: None,
            after: Some(format!(
                "#{} {}〜{}",
                saved.id,
                jst::format_datetime(starts),
                jst::format_datetime(ends)
            )),
            ip: &client.ip,
        },
        now,
    )
    .await?;
    txn.commit().await?;
    state.maintenance.forget();
    Ok(())
}

/// [`super::staff_end_maintenance`]: any staff member cancels a window to
/// come; only an admin ends one under way.
pub async fn end(id: i32) -> Result<(), AppError> {
    let me = current_staff().await?;
    let Request { state, client, .. } = Request::current()?;
    let txn = crate::ssr::db::begin_write(&state.db).await?;
    // The time once the write lock is held: a window that began while this
    // waited for it is under way, an admin's to end.
    let now = state.clock.now();
    let w = window::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    let action = if now < w.starts_at {
        "maintenance_cancelled"
    } else {
        me.require_admin()?;
        "maintenance_ended"
    };
    let mut ended = window::Entity::update_many()
        .col_expr(window::Column::EndedEarlyAt, Expr::value(now))
        .col_expr(window::Column::EndedBy, Expr::value(me.staff_id))
        .filter(window::Column::Id.eq(id))
        .filter(window::Column::EndedEarlyAt.is_null())
        .filter(window::Column::EndsAt.gt(now));
    if action == "maintenance_cancelled" {
        // Not begun yet (the same instant as the check above, in the same
        // statement that ends it).
        ended = ended.filter(window::Column::StartsAt.gt(now));
    }
    let ended = ended.exec(&txn).await?;
    if ended.rows_affected != 1 {
        return Err(AppError::Conflict(
            "このメンテナンスは、すでに終了しています。".to_owned(),
        ));
    }
    audit::record(
        &txn,
        audit::Entry {
            actor: Actor::Staff {
                staff_id: me.staff_id,
            },
            member_id: None,
            action,
            before: None,
            after: Some(format!("#{id} {}", jst::format_datetime(now))),
            ip: &client.ip,
        },
        now,
    )
    .await?;
    txn.commit().await?;
    state.maintenance.forget();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::stays_up;

    #[test]
    fn the_back_office_and_files_stay_up_member_pages_do_not() {
        for path in [
            "/staff",
            "/staff/login",
            "/staff/maintenance",
            "/api/staff/login",
            "/api/staff_inquiries",
            "/pkg/mypage-1a2b.wasm",
            "/favicon.svg",
            "/scan.js",
            "/sw.js",
            "/logout",
            "/api/site",
            "/dev/clock",
        ] {
            assert!(stays_up(path), "{path}");
        }
        for path in [
            "/",
            "/faq",
            "/mypage",
            "/mypage/contracts",
            "/forms/kanyu-moushikomisho.pdf",
            "/api/login",
            "/api/inquiry_start",
            "/api/staffing",
            "/staffroom",
            "/register",
        ] {
            assert!(!stays_up(path), "{path}");
        }
    }
}
