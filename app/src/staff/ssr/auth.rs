//! Staff login and sessions (S1): the same password, lockout and session
//! rules as members, with their own table and cookie, so a member session can
//! never open the back office and a staff session never opens My Page.

use axum::{
    extract::State,
    response::{IntoResponse, Redirect, Response},
};
use chrono::{DateTime, Duration, Utc};
use http::{header, request::Parts, HeaderMap, HeaderValue};
use sea_orm::{
    sea_query::Expr, ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait,
    DatabaseConnection, EntityTrait, QueryFilter,
};

use crate::auth::ssr::session::{is_expired, new_token, token_hash, TOUCH_EVERY};
use crate::auth::ssr::{build_cookie, cookie_name, password, MAX_PASSWORD_LEN};
use crate::domain::lockout::LockoutState;
use crate::domain::staff::{parse_login_id, StaffRole};
use crate::error::AppError;
use crate::ssr::entities::{staff_account, staff_session};
use crate::ssr::request::{cookie, ClientInfo};
use crate::ssr::{AppState, Config};

pub const COOKIE: &str = "mypage_staff";

/// The staff member behind a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CurrentStaff {
    pub staff_id: i32,
    pub role: StaffRole,
    pub account: staff_account::Model,
}

impl CurrentStaff {
    pub fn require_admin(&self) -> Result<(), AppError> {
        match self.role {
            StaffRole::Admin => Ok(()),
            StaffRole::Operator => Err(AppError::Forbidden),
        }
    }
}

/// Checks a staff login and starts a session; returns the cookie token.
/// Unknown IDs, wrong passwords and disabled accounts get one answer.
pub async fn login(
    db: &DatabaseConnection,
    config: &Config,
    login_id: &str,
    password: &str,
    client: &ClientInfo,
    now: DateTime<Utc>,
) -> Result<String, AppError> {
    if login_id.trim().is_empty() {
        return Err(AppError::field(
            "login_id",
            "ログインIDを入力してください。",
        ));
    }
    if password.is_empty() {
        return Err(AppError::field(
            "password",
            "パスワードを入力してください。",
        ));
    }
    let account = match parse_login_id(login_id) {
        Ok(id) if password.len() <= MAX_PASSWORD_LEN => {
            staff_account::Entity::find()
                .filter(staff_account::Column::LoginId.eq(id))
                .one(db)
                .await?
        }
        _ => None,
    };
    let Some(account) = account else {
        password::verify_blocking(None, password.to_owned()).await?;
        return Err(AppError::StaffLoginFailed);
    };
    let state = LockoutState {
        failed_count: account.failed_login_count,
        locked_until: account.locked_until,
    };
    let correct =
        password::verify_blocking(Some(account.password_hash.clone()), password.to_owned()).await?;
    if state.is_locked(now) {
        return Err(AppError::Locked);
    }
    if !correct {
        let after = state.after_failure(now);
        // Counted only if nobody counted meanwhile, as for members.
        staff_account::Entity::update_many()
            .col_expr(
                staff_account::Column::FailedLoginCount,
                Expr::value(after.failed_count),
            )
            .col_expr(
                staff_account::Column::LockedUntil,
                Expr::value(after.locked_until),
            )
            .filter(staff_account::Column::Id.eq(account.id))
            .filter(staff_account::Column::FailedLoginCount.eq(account.failed_login_count))
            .exec(db)
            .await?;
        return Err(if after.is_locked(now) {
            AppError::Locked
        } else {
            AppError::StaffLoginFailed
        });
    }
    if !account.active {
        return Err(AppError::StaffLoginFailed);
    }
    let reset = LockoutState::after_success();
    staff_account::ActiveModel {
        id: Set(account.id),
        failed_login_count: Set(reset.failed_count),
        locked_until: Set(reset.locked_until),
        last_login_at: Set(Some(now)),
        ..Default::default()
    }
    .update(db)
    .await?;
    let token = new_token();
    let max_age = Duration::from_std(config.absolute_timeout).map_err(|_| AppError::Internal)?;
    staff_session::ActiveModel {
        token_hash: Set(token_hash(&token)),
        staff_id: Set(account.id),
        created_at: Set(now),
        last_seen_at: Set(now),
        expires_at: Set(now + max_age),
        ip: Set(client.ip.clone()),
        user_agent: Set(client.user_agent.clone()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(token)
}

/// Resolves the staff cookie of `headers` at `now`: idle and absolute expiry,
/// and an account still active.
pub async fn staff_from_headers(
    db: &impl ConnectionTrait,
    config: &Config,
    headers: &HeaderMap,
    now: DateTime<Utc>,
) -> Result<CurrentStaff, AppError> {
    let Some(token) = cookie(headers, &cookie_name(config, COOKIE)) else {
        return Err(AppError::Unauthenticated { timed_out: false });
    };
    let Some(found) = staff_session::Entity::find()
        .filter(staff_session::Column::TokenHash.eq(token_hash(token)))
        .one(db)
        .await?
    else {
        return Err(AppError::Unauthenticated { timed_out: false });
    };
    let idle = Duration::from_std(config.idle_timeout).map_err(|_| AppError::Internal)?;
    // Left for housekeeping, as for members: parallel requests agree.
    if is_expired(found.last_seen_at, found.expires_at, now, idle) {
        return Err(AppError::Unauthenticated { timed_out: true });
    }
    let account = staff_account::Entity::find_by_id(found.staff_id)
        .one(db)
        .await?
        .filter(|a| a.active)
        .ok_or(AppError::Unauthenticated { timed_out: false })?;
    if now - found.last_seen_at >= TOUCH_EVERY.min(idle / 10) {
        staff_session::Entity::update_many()
            .col_expr(staff_session::Column::LastSeenAt, Expr::value(now))
            .filter(staff_session::Column::Id.eq(found.id))
            .filter(staff_session::Column::LastSeenAt.lt(now))
            .exec(db)
            .await?;
    }
    Ok(CurrentStaff {
        staff_id: account.id,
        role: account.role,
        account,
    })
}

/// The staff member of the request being served. Every back-office server
/// function starts here.
pub async fn current_staff() -> Result<CurrentStaff, AppError> {
    let state = AppState::current()?;
    let parts = leptos::prelude::use_context::<Parts>().ok_or(AppError::Internal)?;
    staff_from_headers(&state.db, &state.config, &parts.headers, state.clock.now()).await
}

pub fn session_cookie(config: &Config, token: &str) -> HeaderValue {
    build_cookie(config, COOKIE, token.to_owned(), None)
}

/// `POST /staff/logout`: ends the staff session and clears the browser's copy.
pub async fn logout(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Some(token) = cookie(&headers, &cookie_name(&state.config, COOKIE)) {
        let ended = staff_session::Entity::delete_many()
            .filter(staff_session::Column::TokenHash.eq(token_hash(token)))
            .exec(&state.db)
            .await;
        if let Err(e) = ended {
            tracing::error!(error = ?e, "could not end staff session at logout");
        }
    }
    let mut res = Redirect::to("/staff/login?logged_out=1").into_response();
    let h = res.headers_mut();
    h.append(
        header::SET_COOKIE,
        build_cookie(
            &state.config,
            COOKIE,
            String::new(),
            Some(cookie::time::Duration::ZERO),
        ),
    );
    h.insert("clear-site-data", HeaderValue::from_static("\"storage\""));
    res
}
