use sea_orm::entity::prelude::*;

/// One line of a statement, in the order the export listed it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "statement_lines")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub statement_id: i32,
    pub position: i32,
    /// [`crate::domain::statement::LineKind::code`].
    pub kind: String,
    pub contract_number: Option<String>,
    pub description: String,
    pub used_on: Option<Date>,
    pub amount: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
