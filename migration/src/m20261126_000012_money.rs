//! Money (M8, M9, P2, S7): billing statements and their lines, payments and
//! 割戻金 from the core system's exports; the 控除 category of each course;
//! electronic 掛金払込証明書 as issued (for their verification codes); the
//! year of a paper reissue; and one import kind column for the back-office
//! uploads, which run one at a time per kind.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const OPEN: [&str; 2] = ["received", "under_review"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Statements::Table)
                    .col(pk_auto(Statements::Id))
                    .col(integer(Statements::MemberId))
                    // `2026-11`: sorts as it reads.
                    .col(char_len(Statements::BillingMonth, 7))
                    .col(date(Statements::ClosingOn))
                    .col(date(Statements::BilledOn))
                    .col(big_integer(Statements::Total).default(0))
                    .col(timestamp_with_time_zone(Statements::ImportedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Statements::Table, Statements::MemberId)
                            .to(Members::Table, Members::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // One statement per member and month: a re-sent month replaces it.
        manager
            .create_index(
                Index::create()
                    .name("uq_statements_member_month")
                    .table(Statements::Table)
                    .col(Statements::MemberId)
                    .col(Statements::BillingMonth)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(StatementLines::Table)
                    .col(pk_auto(StatementLines::Id))
                    .col(integer(StatementLines::StatementId))
                    .col(integer(StatementLines::Position))
                    .col(
                        string_len(StatementLines::Kind, 16).check(
                            Expr::col(StatementLines::Kind)
                                .is_in(["premium", "capital", "purchase", "other"]),
                        ),
                    )
                    .col(string_len_null(StatementLines::ContractNumber, 20))
                    .col(string_len(StatementLines::Description, 100))
                    .col(date_null(StatementLines::UsedOn))
                    .col(big_integer(StatementLines::Amount))
                    .foreign_key(
                        ForeignKey::create()
                            .from(StatementLines::Table, StatementLines::StatementId)
                            .to(Statements::Table, Statements::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_statement_lines_position")
                    .table(StatementLines::Table)
                    .col(StatementLines::StatementId)
                    .col(StatementLines::Position)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Payments::Table)
                    .col(pk_auto(Payments::Id))
                    .col(integer(Payments::MemberId))
                    .col(char_len(Payments::BillingMonth, 7))
                    .col(date(Payments::PaidOn))
                    .col(big_integer(Payments::Amount))
                    .col(
                        string_len(Payments::Method, 24).check(Expr::col(Payments::Method).is_in(
                            [
                                "account_transfer",
                                "bank_transfer",
                                "convenience_store",
                                "counter",
                                "other",
                            ],
                        )),
                    )
                    .col(timestamp_with_time_zone(Payments::ImportedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Payments::Table, Payments::MemberId)
                            .to(Members::Table, Members::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_payments_member_month")
                    .table(Payments::Table)
                    .col(Payments::MemberId)
                    .col(Payments::BillingMonth)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Rebates::Table)
                    .col(pk_auto(Rebates::Id))
                    .col(integer(Rebates::MemberId))
                    .col(integer(Rebates::Year))
                    // Hundredths of a percent.
                    .col(integer(Rebates::RateBp))
                    .col(big_integer(Rebates::Amount))
                    .col(date_null(Rebates::PaidOn))
                    .col(timestamp_with_time_zone(Rebates::ImportedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Rebates::Table, Rebates::MemberId)
                            .to(Members::Table, Members::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_rebates_member_year")
                    .table(Rebates::Table)
                    .col(Rebates::MemberId)
                    .col(Rebates::Year)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Certificates::Table)
                    .col(pk_auto(Certificates::Id))
                    .col(integer(Certificates::MemberId))
                    .col(integer(Certificates::Year))
                    // SHA-256 of the verification code, hex.
                    .col(char_len(Certificates::CodeHash, 64).unique_key())
                    // The contracts and amounts as printed (JSON).
                    .col(text(Certificates::Contents))
                    .col(big_integer(Certificates::Certified))
                    .col(big_integer(Certificates::Expected))
                    .col(timestamp_with_time_zone(Certificates::IssuedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Certificates::Table, Certificates::MemberId)
                            .to(Members::Table, Members::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_certificates_member")
                    .table(Certificates::Table)
                    .col(Certificates::MemberId)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Courses::Table)
                    .add_column(
                        string_len(Courses::Deduction, 16)
                            .default("general_life")
                            .check(
                                Expr::col(Courses::Deduction)
                                    .is_in(["general_life", "medical_care"]),
                            ),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Procedures::Table)
                    .add_column(integer_null(Procedures::CertificateYear))
                    .to_owned(),
            )
            .await?;
        // One paper reissue of a year waiting at a time: a double submit
        // files once.
        manager
            .create_index(
                Index::create()
                    .name("uq_procedures_open_certificate")
                    .table(Procedures::Table)
                    .col(Procedures::MemberId)
                    .col(Procedures::CertificateYear)
                    .unique()
                    .and_where(Expr::col(Procedures::Kind).eq("certificate_reissue"))
                    .and_where(Expr::col(Procedures::Status).is_in(OPEN))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(MemberImports::Table)
                    .add_column(
                        string_len(MemberImports::Kind, 16)
                            .default("members")
                            .check(Expr::col(MemberImports::Kind).is_in([
                                "members",
                                "statements",
                                "payments",
                                "rebates",
                            ])),
                    )
                    .to_owned(),
            )
            .await?;
        // One import of a kind runs at a time: two uploads of the same
        // month cannot interleave their replacements.
        manager
            .create_index(
                Index::create()
                    .name("uq_member_imports_running_kind")
                    .table(MemberImports::Table)
                    .col(MemberImports::Kind)
                    .unique()
                    .and_where(Expr::col(MemberImports::Status).eq("running"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        Err(DbErr::Migration(
            "the money tables are not dropped backwards; restore a backup instead".into(),
        ))
    }
}

#[derive(DeriveIden)]
enum Statements {
    Table,
    Id,
    MemberId,
    BillingMonth,
    ClosingOn,
    BilledOn,
    Total,
    ImportedAt,
}

#[derive(DeriveIden)]
enum StatementLines {
    Table,
    Id,
    StatementId,
    Position,
    Kind,
    ContractNumber,
    Description,
    UsedOn,
    Amount,
}

#[derive(DeriveIden)]
enum Payments {
    Table,
    Id,
    MemberId,
    BillingMonth,
    PaidOn,
    Amount,
    Method,
    ImportedAt,
}

#[derive(DeriveIden)]
enum Rebates {
    Table,
    Id,
    MemberId,
    Year,
    RateBp,
    Amount,
    PaidOn,
    ImportedAt,
}

#[derive(DeriveIden)]
enum Certificates {
    Table,
    Id,
    MemberId,
    Year,
    CodeHash,
    Contents,
    Certified,
    Expected,
    IssuedAt,
}

#[derive(DeriveIden)]
enum Members {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Courses {
    Table,
    Deduction,
}

#[derive(DeriveIden)]
enum Procedures {
    Table,
    MemberId,
    Kind,
    Status,
    CertificateYear,
}

#[derive(DeriveIden)]
enum MemberImports {
    Table,
    Kind,
    Status,
}
