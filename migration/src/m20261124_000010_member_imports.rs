//! Members CSV imports (S7): the uploaded file is kept with its preview
//! until staff take it in, so any server process can run it; progress and
//! results are read from here.

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
                    .table(MemberImports::Table)
                    .col(pk_auto(MemberImports::Id))
                    .col(string_len(MemberImports::FileName, 200))
                    .col(char_len(MemberImports::Sha256, 64))
                    .col(blob(MemberImports::Content))
                    .col(string_len(MemberImports::Encoding, 32))
                    .col(string_len(MemberImports::Status, 16).check(
                        Expr::col(MemberImports::Status).is_in([
                            "previewed",
                            "running",
                            "done",
                            "failed",
                        ]),
                    ))
                    .col(integer(MemberImports::RowsTotal).default(0))
                    .col(integer(MemberImports::RowsDone).default(0))
                    .col(integer(MemberImports::Inserted).default(0))
                    .col(integer(MemberImports::Updated).default(0))
                    .col(integer(MemberImports::Unchanged).default(0))
                    .col(integer(MemberImports::Rejected).default(0))
                    .col(integer(MemberImports::Warnings).default(0))
                    .col(text(MemberImports::Issues))
                    .col(text_null(MemberImports::Error))
                    .col(integer(MemberImports::CreatedBy))
                    .col(timestamp_with_time_zone(MemberImports::CreatedAt))
                    .col(timestamp_with_time_zone_null(MemberImports::StartedAt))
                    .col(timestamp_with_time_zone_null(MemberImports::FinishedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(MemberImports::Table, MemberImports::CreatedBy)
                            .to(StaffAccounts::Table, StaffAccounts::Id),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(MemberImports::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum MemberImports {
    Table,
    Id,
    FileName,
    Sha256,
    Content,
    Encoding,
    Status,
    RowsTotal,
    RowsDone,
    Inserted,
    Updated,
    Unchanged,
    Rejected,
    Warnings,
    Issues,
    Error,
    CreatedBy,
    CreatedAt,
    StartedAt,
    FinishedAt,
}

#[derive(DeriveIden)]
enum StaffAccounts {
    Table,
    Id,
}
