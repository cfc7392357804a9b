//! Reading contracts and their coverage periods; the catalogue and contracts
//! imports in [`import`].

pub mod change;
pub mod import;

use std::collections::HashMap;

use chrono::NaiveDate;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use super::{ContractView, Coverage};
use crate::auth::ssr::current_member;
use crate::domain::coverage::{ended_by, in_force, pending, Period};
use crate::domain::{jst, money};
use crate::error::AppError;
use crate::ssr::entities::{contract, contract_course, contract_rider, course, rider};
use crate::ssr::request::Request;

/// [`super::my_contracts`].
pub async fn contracts() -> Result<Vec<ContractView>, AppError> {
    let me = current_member().await?;
    let Request { state, now, .. } = Request::current()?;
    contracts_of(&state.db, me.member_id, jst::today(now)).await
}

/// A contract with every course and rider period it ever had, as far as
/// the member's membership goes.
pub struct ContractCoverage {
    pub contract: contract::Model,
    pub courses: Vec<(course::Model, Period)>,
    pub riders: Vec<(rider::Model, Period)>,
    /// After a recorded withdrawal, the first day without coverage (the day
    /// after the 脱退日): the periods above stop there.
    pub ends_on: Option<NaiveDate>,
}

impl ContractCoverage {
    /// The course in force on `day`.
    pub fn course_on(&self, day: NaiveDate) -> Option<&course::Model> {
        in_force(&self.courses, day).next().map(|(c, _)| c)
    }

    /// 月額掛金 on `day`: the course and riders in force.
    pub fn premium_on(&self, day: NaiveDate) -> i64 {
        in_force(&self.courses, day)
            .take(1)
            .map(|(c, _)| i64::from(c.monthly_premium))
            .chain(in_force(&self.riders, day).map(|(r, _)| i64::from(r.monthly_premium)))
            .sum()
    }
}

/// `member_id`'s contracts by number, with their periods.
pub async fn coverages_of(
    db: &impl ConnectionTrait,
    member_id: i32,
) -> Result<Vec<ContractCoverage>, AppError> {
    let contracts = contract::Entity::find()
        .filter(contract::Column::MemberId.eq(member_id))
        .order_by_asc(contract::Column::ContractNumber)
        .all(db)
        .await?;
    if contracts.is_empty() {
        return Ok(Vec::new());
    }
    // A recorded withdrawal ends every coverage after the 脱退日, whatever
    // the periods say (the core system's export may still run them on; a
    // corrected date moves the end with nothing to undo).
    let ends_on = crate::member::ssr::coverage_end(db, member_id).await?;
    // The catalogue is a handful of rows: read it once, look items up by id.
    let courses: HashMap<i32, course::Model> = course::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c))
        .collect();
    let riders: HashMap<i32, rider::Model> = rider::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.id, r))
        .collect();
    // Every contract's periods in one query per kind, not one per contract.
    let ids: Vec<i32> = contracts.iter().map(|c| c.id).collect();
    let mut course_periods: HashMap<i32, Vec<(course::Model, Period)>> = HashMap::new();
    for p in contract_course::Entity::find()
        .filter(contract_course::Column::ContractId.is_in(ids.clone()))
        .order_by_asc(contract_course::Column::Id)
        .all(db)
        .await?
    {
        if let Some(c) = courses.get(&p.course_id) {
            let Some(period) = Period::new(p.starts_on, p.ends_on).until(ends_on) else {
                continue;
            };
            course_periods
                .entry(p.contract_id)
                .or_default()
                .push((c.clone(), period));
        }
    }
    let mut rider_periods: HashMap<i32, Vec<(rider::Model, Period)>> = HashMap::new();
    for p in contract_rider::Entity::find()
        .filter(contract_rider::Column::ContractId.is_in(ids))
        .order_by_asc(contract_rider::Column::Id)
        .all(db)
        .await?
    {
        if let Some(r) = riders.get(&p.rider_id) {
            let Some(period) = Period::new(p.starts_on, p.ends_on).until(ends_on) else {
                continue;
            };
            rider_periods
                .entry(p.contract_id)
                .or_default()
                .push((r.clone(), period));
        }
    }
    let out = contracts
        .into_iter()
        .map(|c| ContractCoverage {
            courses: course_periods.remove(&c.id).unwrap_or_default(),
            riders: rider_periods.remove(&c.id).unwrap_or_default(),
            contract: c,
            ends_on,
        })
        .collect();
    Ok(out)
}

