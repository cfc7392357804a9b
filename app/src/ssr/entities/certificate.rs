use sea_orm::entity::prelude::*;

/// An electronic 掛金払込証明書 as issued (M8): what it said, so staff can
/// check a printed one by its verification code (kept only hashed).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "certificates")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub member_id: i32,
    pub year: i32,
    #[sea_orm(unique)]
    pub code_hash: String,
    /// The contracts and their amounts as printed, JSON.
    pub contents: String,
    pub certified: i64,
    pub expected: i64,
    pub issued_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
