//! Members in bulk for benchmarks (`server seed-bench N`, development only):
//! N members with a My Page account, a contract with a course and a rider,
//! two procedures and a statement with two lines each, written a thousand
//! rows per INSERT. Their numbers are 9xxxxxxxx (a range neither the
//! showcase nor the test fixtures use); every password is [`DEMO_PASSWORD`]
//! (hashed once, the same hash for all). The first member gets a known
//! browser, so a benchmark can log in without a mailed code; an operator with
//! an enrolled second factor searches them.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

use super::{catalogue, fixtures, DEMO_PASSWORD};
use crate::auth::ssr::device;
use crate::domain::procedure::{Actor, Kind, Status};
use crate::error::AppError;
use crate::ssr::entities::{
    contract, contract_course, contract_rider, member, member_account, procedure, statement,
    statement_line,
};
use crate::ssr::identity::{password, token::new_token};

/// Members written per transaction (and rows per INSERT).
const BATCH: u32 = 1_000;
/// The documents of the shipped 書類のお取り寄せ each member has.
const DOCUMENTS: &str = "pamphlet";
/// The first benchmark member number.
const FIRST: u32 = 900_000_000;
/// Family names' readings, the twenty most common: a kana search at a
/// million members meets trigrams shared by a twentieth of them, as with
/// real names, not by all.
const FAMILY: [&str; 20] = [
    "サトウ",
    "スズキ",
    "タカハシ",
    "タナカ",
    "イトウ",
    "ワタナベ",
    "ヤマモト",
    "ナカムラ",
    "コバヤシ",
    "カトウ",
    "ヨシダ",
    "ヤマダ",
    "ササキ",
    "ヤマグチ",
    "マツモト",
    "イノウエ",
    "キムラ",
    "ハヤシ",
    "シミズ",
    "ヤマザキ",
];
/// Kana the given names are made of, so kana searches find some and not all.
const KANA: [&str; 20] = [
    "ア", "イ", "ウ", "エ", "オ", "カ", "キ", "ク", "ケ", "コ", "サ", "シ", "ス", "セ", "ソ", "タ",
    "チ", "ツ", "テ", "ト",
];
const KANJI: [&str; 10] = ["〇", "一", "二", "三", "四", "五", "六", "七", "八", "九"];

/// What a benchmark needs to log in as the first member.
#[derive(Debug)]
pub struct Seeded {
    pub members: u32,
    pub user_id: String,
    pub password: String,
    /// The `mypage_device` cookie of the first member's known browser.
    pub device: String,
    /// An operator to search the members with (second factor enrolled).
    pub staff: fixtures::Staff,
}

