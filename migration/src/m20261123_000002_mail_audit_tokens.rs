//! The mail outbox, one-time tokens (password reset), the audit log, and the
//! forced password change of temporary passwords.

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
                    .table(MailOutbox::Table)
                    .col(pk_auto(MailOutbox::Id))
                    .col(string_len(MailOutbox::ToAddress, 254))
                    .col(string_len(MailOutbox::Subject, 200))
                    .col(text(MailOutbox::BodyText))
                    .col(timestamp_with_time_zone(MailOutbox::CreatedAt))
                    .col(integer(MailOutbox::Attempts).default(0))
                    .col(timestamp_with_time_zone(MailOutbox::NextAttemptAt))
                    .col(timestamp_with_time_zone_null(MailOutbox::SentAt))
                    .col(text_null(MailOutbox::LastError))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_mail_outbox_due")
                    .table(MailOutbox::Table)
                    .col(MailOutbox::SentAt)
                    .col(MailOutbox::NextAttemptAt)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(PasswordResets::Table)
                    .col(pk_auto(PasswordResets::Id))
                    .col(integer(PasswordResets::AccountId))
                    // SHA-256 of the token in the mailed link.
                    .col(char_len_uniq(PasswordResets::TokenHash, 64))
                    .col(timestamp_with_time_zone(PasswordResets::CreatedAt))
                    .col(timestamp_with_time_zone(PasswordResets::ExpiresAt))
                    .col(timestamp_with_time_zone_null(PasswordResets::UsedAt))
                    .col(string_len(PasswordResets::Ip, 45))
                    .foreign_key(
                        ForeignKey::create()
                            .from(PasswordResets::Table, PasswordResets::AccountId)
                            .to(MemberAccounts::Table, MemberAccounts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;

        // Requests counted for rate limits, whether or not an account matched.
        manager
            .create_table(
                Table::create()
                    .table(RateEvents::Table)
                    .col(pk_auto(RateEvents::Id))
                    .col(string_len(RateEvents::Bucket, 100))
                    .col(timestamp_with_time_zone(RateEvents::OccurredAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_rate_events_bucket_time")
                    .table(RateEvents::Table)
                    .col(RateEvents::Bucket)
                    .col(RateEvents::OccurredAt)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(AuditLog::Table)
                    .col(pk_auto(AuditLog::Id))
                    .col(timestamp_with_time_zone(AuditLog::OccurredAt))
                    .col(
                        string_len(AuditLog::ActorKind, 16).check(
                            Expr::col(AuditLog::ActorKind).is_in(["member", "staff", "system"]),
                        ),
                    )
                    .col(integer_null(AuditLog::ActorId))
                    // Whose data changed; kept after the member is gone.
                    .col(integer_null(AuditLog::MemberId))
                    .col(string_len(AuditLog::Action, 64))
                    .col(text_null(AuditLog::Before))
                    .col(text_null(AuditLog::After))
                    .col(string_len(AuditLog::Ip, 45))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_audit_log_member_time")
                    .table(AuditLog::Table)
                    .col(AuditLog::MemberId)
                    .col(AuditLog::OccurredAt)
                    .to_owned(),
            )
            .await?;

        manager
            .alter_table(
                Table::alter()
                    .table(MemberAccounts::Table)
                    .add_column(boolean(MemberAccounts::MustChangePassword).default(false))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(MemberAccounts::Table)
                    .drop_column(MemberAccounts::MustChangePassword)
                    .to_owned(),
            )
            .await?;
        for table in [
            AuditLog::Table.into_iden(),
            RateEvents::Table.into_iden(),
            PasswordResets::Table.into_iden(),
            MailOutbox::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum MailOutbox {
    Table,
    Id,
    ToAddress,
    Subject,
    BodyText,
    CreatedAt,
    Attempts,
    NextAttemptAt,
    SentAt,
    LastError,
}

#[derive(DeriveIden)]
enum PasswordResets {
    Table,
    Id,
    AccountId,
    TokenHash,
    CreatedAt,
    ExpiresAt,
    UsedAt,
    Ip,
}

#[derive(DeriveIden)]
enum RateEvents {
    Table,
    Id,
    Bucket,
    OccurredAt,
}

#[derive(DeriveIden)]
enum AuditLog {
    Table,
    Id,
    OccurredAt,
    ActorKind,
    ActorId,
    MemberId,
    Action,
    Before,
    After,
    Ip,
}

#[derive(DeriveIden)]
enum MemberAccounts {
    Table,
    Id,
    MustChangePassword,
}
