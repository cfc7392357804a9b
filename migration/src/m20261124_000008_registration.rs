//! Getting members in (M12, S2): the 出資金 payment staff confirmed,
//! registration codes for the letter, and registrations under way.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            date_null(Members::CapitalPaidOn),
            integer_null(Members::CapitalAmount),
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

        // One live code per member: issuing another voids the old one.
        manager
            .create_table(
                Table::create()
                    .table(RegistrationCodes::Table)
                    .col(pk_auto(RegistrationCodes::Id))
                    .col(integer(RegistrationCodes::MemberId))
                    .col(char_len_uniq(RegistrationCodes::CodeHash, 64))
                    .col(timestamp_with_time_zone(RegistrationCodes::CreatedAt))
                    .col(timestamp_with_time_zone(RegistrationCodes::ExpiresAt))
                    .col(timestamp_with_time_zone_null(RegistrationCodes::UsedAt))
                    .col(integer_null(RegistrationCodes::IssuedBy))
                    .foreign_key(
                        ForeignKey::create()
                            .from(RegistrationCodes::Table, RegistrationCodes::MemberId)
                            .to(Members::Table, Members::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_registration_codes_member")
                    .table(RegistrationCodes::Table)
                    .col(RegistrationCodes::MemberId)
                    .to_owned(),
            )
            .await?;

        // A registration under way, between the letter's code and the
        // confirmed email: the browser holds its token.
        manager
            .create_table(
                Table::create()
                    .table(Registrations::Table)
                    .col(pk_auto(Registrations::Id))
                    .col(char_len_uniq(Registrations::TokenHash, 64))
                    .col(integer(Registrations::MemberId))
                    .col(integer(Registrations::CodeId))
                    .col(string_len_null(Registrations::UserId, 32))
                    .col(string_len_null(Registrations::Email, 254))
                    .col(text_null(Registrations::PasswordHash))
                    .col(char_len_null(Registrations::EmailCodeHash, 64))
                    .col(integer(Registrations::EmailCodeTries).default(0))
                    .col(timestamp_with_time_zone(Registrations::CreatedAt))
                    .col(timestamp_with_time_zone(Registrations::ExpiresAt))
                    .col(timestamp_with_time_zone_null(Registrations::DoneAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Registrations::Table, Registrations::MemberId)
                            .to(Members::Table, Members::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Registrations::Table, Registrations::CodeId)
                            .to(RegistrationCodes::Table, RegistrationCodes::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        Err(DbErr::Migration(
            "the registration migration is not reversible; restore a backup".into(),
        ))
    }
}

#[derive(DeriveIden)]
enum Members {
    Table,
    Id,
    CapitalPaidOn,
    CapitalAmount,
}

#[derive(DeriveIden)]
enum RegistrationCodes {
    Table,
    Id,
    MemberId,
    CodeHash,
    CreatedAt,
    ExpiresAt,
    UsedAt,
    IssuedBy,
}

#[derive(DeriveIden)]
enum Registrations {
    Table,
    Id,
    TokenHash,
    MemberId,
    CodeId,
    UserId,
    Email,
    PasswordHash,
    EmailCodeHash,
    EmailCodeTries,
    CreatedAt,
    ExpiresAt,
    DoneAt,
}
