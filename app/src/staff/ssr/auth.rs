//! Staff login and sessions (S1): the same password, lockout and session
//! rules as members, with their own table and cookie, so a member session can
//! never open the back office and a staff session never opens My Page.

use axum::{
    extract::State,
    response::{IntoResponse, Redirect, Response},
};
use chrono::{DateTime, Utc};
use http::{header, request::Parts, HeaderMap, HeaderValue};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter,
};

use crate::auth::ssr::{build_cookie, cookie_name};
use crate::domain::policy;
use crate::domain::staff::{parse_login_id, StaffRole};
use crate::error::AppError;
use crate::ssr::entities::staff_login_event::{self, LoginResult};
use crate::ssr::entities::staff_session::SessionStage;
use crate::ssr::entities::{staff_account, staff_session};
use crate::ssr::identity::lockout::{self, Realm};
use crate::ssr::identity::password;
use crate::ssr::identity::session;
use crate::ssr::request::{cookie, ClientInfo};
use crate::ssr::{AppState, Config};

pub const COOKIE: &str = "mypage_staff";

/// The staff member behind a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CurrentStaff {
    pub staff_id: i32,
    pub session_id: i32,
    pub role: StaffRole,
    pub account: staff_account::Model,
    /// `Password` until the second factor was given.
    pub stage: SessionStage,
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
/// Unknown IDs, wrong passwords, locked and disabled accounts get one answer;
/// the lockout is the members' (`identity::lockout`), and every attempt is
/// in the staff login log.
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
    let typed: String = login_id.trim().chars().take(64).collect();
    let account = match parse_login_id(login_id) {
        Ok(id) if password.len() <= policy::LOGIN_PASSWORD_MAX_BYTES => {
            staff_account::Entity::find()
                .filter(staff_account::Column::LoginId.eq(id))
                .one(db)
                .await?
        }
        _ => None,
    };
    // As for members: a slot first, so every refusal waits alike and a busy
    // answer costs no try.
    let slot = password::slot().await?;
    let Some(account) = account else {
        slot.verify(None, password.to_owned()).await?;
        record(db, None, &typed, client, now, LoginResult::Failure).await?;
        return Err(AppError::StaffLoginFailed);
    };
    let Some(attempt) = lockout::reserve(db, Realm::Staff, account.id, now).await? else {
        slot.pass_like_a_check().await;
        record(
            db,
            Some(account.id),
            &typed,
            client,
            now,
            LoginResult::Locked,
        )
        .await?;
        return Err(AppError::StaffLoginFailed);
    };
    let correct = slot
        .verify(Some(account.password_hash.clone()), password.to_owned())
        .await?;
    if !correct {
        let result = if attempt.locks() {
            LoginResult::Locked
        } else {
            LoginResult::Failure
        };
        record(db, Some(account.id), &typed, client, now, result).await?;
        return Err(AppError::StaffLoginFailed);
    }
    let txn = crate::ssr::db::begin_write(db).await?;
    // The count stays until the second factor is given too: password and
    // code tries share one allowance.
    let passed = lockout::passed(
        &txn,
        Realm::Staff,
        account.id,
        attempt,
        &account.password_hash,
        now,
    )
    .await?;
    if !passed || !account.active {
        txn.rollback().await?;
        record(
            db,
            Some(account.id),
            &typed,
            client,
            now,
            LoginResult::Failure,
        )
        .await?;
        return Err(AppError::StaffLoginFailed);
    }
    // The second factor comes next (or its enrolment); the login is logged
    // when that is given.
    let token = session::create(
        &txn,
        Realm::Staff,
        account.id,
        client,
        now,
        config.absolute_timeout,
    )
    .await?;
    txn.commit().await?;
    Ok(token)
}

/// One line of the staff login log (S1), which admins read.
pub(crate) async fn record(
    db: &impl ConnectionTrait,
    staff_id: Option<i32>,
    typed: &str,
    client: &ClientInfo,
    now: DateTime<Utc>,
    result: LoginResult,
) -> Result<(), AppError> {
    staff_login_event::ActiveModel {
        staff_id: Set(staff_id),
        login_id: Set(typed.to_owned()),
        occurred_at: Set(now),
        ip: Set(client.ip.clone()),
        user_agent: Set(client.user_agent.clone()),
        result: Set(result),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
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
    let (session_id, staff_id) = match session::lookup(
        db,
        Realm::Staff,
        token,
        (now, session::Touch::Yes),
        config.idle_timeout,
    )
    .await?
    {
        session::Lookup::Valid {
            session_id,
            account_id,
        } => (session_id, account_id),
        session::Lookup::Expired => return Err(AppError::Unauthenticated { timed_out: true }),
        session::Lookup::Unknown => return Err(AppError::Unauthenticated { timed_out: false }),
    };
    let stage = staff_session::Entity::find_by_id(session_id)
        .one(db)
        .await?
        .map(|s| s.stage)
        .ok_or(AppError::Unauthenticated { timed_out: false })?;
    let account = staff_account::Entity::find_by_id(staff_id)
        .one(db)
        .await?
        .filter(|a| a.active)
        .ok_or(AppError::Unauthenticated { timed_out: false })?;
    Ok(CurrentStaff {
        staff_id: account.id,
        session_id,
        role: account.role,
        account,
        stage,
    })
}

/// The staff member of the request being served, second factor given.
/// Every back-office server function starts here.
pub async fn current_staff() -> Result<CurrentStaff, AppError> {
    let me = current_staff_any_stage().await?;
    if me.stage != SessionStage::Full {
        return Err(AppError::SecondFactorRequired);
    }
    Ok(me)
}

/// The staff member of the request, whether or not the second factor was
/// given yet: for that step only.
pub async fn current_staff_any_stage() -> Result<CurrentStaff, AppError> {
    let state = AppState::current()?;
    let parts = leptos::prelude::use_context::<Parts>().ok_or(AppError::Internal)?;
    let result =
        staff_from_headers(&state.db, &state.config, &parts.headers, state.clock.now()).await;
    if let Err(AppError::Unauthenticated { timed_out }) = result {
        crate::ssr::request::plain_form_to_login(&parts, timed_out);
    }
    result
}

/// Ends the staff session whose cookie `headers` carry, if any.
pub async fn end_session_of(
    db: &DatabaseConnection,
    config: &Config,
    headers: &HeaderMap,
) -> Result<(), AppError> {
    if let Some(token) = cookie(headers, &cookie_name(config, COOKIE)) {
        session::delete(db, Realm::Staff, token).await?;
    }
    Ok(())
}

pub fn session_cookie(config: &Config, token: &str) -> HeaderValue {
    build_cookie(config, COOKIE, token.to_owned(), None)
}

/// `POST /staff/logout`: ends the staff session and clears the browser's copy.
pub async fn logout(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Some(token) = cookie(&headers, &cookie_name(&state.config, COOKIE)) {
        if let Err(e) = session::delete(&state.db, Realm::Staff, token).await {
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
