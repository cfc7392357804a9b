use sea_orm::entity::prelude::*;

pub use crate::domain::procedure::{Actor, Status};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "procedure_events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub procedure_id: i32,
    pub status: Status,
    pub actor: Actor,
    pub staff_id: Option<i32>,
    pub comment: Option<String>,
    pub occurred_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
