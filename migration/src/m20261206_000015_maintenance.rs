//! Maintenance windows (M17, S5): while one is active, every member and
//! public page answers 503 with a maintenance page; the back office stays
//! up. They live in the database so that every server process agrees.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(MaintenanceWindows::Table)
                    .col(pk_auto(MaintenanceWindows::Id))
                    .col(timestamp_with_time_zone(MaintenanceWindows::StartsAt))
                    .col(timestamp_with_time_zone(MaintenanceWindows::EndsAt))
                    .col(text(MaintenanceWindows::Message))
                    .col(integer_null(MaintenanceWindows::CreatedBy))
                    .col(timestamp_with_time_zone(MaintenanceWindows::CreatedAt))
                    .col(timestamp_with_time_zone_null(
                        MaintenanceWindows::EndedEarlyAt,
                    ))
                    .col(integer_null(MaintenanceWindows::EndedBy))
                    .check(
                        Expr::col(MaintenanceWindows::EndsAt)
                            .gt(Expr::col(MaintenanceWindows::StartsAt)),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(MaintenanceWindows::Table, MaintenanceWindows::CreatedBy)
                            .to(StaffAccounts::Table, StaffAccounts::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(MaintenanceWindows::Table, MaintenanceWindows::EndedBy)
                            .to(StaffAccounts::Table, StaffAccounts::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_maintenance_windows_ends_at")
                    .table(MaintenanceWindows::Table)
                    .col(MaintenanceWindows::EndsAt)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(MaintenanceWindows::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum MaintenanceWindows {
    Table,
    Id,
    StartsAt,
    EndsAt,
    Message,
    CreatedBy,
    CreatedAt,
    EndedEarlyAt,
    EndedBy,
}

#[derive(DeriveIden)]
enum StaffAccounts {
    Table,
    Id,
}
