//! お知らせ (M17, S5): notices staff publish for all members or an audience
//! (a course, members still in, members who withdrew), between a publish and
//! an optional expiry time; a public one shows on the login page too. Which
//! member read which notice is one row each, unique.

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
        manager
            .create_table(
                Table::create()
                    .table(Notices::Table)
                    .col(pk_auto(Notices::Id))
                    .col(string_len(Notices::Title, 200))
                    .col(text(Notices::Body))
                    .col(
                        string_len(Notices::Importance, 16)
                            .check(Expr::col(Notices::Importance).is_in(["normal", "important"])),
                    )
                    .col(string_len(Notices::Audience, 16).check(
                        Expr::col(Notices::Audience).is_in([
                            "all",
                            "course",
                            "active",
                            "withdrawn",
                        ]),
                    ))
                    .col(string_len_null(Notices::AudienceCourse, 24))
                    .col(boolean(Notices::Public).default(false))
                    .col(timestamp_with_time_zone(Notices::PublishAt))
                    .col(timestamp_with_time_zone_null(Notices::ExpireAt))
                    .col(integer_null(Notices::CreatedBy))
                    .col(timestamp_with_time_zone(Notices::CreatedAt))
                    // A course audience names its course; only notices for
                    // everyone may show on the public login page.
                    .check(
                        Expr::col(Notices::Audience)
                            .ne("course")
                            .or(Expr::col(Notices::AudienceCourse).is_not_null()),
                    )
                    .check(
                        Expr::col(Notices::Public)
                            .eq(false)
                            .or(Expr::col(Notices::Audience).eq("all")),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Notices::Table, Notices::CreatedBy)
                            .to(StaffAccounts::Table, StaffAccounts::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_notices_publish_at")
                    .table(Notices::Table)
                    .col(Notices::PublishAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(NoticeReads::Table)
                    .col(integer(NoticeReads::NoticeId))
                    .col(integer(NoticeReads::MemberId))
                    .col(timestamp_with_time_zone(NoticeReads::ReadAt))
                    .primary_key(
                        Index::create()
                            .col(NoticeReads::MemberId)
                            .col(NoticeReads::NoticeId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(NoticeReads::Table, NoticeReads::NoticeId)
                            .to(Notices::Table, Notices::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(NoticeReads::Table, NoticeReads::MemberId)
                            .to(Members::Table, Members::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(NoticeReads::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Notices::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum Notices {
    Table,
    Id,
    Title,
    Body,
    Importance,
    Audience,
    AudienceCourse,
    Public,
    PublishAt,
    ExpireAt,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum NoticeReads {
    Table,
    NoticeId,
    MemberId,
    ReadAt,
}

#[derive(DeriveIden)]
enum Members {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum StaffAccounts {
    Table,
    Id,
}
