use sea_orm::entity::prelude::*;

/// A year's 割戻金 (rebate) of a member, from the 割戻金 import.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "rebates")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub member_id: i32,
    pub year: i32,
    /// Hundredths of a percent.
    pub rate_bp: i32,
    pub amount: i64,
    pub paid_on: Option<Date>,
    pub imported_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
