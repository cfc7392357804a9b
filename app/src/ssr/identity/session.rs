//! Server-side sessions of members and staff (each realm in its own table,
//! with its own cookie): the browser holds a random token, the database only
//! its SHA-256. Idle and absolute expiry are checked on every use.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    sea_query::{Alias, Expr, ExprTrait, Query},
    ColumnTrait, Condition, ConnectionTrait,
};

use super::token::{new_token, token_hash};
use super::Realm;
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

fn col(name: &str) -> Expr {
    Expr::col(Alias::new(name))
}

/// Starts a session of `realm` for account `owner_id` and returns the token
/// for the cookie. A staff session starts at the password stage: it opens
/// nothing but the second factor until that is given.
pub async fn create(
    db: &impl ConnectionTrait,
    realm: Realm,
    owner_id: i32,
    client: &ClientInfo,
    now: DateTime<Utc>,
    max_age: std::time::Duration,
) -> Result<String, AppError> {
    let token = new_token();
    let max_age = Duration::from_std(max_age).map_err(|_| AppError::Internal)?;
    let mut columns = vec![
        Alias::new("token_hash"),
        Alias::new(realm.session_owner()),
        Alias::new("created_at"),
        Alias::new("last_seen_at"),
        Alias::new("expires_at"),
        Alias::new("ip"),
        Alias::new("user_agent"),
    ];
    let mut values: Vec<Expr> = vec![
        Expr::val(token_hash(&token)),
        Expr::val(owner_id),
        Expr::val(now),
        Expr::val(now),
        Expr::val(now + max_age),
        Expr::val(client.ip.clone()),
        Expr::val(client.user_agent.clone()),
    ];
    if realm == Realm::Staff {
        columns.push(Alias::new("stage"));
        values.push(Expr::val("password"));
    }
    let statement = Query::insert()
        .into_table(realm.sessions())
        .columns(columns)
        .values(values)
        .map_err(|e| {
            tracing::error!(error = %e, "session insert");
            AppError::Internal
        })?
        .to_owned();
    db.execute(&statement).await?;
    Ok(token)
}

/// What a session token is worth at `now`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    Valid {
        session_id: i32,
        /// The member account or staff account it belongs to.
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

/// Whether a request counts as the person's activity: what a page does by
/// itself (the card's token every minute) checks the session without
/// keeping it alive, so a page left open still times out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Touch {
    Yes,
    No,
}

/// Resolves a token of `realm`, marking it as used when it is valid (with
/// [`Touch::Yes`]). An expired one is left for housekeeping (see
/// [`KEEP_EXPIRED`]).
pub async fn lookup(
    db: &impl ConnectionTrait,
    realm: Realm,
    token: &str,
    (now, touch): (DateTime<Utc>, Touch),
    idle: std::time::Duration,
) -> Result<Lookup, AppError> {
    let idle = Duration::from_std(idle).map_err(|_| AppError::Internal)?;
    let owner = realm.session_owner();
    let statement = Query::select()
        .columns([
            Alias::new("id"),
            Alias::new(owner),
            Alias::new("last_seen_at"),
            Alias::new("expires_at"),
        ])
        .from(realm.sessions())
        .and_where(col("token_hash").eq(token_hash(token)))
        .to_owned();
    let Some(row) = db.query_one(&statement).await? else {
        return Ok(Lookup::Unknown);
    };
    let session_id: i32 = row.try_get("", "id")?;
    let owner_id: i32 = row.try_get("", owner)?;
    let last_seen_at: DateTime<Utc> = row.try_get("", "last_seen_at")?;
    let expires_at: DateTime<Utc> = row.try_get("", "expires_at")?;
    if is_expired(last_seen_at, expires_at, now, idle) {
        return Ok(Lookup::Expired);
    }
    if touch == Touch::Yes && now - last_seen_at >= TOUCH_EVERY.min(idle / 10) {
        let touch = Query::update()
            .table(realm.sessions())
            .value(Alias::new("last_seen_at"), Expr::val(now))
            .and_where(col("id").eq(session_id))
            // A slower parallel request never moves it back.
            .and_where(col("last_seen_at").lt(now))
            .to_owned();
        db.execute(&touch).await?;
    }
    Ok(Lookup::Valid {
        session_id,
        account_id: owner_id,
    })
}

/// Ends the session of `token` in `realm`, if any.
pub async fn delete(db: &impl ConnectionTrait, realm: Realm, token: &str) -> Result<(), AppError> {
    let statement = Query::delete()
        .from_table(realm.sessions())
        .and_where(col("token_hash").eq(token_hash(token)))
        .to_owned();
    db.execute(&statement).await?;
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
