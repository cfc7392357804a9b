//! The demo's procedures.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter,
};

use crate::error::AppError;

/// The procedures behind the demo's decided changes, so 手続き照会 explains
/// what ご契約内容 does not show yet: 共済太郎's がん特約 and 共済花子's course
/// change, approved from next month, and a document request staff took by
/// phone for 小林結衣, already shipped. Once.
pub async fn load(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<(), AppError> {
    use crate::domain::coverage::first_of_next_month;
    use crate::domain::procedure::{Actor, Kind, Status};
    use crate::ssr::entities::{
        contract, course, procedure, procedure_event, rider, staff_account,
    };
    use chrono::Duration;

    if procedure::Entity::find().one(db).await?.is_some() {
        return Ok(());
    }
    let staff = staff_account::Entity::find()
        .filter(staff_account::Column::LoginId.eq("operator"))
        .one(db)
        .await?
        .ok_or(AppError::Internal)?;
    let next_month = first_of_next_month(crate::domain::jst::today(now));
    let days_ago = |d: i64| now - Duration::days(d);
    let contract_of = |number: &'static str| {
        contract::Entity::find().filter(contract::Column::ContractNumber.eq(number))
    };
    let (Some(taro), Some(hanako), Some(yui)) = (
        contract_of("K-2019-000101").one(db).await?,
        contract_of("K-2021-000231").one(db).await?,
        contract_of("K-2025-001002").one(db).await?,
    ) else {
        return Ok(());
    };
    let gan = rider::Entity::find()
        .filter(rider::Column::Code.eq("gan"))
        .one(db)
        .await?
        .ok_or(AppError::Internal)?;
    let sogo4 = course::Entity::find()
        .filter(course::Column::Code.eq("sogo4"))
        .one(db)
        .await?
        .ok_or(AppError::Internal)?;

    struct Demo {
        contract: Option<i32>,
        member: i32,
        kind: Kind,
        course: Option<i32>,
        rider: Option<i32>,
        documents: Option<&'static str>,
        summary: &'static str,
        by_staff: bool,
        /// (status, days ago, by staff)
        steps: &'static [(Status, i64, bool)],
        starts_on: Option<NaiveDate>,
    }
    const DECIDED: &[(Status, i64, bool)] = &[
        (Status::Received, 12, false),
        (Status::UnderReview, 10, true),
        (Status::Approved, 9, true),
    ];
    let demos = [
        Demo {
            contract: None,
            member: yui.member_id,
            kind: Kind::DocumentRequest,
            course: None,
            rider: None,
            documents: Some("pamphlet"),
            summary: "コース・特約のパンフレット",
            by_staff: true,
            steps: &[(Status::Received, 30, true), (Status::Shipped, 29, true)],
            starts_on: None,
        },
        Demo {
            contract: Some(taro.id),
            member: taro.member_id,
            kind: Kind::RiderAddition,
            course: None,
            rider: Some(gan.id),
            documents: None,
            summary: "がん特約(月額掛金 1,000円)",
            by_staff: false,
            steps: DECIDED,
            starts_on: Some(next_month),
        },
        Demo {
            contract: Some(hanako.id),
            member: hanako.member_id,
            kind: Kind::CourseChange,
            course: Some(sogo4.id),
            rider: None,
            documents: None,
            summary: "入院保障型2型 → 総合保障型4型(月額掛金 +2,000円)",
            by_staff: false,
            steps: DECIDED,
            starts_on: Some(next_month),
        },
    ];
    let txn = crate::ssr::db::begin_write(db).await?;
    for d in demos {
        let (last, last_days, _) = d.steps[d.steps.len() - 1];
        let saved = procedure::ActiveModel {
            member_id: Set(d.member),
            contract_id: Set(d.contract),
            kind: Set(d.kind),
            status: Set(last),
            filed_by: Set(if d.by_staff {
                Actor::Staff
            } else {
                Actor::Member
            }),
            filed_by_staff_id: Set(d.by_staff.then_some(staff.id)),
            course_id: Set(d.course),
            rider_id: Set(d.rider),
            documents: Set(d.documents.map(Into::into)),
            summary: Set(d.summary.into()),
            coverage_starts_on: Set(d.starts_on),
            created_at: Set(days_ago(d.steps[0].1)),
            updated_at: Set(days_ago(last_days)),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        for (status, days, by_staff) in d.steps {
            procedure_event::ActiveModel {
                procedure_id: Set(saved.id),
                status: Set(*status),
                actor: Set(if *by_staff {
                    Actor::Staff
                } else {
                    Actor::Member
                }),
                staff_id: Set(by_staff.then_some(staff.id)),
                comment: Set(None),
                occurred_at: Set(days_ago(*days)),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
        }
    }
    txn.commit().await?;
    Ok(())
}
