//! The outbox as staff and members see it: mails that failed or are still
//! being retried, a member's mail problems, and the two things staff may do
//! with a mail (queue it again, cancel it). Each change is one conditional
//! UPDATE, so two staff acting at once (or staff and the worker) change a
//! mail once.

use chrono::{DateTime, Utc};
use sea_orm::{
    sea_query::Expr, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};

use crate::domain::mail_delivery::DeliveryState;
use crate::error::AppError;
use crate::ssr::entities::mail_outbox::{self, Column};

/// Which mails a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shown {
    /// Not sent and not cancelled: failed, being retried, or waiting for
    /// its first try (a mail just resent).
    Unsent,
    Failed,
    Retrying,
    Cancelled,
    /// Every mail, sent ones too.
    All,
}

impl Shown {
    pub fn parse(code: Option<&str>) -> Self {
        match code {
            Some("failed") => Self::Failed,
            Some("retrying") => Self::Retrying,
            Some("cancelled") => Self::Cancelled,
            Some("all") => Self::All,
            _ => Self::Unsent,
        }
    }

    fn condition(self) -> Condition {
        let failed = Condition::all()
            .add(Column::FailedAt.is_not_null())
            .add(Column::CancelledAt.is_null())
            .add(Column::SentAt.is_null());
        let retrying = Condition::all()
            .add(Column::Attempts.gt(0))
            .add(Column::FailedAt.is_null())
            .add(Column::CancelledAt.is_null())
            .add(Column::SentAt.is_null());
        match self {
            Self::Unsent => Condition::all()
                .add(Column::SentAt.is_null())
                .add(Column::CancelledAt.is_null()),
            Self::Failed => failed,
            Self::Retrying => retrying,
            Self::Cancelled => Condition::all()
                .add(Column::CancelledAt.is_not_null())
                .add(Column::SentAt.is_null()),
            Self::All => Condition::all(),
        }
    }
}

/// A mail as staff lists and a member's notice see it: everything but its
/// text, which is never shown and would be most of what a list reads.
#[derive(Debug, Clone, sea_orm::FromQueryResult)]
pub struct MailHeader {
    pub id: i32,
    pub to_address: String,
    pub subject: String,
    pub created_at: DateTime<Utc>,
    pub attempts: i32,
    pub next_attempt_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    pub sensitive: bool,
    pub failed_at: Option<DateTime<Utc>>,
    pub cancelled_at: Option<DateTime<Utc>>,
    pub sending_until: Option<DateTime<Utc>>,
}

/// The outbox read for [`MailHeader`]s.
fn headers() -> sea_orm::Select<mail_outbox::Entity> {
    mail_outbox::Entity::find().select_only().columns([
        Column::Id,
        Column::ToAddress,
        Column::Subject,
        Column::CreatedAt,
        Column::Attempts,
        Column::NextAttemptAt,
        Column::SentAt,
        Column::LastError,
        Column::Sensitive,
        Column::FailedAt,
        Column::CancelledAt,
        Column::SendingUntil,
    ])
}

/// Where `mail` stands at `now`.
pub fn state_of(mail: &MailHeader, now: DateTime<Utc>) -> DeliveryState {
    DeliveryState::of(
        mail.sent_at.is_some(),
        mail.failed_at.is_some(),
        mail.cancelled_at.is_some(),
        mail.sending_until.is_some_and(|until| until > now),
        mail.attempts,
    )
}

/// Newest first, at most `limit`; `to` narrows to one address.
pub async fn list(
    db: &impl ConnectionTrait,
    shown: Shown,
    to: Option<&str>,
    limit: u64,
) -> Result<Vec<MailHeader>, AppError> {
    let mut find = headers().filter(shown.condition());
    if let Some(to) = to {
        find = find.filter(Column::ToAddress.eq(to));
    }
    Ok(find
        .order_by_desc(Column::Id)
        .limit(limit)
        .into_model::<MailHeader>()
        .all(db)
        .await?)
}

/// How many mails failed (and were not dealt with) and are being retried:
/// to one address, or to any.
pub async fn counts(
    db: &impl ConnectionTrait,
    address: Option<&str>,
) -> Result<(u64, u64), AppError> {
    let count = |shown: Shown| {
        let mut find = mail_outbox::Entity::find().filter(shown.condition());
        if let Some(address) = address {
            find = find.filter(Column::ToAddress.eq(address));
        }
        find.count(db)
    };
    Ok((count(Shown::Failed).await?, count(Shown::Retrying).await?))
}