/// Writes `n` benchmark members; refuses when some are there already.
pub async fn seed(
    db: &DatabaseConnection,
    keys: &crate::ssr::identity::sealed::SealKeys,
    n: u32,
    now: DateTime<Utc>,
) -> Result<Seeded, AppError> {
    let there = member::Entity::find()
        .filter(member::Column::MemberNumber.gte(FIRST.to_string()))
        .count(db)
        .await?;
    if there > 0 {
        return Err(AppError::Conflict(format!(
            "{there} benchmark members are there already: seed a fresh database"
        )));
    }
    // The courses and riders the contracts name (nothing when there already).
    catalogue::load(db).await?;
    let hash = password::hash_blocking(DEMO_PASSWORD.to_owned()).await?;
    let course = catalogue::course_id(db, "sogo2").await?;
    let rider = catalogue::rider_id(db, "senshin").await?;
    let added = catalogue::rider_id(db, "gan").await?;
    let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).ok_or(AppError::Internal);
    let (born, started) = (day(1980, 4, 1)?, day(2024, 4, 1)?);
    let (closed, billed) = (day(2026, 11, 20)?, day(2026, 11, 27)?);
    let paid = day(2024, 4, 1)?;
    let mut known_browser = None;
    let mut start = 0;
    while start < n {
        let end = (start + BATCH).min(n);
        let txn = crate::ssr::db::begin_write(db).await?;
        member::Entity::insert_many((start..end).map(|i| member::ActiveModel {
            member_number: Set((FIRST + i).to_string()),
            name: Set(format!("試験{}", kanji(i))),
            name_kana: Set(format!("{}　{}", FAMILY[(i % 20) as usize], kana(i / 20))),
            birth_date: Set(born + Duration::days(i64::from(i % 9000))),
            postal_code: Set("3300064".into()),
            prefecture: Set("埼玉県".into()),
            address1: Set("さいたま市浦和区岸町1丁目2番3号".into()),
            address2: Set(String::new()),
            phone: Set("048-000-9999".into()),
            workplace: Set(None),
            status: Set(member::MemberStatus::Active),
            capital_paid_on: Set(Some(paid)),
            capital_amount: Set(Some(1_000)),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }))
        .exec_without_returning(&txn)
        .await?;
        let ids = ids_of(&txn, start, end).await?;
        member_account::Entity::insert_many(ids.iter().map(|&(i, id)| {
            member_account::ActiveModel::new_account(
                id,
                format!("bench.{i:08}"),
                format!("bench{i:08}@example.jp"),
                hash.clone(),
                now,
            )
        }))
        .exec_without_returning(&txn)
        .await?;
        contract::Entity::insert_many(ids.iter().map(|&(i, id)| contract::ActiveModel {
            member_id: Set(id),
            contract_number: Set(format!("B{i:09}")),
            created_at: Set(now),
            ..Default::default()
        }))
        .exec_without_returning(&txn)
        .await?;
        let contracts: Vec<(i32, i32)> = contract::Entity::find()
            .select_only()
            .column(contract::Column::Id)
            .column(contract::Column::MemberId)
            .filter(contract::Column::MemberId.is_in(ids.iter().map(|&(_, id)| id)))
            .into_tuple()
            .all(&txn)
            .await?;
        contract_course::Entity::insert_many(contracts.iter().map(|&(c, _)| {
            contract_course::ActiveModel {
                contract_id: Set(c),
                course_id: Set(course),
                starts_on: Set(started),
                ends_on: Set(None),
                ..Default::default()
            }
        }))
        .exec_without_returning(&txn)
        .await?;
        contract_rider::Entity::insert_many(contracts.iter().map(|&(c, _)| {
            contract_rider::ActiveModel {
                contract_id: Set(c),
                rider_id: Set(rider),
                starts_on: Set(started),
                ends_on: Set(None),
                ..Default::default()
            }
        }))
        .exec_without_returning(&txn)
        .await?;
        let filed = |m: i32, kind, status, summary: &str, ago| procedure::ActiveModel {
            member_id: Set(m),
            kind: Set(kind),
            status: Set(status),
            filed_by: Set(Actor::Member),
            summary: Set(summary.to_owned()),
            created_at: Set(now - Duration::days(ago)),
            updated_at: Set(now - Duration::days(ago)),
            ..Default::default()
        };
        procedure::Entity::insert_many(contracts.iter().flat_map(|&(c, m)| {
            [
                procedure::ActiveModel {
                    documents: Set(Some(DOCUMENTS.into())),
                    ..filed(
                        m,
                        Kind::DocumentRequest,
                        Status::Shipped,
                        "約款・パンフレット",
                        40,
                    )
                },
                procedure::ActiveModel {
                    contract_id: Set(Some(c)),
                    rider_id: Set(Some(added)),
                    ..filed(
                        m,
                        Kind::RiderAddition,
                        Status::Received,
                        "がん特約の追加",
                        2,
                    )
                },
            ]
        }))
        .exec_without_returning(&txn)
        .await?;
        statement::Entity::insert_many(ids.iter().map(|&(_, id)| statement::ActiveModel {
            member_id: Set(id),
            billing_month: Set("2026-11".into()),
            closing_on: Set(closed),
            billed_on: Set(billed),
            total: Set(3_500),
            imported_at: Set(now),
            ..Default::default()
        }))
        .exec_without_returning(&txn)
        .await?;
        let statements: Vec<(i32, i32)> = statement::Entity::find()
            .select_only()
            .column(statement::Column::Id)
            .column(statement::Column::MemberId)
            .filter(statement::Column::MemberId.is_in(ids.iter().map(|&(_, id)| id)))
            .into_tuple()
            .all(&txn)
            .await?;
        let line =
            |s: i32, position: i32, description: &str, amount: i64| statement_line::ActiveModel {
                statement_id: Set(s),
                position: Set(position),
                kind: Set("premium".into()),
                contract_number: Set(None),
                description: Set(description.to_owned()),
                used_on: Set(None),
                amount: Set(amount),
                ..Default::default()
            };
        statement_line::Entity::insert_many(statements.iter().flat_map(|&(s, _)| {
            [
                line(s, 1, "総合保障2型", 3_000),
                line(s, 2, "先進医療特約", 500),
            ]
        }))
        .exec_without_returning(&txn)
        .await?;
        if start == 0 {
            let first = ids.first().map(|&(_, id)| id).ok_or(AppError::Internal)?;
            let account = member_account::Entity::find()
                .filter(member_account::Column::MemberId.eq(first))
                .one(&txn)
                .await?
                .ok_or(AppError::Internal)?;
            let token = new_token();
            device::remember(&txn, account.id, &token, "seed-bench", now).await?;
            known_browser = Some(token);
        }
        txn.commit().await?;
        start = end;
    }
    let operator = fixtures::WantedStaff {
        role: None,
        enrolled: true,
    };
    Ok(Seeded {
        members: n,
        user_id: format!("bench.{:08}", 0),
        password: DEMO_PASSWORD.to_owned(),
        device: known_browser.ok_or(AppError::Internal)?,
        staff: fixtures::staff(db, keys, &operator, now).await?,
    })
}

/// The ids of the members `start..end` just written, with their index.
async fn ids_of(
    db: &impl ConnectionTrait,
    start: u32,
    end: u32,
) -> Result<Vec<(u32, i32)>, AppError> {
    let rows: Vec<(i32, String)> = member::Entity::find()
        .select_only()
        .column(member::Column::Id)
        .column(member::Column::MemberNumber)
        .filter(member::Column::MemberNumber.gte((FIRST + start).to_string()))
        .filter(member::Column::MemberNumber.lt((FIRST + end).to_string()))
        .order_by_asc(member::Column::MemberNumber)
        .into_tuple()
        .all(db)
        .await?;
    rows.into_iter()
        .map(|(id, number)| {
            let i = number.parse::<u32>().map_err(|_| AppError::Internal)? - FIRST;
            Ok((i, id))
        })
        .collect()
}

/// `i` in kanji digits: 試験一二〇.
fn kanji(i: u32) -> String {
    i.to_string()
        .bytes()
        .map(|b| KANJI[usize::from(b - b'0')])
        .collect()
}

/// Three kana from `i`: 8,000 different given names, so a kana search finds
/// a few.
fn kana(i: u32) -> String {
    let n = KANA.len() as u32;
    [i % n, (i / n) % n, (i / n / n) % n]
        .iter()
        .map(|&k| KANA[k as usize])
        .collect()
}
