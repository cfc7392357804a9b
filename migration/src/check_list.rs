//! Changing the list of values a column's CHECK allows. PostgreSQL drops and
//! adds the named constraint. SQLite cannot alter a CHECK, so the table is
//! rebuilt inside the migration's transaction: made anew from its own DDL
//! with the other list, the rows copied, its id counter kept, its indexes
//! made again from theirs. Only for tables nothing refers to (dropping one
//! loses nothing then).

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend, Statement};

/// Makes `table.constraint` (`<table>_<column>_check` on PostgreSQL) allow
/// the quoted list `to` instead of `from`.
pub async fn replace(
    manager: &SchemaManager<'_>,
    (table, constraint, column): (&str, &str, &str),
    from: &str,
    to: &str,
) -> Result<(), DbErr> {
    let db = manager.get_connection();
    match manager.get_database_backend() {
        DbBackend::Sqlite => {
            let sql_of = |kind: &str| {
                Statement::from_string(
                    DbBackend::Sqlite,
                    format!(
                        "SELECT sql FROM sqlite_master WHERE type = '{kind}' \
                         AND tbl_name = '{table}' AND sql IS NOT NULL"
                    ),
                )
            };
            let found = db
                .query_one_raw(sql_of("table"))
                .await?
                .ok_or_else(|| DbErr::Migration(format!("{table} is missing")))?;
            let sql: String = found.try_get("", "sql")?;
            if sql.matches(from).count() != 1 {
                return Err(DbErr::Migration(format!(
                    "{table}.{column}'s CHECK is not the one this migration knows"
                )));
            }
            let mut indexes = Vec::new();
            for row in db.query_all_raw(sql_of("index")).await? {
                indexes.push(row.try_get::<String>("", "sql")?);
            }
            let new = format!("{table}_new");
            let new_sql = sql
                .replacen(&format!("\"{table}\""), &format!("\"{new}\""), 1)
                .replacen(from, to, 1);
            for statement in [
                new_sql,
                format!("INSERT INTO {new} SELECT * FROM {table}"),
                // Ids are never reused: the copy's counter is the old one.
                format!(
                    "UPDATE sqlite_sequence SET seq = (SELECT seq FROM sqlite_sequence \
                     WHERE name = '{table}') WHERE name = '{new}' \
                     AND EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = '{table}')"
                ),
                format!(
                    "INSERT INTO sqlite_sequence (name, seq) SELECT '{new}', seq \
                     FROM sqlite_sequence WHERE name = '{table}' AND NOT EXISTS \
                     (SELECT 1 FROM sqlite_sequence WHERE name = '{new}')"
                ),
                format!("DROP TABLE {table}"),
                format!("ALTER TABLE {new} RENAME TO {table}"),
            ] {
                db.execute_unprepared(&statement).await?;
            }
            for index in indexes {
                db.execute_unprepared(&index).await?;
            }
        }
        _ => {
            db.execute_unprepared(&format!(
                "ALTER TABLE {table} DROP CONSTRAINT {constraint}, \
                 ADD CONSTRAINT {constraint} CHECK ({column} IN ({to}))"
            ))
            .await?;
        }
    }
    Ok(())
}