/// When the last mail to `address` could not be delivered, if the newest
/// mail that reached an end (sent or failed) failed. Only a later delivery
/// clears it: staff cancelling the failed mail does not make the address
/// reachable.
pub async fn undeliverable_since(
    db: &impl ConnectionTrait,
    address: &str,
) -> Result<Option<DateTime<Utc>>, AppError> {
    let newest = headers()
        .filter(Column::ToAddress.eq(address))
        .filter(
            Condition::any()
                .add(Column::SentAt.is_not_null())
                .add(Column::FailedAt.is_not_null()),
        )
        .order_by_desc(Column::Id)
        .into_model::<MailHeader>()
        .one(db)
        .await?;
    Ok(newest.and_then(|m| {
        if m.sent_at.is_none() {
            m.failed_at
        } else {
            None
        }
    }))
}

/// Queues a failed mail again, with a fresh count of tries. Returns the
/// mail as it was.
pub async fn resend(
    db: &impl ConnectionTrait,
    id: i32,
    now: DateTime<Utc>,
) -> Result<MailHeader, AppError> {
    let mail = find(db, id).await?;
    let state = state_of(&mail, now);
    if !state.can_resend(mail.sensitive) {
        return Err(AppError::Conflict(
            if mail.sensitive && state == DeliveryState::Failed {
                "認証コード・リンク・仮パスワードを含むメールは再送できません。宛先の方に、もう一度お手続きいただくようご案内ください。"
            } else {
                "このメールは再送できません(送信失敗のメールのみ再送できます)。画面を更新してご確認ください。"
            }
            .to_owned(),
        ));
    }
    let changed = mail_outbox::Entity::update_many()
        .col_expr(Column::FailedAt, Expr::value(Option::<DateTime<Utc>>::None))
        .col_expr(Column::Attempts, Expr::value(0))
        .col_expr(Column::NextAttemptAt, Expr::value(now))
        .filter(Column::Id.eq(id))
        .filter(Column::FailedAt.is_not_null())
        .filter(Column::CancelledAt.is_null())
        .filter(Column::SentAt.is_null())
        .filter(Column::Sensitive.eq(false))
        .exec(db)
        .await?;
    if changed.rows_affected != 1 {
        return Err(AppError::Conflict(
            "このメールは、ほかの職員がすでに再送または取り消しました。".to_owned(),
        ));
    }
    Ok(mail)
}

/// Stops a mail not sent yet (and not being sent), for good; a secret's text
/// goes with it.
/// Returns the mail as it was.
pub async fn cancel(
    db: &impl ConnectionTrait,
    id: i32,
    now: DateTime<Utc>,
) -> Result<MailHeader, AppError> {
    let mail = find(db, id).await?;
    match state_of(&mail, now) {
        DeliveryState::Sending => return Err(AppError::Conflict(NOW_SENDING.to_owned())),
        state if !state.can_cancel() => {
            return Err(AppError::Conflict(SENT_OR_CANCELLED.to_owned()))
        }
        _ => {}
    }
    // Not while a sender holds it: it may be on its way already.
    let not_sending = Condition::any()
        .add(Column::SendingUntil.is_null())
        .add(Column::SendingUntil.lte(now));
    // A claim that ran out is ended too: its sender's outcome, should it
    // still come, is then not recorded over the cancel.
    let update = mail_outbox::Entity::update_many()
        .col_expr(Column::CancelledAt, Expr::value(Some(now)))
        .col_expr(
            Column::SendingUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .filter(Column::Id.eq(id))
        .filter(Column::CancelledAt.is_null())
        .filter(Column::SentAt.is_null())
        .filter(not_sending);
    let update = super::drop_secret(update, mail.sensitive, super::REDACTED_UNSENT);
    if update.exec(db).await?.rows_affected == 1 {
        return Ok(mail);
    }
    let now_sending = find(db, id)
        .await?
        .sending_until
        .is_some_and(|until| until > now);
    Err(AppError::Conflict(
        if now_sending {
            NOW_SENDING
        } else {
            SENT_OR_CANCELLED
        }
        .to_owned(),
    ))
}

const NOW_SENDING: &str = "このメールは、いま送信しているところのため取り消せません。少し待ってから、送信済みになったかを確かめてください。";
const SENT_OR_CANCELLED: &str = "このメールは、すでに送信済みか取り消されています。";

async fn find(db: &impl ConnectionTrait, id: i32) -> Result<MailHeader, AppError> {
    headers()
        .filter(Column::Id.eq(id))
        .into_model::<MailHeader>()
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}
