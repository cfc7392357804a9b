use sea_orm::entity::prelude::*;

pub use crate::domain::inquiry::Author;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "inquiry_messages")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub inquiry_id: i32,
    pub author: Author,
    pub staff_id: Option<i32>,
    /// The name a staff member chose to sign with, if any.
    pub signature: Option<String>,
    pub body: String,
    /// A staff note the member never sees.
    pub internal: bool,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
