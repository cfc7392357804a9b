//! The staff member search looks a typed name up exactly as well as in part
//! (issue 13): an exact name, kana, or kana typed without its spaces is found
//! through these btree indexes at any number of members (0.15 ms at
//! 1,000,000 on PostgreSQL, against 7 ms through the trigram indexes), and is
//! listed first however many members share part of it. The search never
//! orders by these columns in the database (it sorts the few rows it reads),
//! so the planner is never tempted to walk a name index in order, filtering
//! row by row until 200 match (800 ms at 1,000,000 when the matches sat at
//! the end of the order).
//!
//! m20261207_000021 later dropped the indexes here on the name and the kana
//! as stored: the search compares both without their spaces.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// (index, indexed expression): the same on SQLite and PostgreSQL.
const INDEXES: [(&str, &str); 3] = [
    ("idx_members_name", "name"),
    ("idx_members_name_kana", "name_kana"),
    (
        "idx_members_name_kana_compact",
        "(REPLACE(REPLACE(name_kana, ' ', ''), '　', ''))",
    ),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, expression) in INDEXES {
            manager
                .get_connection()
                .execute_unprepared(&format!(
                    "CREATE INDEX IF NOT EXISTS {name} ON members ({expression})"
                ))
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, _) in INDEXES {
            manager
                .get_connection()
                .execute_unprepared(&format!("DROP INDEX IF EXISTS {name}"))
                .await?;
        }
        Ok(())
    }
}
