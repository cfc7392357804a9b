//! Reading procedures and their history, for 手続き照会 and the back office.

use chrono::NaiveDate;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use super::super::{HistoryEntry, ProcedureDetail, ProcedureSummary};
use crate::domain::calendar::{business_days_after, is_national_holiday};
use crate::domain::procedure::{receipt_number, Actor, Kind, Status, NAME_CHANGE_BUSINESS_DAYS};
use crate::domain::{jst, procedure::transition};
use crate::error::AppError;
use crate::ssr::entities::{contract, procedure, procedure_event};
use crate::ssr::Config;

pub fn summary(p: &procedure::Model) -> ProcedureSummary {
    ProcedureSummary {
        id: p.id,
        receipt: receipt_number(jst::today(p.created_at), p.id),
        kind: p.kind.label().to_owned(),
        summary: p.summary.clone(),
        status: p.status,
        status_label: p.status.label().to_owned(),
        filed_at: jst::format_datetime(p.created_at),
        updated_at: jst::format_datetime(p.updated_at),
        filed_by: p.filed_by.label().to_owned(),
        filed_by_staff: p.filed_by == Actor::Staff,
    }
}

/// Every procedure of `member_id`, newest first.
pub async fn summaries_of(
    db: &impl ConnectionTrait,
    member_id: i32,
) -> Result<Vec<ProcedureSummary>, AppError> {
    Ok(procedure::Entity::find()
        .filter(procedure::Column::MemberId.eq(member_id))
        .order_by_desc(procedure::Column::CreatedAt)
        .order_by_desc(procedure::Column::Id)
        .all(db)
        .await?
        .iter()
        .map(summary)
        .collect())
}

/// Procedure `id`; with `member_id`, only if it is that member's (else not found,
/// the same as an id that does not exist).
pub async fn find(
    db: &impl ConnectionTrait,
    id: i32,
    member_id: Option<i32>,
) -> Result<procedure::Model, AppError> {
    let mut query = procedure::Entity::find_by_id(id);
    if let Some(member_id) = member_id {
        query = query.filter(procedure::Column::MemberId.eq(member_id));
    }
    query.one(db).await?.ok_or(AppError::NotFound)
}

/// When a name change filed at `p.created_at` should be applied.
pub fn name_change_expected_on(p: &procedure::Model) -> chrono::NaiveDate {
    business_days_after(
        jst::today(p.created_at),
        NAME_CHANGE_BUSINESS_DAYS,
        is_national_holiday,
    )
}

/// Who reads a procedure's notes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reader {
    /// The member on 手続き照会.
    Page,
    /// A status mail; `signed_in`: whether the member can log in now. A
    /// member whose My Page is closed is not pointed to its screens.
    Mail { signed_in: bool },
}

impl Reader {
    fn sees_my_page(self) -> bool {
        matches!(self, Self::Page | Self::Mail { signed_in: true })
    }
}

/// What the member should know about a procedure in its current state.
/// `coverage_end`: after a recorded withdrawal, the first day without
/// coverage (an approved change starting then never starts).
pub fn notes(
    config: &Config,
    p: &procedure::Model,
    coverage_end: Option<NaiveDate>,
    reader: Reader,
) -> Vec<String> {
    let mut notes = Vec::new();
    let never_starts = p
        .coverage_starts_on
        .zip(coverage_end)
        .is_some_and(|(day, end)| day >= end);
    // What the member's screens show; said only to one who can open them.
    let shown = |note: &str, on_my_page: &str| {
        if reader.sees_my_page() {
            format!("{note}{on_my_page}")
        } else {
            note.to_owned()
        }
    };
    match (p.status, p.kind, p.coverage_starts_on) {
        (Status::Approved, Kind::CourseChange | Kind::RiderAddition, Some(_)) if never_starts => {
            notes.push(shown(
                "脱退が記録されたため、このお手続きの保障は始まりません。",
                "ご契約内容は脱退日までの保障を表示しています。",
            ))
        }
        (Status::Received | Status::UnderReview, Kind::NameChange, _) => notes.push(shown(
            &format!(
                "当組合で確認のうえ、新しい氏名を登録します。反映の目安は{}ごろです(土日祝・年末年始を除く{NAME_CHANGE_BUSINESS_DAYS}営業日)。",
                jst::format_date(name_change_expected_on(p))
            ),
            "反映までは、マイページと組合員証には現在の氏名を表示します。",
        )),
        (Status::Approved, Kind::NameChange, _) => notes.push(shown(
            "新しい氏名を登録しました。",
            "マイページと組合員証には新しい氏名を表示します。",
        )),
        (Status::Approved, Kind::CourseChange, Some(day)) => notes.push(shown(
            &format!("変更後のコースの保障開始日は{}です。", jst::format_date(day)),
            "ご契約内容には、変更後のコースの保障開始日までは変更前のコースを表示します。",
        )),
        (Status::Approved, Kind::RiderAddition, Some(day)) => notes.push(shown(
            &format!("特約の保障開始日は{}です。", jst::format_date(day)),
            "保障開始前の特約は、ご契約内容に表示されません。保障開始日以降にご確認ください。",
        )),
        (Status::Shipped, _, _) => notes.push(
            "「発送済」になった日から、およそ1週間以内にお届けします。年末年始・長期連休・郵便事情により、さらにお時間をいただく場合があります。"
                .to_owned(),
        ),
        (Status::Declined, _, _) => notes.push(format!(
            "ご不明な点は、{}({})までお問い合わせください。",
            config.coop_name, config.coop_phone
        )),
        _ => {}
    }
    // Cancelling is done on the screen, not from a mail.
    if reader == Reader::Page && can_cancel(p) {
        notes.push("状況が「受付」の間は、このお手続きを取り消すことができます。".to_owned());
    }
    notes
}

