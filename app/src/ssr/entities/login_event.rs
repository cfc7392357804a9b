use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "login_events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub account_id: Option<i32>,
    pub occurred_at: DateTimeUtc,
    pub ip: String,
    pub user_agent: String,
    pub result: LoginResult,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum LoginResult {
    #[sea_orm(string_value = "success")]
    Success,
    #[sea_orm(string_value = "failure")]
    Failure,
    #[sea_orm(string_value = "locked")]
    Locked,
    /// The password was right, from a browser not seen before: a code was
    /// mailed (a login follows as its own row once the code is entered).
    #[sea_orm(string_value = "code_sent")]
    CodeSent,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
