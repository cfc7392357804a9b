//! The lockout counter of member and staff accounts (M15, S1), held by the
//! database so that it holds under parallel requests and across processes.
//!
//! ```text
//!   reserve ──(locked)──────────────────────────────► refused, no hash computed
//!      │ a try is counted before the password is checked; the try that
//!      │ reaches LOCKOUT_FAILURES locks the account at once
//!      ▼
//!   verify ──(right)──► succeed ──(nobody locked it, same password)──► logged in
//!      │                   └──(another try locked it, or a reset)──────► refused
//!      └──(wrong)──► the count stays; the locking try mails the member
//! ```
//!
//! Every step is one conditional UPDATE, so 50 parallel wrong passwords count
//! exactly 5 tries, run at most 5 password hashes, and no session is ever
//! issued once the account is locked.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    sea_query::{Alias, Expr, ExprTrait, Query},
    ConnectionTrait,
};

use crate::domain::policy::{LOCKOUT_FAILURES, LOCKOUT_MINUTES};
use crate::error::AppError;

pub use super::Realm;

fn col(name: &str) -> Expr {
    Expr::col(Alias::new(name))
}

/// A try the counter let through: which one in the row it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attempt {
    /// 1 for the first try after a success or an expired lock.
    pub number: i32,
}

impl Attempt {
    /// This try locked the account (until it proves right): if the password
    /// is wrong, it is the one that tells the member.
    pub fn locks(self) -> bool {
        self.number >= LOCKOUT_FAILURES
    }
}

/// Counts a try at account `id` before its password is checked. `None`: the
/// account is locked, and nothing may be checked.
pub async fn reserve(
    db: &impl ConnectionTrait,
    realm: Realm,
    id: i32,
    now: DateTime<Utc>,
) -> Result<Option<Attempt>, AppError> {
    let lock_ends = now + Duration::minutes(LOCKOUT_MINUTES);
    // A lock that ran out starts the row over.
    let expired = col("locked_until")
        .is_not_null()
        .and(col("locked_until").lte(now));
    let none = || Expr::val(Option::<DateTime<Utc>>::None);
    let next = Expr::case(expired.clone(), 1).finally(col("failed_login_count").add(1));
    // LOCKOUT_FAILURES > 1: a fresh row never locks on its first try.
    let locked_until = Expr::case(expired.clone(), none())
        .case(
            col("failed_login_count").add(1).gte(LOCKOUT_FAILURES),
            Expr::val(lock_ends),
        )
        .finally(none());
    let statement = Query::update()
        .table(realm.accounts())
        .value(Alias::new("failed_login_count"), next)
        .value(Alias::new("locked_until"), locked_until)
        .and_where(col("id").eq(id))
        .and_where(col("locked_until").is_null().or(expired))
        .returning_col(Alias::new("failed_login_count"))
        .to_owned();
    let Some(row) = db.query_one(&statement).await? else {
        return Ok(None);
    };
    let number: i32 = row.try_get("", "failed_login_count")?;
    Ok(Some(Attempt { number }))
}

/// The condition under which a try that proved right may go on: nobody
/// locked the account meanwhile (or the lock is this try's own), and the
/// password is still the one that was checked (no reset happened meanwhile).
fn still_good(attempt: Attempt, verified_hash: &str, now: DateTime<Utc>) -> Expr {
    col("password_hash").eq(verified_hash).and(
        col("locked_until")
            .is_null()
            .or(col("locked_until").lte(now))
            // The lock is this try's own: it proved right.
            .or(col("failed_login_count").eq(attempt.number)),
    )
}

/// Clears the count after a login proved right (password, and for staff the
/// second factor too), unless another try locked the account or the password
/// changed while this one was checked. Returns whether the login may go on.
/// Run it in the transaction that makes the session.
pub async fn succeed(
    db: &impl ConnectionTrait,
    realm: Realm,
    id: i32,
    attempt: Attempt,
    verified_hash: &str,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    let statement = Query::update()
        .table(realm.accounts())
        .value(Alias::new("failed_login_count"), 0)
        .value(
            Alias::new("locked_until"),
            Expr::val(Option::<DateTime<Utc>>::None),
        )
        .and_where(col("id").eq(id))
        .and_where(still_good(attempt, verified_hash, now))
        .to_owned();
    Ok(db.execute(&statement).await?.rows_affected() == 1)
}

/// A first factor proved right, with a second still to come (staff): the
/// same check as [`succeed`], but the count stays, so password and code
/// tries together stay within [`LOCKOUT_FAILURES`] until the whole login
/// succeeds. Only the try's own lock is lifted.
pub async fn passed(
    db: &impl ConnectionTrait,
    realm: Realm,
    id: i32,
    attempt: Attempt,
    verified_hash: &str,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    let statement = Query::update()
        .table(realm.accounts())
        .value(
            Alias::new("locked_until"),
            Expr::case(
                col("failed_login_count").eq(attempt.number),
                Expr::val(Option::<DateTime<Utc>>::None),
            )
            .finally(col("locked_until")),
        )
        .and_where(col("id").eq(id))
        .and_where(still_good(attempt, verified_hash, now))
        .to_owned();
    Ok(db.execute(&statement).await?.rows_affected() == 1)
}

/// Lifts a lock now (an operator or admin unlocking, a password reset).
pub async fn clear(db: &impl ConnectionTrait, realm: Realm, id: i32) -> Result<(), AppError> {
    let statement = Query::update()
        .table(realm.accounts())
        .value(Alias::new("failed_login_count"), 0)
        .value(
            Alias::new("locked_until"),
            Expr::val(Option::<DateTime<Utc>>::None),
        )
        .and_where(col("id").eq(id))
        .to_owned();
    db.execute(&statement).await?;
    Ok(())
}
