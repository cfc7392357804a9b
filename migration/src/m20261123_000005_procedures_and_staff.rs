//! Staff accounts and their sessions (S1), and online procedures (M7) with
//! the history of every status they passed through.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const KINDS: [&str; 8] = [
    "rider_addition",
    "course_change",
    "document_request",
    "certificate_reissue",
    "password_change",
    "user_id_change",
    "email_change",
    "temporary_password",
];
const STATUSES: [&str; 7] = [
    "received",
    "under_review",
    "approved",
    "declined",
    "shipped",
    "cancelled",
    "completed",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(StaffAccounts::Table)
                    .col(pk_auto(StaffAccounts::Id))
                    // Stored lower-cased: login IDs are case-insensitive.
                    .col(string_len_uniq(StaffAccounts::LoginId, 32))
                    .col(string_len(StaffAccounts::Name, 60))
                    .col(
                        string_len(StaffAccounts::Role, 16)
                            .check(Expr::col(StaffAccounts::Role).is_in(["operator", "admin"])),
                    )
                    .col(text(StaffAccounts::PasswordHash))
                    .col(boolean(StaffAccounts::Active).default(true))
                    .col(integer(StaffAccounts::FailedLoginCount).default(0))
                    .col(timestamp_with_time_zone_null(StaffAccounts::LockedUntil))
                    .col(timestamp_with_time_zone_null(StaffAccounts::LastLoginAt))
                    .col(timestamp_with_time_zone(StaffAccounts::CreatedAt))
                    .col(timestamp_with_time_zone(StaffAccounts::UpdatedAt))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(StaffSessions::Table)
                    .col(pk_auto(StaffSessions::Id))
                    .col(char_len_uniq(StaffSessions::TokenHash, 64))
                    .col(integer(StaffSessions::StaffId))
                    .col(timestamp_with_time_zone(StaffSessions::CreatedAt))
                    .col(timestamp_with_time_zone(StaffSessions::LastSeenAt))
                    .col(timestamp_with_time_zone(StaffSessions::ExpiresAt))
                    .col(string_len(StaffSessions::Ip, 45))
                    .col(string_len(StaffSessions::UserAgent, 512))
                    .foreign_key(
                        ForeignKey::create()
                            .from(StaffSessions::Table, StaffSessions::StaffId)
                            .to(StaffAccounts::Table, StaffAccounts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Procedures::Table)
                    .col(pk_auto(Procedures::Id))
                    .col(integer(Procedures::MemberId))
                    .col(integer_null(Procedures::ContractId))
                    .col(
                        string_len(Procedures::Kind, 24)
                            .check(Expr::col(Procedures::Kind).is_in(KINDS)),
                    )
                    .col(
                        string_len(Procedures::Status, 16)
                            .check(Expr::col(Procedures::Status).is_in(STATUSES)),
                    )
                    .col(
                        string_len(Procedures::FiledBy, 8)
                            .check(Expr::col(Procedures::FiledBy).is_in(["member", "staff"])),
                    )
                    // Empty for a member, and for the co-op's operator commands.
                    .col(integer_null(Procedures::FiledByStaffId))
                    .col(integer_null(Procedures::CourseId))
                    .col(integer_null(Procedures::RiderId))
                    // Document codes, comma-separated, for 書類のお取り寄せ.
                    .col(string_len_null(Procedures::Documents, 200))
                    // What was asked for, in words, as it stood when filed.
                    .col(string_len(Procedures::Summary, 300))
                    // Set when a course change or rider is approved.
                    .col(date_null(Procedures::CoverageStartsOn))
                    .col(timestamp_with_time_zone(Procedures::CreatedAt))
                    .col(timestamp_with_time_zone(Procedures::UpdatedAt))
                    // What each kind needs to be carried out.
                    .check(
                        Expr::col(Procedures::Kind)
                            .ne("course_change")
                            .or(Expr::col(Procedures::ContractId)
                                .is_not_null()
                                .and(Expr::col(Procedures::CourseId).is_not_null())),
                    )
                    .check(
                        Expr::col(Procedures::Kind)
                            .ne("rider_addition")
                            .or(Expr::col(Procedures::ContractId)
                                .is_not_null()
                                .and(Expr::col(Procedures::RiderId).is_not_null())),
                    )
                    .check(
                        Expr::col(Procedures::Kind)
                            .ne("document_request")
                            .or(Expr::col(Procedures::Documents).is_not_null()),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Procedures::Table, Procedures::MemberId)
                            .to(Members::Table, Members::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Procedures::Table, Procedures::ContractId)
                            .to(Contracts::Table, Contracts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Procedures::Table, Procedures::FiledByStaffId)
                            .to(StaffAccounts::Table, StaffAccounts::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Procedures::Table, Procedures::CourseId)
                            .to(Courses::Table, Courses::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Procedures::Table, Procedures::RiderId)
                            .to(Riders::Table, Riders::Id),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, cols) in [
            (
                "idx_procedures_member_time",
                [Procedures::MemberId, Procedures::CreatedAt],
            ),
            (
                "idx_procedures_status_kind",
                [Procedures::Status, Procedures::Kind],
            ),
        ] {
            let mut index = Index::create();
            index.name(name).table(Procedures::Table);
            for col in cols {
                index.col(col);
            }
            manager.create_index(index.to_owned()).await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(ProcedureEvents::Table)
                    .col(pk_auto(ProcedureEvents::Id))
                    .col(integer(ProcedureEvents::ProcedureId))
                    .col(
                        string_len(ProcedureEvents::Status, 16)
                            .check(Expr::col(ProcedureEvents::Status).is_in(STATUSES)),
                    )
                    .col(
                        string_len(ProcedureEvents::Actor, 8)
                            .check(Expr::col(ProcedureEvents::Actor).is_in(["member", "staff"])),
                    )
                    .col(integer_null(ProcedureEvents::StaffId))
                    .col(text_null(ProcedureEvents::Comment))
                    .col(timestamp_with_time_zone(ProcedureEvents::OccurredAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ProcedureEvents::Table, ProcedureEvents::ProcedureId)
                            .to(Procedures::Table, Procedures::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(ProcedureEvents::Table, ProcedureEvents::StaffId)
                            .to(StaffAccounts::Table, StaffAccounts::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_procedure_events_procedure")
                    .table(ProcedureEvents::Table)
                    .col(ProcedureEvents::ProcedureId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_audit_log_time")
                    .table(AuditLog::Table)
                    .col(AuditLog::OccurredAt)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("idx_audit_log_time")
                    .table(AuditLog::Table)
                    .to_owned(),
            )
            .await?;
        for table in [
            ProcedureEvents::Table.into_iden(),
            Procedures::Table.into_iden(),
            StaffSessions::Table.into_iden(),
            StaffAccounts::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum StaffAccounts {
    Table,
    Id,
    LoginId,
    Name,
    Role,
    PasswordHash,
    Active,
    FailedLoginCount,
    LockedUntil,
    LastLoginAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum StaffSessions {
    Table,
    Id,
    TokenHash,
    StaffId,
    CreatedAt,
    LastSeenAt,
    ExpiresAt,
    Ip,
    UserAgent,
}

#[derive(DeriveIden, Clone, Copy)]
enum Procedures {
    Table,
    Id,
    MemberId,
    ContractId,
    Kind,
    Status,
    FiledBy,
    FiledByStaffId,
    CourseId,
    RiderId,
    Documents,
    Summary,
    CoverageStartsOn,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ProcedureEvents {
    Table,
    Id,
    ProcedureId,
    Status,
    Actor,
    StaffId,
    Comment,
    OccurredAt,
}

#[derive(DeriveIden)]
enum Members {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Contracts {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Courses {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Riders {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum AuditLog {
    Table,
    OccurredAt,
}
