//! Staff work on the outbox; every change audited in its transaction.

use std::collections::HashMap;

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use super::{MailList, MailRow, MailTrouble};
use crate::auth::ssr::display_member_number;
use crate::domain::jst;
use crate::domain::mail_delivery::DeliveryState;
use crate::error::AppError;
use crate::ssr::audit::{self, Actor};
use crate::ssr::entities::{member, member_account};
use crate::ssr::mail::status::{self, Shown};
use crate::ssr::request::Request;
use crate::staff::ssr::auth::current_staff;

/// Rows a list shows at most.
const SHOWN: u64 = 200;

/// [`super::staff_mails`].
pub async fn list(show: Option<&str>, member_id: Option<i32>) -> Result<MailList, AppError> {
    current_staff().await?;
    let Request { state, now, .. } = Request::current()?;
    let db = &state.db;
    let to = match member_id {
        Some(id) => Some(
            member_account::Entity::find()
                .filter(member_account::Column::MemberId.eq(id))
                .one(db)
                .await?
                .ok_or(AppError::NotFound)?
                .email,
        ),
        None => None,
    };
    let mails = status::list(db, Shown::parse(show), to.as_deref(), SHOWN).await?;
    let members = members_by_address(db, mails.iter().map(|m| m.to_address.clone())).await?;
    let rows = mails
        .into_iter()
        .map(|m| {
            let member = members.get(&m.to_address).cloned();
            row(m, member, now)
        })
        .collect();
    let (failed, retrying) = status::counts(db, None).await?;
    Ok(MailList {
        rows,
        to,
        failed,
        retrying,
    })
}

fn row(
    m: status::MailHeader,
    member: Option<(i32, String)>,
    now: chrono::DateTime<chrono::Utc>,
) -> MailRow {
    let state = status::state_of(&m, now);
    let ended = match state {
        DeliveryState::Sent => m.sent_at,
        DeliveryState::Failed => m.failed_at,
        DeliveryState::Cancelled => m.cancelled_at,
        DeliveryState::Queued | DeliveryState::Retrying | DeliveryState::Sending => None,
    };
    MailRow {
        id: m.id,
        queued_at: jst::format_datetime(m.created_at),
        state,
        attempts: m.attempts,
        next_try: (state == DeliveryState::Retrying)
            .then(|| jst::format_datetime(m.next_attempt_at)),
        ended_at: ended.map(jst::format_datetime),
        last_error: m.last_error,
        can_resend: state.can_resend(m.sensitive),
        can_cancel: state.can_cancel(),
        sensitive: m.sensitive,
        member,
        to: m.to_address,
        subject: m.subject,
    }
}

/// The member whose account has each address, as staff name them.
async fn members_by_address(
    db: &impl ConnectionTrait,
    addresses: impl Iterator<Item = String>,
) -> Result<HashMap<String, (i32, String)>, AppError> {
    let mut addresses: Vec<String> = addresses.collect();
    addresses.sort();
    addresses.dedup();
    if addresses.is_empty() {
        return Ok(HashMap::new());
    }
    let found = member_account::Entity::find()
        .filter(member_account::Column::Email.is_in(addresses))
        .find_also_related(member::Entity)
        .all(db)
        .await?;
    Ok(found
        .into_iter()
        .filter_map(|(a, m)| {
            m.map(|m| {
                let shown = format!("{} {}", display_member_number(&m.member_number), m.name);
                (a.email, (m.id, shown))
            })
        })
        .collect())
}

/// For a member's record in the back office: mails to their address that
/// failed or are being retried, if any.
pub async fn trouble_of(
    db: &impl ConnectionTrait,
    address: &str,
) -> Result<Option<MailTrouble>, AppError> {
    let (failed, retrying) = status::counts(db, Some(address)).await?;
    Ok((failed + retrying > 0).then_some(MailTrouble { failed, retrying }))
}

/// [`super::staff_resend_mail`].
pub async fn resend(id: i32) -> Result<(), AppError> {
    change(id, Op::Resend).await
}

/// [`super::staff_cancel_mail`].
pub async fn cancel(id: i32) -> Result<(), AppError> {
    change(id, Op::Cancel).await
}

enum Op {
    Resend,
    Cancel,
}

async fn change(id: i32, op: Op) -> Result<(), AppError> {
    let me = current_staff().await?;
    let Request {
        state, client, now, ..
    } = Request::current()?;
    let txn = crate::ssr::db::begin_write(&state.db).await?;
    let (mail, action) = match op {
        Op::Resend => (status::resend(&txn, id, now).await?, "mail_resent"),
        Op::Cancel => (status::cancel(&txn, id, now).await?, "mail_cancelled"),
    };
    let member = members_by_address(&txn, std::iter::once(mail.to_address.clone()))
        .await?
        .remove(&mail.to_address);
    audit::record(
        &txn,
        audit::Entry {
            actor: Actor::Staff {
                staff_id: me.staff_id,
            },
            member_id: member.map(|(id, _)| id),
            action,
            before: None,
            after: Some(format!(
                "#{} {} → {}",
                mail.id, mail.subject, mail.to_address
            )),
            ip: &client.ip,
        },
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
