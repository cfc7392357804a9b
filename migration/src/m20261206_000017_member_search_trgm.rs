//! The staff member search at a million members (issue 13): on PostgreSQL,
//! trigram GIN indexes (`pg_trgm`) serve `LIKE '%…%'` on the name, on the
//! kana, and on the kana without its spaces (the expression the search
//! uses), so a search reads a few index pages instead of every member.
//!
//! `pg_trgm` finds trigrams in Japanese only where the database's
//! `LC_CTYPE` counts kana and kanji as letters (`C.UTF-8`, `ja_JP.UTF-8`;
//! not `C`): elsewhere the indexes would be empty and are not made (README,
//! "Deploy"). Where the extension is not installed, nothing is made either:
//! the search still works, by reading the table. SQLite: nothing (its
//! co-ops are small).
//!
//! m20261207_000021 later dropped the indexes here on the name and the kana
//! as stored: the search compares both without their spaces.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{DbBackend, Statement};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// (index, indexed expression).
const INDEXES: [(&str, &str); 3] = [
    ("idx_members_name_trgm", "name"),
    ("idx_members_name_kana_trgm", "name_kana"),
    (
        "idx_members_name_kana_compact_trgm",
        "(REPLACE(REPLACE(name_kana, ' ', ''), '　', ''))",
    ),
];

/// Installs `pg_trgm` where it is available and says whether it finds
/// trigrams in Japanese here (module comment): where not, no trigram index
/// is made.
pub(crate) async fn trigrams_usable(db: &SchemaManagerConnection<'_>) -> Result<bool, DbErr> {
    let yes = |sql: &'static str| async move {
        let row = db
            .query_one_raw(Statement::from_string(DbBackend::Postgres, sql))
            .await?;
        Ok::<bool, DbErr>(match row {
            Some(row) => row.try_get::<bool>("", "yes")?,
            None => false,
        })
    };
    if !yes("SELECT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm') AS yes")
        .await?
    {
        return Ok(false);
    }
    db.execute_unprepared("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        .await?;
    yes("SELECT show_trgm('ヤマダ') <> '{}' AS yes").await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DbBackend::Postgres {
            return Ok(());
        }
        let db = manager.get_connection();
        if !trigrams_usable(db).await? {
            return Ok(());
        }
        for (name, expression) in INDEXES {
            db.execute_unprepared(&format!(
                "CREATE INDEX IF NOT EXISTS {name} ON members USING gin ({expression} gin_trgm_ops)"
            ))
            .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DbBackend::Postgres {
            return Ok(());
        }
        for (name, _) in INDEXES {
            manager
                .get_connection()
                .execute_unprepared(&format!("DROP INDEX IF EXISTS {name}"))
                .await?;
        }
        Ok(())
    }
}
