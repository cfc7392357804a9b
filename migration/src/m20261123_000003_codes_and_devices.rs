//! Mailed six-digit codes (email change, login from a new browser) and the
//! browsers a member has confirmed with such a code.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(OneTimeCodes::Table)
                    .col(pk_auto(OneTimeCodes::Id))
                    .col(integer(OneTimeCodes::AccountId))
                    .col(
                        string_len(OneTimeCodes::Purpose, 16).check(
                            Expr::col(OneTimeCodes::Purpose).is_in(["login", "email_change"]),
                        ),
                    )
                    // SHA-256 of the code with this row's salt.
                    .col(char_len(OneTimeCodes::CodeHash, 64))
                    .col(char_len(OneTimeCodes::Salt, 32))
                    // Login: SHA-256 of the challenge cookie that ties the code to one browser.
                    .col(char_len_null(OneTimeCodes::ChallengeHash, 64))
                    // Email change: the new address.
                    .col(string_len_null(OneTimeCodes::NewEmail, 254))
                    .col(integer(OneTimeCodes::Attempts).default(0))
                    .col(timestamp_with_time_zone(OneTimeCodes::CreatedAt))
                    .col(timestamp_with_time_zone(OneTimeCodes::ExpiresAt))
                    .col(timestamp_with_time_zone_null(OneTimeCodes::UsedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(OneTimeCodes::Table, OneTimeCodes::AccountId)
                            .to(MemberAccounts::Table, MemberAccounts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_one_time_codes_account")
                    .table(OneTimeCodes::Table)
                    .col(OneTimeCodes::AccountId)
                    .col(OneTimeCodes::Purpose)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(KnownDevices::Table)
                    .col(pk_auto(KnownDevices::Id))
                    .col(integer(KnownDevices::AccountId))
                    // SHA-256 of the long-lived browser cookie.
                    .col(char_len(KnownDevices::TokenHash, 64))
                    .col(string_len(KnownDevices::UserAgent, 512))
                    .col(timestamp_with_time_zone(KnownDevices::CreatedAt))
                    .col(timestamp_with_time_zone(KnownDevices::LastUsedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(KnownDevices::Table, KnownDevices::AccountId)
                            .to(MemberAccounts::Table, MemberAccounts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_known_devices_token_account")
                    .table(KnownDevices::Table)
                    .col(KnownDevices::TokenHash)
                    .col(KnownDevices::AccountId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            KnownDevices::Table.into_iden(),
            OneTimeCodes::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum OneTimeCodes {
    Table,
    Id,
    AccountId,
    Purpose,
    CodeHash,
    Salt,
    ChallengeHash,
    NewEmail,
    Attempts,
    CreatedAt,
    ExpiresAt,
    UsedAt,
}

#[derive(DeriveIden)]
enum KnownDevices {
    Table,
    Id,
    AccountId,
    TokenHash,
    UserAgent,
    CreatedAt,
    LastUsedAt,
}

#[derive(DeriveIden)]
enum MemberAccounts {
    Table,
    Id,
}
