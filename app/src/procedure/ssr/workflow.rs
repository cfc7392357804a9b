//! Moving a procedure through its statuses: the one rule of
//! [`crate::domain::procedure::transition`], the history entry, the mail to
//! the member, the audit entry and, when a course change or rider is
//! approved, the new coverage periods, all in one transaction.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    sea_query::Expr, ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait,
    DatabaseConnection, EntityTrait, QueryFilter,
};

use super::read;
use crate::domain::coverage::check_start;
use crate::domain::jst;
use crate::domain::procedure::{
    receipt_number, transition, Actor, Kind, Status, MAX_COMMENT_CHARS,
};
use crate::error::AppError;
use crate::ssr::audit;
use crate::ssr::entities::{member, member_account, procedure, procedure_event};
use crate::ssr::mail::{self, templates};
use crate::ssr::Config;

/// Who is acting on a procedure (the one actor type of the product).
pub use crate::ssr::actor::Actor as By;

/// A requested status change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Move {
    pub to: Status,
    pub comment: Option<String>,
    /// Required when approving a course change or rider.
    pub starts_on: Option<NaiveDate>,
}

pub async fn record_event(
    txn: &impl ConnectionTrait,
    p: &procedure::Model,
    status: Status,
    by: By,
    comment: Option<String>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    procedure_event::ActiveModel {
        procedure_id: Set(p.id),
        status: Set(status),
        actor: Set(by.side()),
        staff_id: Set(by.staff_id()),
        comment: Set(comment),
        occurred_at: Set(now),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    Ok(())
}

pub async fn audit(
    txn: &impl ConnectionTrait,
    p: &procedure::Model,
    by: By,
    action: &str,
    before: Option<String>,
    ip: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let after = format!(
        "{} {}「{}」{}",
        receipt_number(jst::today(p.created_at), p.id),
        p.kind.label(),
        p.summary,
        p.status.label()
    );
    let after = match p.coverage_starts_on {
        Some(day) => format!("{after} 保障開始日 {}", jst::format_date(day)),
        None => after,
    };
    audit::record(
        txn,
        audit::Entry {
            actor: by,
            member_id: Some(p.member_id),
            action,
            before,
            after: Some(after),
            ip,
        },
        now,
    )
    .await
}

/// The member's name and registered address, for a mail.
async fn recipient(
    txn: &impl ConnectionTrait,
    member_id: i32,
    now: DateTime<Utc>,
) -> Result<Option<(String, String, bool)>, AppError> {
    let found = member::Entity::find_by_id(member_id)
        .find_also_related(member_account::Entity)
        .one(txn)
        .await?;
    Ok(found.and_then(|(m, a)| {
        a.map(|a| {
            let signed_in = crate::member::ssr::access(&m, &a, now).is_ok();
            (a.email, m.name, signed_in)
        })
    }))
}

/// Queues the mail `compose` writes about `p` to its member, told whether
/// the member can log in now. A member without a My Page account has no
/// address to write to: nothing is sent.
async fn mail_member(
    txn: &impl ConnectionTrait,
    p: &procedure::Model,
    now: DateTime<Utc>,
    compose: impl FnOnce(&templates::Recipient, &templates::ProcedureFacts, bool) -> mail::Mail,
) -> Result<(), AppError> {
    let Some((email, name, signed_in)) = recipient(txn, p.member_id, now).await? else {
        return Ok(());
    };
    let receipt = receipt_number(jst::today(p.created_at), p.id);
    let facts = templates::ProcedureFacts {
        receipt: &receipt,
        kind: p.kind.label(),
        summary: &p.summary,
    };
    let to = templates::Recipient {
        email: &email,
        name: &name,
    };
    mail::enqueue(txn, compose(&to, &facts, signed_in), now).await
}

pub async fn mail_filed(
    txn: &impl ConnectionTrait,
    config: &Config,
    p: &procedure::Model,
    by: By,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let by_staff = by.side() == Actor::Staff;
    mail_member(txn, p, now, |to, facts, signed_in| {
        templates::procedure_filed(config, to, facts, by_staff, signed_in)
    })
    .await
}

async fn mail_status(
    txn: &impl ConnectionTrait,
    config: &Config,
    p: &procedure::Model,
    comment: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    mail_member(txn, p, now, |to, facts, signed_in| {
        // Coverage is never approved after a withdrawal: no end to pass.
        let notes = read::notes(config, p, None, read::Reader::Mail { signed_in });
        templates::procedure_status(
            config,
            to,
            facts,
            p.status.label(),
            &notes,
            comment,
            signed_in,
        )
    })
    .await
}

/// Checks a staff comment: trimmed, optional, limited in length.
pub fn clean_comment(raw: Option<&str>) -> Result<Option<String>, AppError> {
    let comment = raw.map(str::trim).filter(|c| !c.is_empty());
    match comment {
        Some(c) if c.chars().count() > MAX_COMMENT_CHARS => Err(AppError::field(
            "comment",
            format!("コメントは{MAX_COMMENT_CHARS}文字以内で入力してください。"),
        )),
        other => Ok(other.map(str::to_owned)),
    }
}

/// Moves procedure `id` as `by` asks. With `member_id`, only that member's
/// procedure is found. Refused moves change nothing.
#[allow(clippy::too_many_arguments)]
pub async fn move_to(
    db: &DatabaseConnection,
    config: &Config,
    id: i32,
    member_id: Option<i32>,
    by: By,
    step: Move,
    ip: &str,
    now: DateTime<Utc>,
) -> Result<procedure::Model, AppError> {
    if step.to == Status::Cancelled && by.side() == Actor::Staff && step.comment.is_none() {
        return Err(AppError::field(
            "comment",
            "取り消す理由をコメントに入力してください(組合員にも表示されます)。",
        ));
    }
    let txn = crate::ssr::db::begin_write(db).await?;
    let current = read::find(&txn, id, member_id).await?;
    transition(current.kind, current.status, step.to, by.side())
        .map_err(|e| AppError::Conflict(e.to_string()))?;
    let starts_on = if step.to == Status::Approved && current.kind.is_coverage() {
        let day = step
            .starts_on
            .ok_or_else(|| AppError::field("starts_on", "保障開始日を入力してください。"))?;
        check_start(day, jst::today(now))
            .map_err(|e| AppError::field("starts_on", e.to_string()))?;
        write_coverage(&txn, &current, day).await?;
        Some(day)
    } else {
        current.coverage_starts_on
    };
    if step.to == Status::Approved && current.kind == Kind::NameChange {
        let (Some(name), Some(kana)) = (&current.new_name, &current.new_name_kana) else {
            return Err(AppError::Internal);
        };
        crate::member::ssr::changes::write_name(&txn, current.member_id, (name, kana), by, ip, now)
            .await?;
    }
    // Only lands if nobody moved it meanwhile (another staff member, or the
    // member cancelling): otherwise the whole change is rolled back.
    let updated = procedure::Entity::update_many()
        .col_expr(procedure::Column::Status, Expr::value(step.to))
        .col_expr(procedure::Column::CoverageStartsOn, Expr::value(starts_on))
        .col_expr(procedure::Column::UpdatedAt, Expr::value(now))
        .filter(procedure::Column::Id.eq(current.id))
        .filter(procedure::Column::Status.eq(current.status))
        .exec(&txn)
        .await?;
    if updated.rows_affected != 1 {
        txn.rollback().await?;
        return Err(AppError::Conflict(
            "このお手続きは、ほかの操作で状況が変わりました。画面を読み込み直してください。"
                .to_owned(),
        ));
    }
    let moved = procedure::Model {
        status: step.to,
        coverage_starts_on: starts_on,
        updated_at: now,
        ..current.clone()
    };
    record_event(&txn, &moved, step.to, by, step.comment.clone(), now).await?;
    mail_status(&txn, config, &moved, step.comment.as_deref(), now).await?;
    audit(
        &txn,
        &moved,
        by,
        "procedure_status",
        Some(current.status.label().to_owned()),
        ip,
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(moved)
}

/// The coverage an approved change brings, from `starts_on`.
async fn write_coverage(
    txn: &impl ConnectionTrait,
    p: &procedure::Model,
    starts_on: NaiveDate,
) -> Result<(), AppError> {
    let contract_id = p.contract_id.ok_or(AppError::Internal)?;
    // Filed before a withdrawal was recorded: nothing is added after it.
    if crate::member::ssr::coverage_end(txn, p.member_id)
        .await?
        .is_some()
    {
        return Err(AppError::Conflict(
            "脱退が記録されている組合員のため、保障の追加・変更は承諾できません。不承諾としてください。"
                .to_owned(),
        ));
    }
    use crate::contract::ssr::change;
    match p.kind {
        Kind::RiderAddition => {
            let rider_id = p.rider_id.ok_or(AppError::Internal)?;
            change::add_rider(txn, contract_id, rider_id, starts_on).await
        }
        Kind::CourseChange => {
            let course_id = p.course_id.ok_or(AppError::Internal)?;
            change::change_course(txn, contract_id, course_id, starts_on).await
        }
        _ => Err(AppError::Internal),
    }
}
