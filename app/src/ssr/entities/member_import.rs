use sea_orm::entity::prelude::*;

/// A members CSV staff uploaded (S7), its preview and, once taken in, its
/// progress and results.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "member_imports")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// `members`, `statements`, `payments` or `rebates`.
    pub kind: String,
    pub file_name: String,
    pub sha256: String,
    pub content: Vec<u8>,
    pub encoding: String,
    /// `previewed` → `running` → `done` (or `failed`).
    pub status: String,
    pub rows_total: i32,
    pub rows_done: i32,
    pub inserted: i32,
    pub updated: i32,
    pub unchanged: i32,
    pub rejected: i32,
    pub warnings: i32,
    /// The rejected rows and warnings, as the downloadable CSV.
    pub issues: String,
    pub error: Option<String>,
    pub created_by: i32,
    pub created_at: DateTimeUtc,
    pub started_at: Option<DateTimeUtc>,
    pub finished_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
