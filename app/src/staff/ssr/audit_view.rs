//! The audit log as staff read it (S6), with filters.

use std::collections::HashMap;

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::super::{AuditRow, Listing, AUDIT_ACTIONS};
use super::auth::current_staff;
use super::office::MAX_ROWS;
use crate::auth::ssr::display_member_number;
use crate::domain::jst;
use crate::domain::member_number::MemberNumber;
use crate::error::AppError;
use crate::ssr::entities::audit_log::{self, ActorKind};
use crate::ssr::entities::{member, member_account, staff_account};
use crate::ssr::request::Request;

/// The filters of the audit view; empty ones are ignored.
pub struct Filter<'a> {
    /// `member`, `staff` or `system`.
    pub actor: Option<&'a str>,
    /// An action code, e.g. `procedure_status`.
    pub action: Option<&'a str>,
    /// A member number.
    pub member: Option<&'a str>,
    /// A member, by id (the member's page).
    pub member_id: Option<i32>,
    /// JST dates, inclusive.
    pub from: Option<&'a str>,
    pub until: Option<&'a str>,
    /// Leave out staff opening a record (the history of changes only).
    pub hide_views: bool,
}

pub fn action_label(code: &str) -> String {
    AUDIT_ACTIONS
        .iter()
        .find(|(c, _)| *c == code)
        .map_or_else(|| code.to_owned(), |(_, label)| (*label).to_owned())
}

fn date(field: &str, text: Option<&str>) -> Result<Option<NaiveDate>, AppError> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(t) => NaiveDate::parse_from_str(t, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| AppError::field(field, "日付を正しく入力してください。")),
    }
}

/// The start of a JST day, in UTC.
fn start_of(day: NaiveDate) -> Result<chrono::DateTime<Utc>, AppError> {
    let local = day.and_hms_opt(0, 0, 0).ok_or(AppError::Internal)?;
    jst::offset()
        .from_local_datetime(&local)
        .single()
        .map(|t| t.with_timezone(&Utc))
        .ok_or(AppError::Internal)
}

/// [`crate::staff::staff_audit`]: the newest [`MAX_ROWS`], and whether
/// older ones matched too.
pub async fn entries(filter: Filter<'_>) -> Result<Listing<AuditRow>, AppError> {
    current_staff().await?;
    let Request { state, .. } = Request::current()?;
    let db = &state.db;
    let mut query = audit_log::Entity::find();
    if let Some(actor) = filter.actor.filter(|a| !a.is_empty()) {
        let kind = match actor {
            "member" => ActorKind::Member,
            "staff" => ActorKind::Staff,
            "system" => ActorKind::System,
            _ => return Err(AppError::field("actor", "操作者の種類を選んでください。")),
        };
        query = query.filter(audit_log::Column::ActorKind.eq(kind));
    }
    if let Some(action) = filter.action.filter(|a| !a.is_empty()) {
        query = query.filter(audit_log::Column::Action.eq(action));
    }
    if filter.hide_views {
        query = query.filter(audit_log::Column::Action.is_not_in(crate::staff::VIEW_ACTIONS));
    }
    if let Some(number) = filter.member.map(str::trim).filter(|m| !m.is_empty()) {
        let number = MemberNumber::parse(number).map_err(|e| AppError::field("member", e.0))?;
        let found = member::Entity::find()
            .filter(member::Column::MemberNumber.eq(number.digits()))
            .one(db)
            .await?;
        // An unknown number matches nothing rather than everything.
        query = query.filter(audit_log::Column::MemberId.eq(found.map_or(-1, |m| m.id)));
    }
    if let Some(id) = filter.member_id {
        query = query.filter(audit_log::Column::MemberId.eq(id));
    }
    if let Some(from) = date("from", filter.from)? {
        query = query.filter(audit_log::Column::OccurredAt.gte(start_of(from)?));
    }
    if let Some(until) = date("until", filter.until)? {
        query =
            query.filter(audit_log::Column::OccurredAt.lt(start_of(until)? + Duration::days(1)));
    }
    let read = query
        .order_by_desc(audit_log::Column::OccurredAt)
        .order_by_desc(audit_log::Column::Id)
        .limit(MAX_ROWS + 1)
        .all(db)
        .await?;
    let listing = Listing::of(read, MAX_ROWS, true);
    let rows = &listing.rows;

    let member_ids: Vec<i32> = rows.iter().filter_map(|r| r.member_id).collect();
    let members: HashMap<i32, member::Model> = member::Entity::find()
        .filter(member::Column::Id.is_in(member_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|m| (m.id, m))
        .collect();
    let account_ids: Vec<i32> = rows
        .iter()
        .filter(|r| r.actor_kind == ActorKind::Member)
        .filter_map(|r| r.actor_id)
        .collect();
    let accounts: HashMap<i32, i32> = member_account::Entity::find()
        .filter(member_account::Column::Id.is_in(account_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.id, a.member_id))
        .collect();
    let staff: HashMap<i32, staff_account::Model> = staff_account::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.id, s))
        .collect();
    let member_label = |id: i32| {
        members
            .get(&id)
            .map(|m| format!("{} {}", display_member_number(&m.member_number), m.name))
    };
    Ok(listing.map_rows(|rows| {
        rows.into_iter()
            .map(|r| {
                let actor = match (r.actor_kind, r.actor_id) {
                    (ActorKind::Member, Some(account)) => {
                        let who = accounts
                            .get(&account)
                            .and_then(|m| member_label(*m))
                            .unwrap_or_default();
                        format!("組合員 {who}").trim_end().to_owned()
                    }
                    (ActorKind::Staff, Some(id)) => match staff.get(&id) {
                        Some(s) => format!("職員 {}({})", s.name, s.login_id),
                        None => "職員".to_owned(),
                    },
                    (ActorKind::Staff, None) => "職員".to_owned(),
                    _ => "システム(運用コマンド)".to_owned(),
                };
                AuditRow {
                    at: jst::format_datetime(r.occurred_at),
                    actor,
                    member: r.member_id.and_then(member_label),
                    action: action_label(&r.action),
                    before: r.before,
                    after: r.after,
                    ip: r.ip,
                }
            })
            .collect()
    }))
}
