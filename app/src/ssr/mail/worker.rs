//! Sends what the outbox holds: due mails in order, each claimed first so two
//! server processes never send the same one, retried with growing pauses
//! and marked failed after [`MAIL_MAX_ATTEMPTS`] tries or a permanent
//! refusal, for staff to see (`/staff/mails`).

use chrono::{DateTime, Duration, SubsecRound, Utc};
use lettre::{
    message::{header::ContentType, Mailbox},
    AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
};
use sea_orm::{
    sea_query::Expr, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use crate::domain::mail_delivery::{after_failure, refusal_is_about_recipient, AfterFailure};
#[cfg(doc)]
use crate::domain::policy::MAIL_MAX_ATTEMPTS;
use crate::error::AppError;
use crate::ssr::entities::mail_outbox;
use crate::ssr::{Clock, Config};

/// How often the server looks for mails to send.
pub const POLL_EVERY: std::time::Duration = std::time::Duration::from_secs(2);
/// Mails taken per round.
const BATCH: u64 = 20;
/// How long a claimed mail is left to its sender before another may try,
/// and staff may cancel it.
const CLAIM: Duration = Duration::minutes(5);
/// How long one try may take before it counts as failed (and is retried):
/// well inside [`CLAIM`], so a mail whose claim ran out is not being sent.
/// (lettre's own timeout applies to each SMTP command, not to a whole mail.)
const SEND_LIMIT: std::time::Duration = std::time::Duration::from_secs(120);
const _: () = assert!(SEND_LIMIT.as_secs() * 2 <= CLAIM.num_seconds() as u64);

/// Why a try did not deliver a mail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// As the SMTP server or the client said it; staff read it.
    pub error: String,
    /// Trying again cannot help: the recipient was refused (an unknown
    /// address, a malformed one). A refusal of the sending itself (a wrong
    /// password, relaying denied) is retried: it is a setting to fix.
    pub permanent: bool,
}

impl Refusal {
    fn permanent(error: String) -> Self {
        Self {
            error,
            permanent: true,
        }
    }
}

/// Where mails go.
#[derive(Clone)]
pub enum Transport {
    Smtp {
        // Boxed: the SMTP client is large, the other variant empty.
        smtp: Box<AsyncSmtpTransport<Tokio1Executor>>,
        from: Mailbox,
    },
    /// Development: the outbox row is the mail; `/dev/mails` shows it. An
    /// address under `.invalid` (RFC 2606: never a real domain) is refused
    /// for good, as a real server would, so that the failure path can be
    /// seen without one.
    DevMailbox,
}

impl Transport {
    pub fn from_config(config: &Config) -> Result<Self, String> {
        match &config.smtp_url {
            None if config.dev => Ok(Self::DevMailbox),
            None => Err("MYPAGE_SMTP_URL: required unless MYPAGE_DEV=true".into()),
            Some(url) => {
                let smtp = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map_err(|e| format!("MYPAGE_SMTP_URL: {e}"))?
                    .timeout(Some(std::time::Duration::from_secs(20)))
                    .build()
                    .into();
                let from = config
                    .mail_from
                    .parse()
                    .map_err(|e| format!("MYPAGE_MAIL_FROM: {e}"))?;
                Ok(Self::Smtp { smtp, from })
            }
        }
    }

    fn is_smtp(&self) -> bool {
        matches!(self, Self::Smtp { .. })
    }

    /// As stored in `mail_outbox.delivered_via`.
    fn name(&self) -> &'static str {
        match self {
            Self::Smtp { .. } => "smtp",
            Self::DevMailbox => "dev",
        }
    }

    async fn send(&self, mail: &mail_outbox::Model) -> Result<(), Refusal> {
        match self {
            Self::DevMailbox if mail.to_address.ends_with(".invalid") => Err(Refusal::permanent(
                "permanent error (550): 5.1.2 no such domain (.invalid; development mailbox)"
                    .into(),
            )),
            Self::DevMailbox => Ok(()),
            Self::Smtp { smtp, from } => {
                let to: Mailbox = mail
                    .to_address
                    .parse()
                    .map_err(|e| Refusal::permanent(format!("address: {e}")))?;
                let message = Message::builder()
                    .from(from.clone())
                    .to(to)
                    .subject(&mail.subject)
                    .header(ContentType::TEXT_PLAIN)
                    .body(mail.body_text.clone())
                    .map_err(|e| Refusal::permanent(format!("message: {e}")))?;
                smtp.send(message).await.map(|_| ()).map_err(|e| {
                    let error = e.to_string();
                    let code = e.status().and_then(|c| c.to_string().parse::<u16>().ok());
                    Refusal {
                        permanent: e.is_permanent()
                            && code.is_some_and(|c| refusal_is_about_recipient(c, &error)),
                        error,
                    }
                })
            }
        }
    }
}

