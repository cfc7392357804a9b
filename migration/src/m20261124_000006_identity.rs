//! The identity core's data (issue 9): staff login events, second factor and
//! one-time links for staff, atomic rate counters, mail secrets that can be
//! redacted once sent, temporary passwords that expire, and the unique
//! indexes that keep two identical filings from both landing.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const OPEN: [&str; 2] = ["received", "under_review"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(StaffLoginEvents::Table)
                    .col(pk_auto(StaffLoginEvents::Id))
                    // Empty for a login ID that names nobody.
                    .col(integer_null(StaffLoginEvents::StaffId))
                    // As typed (cut), so admins see attempts at unknown IDs too.
                    .col(string_len(StaffLoginEvents::LoginId, 64))
                    .col(timestamp_with_time_zone(StaffLoginEvents::OccurredAt))
                    .col(string_len(StaffLoginEvents::Ip, 45))
                    .col(string_len(StaffLoginEvents::UserAgent, 512))
                    .col(string_len(StaffLoginEvents::Result, 8).check(
                        Expr::col(StaffLoginEvents::Result).is_in(["success", "failure", "locked"]),
                    ))
                    .foreign_key(
                        ForeignKey::create()
                            .from(StaffLoginEvents::Table, StaffLoginEvents::StaffId)
                            .to(StaffAccounts::Table, StaffAccounts::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_staff_login_events_time")
                    .table(StaffLoginEvents::Table)
                    .col(StaffLoginEvents::OccurredAt)
                    .to_owned(),
            )
            .await?;

        // One row per bucket and fixed window, counted up by one upsert, so
        // a limit holds across processes and parallel requests.
        manager
            .create_table(
                Table::create()
                    .table(RateCounters::Table)
                    .col(string_len(RateCounters::Bucket, 200))
                    .col(timestamp_with_time_zone(RateCounters::WindowStart))
                    .col(integer(RateCounters::Count))
                    .primary_key(
                        Index::create()
                            .col(RateCounters::Bucket)
                            .col(RateCounters::WindowStart),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(RateEvents::Table).to_owned())
            .await?;

        // SQLite adds one column per statement.
        manager
            .alter_table(
                Table::alter()
                    .table(MailOutbox::Table)
                    .add_column(boolean(MailOutbox::Sensitive).default(false))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(MailOutbox::Table)
                    .add_column(string_len_null(MailOutbox::DeliveredVia, 8))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(MemberAccounts::Table)
                    .add_column(timestamp_with_time_zone_null(
                        MemberAccounts::PasswordExpiresAt,
                    ))
                    .to_owned(),
            )
            .await?;
        // What was sent before is marked as sent by SMTP (the development
        // mailbox never lists it, and development refuses such a database),
        // its secrets are not kept, and temporary passwords already out
        // expire like new ones.
        manager
            .exec_stmt(
                Query::update()
                    .table(MailOutbox::Table)
                    .value(MailOutbox::DeliveredVia, "smtp")
                    .and_where(Expr::col(MailOutbox::SentAt).is_not_null())
                    .to_owned(),
            )
            .await?;
        manager
            .exec_stmt(
                Query::update()
                    .table(MailOutbox::Table)
                    .value(
                        MailOutbox::BodyText,
                        "(このメールには認証コード・リンク・仮パスワードが含まれていたため、送信後に本文を削除しました。)",
                    )
                    .and_where(Expr::col(MailOutbox::SentAt).is_not_null())
                    .and_where(
                        Expr::col(MailOutbox::Subject)
                            .like("%認証コード%")
                            .or(Expr::col(MailOutbox::Subject).like("%仮パスワード%"))
                            .or(Expr::col(MailOutbox::Subject).like("%パスワード再設定%")),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .exec_stmt(
                Query::update()
                    .table(MemberAccounts::Table)
                    .value(
                        MemberAccounts::PasswordExpiresAt,
                        Expr::cust(
                            if manager.get_database_backend() == sea_orm::DatabaseBackend::Postgres
                            {
                                "now() + interval '72 hours'"
                            } else {
                                "strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now', '+72 hours')"
                            },
                        ),
                    )
                    .and_where(Expr::col(MemberAccounts::MustChangePassword).eq(true))
                    .to_owned(),
            )
            .await?;
        for column in [
            string_len_null(StaffAccounts::Email, 254),
            text_null(StaffAccounts::TotpSecret),
            timestamp_with_time_zone_null(StaffAccounts::TotpEnrolledAt),
            // The last TOTP time step used: a code is good once.
            big_integer_null(StaffAccounts::TotpLastStep),
        ] {
            let mut column = column;
            manager
                .alter_table(
                    Table::alter()
                        .table(StaffAccounts::Table)
                        .add_column(&mut column)
                        .to_owned(),
                )
                .await?;
        }
        // A staff session is "password" until the second factor is given.
        manager
            .alter_table(
                Table::alter()
                    .table(StaffSessions::Table)
                    .add_column(
                        string_len(StaffSessions::Stage, 8)
                            .default("password")
                            .check(Expr::col(StaffSessions::Stage).is_in(["password", "full"])),
                    )
                    .to_owned(),
            )
            .await?;
        // Sessions from before the second factor existed must not count as
        // having given it: every staff member logs in again.
        manager
            .exec_stmt(Query::delete().from_table(StaffSessions::Table).to_owned())
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_staff_accounts_email")
                    .table(StaffAccounts::Table)
                    .col(StaffAccounts::Email)
                    .unique()
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(StaffRecoveryCodes::Table)
                    .col(pk_auto(StaffRecoveryCodes::Id))
                    .col(integer(StaffRecoveryCodes::StaffId))
                    .col(char_len(StaffRecoveryCodes::CodeHash, 64))
                    .col(timestamp_with_time_zone_null(StaffRecoveryCodes::UsedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(StaffRecoveryCodes::Table, StaffRecoveryCodes::StaffId)
                            .to(StaffAccounts::Table, StaffAccounts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_staff_recovery_codes")
                    .table(StaffRecoveryCodes::Table)
                    .col(StaffRecoveryCodes::StaffId)
                    .col(StaffRecoveryCodes::CodeHash)
                    .unique()
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(StaffLinks::Table)
                    .col(pk_auto(StaffLinks::Id))
                    .col(integer(StaffLinks::StaffId))
                    .col(char_len_uniq(StaffLinks::TokenHash, 64))
                    .col(
                        string_len(StaffLinks::Purpose, 8)
                            .check(Expr::col(StaffLinks::Purpose).is_in(["setup", "reset"])),
                    )
                    .col(timestamp_with_time_zone(StaffLinks::CreatedAt))
                    .col(timestamp_with_time_zone(StaffLinks::ExpiresAt))
                    .col(timestamp_with_time_zone_null(StaffLinks::UsedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(StaffLinks::Table, StaffLinks::StaffId)
                            .to(StaffAccounts::Table, StaffAccounts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;

        // Two identical filings in parallel cannot both land: one open rider
        // application per contract and rider, one open course change per
        // contract, and one open coverage per contract and rider.
        manager
            .create_index(
                Index::create()
                    .name("uq_procedures_open_rider")
                    .table(Procedures::Table)
                    .col(Procedures::ContractId)
                    .col(Procedures::RiderId)
                    .unique()
                    .and_where(Expr::col(Procedures::Kind).eq("rider_addition"))
                    .and_where(Expr::col(Procedures::Status).is_in(OPEN))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_procedures_open_course")
                    .table(Procedures::Table)
                    .col(Procedures::ContractId)
                    .unique()
                    .and_where(Expr::col(Procedures::Kind).eq("course_change"))
                    .and_where(Expr::col(Procedures::Status).is_in(OPEN))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_contract_riders_open")
                    .table(ContractRiders::Table)
                    .col(ContractRiders::ContractId)
                    .col(ContractRiders::RiderId)
                    .unique()
                    .and_where(Expr::col(ContractRiders::EndsOn).is_null())
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        Err(DbErr::Migration(
            "the identity migration is not reversible; restore a backup".into(),
        ))
    }
}

#[derive(DeriveIden)]
enum StaffLoginEvents {
    Table,
    Id,
    StaffId,
    LoginId,
    OccurredAt,
    Ip,
    UserAgent,
    Result,
}

#[derive(DeriveIden)]
enum RateCounters {
    Table,
    Bucket,
    WindowStart,
    Count,
}

#[derive(DeriveIden)]
enum RateEvents {
    Table,
}

#[derive(DeriveIden)]
enum MailOutbox {
    Table,
    Sensitive,
    DeliveredVia,
    SentAt,
    Subject,
    BodyText,
}

#[derive(DeriveIden)]
enum MemberAccounts {
    Table,
    PasswordExpiresAt,
    MustChangePassword,
}

#[derive(DeriveIden)]
enum StaffAccounts {
    Table,
    Id,
    Email,
    TotpSecret,
    TotpEnrolledAt,
    TotpLastStep,
}

#[derive(DeriveIden)]
enum StaffSessions {
    Table,
    Stage,
}

#[derive(DeriveIden)]
enum StaffRecoveryCodes {
    Table,
    Id,
    StaffId,
    CodeHash,
    UsedAt,
}

#[derive(DeriveIden)]
enum StaffLinks {
    Table,
    Id,
    StaffId,
    TokenHash,
    Purpose,
    CreatedAt,
    ExpiresAt,
    UsedAt,
}

#[derive(DeriveIden)]
enum Procedures {
    Table,
    ContractId,
    RiderId,
    Kind,
    Status,
}

#[derive(DeriveIden)]
enum ContractRiders {
    Table,
    ContractId,
    RiderId,
    EndsOn,
}
