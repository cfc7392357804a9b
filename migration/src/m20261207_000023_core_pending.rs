//! Changes made here that the core system's export has not shown yet: when a
//! member changed their address or phone on My Page, or a name change was
//! applied, the time it was. A members import whose row still differs keeps
//! what was changed here (and warns) instead of writing the core system's
//! older value back; a row that shows the change clears the mark.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const COLUMNS: [Members; 3] = [
    Members::AddressPendingCoreAt,
    Members::PhonePendingCoreAt,
    Members::NamePendingCoreAt,
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite adds one at a time.
        for column in COLUMNS {
            manager
                .alter_table(
                    Table::alter()
                        .table(Members::Table)
                        .add_column(timestamp_with_time_zone_null(column))
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in COLUMNS {
            manager
                .alter_table(
                    Table::alter()
                        .table(Members::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum Members {
    Table,
    AddressPendingCoreAt,
    PhonePendingCoreAt,
    NamePendingCoreAt,
}
