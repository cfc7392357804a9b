//! Forgotten password (M3): a single-use link by mail, then a new password.
//! The request answers the same whether or not the account exists.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    sea_query::Expr, ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection,
    EntityTrait, QueryFilter,
};

use super::find_account;
use crate::domain::jst;
use crate::domain::policy;
use crate::error::AppError;
use crate::ssr::audit::{self, Actor};
use crate::ssr::entities::{member, member_account, password_reset, session as session_entity};
use crate::ssr::identity::{password, password_policy, token};
use crate::ssr::mail::{self, templates, templates::Recipient};
use crate::ssr::rate_limit;
use crate::ssr::request::ClientInfo;
use crate::ssr::Config;

/// Mails a reset link if `identifier` names an account. The same answer and
/// the same database work either way: the per-address count, then one count
/// for the account (or, for nobody, for what was typed).
pub async fn request(
    db: &DatabaseConnection,
    config: &Config,
    identifier: &str,
    client: &ClientInfo,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let identifier = identifier.trim();
    if identifier.is_empty() {
        return Err(AppError::field(
            "identifier",
            "ユーザーIDまたはメールアドレスを入力してください。",
        ));
    }
    if identifier.chars().count() > policy::IDENTIFIER_MAX_CHARS {
        return Ok(());
    }
    let hour = Duration::hours(1);
    let per_ip = format!("reset-ip:{}", client.ip);
    if !rate_limit::allow(db, &per_ip, policy::RESETS_PER_IP_PER_HOUR, hour, now).await? {
        return Err(AppError::RateLimited);
    }
    let account = find_account(db, identifier).await?;
    let bucket = match &account {
        Some(account) => format!("reset-account:{}", account.id),
        None => format!("reset-unknown:{}", identifier.to_lowercase()),
    };
    let allowed =
        rate_limit::allow(db, &bucket, policy::RESETS_PER_ACCOUNT_PER_HOUR, hour, now).await?;
    let Some(account) = account else {
        return Ok(());
    };
    if !allowed {
        tracing::info!(account = account.id, "reset link not sent: hourly limit");
        return Ok(());
    }
    let member = member::Entity::find_by_id(account.member_id)
        .one(db)
        .await?
        .ok_or(AppError::Internal)?;
    if crate::member::ssr::access(&member, &account, now).is_err() {
        // Stopped (perhaps for misuse) or ended: no link, and the same
        // answer as for anyone else.
        tracing::info!(account = account.id, "reset link not sent: My Page closed");
        return Ok(());
    }
    let token = token::new_token();
    let link = format!("{}/password/reset?token={token}", config.public_url);

    let txn = crate::ssr::db::begin_write(db).await?;
    password_reset::ActiveModel {
        account_id: Set(account.id),
        token_hash: Set(token::token_hash(&token)),
        created_at: Set(now),
        expires_at: Set(now + Duration::minutes(policy::RESET_LINK_MINUTES)),
        used_at: Set(None),
        ip: Set(client.ip.clone()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let to = Recipient {
        email: &account.email,
        name: &member.name,
    };
    mail::enqueue(
        &txn,
        templates::password_reset(config, &to, &link, policy::RESET_LINK_MINUTES),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// The account a reset token may still be used for.
pub async fn check_token(
    db: &DatabaseConnection,
    token: &str,
    now: DateTime<Utc>,
) -> Result<password_reset::Model, AppError> {
    password_reset::Entity::find()
        .filter(password_reset::Column::TokenHash.eq(token::token_hash(token)))
        .one(db)
        .await?
        .filter(|r| r.used_at.is_none() && now < r.expires_at)
        .ok_or(AppError::InvalidLink)
}

/// Voids every unused reset link of `account_id` (its address changed, or
/// one link was used).
pub async fn void_all(
    db: &impl sea_orm::ConnectionTrait,
    account_id: i32,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    password_reset::Entity::update_many()
        .col_expr(password_reset::Column::UsedAt, Expr::value(Some(now)))
        .filter(password_reset::Column::AccountId.eq(account_id))
        .filter(password_reset::Column::UsedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// Sets the new password, unlocks the account, ends every session and every
/// other link, all in one transaction; mails a notice.
pub async fn complete(
    db: &DatabaseConnection,
    config: &Config,
    token: &str,
    new_password: &str,
    confirmation: &str,
    client: &ClientInfo,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let reset = check_token(db, token, now).await?;
    let (account, member) = member_account::Entity::find_by_id(reset.account_id)
        .find_also_related(member::Entity)
        .one(db)
        .await?
        .ok_or(AppError::InvalidLink)?;
    let member = member.ok_or(AppError::Internal)?;
    // A link sent before My Page was stopped or ended sets nothing (the
    // stop voids links too; this answers one who holds such a link).
    crate::member::ssr::access(&member, &account, now)
        .map_err(|closed| crate::member::ssr::closed_answer(closed, config))?;
    password_policy::check_new_password(
        "password",
        new_password,
        confirmation,
        &[&account.user_id, &account.email, &member.member_number],
    )?;
    let hash = password::hash_blocking(new_password.to_owned()).await?;

    let txn = crate::ssr::db::begin_write(db).await?;
    // Single use: only the first of two racing submissions gets through.
    let used = password_reset::Entity::update_many()
        .col_expr(password_reset::Column::UsedAt, Expr::value(Some(now)))
        .filter(password_reset::Column::Id.eq(reset.id))
        .filter(password_reset::Column::UsedAt.is_null())
        .exec(&txn)
        .await?;
    if used.rows_affected != 1 {
        return Err(AppError::InvalidLink);
    }
    void_all(&txn, account.id, now).await?;
    set_password(&txn, account.id, hash, false, now).await?;
    super::device::forget_all(&txn, account.id).await?;
    crate::ssr::identity::codes::expire_login(&txn, account.id, now).await?;
    session_entity::Entity::delete_many()
        .filter(session_entity::Column::AccountId.eq(account.id))
        .exec(&txn)
        .await?;
    audit::record(
        &txn,
        audit::Entry {
            actor: Actor::Member {
                account_id: account.id,
            },
            member_id: Some(member.id),
            action: "password_reset",
            before: None,
            after: None,
            ip: &client.ip,
        },
        now,
    )
    .await?;
    crate::procedure::ssr::apply::record_completed(
        &txn,
        member.id,
        crate::domain::procedure::Kind::PasswordChange,
        "パスワードを再設定しました(メールのリンクから)。",
        crate::procedure::ssr::workflow::By::Member {
            account_id: account.id,
        },
        now,
    )
    .await?;
    let to = Recipient {
        email: &account.email,
        name: &member.name,
    };
    mail::enqueue(
        &txn,
        templates::password_changed(config, &to, &jst::format_datetime(now)),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Stores a new password hash and lifts any lock. `temporary` makes the next
/// login able to do nothing but choose a new password, for
/// [`policy::TEMPORARY_PASSWORD_HOURS`].
pub async fn set_password(
    db: &impl sea_orm::ConnectionTrait,
    account_id: i32,
    hash: String,
    temporary: bool,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let expires = temporary.then(|| now + Duration::hours(policy::TEMPORARY_PASSWORD_HOURS));
    member_account::ActiveModel {
        id: Set(account_id),
        password_hash: Set(hash),
        must_change_password: Set(temporary),
        password_expires_at: Set(expires),
        failed_login_count: Set(0),
        locked_until: Set(None),
        updated_at: Set(now),
        ..Default::default()
    }
    .update(db)
    .await?;
    Ok(())
}
