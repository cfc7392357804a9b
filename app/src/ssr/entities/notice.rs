use sea_orm::entity::prelude::*;

pub use crate::domain::notice::Importance;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "notices")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub title: String,
    pub body: String,
    pub importance: Importance,
    /// `all`, `course`, `active`, `withdrawn` ([`crate::domain::notice::Audience`]).
    pub audience: String,
    /// The course code of a `course` audience.
    pub audience_course: Option<String>,
    /// Also on the public login page.
    pub public: bool,
    pub publish_at: DateTimeUtc,
    pub expire_at: Option<DateTimeUtc>,
    pub created_by: Option<i32>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
