use sea_orm::entity::prelude::*;

/// One 郵便番号 of Japan Post's data, as the address form fills it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "postal_codes")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub code: String,
    pub prefecture: String,
    /// `None` when the code crosses a city boundary.
    pub city: Option<String>,
    /// `None` when the code stands for several towns or the rest of a city.
    pub town: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
