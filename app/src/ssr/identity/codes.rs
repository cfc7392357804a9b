//! Issuing and checking the six-digit mailed codes of `domain::one_time_code`.

use chrono::{DateTime, Utc};
use rand::Rng;
use sea_orm::{
    sea_query::{Expr, ExprTrait},
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
};
use sha2::{Digest, Sha256};

use crate::domain::{one_time_code as rule, policy};
use crate::error::AppError;
use crate::ssr::entities::one_time_code::{self, CodePurpose};

fn hash(salt: &str, code: &str) -> String {
    Sha256::digest(format!("{salt}:{code}").as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// What a new code is tied to besides the account.
#[derive(Default)]
pub struct Binding {
    /// Login: SHA-256 of the challenge cookie.
    pub challenge_hash: Option<String>,
    /// Email change: the new address.
    pub new_email: Option<String>,
}

/// Makes a new code for `account_id` and `purpose`; any earlier one stops working.
/// Returns the code to mail.
pub async fn issue(
    db: &impl ConnectionTrait,
    account_id: i32,
    purpose: CodePurpose,
    binding: Binding,
    now: DateTime<Utc>,
) -> Result<String, AppError> {
    one_time_code::Entity::update_many()
        .col_expr(one_time_code::Column::UsedAt, Expr::value(Some(now)))
        .filter(one_time_code::Column::AccountId.eq(account_id))
        .filter(one_time_code::Column::Purpose.eq(purpose))
        .filter(one_time_code::Column::UsedAt.is_null())
        .exec(db)
        .await?;
    issue_alongside(db, account_id, purpose, binding, now).await
}

/// A login code: earlier ones stay usable (each login challenge is tied to
/// its own browser, so two browsers may wait for codes at once), but at most
/// [`policy::LIVE_LOGIN_CODES`] wait at once; older ones stop working.
pub async fn issue_login(
    db: &impl ConnectionTrait,
    account_id: i32,
    binding: Binding,
    now: DateTime<Utc>,
) -> Result<String, AppError> {
    use sea_orm::{QueryOrder, QuerySelect};
    let keep: Vec<i32> = one_time_code::Entity::find()
        .select_only()
        .column(one_time_code::Column::Id)
        .filter(one_time_code::Column::AccountId.eq(account_id))
        .filter(one_time_code::Column::Purpose.eq(CodePurpose::Login))
        .filter(one_time_code::Column::UsedAt.is_null())
        .filter(one_time_code::Column::ExpiresAt.gt(now))
        .order_by_desc(one_time_code::Column::Id)
        .limit(policy::LIVE_LOGIN_CODES.saturating_sub(1))
        .into_tuple()
        .all(db)
        .await?;
    one_time_code::Entity::update_many()
        .col_expr(one_time_code::Column::UsedAt, Expr::value(Some(now)))
        .filter(one_time_code::Column::AccountId.eq(account_id))
        .filter(one_time_code::Column::Purpose.eq(CodePurpose::Login))
        .filter(one_time_code::Column::UsedAt.is_null())
        .filter(one_time_code::Column::Id.is_not_in(keep))
        .exec(db)
        .await?;
    issue_alongside(db, account_id, CodePurpose::Login, binding, now).await
}

/// Makes a new code and leaves earlier ones be.
async fn issue_alongside(
    db: &impl ConnectionTrait,
    account_id: i32,
    purpose: CodePurpose,
    binding: Binding,
    now: DateTime<Utc>,
) -> Result<String, AppError> {
    // The thread-local generator is not Send: use it before the next await.
    let (code, salt) = {
        let mut rng = rand::rng();
        let code = format!("{:06}", rng.random_range(0..1_000_000u32));
        let salt: String = (0..16)
            .map(|_| format!("{:02x}", rng.random::<u8>()))
            .collect();
        (code, salt)
    };
    one_time_code::ActiveModel {
        account_id: Set(account_id),
        purpose: Set(purpose),
        code_hash: Set(hash(&salt, &code)),
        salt: Set(salt),
        challenge_hash: Set(binding.challenge_hash),
        new_email: Set(binding.new_email),
        attempts: Set(0),
        created_at: Set(now),
        expires_at: Set(rule::expires_at(now)),
        used_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(code)
}

/// Stops every pending code of `account_id` for `purpose`. A login code:
/// after a password reset, a temporary password or an admin ending the
/// member's sessions, a login waiting for its code must start over. A mail
/// change code: the address was changed another way (by staff), the member
/// chose another address, or the account was stopped.
pub async fn expire(
    db: &impl ConnectionTrait,
    account_id: i32,
    purpose: CodePurpose,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    one_time_code::Entity::update_many()
        .col_expr(one_time_code::Column::UsedAt, Expr::value(Some(now)))
        .filter(one_time_code::Column::AccountId.eq(account_id))
        .filter(one_time_code::Column::Purpose.eq(purpose))
        .filter(one_time_code::Column::UsedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// [`expire`] for logins.
pub async fn expire_login(
    db: &impl ConnectionTrait,
    account_id: i32,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    expire(db, account_id, CodePurpose::Login, now).await
}

/// [`expire`] for mail changes.
pub async fn expire_email_change(
    db: &impl ConnectionTrait,
    account_id: i32,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    expire(db, account_id, CodePurpose::EmailChange, now).await
}

/// The live code of `account_id` for `purpose`, if any.
pub async fn live(
    db: &impl ConnectionTrait,
    account_id: i32,
    purpose: CodePurpose,
) -> Result<Option<one_time_code::Model>, AppError> {
    Ok(one_time_code::Entity::find()
        .filter(one_time_code::Column::AccountId.eq(account_id))
        .filter(one_time_code::Column::Purpose.eq(purpose))
        .filter(one_time_code::Column::UsedAt.is_null())
        .one(db)
        .await?)
}

/// The answer to a wrong code after `tries` (this one counted): how many
/// are left, or spent.
pub fn wrong_code(tries: i32) -> AppError {
    let left = policy::CODE_MAX_TRIES - tries;
    if left <= 0 {
        AppError::CodeSpent
    } else {
        AppError::field(
            "code",
            format!("認証コードが正しくありません(あと{left}回入力できます)。"),
        )
    }
}

/// Checks `typed` against `row` and uses the code up if it is right. Each try
/// is taken from the code's allowance by one conditional UPDATE before the
/// comparison, so parallel guesses get no more tries than one at a time. A
/// wrong code is told at the field `code` with the tries left.
pub async fn redeem(
    db: &impl ConnectionTrait,
    row: &one_time_code::Model,
    typed: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    rule::usable(row.attempts, row.expires_at, row.used_at.is_some(), now)
        .map_err(|_| AppError::CodeSpent)?;
    let typed = rule::parse(typed).map_err(|e| AppError::field("code", e.0))?;
    let taken = one_time_code::Entity::update_many()
        .col_expr(
            one_time_code::Column::Attempts,
            Expr::col(one_time_code::Column::Attempts).add(1),
        )
        .filter(one_time_code::Column::Id.eq(row.id))
        .filter(one_time_code::Column::UsedAt.is_null())
        .filter(one_time_code::Column::ExpiresAt.gt(now))
        .filter(one_time_code::Column::Attempts.lt(policy::CODE_MAX_TRIES))
        .exec_with_returning(db)
        .await?;
    let Some(this_try) = taken.first() else {
        return Err(AppError::CodeSpent);
    };
    if hash(&row.salt, &typed) != row.code_hash {
        return Err(wrong_code(this_try.attempts));
    }
    let used = one_time_code::Entity::update_many()
        .col_expr(one_time_code::Column::UsedAt, Expr::value(Some(now)))
        .filter(one_time_code::Column::Id.eq(row.id))
        .filter(one_time_code::Column::UsedAt.is_null())
        .exec(db)
        .await?;
    if used.rows_affected == 1 {
        Ok(())
    } else {
        Err(AppError::CodeSpent)
    }
}
