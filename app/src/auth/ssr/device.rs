//! Browsers a member has confirmed with a mailed code (M15 認証コード). The
//! browser keeps a random token in a long-lived cookie; the database keeps its
//! hash per member, so deleting the row revokes it.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    sea_query::Expr, ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait,
    QueryFilter,
};

use crate::error::AppError;
use crate::ssr::entities::known_device;
use crate::ssr::identity::token::token_hash;

pub const COOKIE: &str = "mypage_device";
/// How long a browser stays known without being used.
pub const KNOWN_DAYS: i64 = 180;
/// The cookie tying a pending code to the browser that asked for it.
pub const CHALLENGE_COOKIE: &str = "mypage_login_challenge";

/// Whether the browser holding `token` is known for `account_id`; marks it used.
pub async fn is_known(
    db: &impl ConnectionTrait,
    account_id: i32,
    token: Option<&str>,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    let Some(token) = token else { return Ok(false) };
    let found = known_device::Entity::find()
        .filter(known_device::Column::TokenHash.eq(token_hash(token)))
        .filter(known_device::Column::AccountId.eq(account_id))
        .filter(known_device::Column::LastUsedAt.gt(now - Duration::days(KNOWN_DAYS)))
        .one(db)
        .await?;
    if let Some(device) = found {
        known_device::Entity::update_many()
            .col_expr(known_device::Column::LastUsedAt, Expr::value(now))
            .filter(known_device::Column::Id.eq(device.id))
            .exec(db)
            .await?;
        return Ok(true);
    }
    Ok(false)
}

/// Remembers the browser holding `token` for `account_id`.
pub async fn remember(
    db: &impl ConnectionTrait,
    account_id: i32,
    token: &str,
    user_agent: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    known_device::Entity::delete_many()
        .filter(known_device::Column::TokenHash.eq(token_hash(token)))
        .filter(known_device::Column::AccountId.eq(account_id))
        .exec(db)
        .await?;
    known_device::ActiveModel {
        account_id: Set(account_id),
        token_hash: Set(token_hash(token)),
        user_agent: Set(user_agent.to_owned()),
        created_at: Set(now),
        last_used_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Forgets every browser of `account_id` (after a password reset).
pub async fn forget_all(db: &impl ConnectionTrait, account_id: i32) -> Result<(), AppError> {
    known_device::Entity::delete_many()
        .filter(known_device::Column::AccountId.eq(account_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Four characters shown on the code screen and in the mail, so the member can
/// see the mail belongs to this very login.
pub fn matching_mark(challenge: &str) -> String {
    token_hash(challenge)[..4].to_uppercase()
}
