//! Mail, always through the outbox: a mail is a row written in the same
//! transaction as the change it tells of, and the worker sends it later, retrying
//! while the SMTP server is away. Nothing is lost and nothing half-happens.

pub mod status;
pub mod templates;
pub mod worker;

use chrono::{DateTime, Utc};
use sea_orm::{sea_query::Expr, ActiveModelTrait, ActiveValue::Set, ConnectionTrait, UpdateMany};

use crate::error::AppError;
use crate::ssr::entities::mail_outbox;

/// A plain-text mail, ready to queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mail {
    pub to: String,
    pub subject: String,
    pub body: String,
    /// Carries a secret (a link, a code, a temporary password): once it went
    /// out by SMTP, its text is not kept.
    pub sensitive: bool,
}

impl Mail {
    pub fn secret(self) -> Self {
        Self {
            sensitive: true,
            ..self
        }
    }
}

/// What is left of a secret mail's text once it was sent.
pub const REDACTED: &str = "(このメールには認証コード・リンク・仮パスワードが含まれていたため、送信後に本文を削除しました。)";

/// What is left of a secret mail's text once it was given up on.
pub const REDACTED_UNSENT: &str = "(このメールには認証コード・リンク・仮パスワードが含まれていたため、送信できなかった時点で本文を削除しました。)";

/// `update` with the mail's text replaced by `note` when it carries a secret
/// (`secret`), as a secret's text is dropped once it went out by SMTP, was
/// given up on, or was cancelled.
pub(crate) fn drop_secret(
    update: UpdateMany<mail_outbox::Entity>,
    secret: bool,
    note: &'static str,
) -> UpdateMany<mail_outbox::Entity> {
    if secret {
        update.col_expr(mail_outbox::Column::BodyText, Expr::value(note))
    } else {
        update
    }
}

/// Queues `mail`; pass the transaction of the change the mail is about.
pub async fn enqueue(
    db: &impl ConnectionTrait,
    mail: Mail,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    mail_outbox::ActiveModel {
        to_address: Set(mail.to),
        subject: Set(mail.subject),
        body_text: Set(mail.body),
        sensitive: Set(mail.sensitive),
        delivered_via: Set(None),
        created_at: Set(now),
        attempts: Set(0),
        next_attempt_at: Set(now),
        sent_at: Set(None),
        last_error: Set(None),
        failed_at: Set(None),
        cancelled_at: Set(None),
        sending_until: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}
