//! The catalogue (コース・特約) and contracts imports: two more kinds of
//! back-office upload.
//!
//! SQLite cannot alter a CHECK constraint, so `member_imports` is rebuilt
//! there inside this migration's transaction: made anew from its own DDL
//! with the wider list, the rows copied, its indexes made again from theirs.
//! Nothing refers to the table, so dropping it loses nothing.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend, Statement};

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
    {
        let db = manager.get_connection();
        match manager.get_database_backend() {
            DbBackend::Sqlite => {
                let sql_of = |kind: &str| {
                    Statement::from_string(
                        DbBackend::Sqlite,
                        format!(
                            "SELECT sql FROM sqlite_master WHERE type = '{kind}' \
                             AND tbl_name = 'member_imports' AND sql IS NOT NULL"
                        ),
                    )
                };
                let table = db
                    .query_one_raw(sql_of("table"))
                    .await?
                    .ok_or_else(|| DbErr::Migration("member_imports is missing".into()))?;
                let sql: String = table.try_get("", "sql")?;
                if sql.matches(from).count() != 1 {
                    return Err(DbErr::Migration(
                        "member_imports.kind's CHECK is not the one this migration knows".into(),
                    ));
                }
                let mut indexes = Vec::new();
                for row in db.query_all_raw(sql_of("index")).await? {
                    indexes.push(row.try_get::<String>("", "sql")?);
                }
                let new_sql = sql
                    .replacen("\"member_imports\"", "\"member_imports_new\"", 1)
                    .replacen(from, to, 1);
                for statement in [
                    new_sql.as_str(),
                    "INSERT INTO member_imports_new SELECT * FROM member_imports",
                    // Ids are never reused: the copy's counter is the old one.
                    "UPDATE sqlite_sequence SET seq = (SELECT seq FROM sqlite_sequence \
                     WHERE name = 'member_imports') WHERE name = 'member_imports_new' \
                     AND EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'member_imports')",
                    "INSERT INTO sqlite_sequence (name, seq) SELECT 'member_imports_new', seq \
                     FROM sqlite_sequence WHERE name = 'member_imports' AND NOT EXISTS \
                     (SELECT 1 FROM sqlite_sequence WHERE name = 'member_imports_new')",
                    "DROP TABLE member_imports",
                    "ALTER TABLE member_imports_new RENAME TO member_imports",
                ] {
                    db.execute_unprepared(statement).await?;
                }
                for index in indexes {
                    db.execute_unprepared(&index).await?;
                }
            }
            _ => {
                db.execute_unprepared(&format!(
                    "ALTER TABLE member_imports DROP CONSTRAINT member_imports_kind_check, \
                     ADD CONSTRAINT member_imports_kind_check CHECK (kind IN ({to}))"
                ))
                .await?;
            }
        }
        Ok(())
    }
}
