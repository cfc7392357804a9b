//! Fixed-width text columns become `varchar(n)` on PostgreSQL (issue 13).
//!
//! The app binds every string as `text`. A `char(n)` column compared with a
//! `text` value is cast to `text` first (`bpchar` drops its padding through a
//! function), and its index, built on `bpchar`, no longer applies: the lookup
//! of a session by its token hash, of a member by number, of a code by its
//! hash each read the whole table. Measured at 1,000,000 members, the staff
//! search by member number took 275 ms (a parallel scan) instead of a few
//! index pages. A `varchar` column is compared as `text` without a cast, so
//! its index serves. Every value stored here has its full width (hashes,
//! member numbers, postal codes, billing months): nothing changes in them.
//! SQLite has no column types to change.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// (table, column, width): every `char(n)` column of the schema.
const COLUMNS: [(&str, &str, u32); 19] = [
    ("sessions", "token_hash", 64),
    ("password_resets", "token_hash", 64),
    ("one_time_codes", "code_hash", 64),
    ("one_time_codes", "salt", 32),
    ("one_time_codes", "challenge_hash", 64),
    ("known_devices", "token_hash", 64),
    ("staff_sessions", "token_hash", 64),
    ("staff_recovery_codes", "code_hash", 64),
    ("staff_links", "token_hash", 64),
    ("registration_codes", "code_hash", 64),
    ("registrations", "token_hash", 64),
    ("registrations", "email_code_hash", 64),
    ("members", "member_number", 9),
    ("members", "postal_code", 7),
    ("postal_codes", "code", 7),
    ("statements", "billing_month", 7),
    ("payments", "billing_month", 7),
    ("certificates", "code_hash", 64),
    ("member_imports", "sha256", 64),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        retype(manager, "varchar").await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        retype(manager, "char").await
    }
}

async fn retype(manager: &SchemaManager<'_>, to: &str) -> Result<(), DbErr> {
    if manager.get_database_backend() != DbBackend::Postgres {
        return Ok(());
    }
    for (table, column, width) in COLUMNS {
        manager
            .get_connection()
            .execute_unprepared(&format!(
                "ALTER TABLE {table} ALTER COLUMN {column} TYPE {to}({width})"
            ))
            .await?;
    }
    Ok(())
}
