//! The coverage an approved change brings (M6, S3): a rider added to a
//! contract, or its course changed, from a day the workflow decided. Run in
//! the caller's transaction, which also moves the procedure.

use chrono::NaiveDate;
use sea_orm::{
    sea_query::ExprTrait, ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait,
    EntityTrait, QueryFilter,
};

use crate::domain::jst;
use crate::error::AppError;
use crate::ssr::entities::{contract_course, contract_rider};

const RIDER_HELD: &str = "この特約は、すでにこのご契約に付加されています。不承諾としてください。";

/// Adds `rider_id` to `contract_id` from `starts_on`, unless the contract
/// has no course then (it ended: a rider alone would make it look in force
/// again) or holds the rider already (the unique index settles two
/// approvals at once).
pub async fn add_rider(
    txn: &impl ConnectionTrait,
    contract_id: i32,
    rider_id: i32,
    starts_on: NaiveDate,
) -> Result<(), AppError> {
    let covered = contract_course::Entity::find()
        .filter(contract_course::Column::ContractId.eq(contract_id))
        .filter(contract_course::Column::StartsOn.lte(starts_on))
        .filter(
            contract_course::Column::EndsOn
                .is_null()
                .or(contract_course::Column::EndsOn.gt(starts_on)),
        )
        .one(txn)
        .await?;
    let Some(course) = covered else {
        return Err(AppError::field(
            "starts_on",
            "このご契約は、この日にコースの保障がありません。保障開始日を見直すか、不承諾としてください。",
        ));
    };
    // The rider ends with the contract's coverage: this course and the
    // ones that follow it without a gap (a course change), open if the last
    // of them is (a rider alone would make an ended contract look in force).
    let courses = contract_course::Entity::find()
        .filter(contract_course::Column::ContractId.eq(contract_id))
        .all(txn)
        .await?;
    let mut ends_on = course.ends_on;
    // At most one step per period: a malformed row cannot loop.
    for _ in 0..courses.len() {
        let Some(end) = ends_on else { break };
        let Some(next) = courses.iter().find(|c| c.starts_on == end) else {
            break;
        };
        ends_on = next.ends_on;
    }
    let held = contract_rider::Entity::find()
        .filter(contract_rider::Column::ContractId.eq(contract_id))
        .filter(contract_rider::Column::RiderId.eq(rider_id))
        .filter(
            contract_rider::Column::EndsOn
                .is_null()
                .or(contract_rider::Column::EndsOn.gt(starts_on)),
        )
        .one(txn)
        .await?;
    if held.is_some() {
        return Err(AppError::Conflict(RIDER_HELD.to_owned()));
    }
    contract_rider::ActiveModel {
        contract_id: Set(contract_id),
        rider_id: Set(rider_id),
        starts_on: Set(starts_on),
        ends_on: Set(ends_on),
        ..Default::default()
    }
    .insert(txn)
    .await
    .map_err(|e| {
        if crate::ssr::db::is_unique_violation(&e) {
            AppError::Conflict(RIDER_HELD.to_owned())
        } else {
            e.into()
        }
    })?;
    Ok(())
}

/// Ends the open course of `contract_id` the day before `starts_on` and
/// opens `course_id` from it.
pub async fn change_course(
    txn: &impl ConnectionTrait,
    contract_id: i32,
    course_id: i32,
    starts_on: NaiveDate,
) -> Result<(), AppError> {
    let open: Vec<contract_course::Model> = contract_course::Entity::find()
        .filter(contract_course::Column::ContractId.eq(contract_id))
        .filter(contract_course::Column::EndsOn.is_null())
        .all(txn)
        .await?;
    let [current] = open.as_slice() else {
        return Err(AppError::Conflict(
            "このご契約のコースの記録が一つに定まらないため、承諾できません。".to_owned(),
        ));
    };
    if current.starts_on >= starts_on {
        return Err(AppError::Conflict(format!(
            "現在のコースの保障開始日({})より後の日付を指定してください。",
            jst::format_date(current.starts_on)
        )));
    }
    if current.course_id == course_id {
        return Err(AppError::Conflict(
            "変更後のコースは、すでに現在のコースです。不承諾としてください。".to_owned(),
        ));
    }
    contract_course::ActiveModel {
        id: Set(current.id),
        ends_on: Set(Some(starts_on)),
        ..Default::default()
    }
    .update(txn)
    .await?;
    contract_course::ActiveModel {
        contract_id: Set(contract_id),
        course_id: Set(course_id),
        starts_on: Set(starts_on),
        ends_on: Set(None),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    Ok(())
}