/// What `member_id`'s contracts cover on `day`.
pub async fn contracts_of(
    db: &impl ConnectionTrait,
    member_id: i32,
    day: NaiveDate,
) -> Result<Vec<ContractView>, AppError> {
    Ok(coverages_of(db, member_id)
        .await?
        .into_iter()
        .map(|c| {
            view(
                c.contract.contract_number,
                &c.courses,
                &c.riders,
                (day, c.ends_on),
            )
        })
        .collect())
}

fn coverage(name: &str, premium: i32, summary: &str, period: &Period) -> Coverage {
    Coverage {
        name: name.to_owned(),
        monthly_premium: money::yen(premium.into()),
        summary: summary.to_owned(),
        starts_on: jst::format_date(period.starts_on),
    }
}

fn view(
    contract_number: String,
    courses: &[(course::Model, Period)],
    riders: &[(rider::Model, Period)],
    (day, ends_on): (NaiveDate, Option<NaiveDate>),
) -> ContractView {
    let course = in_force(courses, day)
        .next()
        .map(|(c, p)| coverage(&c.name, c.monthly_premium, &c.summary, p));
    let mut in_force_riders: Vec<_> = in_force(riders, day).collect();
    in_force_riders.sort_by_key(|(r, _)| r.sort_order);
    let total: i64 = in_force(courses, day)
        .take(1)
        .map(|(c, _)| i64::from(c.monthly_premium))
        .chain(
            in_force_riders
                .iter()
                .map(|(r, _)| i64::from(r.monthly_premium)),
        )
        .sum();
    // A contract whose coverage has not started yet (a new one, registered
    // ahead of its start) has no earlier course to show meanwhile.
    let starting = course.is_none();
    let mut notes: Vec<String> = pending(courses, day)
        .into_iter()
        .map(|(c, p)| {
            let on = jst::format_date(p.starts_on);
            if starting {
                format!("コース「{}」の保障は、保障開始日の{on}から始まります。", c.name)
            } else {
                format!(
                    "変更後のコース「{}」は{on}から表示されます。それまでは変更前のコースを表示しています。",
                    c.name
                )
            }
        })
        .collect();
    notes.extend(pending(riders, day).into_iter().map(|(r, p)| {
        let on = jst::format_date(p.starts_on);
        if starting {
            format!(
                "特約「{}」の保障は、保障開始日の{on}から始まります。",
                r.name
            )
        } else {
            format!(
                "お申し込みの特約「{}」は、保障開始日の{on}から表示されます。",
                r.name
            )
        }
    }));
    ContractView {
        contract_number,
        course,
        riders: in_force_riders
            .into_iter()
            .map(|(r, p)| coverage(&r.name, r.monthly_premium, &r.summary, p))
            .collect(),
        monthly_total: money::yen(total),
        pending: notes,
        ended: match ends_on {
            // Withdrawn: ended from the day after the 脱退日, even when
            // nothing had started yet.
            // (or, for a contract that had ended before, its own last day).
            Some(end) if end <= day => ended_by(courses, day)
                .max(ended_by(riders, day))
                .or(end.pred_opt()),
            _ => ended_by(courses, day)
                .filter(|_| ended_by(riders, day).is_some() || riders.is_empty()),
        }
        .map(jst::format_date),
    }
}