/// Sends every mail due at `now`. Returns how many went out.
pub async fn deliver_due(
    db: &DatabaseConnection,
    transport: &Transport,
    now: DateTime<Utc>,
) -> Result<usize, AppError> {
    let due = mail_outbox::Entity::find()
        .filter(mail_outbox::Column::SentAt.is_null())
        .filter(mail_outbox::Column::FailedAt.is_null())
        .filter(mail_outbox::Column::CancelledAt.is_null())
        .filter(mail_outbox::Column::NextAttemptAt.lte(now))
        .order_by_asc(mail_outbox::Column::Id)
        .limit(BATCH)
        .all(db)
        .await?;
    let mut sent = 0;
    let started = std::time::Instant::now();
    for mail in due {
        // Claim: only the process whose update lands sends it. The claim runs
        // from when it is made (earlier mails of the round took time), in
        // whole microseconds as the database keeps it, so that the outcome
        // can be written on the condition that this claim still holds.
        let claim =
            (now + Duration::from_std(started.elapsed()).unwrap_or(CLAIM) + CLAIM).trunc_subsecs(6);
        let claimed = mail_outbox::Entity::update_many()
            .col_expr(mail_outbox::Column::NextAttemptAt, Expr::value(claim))
            .col_expr(mail_outbox::Column::SendingUntil, Expr::value(Some(claim)))
            .filter(mail_outbox::Column::Id.eq(mail.id))
            .filter(mail_outbox::Column::NextAttemptAt.eq(mail.next_attempt_at))
            .filter(mail_outbox::Column::SentAt.is_null())
            .filter(mail_outbox::Column::FailedAt.is_null())
            .filter(mail_outbox::Column::CancelledAt.is_null())
            .exec(db)
            .await?;
        if claimed.rows_affected != 1 {
            continue;
        }
        let update = mail_outbox::Entity::update_many()
            .filter(mail_outbox::Column::Id.eq(mail.id))
            .filter(mail_outbox::Column::SendingUntil.eq(claim))
            .col_expr(
                mail_outbox::Column::Attempts,
                Expr::value(mail.attempts + 1),
            )
            .col_expr(
                mail_outbox::Column::SendingUntil,
                Expr::value(Option::<DateTime<Utc>>::None),
            );
        let outcome = match tokio::time::timeout(SEND_LIMIT, transport.send(&mail)).await {
            Ok(outcome) => outcome,
            Err(_) => Err(Refusal {
                error: format!(
                    "no answer from the mail server within {} s",
                    SEND_LIMIT.as_secs()
                ),
                permanent: false,
            }),
        };
        let (update, delivered) = match outcome {
            Ok(()) => (
                super::drop_secret(
                    update,
                    transport.is_smtp() && mail.sensitive,
                    super::REDACTED,
                )
                .col_expr(
                    mail_outbox::Column::DeliveredVia,
                    Expr::value(Some(transport.name())),
                )
                .col_expr(mail_outbox::Column::SentAt, Expr::value(Some(now)))
                .col_expr(
                    mail_outbox::Column::LastError,
                    Expr::value(Option::<String>::None),
                ),
                true,
            ),
            Err(Refusal { error, permanent }) => {
                let attempts = mail.attempts + 1;
                let update = match after_failure(attempts, permanent, now) {
                    AfterFailure::RetryAt(at) => {
                        tracing::warn!(mail = mail.id, attempts, %error, "mail not sent; will retry");
                        update.col_expr(mail_outbox::Column::NextAttemptAt, Expr::value(at))
                    }
                    AfterFailure::GiveUp => {
                        tracing::error!(mail = mail.id, attempts, %error, "mail not sent; given up");
                        // A secret's code or link has expired by the time
                        // anyone looks: its text is not kept.
                        super::drop_secret(update, mail.sensitive, super::REDACTED_UNSENT)
                            .col_expr(mail_outbox::Column::FailedAt, Expr::value(Some(now)))
                    }
                };
                (
                    update.col_expr(mail_outbox::Column::LastError, Expr::value(Some(error))),
                    false,
                )
            }
        };
        if update.exec(db).await?.rows_affected != 1 {
            // Only if a try outlasted the claim despite SEND_LIMIT (a
            // stopped process clock, say): the mail may be cancelled or
            // claimed again by now, and its row is left as they made it.
            tracing::error!(
                mail = mail.id,
                delivered,
                "the outcome of a try was not recorded: the claim on the mail ran out"
            );
        } else if delivered {
            sent += 1;
        }
    }
    Ok(sent)
}

/// Runs [`deliver_due`] every `every` until the process ends.
pub fn spawn(
    db: DatabaseConnection,
    transport: Transport,
    clock: Clock,
    every: std::time::Duration,
) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if let Err(e) = deliver_due(&db, &transport, clock.now()).await {
                tracing::error!(error = ?e, "mail worker round failed");
            }
        }
    });
}
