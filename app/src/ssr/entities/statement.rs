use sea_orm::entity::prelude::*;

/// A member's billing statement of one month (M9), from the statements
/// import; replaced whole when the month is sent again.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "statements")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub member_id: i32,
    /// `2026-11`.
    pub billing_month: String,
    pub closing_on: Date,
    pub billed_on: Date,
    /// The sum of the lines, yen.
    pub total: i64,
    pub imported_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
