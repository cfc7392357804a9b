//! Server-side sessions: the browser holds a random token, the database only
//! its SHA-256. Idle and absolute expiry are checked on every use.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    sea_query::Expr, ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait,
    EntityTrait, QueryFilter,
};

use super::token::{new_token, token_hash};
use crate::domain::policy;
use crate::error::AppError;
use crate::ssr::entities::session;
use crate::ssr::request::ClientInfo;

/// Name of the session cookie (see `cookie_name` for the HTTPS prefix).
pub const COOKIE: &str = "mypage_session";

/// `last_seen_at` is written at most this often (or a tenth of the idle time, if
/// shorter), so reading pages is not a database write each time.
pub const TOUCH_EVERY: Duration = Duration::seconds(policy::SESSION_TOUCH_SECONDS);

/// An ended session's row is kept this long after it ran out, so the browser
/// that comes back to it hears "timed out" (M2) however soon housekeeping
/// runs; it is never shown or counted as logged in meanwhile.
pub const KEEP_EXPIRED: Duration = Duration::days(policy::EXPIRED_SESSION_KEEP_DAYS);

/// Starts a session for `account_id` and returns the token for the cookie.
pub async fn create(
    db: &impl ConnectionTrait,
    account_id: i32,
    client: &ClientInfo,
    now: DateTime<Utc>,
    max_age: std::time::Duration,
) -> Result<String, AppError> {
    let token = new_token();
    let max_age = Duration::from_std(max_age).map_err(|_| AppError::Internal)?;
    session::ActiveModel {
        token_hash: Set(token_hash(&token)),
        account_id: Set(account_id),
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

/// What a session token is worth at `now`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    Valid {
        session_id: i32,
        account_id: i32,
    },
    /// It existed but ran out (idle or absolute). The row stays until
    /// housekeeping deletes it, so every request of the page that finds it
    /// (the shell's and the page's, at once) gives the same answer.
    Expired,
    Unknown,
}

/// The sessions that still let a browser in at `now`: the ones listed as
/// 「ログイン中の端末」 and ended by 「ほかの端末をすべてログアウト」.
pub fn live(now: DateTime<Utc>, idle: std::time::Duration) -> Result<Condition, AppError> {
    let idle = Duration::from_std(idle).map_err(|_| AppError::Internal)?;
    Ok(Condition::all()
        .add(session::Column::ExpiresAt.gt(now))
        .add(session::Column::LastSeenAt.gt(now - idle)))
}

/// Pure expiry rule, tested on its own.
pub fn is_expired(
    last_seen_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
    now: DateTime<Utc>,
    idle: Duration,
) -> bool {
    now >= expires_at || now - last_seen_at >= idle
}

/// Resolves a token, marking it as used when it is valid. An expired one is
/// left for housekeeping (see [`KEEP_EXPIRED`]).
pub async fn lookup(
    db: &impl ConnectionTrait,
    token: &str,
    now: DateTime<Utc>,
    idle: std::time::Duration,
) -> Result<Lookup, AppError> {
    let idle = Duration::from_std(idle).map_err(|_| AppError::Internal)?;
    let Some(found) = session::Entity::find()
        .filter(session::Column::TokenHash.eq(token_hash(token)))
        .one(db)
        .await?
    else {
        return Ok(Lookup::Unknown);
    };
    if is_expired(found.last_seen_at, found.expires_at, now, idle) {
        return Ok(Lookup::Expired);
    }
    if now - found.last_seen_at >= TOUCH_EVERY.min(idle / 10) {
        session::Entity::update_many()
            .col_expr(session::Column::LastSeenAt, Expr::value(now))
            .filter(session::Column::Id.eq(found.id))
            // A slower parallel request never moves it back.
            .filter(session::Column::LastSeenAt.lt(now))
            .exec(db)
            .await?;
    }
    Ok(Lookup::Valid {
        session_id: found.id,
        account_id: found.account_id,
    })
}

/// Ends the session of `token`, if any.
pub async fn delete(db: &impl ConnectionTrait, token: &str) -> Result<(), AppError> {
    session::Entity::delete_many()
        .filter(session::Column::TokenHash.eq(token_hash(token)))
        .exec(db)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn expiry_by_idle_time_and_by_age() {
        let t = Utc.with_ymd_and_hms(2026, 11, 23, 0, 0, 0).unwrap();
        let idle = Duration::minutes(20);
        let expires = t + Duration::hours(12);
        assert!(!is_expired(t, expires, t + Duration::minutes(19), idle));
        assert!(is_expired(t, expires, t + Duration::minutes(20), idle));
        let recent = t + Duration::hours(12) - Duration::minutes(1);
        assert!(is_expired(recent, expires, t + Duration::hours(12), idle));
    }
}
