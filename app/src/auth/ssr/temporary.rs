//! Operator actions on a member's login until the staff back office exists:
//! 仮パスワード (M3, seed 000), sent only by mail and good for nothing but
//! choosing a new password, and lifting a lockout (M15).

use crate::procedure::ssr::workflow::By;
use chrono::{DateTime, Utc};
use rand::Rng;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter,
};

use crate::domain::jst;
use crate::domain::member_number::MemberNumber;
use crate::error::AppError;
use crate::ssr::audit::{self, Actor};
use crate::ssr::entities::{member, member_account, session};
use crate::ssr::identity::password;
use crate::ssr::mail::{self, templates, templates::Recipient};
use crate::ssr::Config;

/// Letters and digits that cannot be mistaken for one another on paper or screen.
const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";

/// `k7m2-x9pq-4rtz-h3nw`: 16 random characters (about 79 bits) in groups of four.
pub fn generate() -> String {
    let mut rng = rand::rng();
    (0..4)
        .map(|_| {
            (0..4)
                .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("-")
}

/// The member with `member_number` (any spelling) and their My Page account.
pub async fn account_by_number(
    db: &DatabaseConnection,
    member_number: &str,
) -> Result<(member::Model, member_account::Model), AppError> {
    let number =
        MemberNumber::parse(member_number).map_err(|e| AppError::field("member_number", e.0))?;
    let (member, account) = member::Entity::find()
        .filter(member::Column::MemberNumber.eq(number.digits()))
        .find_also_related(member_account::Entity)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((member, account.ok_or(AppError::NotFound)?))
}

/// Lifts a lockout at once (M15: unlock by staff); audited.
pub async fn unlock(
    db: &DatabaseConnection,
    member_number: &str,
    (by, ip): (Actor, &str),
    now: DateTime<Utc>,
) -> Result<MemberContact, AppError> {
    let (member, account) = account_by_number(db, member_number).await?;
    let txn = crate::ssr::db::begin_write(db).await?;
    member_account::ActiveModel {
        id: Set(account.id),
        failed_login_count: Set(0),
        locked_until: Set(None),
        updated_at: Set(now),
        ..Default::default()
    }
    .update(&txn)
    .await?;
    audit::record(
        &txn,
        audit::Entry {
            actor: by,
            member_id: Some(member.id),
            action: "account_unlocked",
            before: account.locked_until.map(|t| t.to_rfc3339()),
            after: None,
            ip,
        },
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(MemberContact {
        name: member.name,
        email: account.email,
    })
}

/// Whom an operator action was for, for the confirmation message.
pub struct MemberContact {
    pub name: String,
    pub email: String,
}

/// Gives the member a temporary password by mail. Their sessions end, a lock
/// is lifted, and the next login can only choose a new password. `by` is the
/// staff member, or [`By::System`] for the server command.
pub async fn issue(
    db: &DatabaseConnection,
    config: &Config,
    member_number: &str,
    (by, ip): (By, &str),
    now: DateTime<Utc>,
) -> Result<MemberContact, AppError> {
    let number =
        MemberNumber::parse(member_number).map_err(|e| AppError::field("member_number", e.0))?;
    let (member, account) = member::Entity::find()
        .filter(member::Column::MemberNumber.eq(number.digits()))
        .find_also_related(member_account::Entity)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let account = account.ok_or(AppError::NotFound)?;
    // A closed My Page could not be logged in to with it.
    let refused = |closed| {
        use crate::domain::membership::Closed;
        AppError::Conflict(
            match closed {
                Closed::Stopped => "マイページの利用を停止しているため、仮パスワードは発行できません。先に利用を再開してください。",
                Closed::Ended => "脱退によりマイページのご利用期間が終了しているため、仮パスワードは発行できません。",
                Closed::NotRegistered => "マイページに登録していないため、仮パスワードは発行できません。",
            }
            .to_owned(),
        )
    };
    crate::member::ssr::access(&member, &account, now).map_err(refused)?;
    let temporary = generate();
    let hash = password::hash_blocking(temporary.clone()).await?;

    let txn = crate::ssr::db::begin_write(db).await?;
    super::reset::set_password(&txn, account.id, hash, true, now).await?;
    // Read again once the account's row (a stop writes it) and the member's
    // (a withdrawal writes it) are taken: what committed meanwhile is seen
    // here, and nothing is sent.
    crate::member::ssr::hold(&txn, member.id).await?;
    let (member, account) = crate::member::ssr::with_account(&txn, member.id).await?;
    let account = account.ok_or(AppError::NotFound)?;
    crate::member::ssr::access(&member, &account, now).map_err(refused)?;
    session::Entity::delete_many()
        .filter(session::Column::AccountId.eq(account.id))
        .exec(&txn)
        .await?;
    super::device::forget_all(&txn, account.id).await?;
    crate::ssr::identity::codes::expire_login(&txn, account.id, now).await?;
    // The 仮パスワード replaces the password: a reset link sent before it
    // cannot set another one behind the co-op's back.
    super::reset::void_all(&txn, account.id, now).await?;
    audit::record(
        &txn,
        audit::Entry {
            actor: by,
            member_id: Some(member.id),
            action: "temporary_password_issued",
            before: None,
            after: None,
            ip,
        },
        now,
    )
    .await?;
    crate::procedure::ssr::apply::record_completed(
        &txn,
        member.id,
        crate::domain::procedure::Kind::TemporaryPassword,
        "仮パスワードをメールでお送りしました。",
        by,
        now,
    )
    .await?;
    let to = Recipient {
        email: &account.email,
        name: &member.name,
    };
    mail::enqueue(
        &txn,
        templates::temporary_password(
            config,
            &to,
            &temporary,
            &jst::format_datetime(
                now + chrono::Duration::hours(crate::domain::policy::TEMPORARY_PASSWORD_HOURS),
            ),
        ),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(MemberContact {
        name: member.name,
        email: account.email,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temporary_passwords_are_long_random_and_unambiguous() {
        let a = generate();
        assert_eq!(a.len(), 19);
        assert_ne!(a, generate());
        assert!(a.chars().all(|c| c == '-' || ALPHABET.contains(&(c as u8))));
        assert!(crate::domain::password_policy::check(&a, &[]).is_ok());
    }
}
