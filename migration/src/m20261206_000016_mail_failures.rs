//! Mail delivery visible to staff: a mail that cannot be sent is marked
//! failed after a bounded number of tries (or at once on a permanent
//! refusal), and staff may cancel one. Mails are found by address for a
//! member's mail problems.

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
        // One column per statement: SQLite alters one at a time.
        for column in [MailOutbox::FailedAt, MailOutbox::CancelledAt] {
            manager
                .alter_table(
                    Table::alter()
                        .table(MailOutbox::Table)
                        .add_column(timestamp_with_time_zone_null(column))
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_index(
                Index::create()
                    .name("idx_mail_outbox_to_address")
                    .table(MailOutbox::Table)
                    .col(MailOutbox::ToAddress)
                    .col(MailOutbox::Id)
                    .to_owned(),
            )
            .await?;
        // Staff list failed mails newest first.
        manager
            .create_index(
                Index::create()
                    .name("idx_mail_outbox_failed")
                    .table(MailOutbox::Table)
                    .col(MailOutbox::FailedAt)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for index in ["idx_mail_outbox_failed", "idx_mail_outbox_to_address"] {
            manager
                .drop_index(
                    Index::drop()
                        .name(index)
                        .table(MailOutbox::Table)
                        .to_owned(),
                )
                .await?;
        }
        for column in [MailOutbox::CancelledAt, MailOutbox::FailedAt] {
            manager
                .alter_table(
                    Table::alter()
                        .table(MailOutbox::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum MailOutbox {
    Table,
    Id,
    ToAddress,
    FailedAt,
    CancelledAt,
}
