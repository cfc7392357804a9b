use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "courses")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub code: String,
    pub name: String,
    /// 掛金, yen per month.
    pub monthly_premium: i32,
    pub summary: String,
    pub sort_order: i32,
    /// The 生命保険料控除 category of its premiums:
    /// [`crate::domain::certificate::Deduction::code`].
    pub deduction: String,
    /// Offered on the application screens (the catalogue import's 販売).
    pub on_sale: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
