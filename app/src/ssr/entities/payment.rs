use sea_orm::entity::prelude::*;

/// A payment (入金) against a month's statement, from the payments import.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "payments")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub member_id: i32,
    pub billing_month: String,
    pub paid_on: Date,
    pub amount: i64,
    /// [`crate::domain::statement::PaymentMethod::code`].
    pub method: String,
    pub imported_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
