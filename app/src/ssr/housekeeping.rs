//! Deleting what can no longer be used: ended sessions, spent or expired codes
//! and reset links, and rate-limit counts older than any window. Runs in every
//! server process; the deletes are idempotent, so several may overlap.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    sea_query::ExprTrait, ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter,
};

use super::entities::{
    mail_outbox, one_time_code, password_reset, rate_counter, session, staff_session,
};
use super::{Clock, Config};
use crate::domain::policy::{FAILED_MAIL_KEEP_DAYS, SENT_MAIL_KEEP_DAYS};
use crate::error::AppError;
use crate::ssr::identity::session::KEEP_EXPIRED;

/// How often housekeeping runs.
pub const EVERY: std::time::Duration = std::time::Duration::from_secs(15 * 60);
/// Spent codes and links are kept this long after they end, for support questions.
const KEEP_SPENT: Duration = Duration::days(1);
/// Longer than every rate-limit window.
const KEEP_RATE_COUNTS: Duration = Duration::days(1);

/// What one round deleted.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Swept {
    /// Member and staff sessions.
    pub sessions: u64,
    pub codes: u64,
    pub resets: u64,
    pub rate_counts: u64,
    /// Mails sent longer ago than the retention period.
    pub mails: u64,
    /// Members CSV imports cut off midway, now marked failed.
    pub imports: u64,
}

pub async fn sweep(
    db: &DatabaseConnection,
    config: &Config,
    now: DateTime<Utc>,
) -> Result<Swept, AppError> {
    let idle = Duration::from_std(config.idle_timeout).map_err(|_| AppError::Internal)?;
    // One transaction exempt from the statement timeout: after a mass
    // mailing, deleting a quarter's sent mail may take longer than a
    // request's statement may.
    let txn = super::db::begin_unhurried(db).await?;
    // Ended sessions stay a while, so a browser coming back hears "timed out".
    let ended = now - KEEP_EXPIRED;
    let sessions = session::Entity::delete_many()
        .filter(
            session::Column::ExpiresAt
                .lte(ended)
                .or(session::Column::LastSeenAt.lte(ended - idle)),
        )
        .exec(&txn)
        .await?
        .rows_affected
        + staff_session::Entity::delete_many()
            .filter(
                staff_session::Column::ExpiresAt
                    .lte(ended)
                    .or(staff_session::Column::LastSeenAt.lte(ended - idle)),
            )
            .exec(&txn)
            .await?
            .rows_affected;
    let codes = one_time_code::Entity::delete_many()
        .filter(one_time_code::Column::ExpiresAt.lte(now - KEEP_SPENT))
        .exec(&txn)
        .await?
        .rows_affected;
    let resets = password_reset::Entity::delete_many()
        .filter(password_reset::Column::ExpiresAt.lte(now - KEEP_SPENT))
        .exec(&txn)
        .await?
        .rows_affected;
    let rate_counts = rate_counter::Entity::delete_many()
        .filter(rate_counter::Column::WindowStart.lte(now - KEEP_RATE_COUNTS))
        .exec(&txn)
        .await?
        .rows_affected;
    let ended_before = now - Duration::days(FAILED_MAIL_KEEP_DAYS);
    let mails = mail_outbox::Entity::delete_many()
        .filter(
            Condition::any()
                .add(mail_outbox::Column::SentAt.lte(now - Duration::days(SENT_MAIL_KEEP_DAYS)))
                .add(
                    Condition::all()
                        .add(mail_outbox::Column::SentAt.is_null())
                        .add(
                            Condition::any()
                                .add(mail_outbox::Column::FailedAt.lte(ended_before))
                                .add(mail_outbox::Column::CancelledAt.lte(ended_before)),
                        ),
                ),
        )
        .exec(&txn)
        .await?
        .rows_affected;
    txn.commit().await?;
    let imports = crate::member::ssr::import::end_stale(db, now).await?;
    Ok(Swept {
        sessions,
        codes,
        resets,
        rate_counts,
        mails,
        imports,
    })
}

/// Runs [`sweep`] every [`EVERY`] until the process ends, and lets the
/// per-address throttle forget quiet addresses.
pub fn spawn(
    db: DatabaseConnection,
    config: std::sync::Arc<Config>,
    clock: Clock,
    throttle: super::identity::throttle::Throttle,
) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(EVERY);
        loop {
            tick.tick().await;
            throttle.forget_quiet();
            match sweep(&db, &config, clock.now()).await {
                Ok(swept) if swept != Swept::default() => tracing::info!(?swept, "housekeeping"),
                Ok(_) => {}
                Err(e) => tracing::error!(error = ?e, "housekeeping failed"),
            }
        }
    });
}
