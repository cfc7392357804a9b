use sea_orm::entity::prelude::*;

pub use super::login_event::LoginResult;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "staff_login_events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub staff_id: Option<i32>,
    pub login_id: String,
    pub occurred_at: DateTimeUtc,
    pub ip: String,
    pub user_agent: String,
    pub result: LoginResult,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
