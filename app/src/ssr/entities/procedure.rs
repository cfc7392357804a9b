use sea_orm::entity::prelude::*;

pub use crate::domain::procedure::{Actor, Kind, Status};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "procedures")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub member_id: i32,
    pub contract_id: Option<i32>,
    pub kind: Kind,
    pub status: Status,
    pub filed_by: Actor,
    pub filed_by_staff_id: Option<i32>,
    pub course_id: Option<i32>,
    pub rider_id: Option<i32>,
    pub documents: Option<String>,
    pub summary: String,
    pub coverage_starts_on: Option<Date>,
    /// 改姓: the 氏名 and フリガナ asked for, applied when staff approve.
    pub new_name: Option<String>,
    pub new_name_kana: Option<String>,
    /// 掛金払込証明書の再発行: the year asked for.
    pub certificate_year: Option<i32>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
