//! The course and rider catalogue, in the style of a prefectural 県民共済.

use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter,
};

use crate::error::AppError;
use crate::ssr::entities::{course, rider};

/// コース: (code, name, 掛金, summary).
const COURSES: &[(&str, &str, i32, &str)] = &[
    ("sogo2", "総合保障型2型", 2000, "入院(事故・病気)1日 4,500円、通院(事故)1日 1,000円、死亡(事故)800万円、死亡(病気)400万円"),
    ("sogo4", "総合保障型4型", 4000, "入院(事故・病気)1日 9,000円、通院(事故)1日 2,000円、死亡(事故)1,600万円、死亡(病気)800万円"),
    ("nyuin2", "入院保障型2型", 2000, "入院(事故)1日 10,000円、入院(病気)1日 9,000円、手術 2.5万〜10万円"),
    ("jukunen2", "熟年型2型", 2000, "入院(事故)1日 2,500円、入院(病気)1日 2,000円、死亡(事故)500万円"),
    ("kodomo1", "こども型1型", 1000, "入院(事故・病気)1日 5,000円、通院(事故)1日 1,500円、扶養者死亡 100万〜500万円"),
];

/// 特約: (code, name, 掛金, summary).
const RIDERS: &[(&str, &str, i32, &str)] = &[
    (
        "senshin",
        "先進医療特約",
        200,
        "先進医療の技術料 1〜1,000万円(通算)",
    ),
    (
        "gan",
        "がん特約",
        1000,
        "がん診断一時金 50万円、がん入院1日 5,000円",
    ),
    (
        "josei",
        "女性疾病特約",
        600,
        "女性特有の病気による入院1日 3,000円",
    ),
    (
        "sandai",
        "三大疾病特約",
        800,
        "三大疾病(がん・心疾患・脳血管疾患)一時金 50万円",
    ),
];

/// Courses and riders not there yet, by code.
pub async fn load(db: &DatabaseConnection) -> Result<(), AppError> {
    let txn = crate::ssr::db::begin_write(db).await?;
    for (i, (code, name, premium, summary)) in COURSES.iter().enumerate() {
        let known = course::Entity::find()
            .filter(course::Column::Code.eq(*code))
            .one(&txn)
            .await?;
        if known.is_none() {
            course::ActiveModel {
                code: Set((*code).into()),
                name: Set((*name).into()),
                monthly_premium: Set(*premium),
                summary: Set((*summary).into()),
                sort_order: Set(i as i32),
                // 入院保障型 is medical cover: 介護医療保険料控除.
                deduction: Set(if code.starts_with("nyuin") {
                    "medical_care"
                } else {
                    "general_life"
                }
                .into()),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
        }
    }
    for (i, (code, name, premium, summary)) in RIDERS.iter().enumerate() {
        let known = rider::Entity::find()
            .filter(rider::Column::Code.eq(*code))
            .one(&txn)
            .await?;
        if known.is_none() {
            rider::ActiveModel {
                code: Set((*code).into()),
                name: Set((*name).into()),
                monthly_premium: Set(*premium),
                summary: Set((*summary).into()),
                sort_order: Set(i as i32),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
        }
    }
    txn.commit().await?;
    Ok(())
}

/// The id of the course with `code`.
pub async fn course_id(db: &impl sea_orm::ConnectionTrait, code: &str) -> Result<i32, AppError> {
    course::Entity::find()
        .filter(course::Column::Code.eq(code))
        .one(db)
        .await?
        .map(|c| c.id)
        .ok_or(AppError::Internal)
}

/// The id of the rider with `code`.
pub async fn rider_id(db: &impl sea_orm::ConnectionTrait, code: &str) -> Result<i32, AppError> {
    rider::Entity::find()
        .filter(rider::Column::Code.eq(code))
        .one(db)
        .await?
        .map(|r| r.id)
        .ok_or(AppError::Internal)
}
