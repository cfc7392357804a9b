use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "maintenance_windows")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub starts_at: DateTimeUtc,
    pub ends_at: DateTimeUtc,
    /// What members read on the maintenance page and in the advance notice.
    pub message: String,
    pub created_by: Option<i32>,
    pub created_at: DateTimeUtc,
    /// An admin ended it before `ends_at`.
    pub ended_early_at: Option<DateTimeUtc>,
    pub ended_by: Option<i32>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

impl Model {
    pub fn window(&self) -> crate::domain::notice::Window {
        crate::domain::notice::Window {
            starts_at: self.starts_at,
            ends_at: self.ends_at,
            ended_early_at: self.ended_early_at,
        }
    }
}
