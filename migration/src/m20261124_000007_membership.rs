//! Where a member stands (M13, M14): a stopped service, and a withdrawal
//! with the date access ends (the 出資金 refund date).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per statement.
        for column in [
            date_null(Members::WithdrawnOn),
            date_null(Members::AccessUntil),
        ] {
            let mut column = column;
            manager
                .alter_table(
                    Table::alter()
                        .table(Members::Table)
                        .add_column(&mut column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(MemberAccounts::Table)
                    .add_column(timestamp_with_time_zone_null(
                        MemberAccounts::ServiceStoppedAt,
                    ))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        Err(DbErr::Migration(
            "the membership migration is not reversible; restore a backup".into(),
        ))
    }
}

#[derive(DeriveIden)]
enum Members {
    Table,
    WithdrawnOn,
    AccessUntil,
}

#[derive(DeriveIden)]
enum MemberAccounts {
    Table,
    ServiceStoppedAt,
}