/// Members may withdraw what they filed themselves, while it is still 受付.
pub fn can_cancel(p: &procedure::Model) -> bool {
    p.filed_by == Actor::Member
        && transition(p.kind, p.status, Status::Cancelled, Actor::Member).is_ok()
}

/// The status history of `p`, oldest first.
pub async fn history(
    db: &impl ConnectionTrait,
    p: &procedure::Model,
) -> Result<Vec<HistoryEntry>, AppError> {
    Ok(procedure_event::Entity::find()
        .filter(procedure_event::Column::ProcedureId.eq(p.id))
        .order_by_asc(procedure_event::Column::OccurredAt)
        .order_by_asc(procedure_event::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|e| HistoryEntry {
            at: jst::format_datetime(e.occurred_at),
            status_label: e.status.label().to_owned(),
            by: e.actor.label().to_owned(),
            comment: e.comment,
        })
        .collect())
}

pub async fn detail(
    db: &impl ConnectionTrait,
    config: &Config,
    p: &procedure::Model,
) -> Result<ProcedureDetail, AppError> {
    let contract_number = match p.contract_id {
        Some(id) => contract::Entity::find_by_id(id)
            .one(db)
            .await?
            .map(|c| c.contract_number),
        None => None,
    };
    let coverage_end = crate::member::ssr::coverage_end(db, p.member_id).await?;
    Ok(ProcedureDetail {
        summary: summary(p),
        contract_number,
        coverage_starts_on: p.coverage_starts_on.map(jst::format_date),
        notes: notes(config, p, coverage_end, Reader::Page),
        history: history(db, p).await?,
        can_cancel: can_cancel(p),
    })
}

/// Coverage the co-op approved here: a rider added or a course changed on
/// a contract, from `starts_on`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApprovedCoverage {
    pub contract_id: i32,
    /// A rider's id (`rider: true`) or a course's.
    pub rider: bool,
    pub item_id: i32,
    pub starts_on: NaiveDate,
    pub receipt: String,
}

/// The approved coverage changes of `contract_ids` (what a contracts
/// import compares its file with).
pub async fn approved_coverage(
    db: &impl ConnectionTrait,
    contract_ids: &[i32],
) -> Result<Vec<ApprovedCoverage>, AppError> {
    let mut out = Vec::new();
    // Far below SQLite's 32,766 parameters.
    for chunk in contract_ids.chunks(1000) {
        let rows = procedure::Entity::find()
            .filter(procedure::Column::ContractId.is_in(chunk.iter().copied()))
            .filter(procedure::Column::Status.eq(Status::Approved))
            .filter(procedure::Column::Kind.is_in([Kind::RiderAddition, Kind::CourseChange]))
            .filter(procedure::Column::CoverageStartsOn.is_not_null())
            .order_by_asc(procedure::Column::Id)
            .all(db)
            .await?;
        out.extend(rows.into_iter().filter_map(|p| {
            let rider = p.kind == Kind::RiderAddition;
            Some(ApprovedCoverage {
                contract_id: p.contract_id?,
                rider,
                item_id: if rider { p.rider_id? } else { p.course_id? },
                starts_on: p.coverage_starts_on?,
                receipt: receipt_number(jst::today(p.created_at), p.id),
            })
        }));
    }
    Ok(out)
}
