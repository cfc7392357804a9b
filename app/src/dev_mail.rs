//! The development mailbox: every queued mail, readable in the browser at
//! `/dev/mails` when no SMTP server is configured. Refused in production.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DevMail {
    pub id: i32,
    pub to: String,
    pub subject: String,
    pub body: String,
    /// JST.
    pub queued_at: String,
    pub sent: bool,
}

/// The newest mails first.
#[server(endpoint = "dev_mails")]
pub async fn dev_mails() -> Result<Vec<DevMail>, AppError> {
    crate::error::with_status(ssr::list().await)
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use super::DevMail;
    use crate::domain::jst;
    use crate::error::AppError;
    use crate::ssr::entities::mail_outbox;
    use crate::ssr::AppState;
    use sea_orm::{
        sea_query::ExprTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    };

    /// Mails shown, newest first.
    const SHOWN: u64 = 100;

    pub async fn list() -> Result<Vec<DevMail>, AppError> {
        let state = AppState::current()?;
        if !state.config.dev {
            return Err(AppError::NotFound);
        }
        // Never what went out by SMTP (a database that served real members).
        let rows = mail_outbox::Entity::find()
            .filter(
                mail_outbox::Column::DeliveredVia
                    .is_null()
                    .or(mail_outbox::Column::DeliveredVia.eq("dev")),
            )
            .order_by_desc(mail_outbox::Column::Id)
            .limit(SHOWN)
            .all(&state.db)
            .await?;
        Ok(rows
            .into_iter()
            .map(|m| DevMail {
                id: m.id,
                to: m.to_address,
                subject: m.subject,
                body: m.body_text,
                queued_at: jst::format_datetime(m.created_at),
                sent: m.sent_at.is_some(),
            })
            .collect())
    }
}
