//! 組合員, their My Page accounts, server-side sessions and the login log.

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
                    .table(Members::Table)
                    .col(pk_auto(Members::Id))
                    // Nine digits, shown as 0123-45678.
                    .col(char_len_uniq(Members::MemberNumber, 9))
                    .col(string_len(Members::Name, 60))
                    .col(string_len(Members::NameKana, 60))
                    .col(date(Members::BirthDate))
                    .col(char_len(Members::PostalCode, 7))
                    .col(string_len(Members::Prefecture, 8))
                    .col(string_len(Members::Address1, 100))
                    .col(string_len(Members::Address2, 100))
                    .col(string_len(Members::Phone, 15))
                    .col(string_len_null(Members::Workplace, 100))
                    .col(
                        string_len(Members::Status, 16)
                            .check(Expr::col(Members::Status).is_in(["active", "withdrawn"])),
                    )
                    .col(timestamp_with_time_zone(Members::CreatedAt))
                    .col(timestamp_with_time_zone(Members::UpdatedAt))
                    .check(Expr::cust("length(member_number) = 9"))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(MemberAccounts::Table)
                    .col(pk_auto(MemberAccounts::Id))
                    .col(integer_uniq(MemberAccounts::MemberId))
                    // Stored lower-cased: IDs and addresses are matched case-insensitively.
                    .col(string_len_uniq(MemberAccounts::UserId, 32))
                    .col(string_len_uniq(MemberAccounts::Email, 254))
                    .col(string_len(MemberAccounts::PasswordHash, 255))
                    .col(
                        integer(MemberAccounts::FailedLoginCount)
                            .default(0)
                            .check(Expr::col(MemberAccounts::FailedLoginCount).gte(0)),
                    )
                    .col(timestamp_with_time_zone_null(MemberAccounts::LockedUntil))
                    .col(timestamp_with_time_zone_null(MemberAccounts::LastLoginAt))
                    .col(timestamp_with_time_zone_null(
                        MemberAccounts::PreviousLoginAt,
                    ))
                    .col(timestamp_with_time_zone(MemberAccounts::CreatedAt))
                    .col(timestamp_with_time_zone(MemberAccounts::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(MemberAccounts::Table, MemberAccounts::MemberId)
                            .to(Members::Table, Members::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Sessions::Table)
                    .col(pk_auto(Sessions::Id))
                    // SHA-256 of the cookie token, hex: the token itself is never stored.
                    .col(char_len_uniq(Sessions::TokenHash, 64))
                    .col(integer(Sessions::AccountId))
                    .col(timestamp_with_time_zone(Sessions::CreatedAt))
                    .col(timestamp_with_time_zone(Sessions::LastSeenAt))
                    .col(timestamp_with_time_zone(Sessions::ExpiresAt))
                    .col(string_len(Sessions::Ip, 45))
                    .col(string_len(Sessions::UserAgent, 512))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Sessions::Table, Sessions::AccountId)
                            .to(MemberAccounts::Table, MemberAccounts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_sessions_account")
                    .table(Sessions::Table)
                    .col(Sessions::AccountId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(LoginEvents::Table)
                    .col(pk_auto(LoginEvents::Id))
                    // Empty for attempts on unknown accounts.
                    .col(integer_null(LoginEvents::AccountId))
                    .col(timestamp_with_time_zone(LoginEvents::OccurredAt))
                    .col(string_len(LoginEvents::Ip, 45))
                    .col(string_len(LoginEvents::UserAgent, 512))
                    .col(string_len(LoginEvents::Result, 16).check(
                        Expr::col(LoginEvents::Result).is_in(["success", "failure", "locked"]),
                    ))
                    .foreign_key(
                        ForeignKey::create()
                            .from(LoginEvents::Table, LoginEvents::AccountId)
                            .to(MemberAccounts::Table, MemberAccounts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_login_events_account_time")
                    .table(LoginEvents::Table)
                    .col(LoginEvents::AccountId)
                    .col(LoginEvents::OccurredAt)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            LoginEvents::Table.into_iden(),
            Sessions::Table.into_iden(),
            MemberAccounts::Table.into_iden(),
            Members::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Members {
    Table,
    Id,
    MemberNumber,
    Name,
    NameKana,
    BirthDate,
    PostalCode,
    Prefecture,
    Address1,
    Address2,
    Phone,
    Workplace,
    Status,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum MemberAccounts {
    Table,
    Id,
    MemberId,
    UserId,
    Email,
    PasswordHash,
    FailedLoginCount,
    LockedUntil,
    LastLoginAt,
    PreviousLoginAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    Id,
    TokenHash,
    AccountId,
    CreatedAt,
    LastSeenAt,
    ExpiresAt,
    Ip,
    UserAgent,
}

#[derive(DeriveIden)]
enum LoginEvents {
    Table,
    Id,
    AccountId,
    OccurredAt,
    Ip,
    UserAgent,
    Result,
}
