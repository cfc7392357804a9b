//! The catalogue (コース・特約) and contracts imports: two more kinds of
//! back-office upload.
//!
//! SQLite cannot alter a CHECK constraint, so `member_imports` is rebuilt
//! there inside this migration's transaction ([`crate::check_list`]).
//! Nothing refers to the table, so dropping it loses nothing.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, Statement};

#[derive(DeriveMigrationName)]
pub struct Migration;

const OLD_KINDS: &str = "'members', 'statements', 'payments', 'rebates'";
const NEW_KINDS: &str = "'members', 'statements', 'payments', 'rebates', 'catalogue', 'contracts'";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    /// The SQLite rebuild must not be seen half done.
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        set_kinds(manager, OLD_KINDS, NEW_KINDS).await
    }

    /// Back to the four kinds, while no upload of the new ones is kept.
    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let kept = db
            .query_one_raw(Statement::from_string(
                manager.get_database_backend(),
                "SELECT COUNT(*) AS n FROM member_imports WHERE kind IN ('catalogue', 'contracts')",
            ))
            .await?
            .map(|row| row.try_get::<i64>("", "n"))
            .transpose()?
            .unwrap_or(0);
        if kept > 0 {
            return Err(DbErr::Migration(
                "catalogue or contracts uploads are kept; restore a backup instead".into(),
            ));
        }
        set_kinds(manager, NEW_KINDS, OLD_KINDS).await
    }
}

/// Makes `member_imports.kind` take `to` instead of `from`.
async fn set_kinds(manager: &SchemaManager<'_>, from: &str, to: &str) -> Result<(), DbErr> {
    crate::check_list::replace(
        manager,
        ("member_imports", "member_imports_kind_check", "kind"),
        from,
        to,
    )
    .await
}
