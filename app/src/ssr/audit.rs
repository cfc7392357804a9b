//! The audit log (S6): who changed what, when, from where, before and after.
//! Written in the same transaction as the change.

use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait};

use crate::error::AppError;
use crate::ssr::entities::audit_log::{self, ActorKind};

pub use super::actor::Actor;

pub struct Entry<'a> {
    pub actor: Actor,
    pub member_id: Option<i32>,
    pub action: &'a str,
    pub before: Option<String>,
    pub after: Option<String>,
    pub ip: &'a str,
}

pub async fn record(
    db: &impl ConnectionTrait,
    entry: Entry<'_>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let (kind, id) = match entry.actor {
        Actor::Member { account_id } => (ActorKind::Member, Some(account_id)),
        Actor::Staff { staff_id } => (ActorKind::Staff, Some(staff_id)),
        Actor::System => (ActorKind::System, None),
    };
    audit_log::ActiveModel {
        occurred_at: Set(now),
        actor_kind: Set(kind),
        actor_id: Set(id),
        member_id: Set(entry.member_id),
        action: Set(entry.action.to_owned()),
        before: Set(entry.before),
        after: Set(entry.after),
        ip: Set(entry.ip.to_owned()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}
