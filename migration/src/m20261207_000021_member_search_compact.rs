//! The staff member search compares names and kana without their spaces: a
//! name registered as 「山田 太郎」 is found by 「山田太郎」 and the other way
//! round, as the kana already was. Its reads are on two expressions, the name
//! without spaces and the kana without spaces, each with a btree (exact) and,
//! on PostgreSQL where `pg_trgm` works (m20261206_000017), a trigram index
//! (in part). The indexes on the name and kana as stored serve nothing any
//! more and are dropped: every index on `members` costs each write of it.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

use crate::m20261206_000017_member_search_trgm::trigrams_usable;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The name without half- and full-width spaces, as the search writes it.
const NAME_COMPACT: &str = "(REPLACE(REPLACE(name, ' ', ''), '　', ''))";

/// (index, indexed expression): no longer read by anything.
const UNUSED_BTREE: [(&str, &str); 2] = [
    ("idx_members_name", "name"),
    ("idx_members_name_kana", "name_kana"),
];
const UNUSED_TRIGRAM: [(&str, &str); 2] = [
    ("idx_members_name_trgm", "name"),
    ("idx_members_name_kana_trgm", "name_kana"),
];

async fn run(manager: &SchemaManager<'_>, sql: &str) -> Result<(), DbErr> {
    manager.get_connection().execute_unprepared(sql).await?;
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run(
            manager,
            &format!(
                "CREATE INDEX IF NOT EXISTS idx_members_name_compact ON members {NAME_COMPACT}"
            ),
        )
        .await?;
        if manager.get_database_backend() == DbBackend::Postgres
            && trigrams_usable(manager.get_connection()).await?
        {
            run(
                manager,
                &format!(
                    "CREATE INDEX IF NOT EXISTS idx_members_name_compact_trgm \
                     ON members USING gin ({NAME_COMPACT} gin_trgm_ops)"
                ),
            )
            .await?;
        }
        for (name, _) in UNUSED_BTREE.iter().chain(&UNUSED_TRIGRAM) {
            run(manager, &format!("DROP INDEX IF EXISTS {name}")).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, column) in UNUSED_BTREE {
            run(
                manager,
                &format!("CREATE INDEX IF NOT EXISTS {name} ON members ({column})"),
            )
            .await?;
        }
        if manager.get_database_backend() == DbBackend::Postgres
            && trigrams_usable(manager.get_connection()).await?
        {
            for (name, column) in UNUSED_TRIGRAM {
                run(
                    manager,
                    &format!(
                        "CREATE INDEX IF NOT EXISTS {name} ON members USING gin ({column} gin_trgm_ops)"
                    ),
                )
                .await?;
            }
        }
        for name in ["idx_members_name_compact_trgm", "idx_members_name_compact"] {
            run(manager, &format!("DROP INDEX IF EXISTS {name}")).await?;
        }
        Ok(())
    }
}
