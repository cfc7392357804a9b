//! お問い合わせ (M11, S4): a thread per inquiry and its messages. Internal
//! staff notes are messages too, marked `internal`, which no member query
//! reads. The status and the time the member started waiting are kept on the
//! thread, so the staff inbox (oldest waiting first) is one indexed query.

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
                    .table(Inquiries::Table)
                    .col(pk_auto(Inquiries::Id))
                    .col(integer(Inquiries::MemberId))
                    .col(string_len(Inquiries::Category, 24))
                    .col(string_len(Inquiries::Subject, 200))
                    .col(string_len(Inquiries::Status, 16).check(
                        Expr::col(Inquiries::Status).is_in([
                            "waiting",
                            "in_progress",
                            "answered",
                            "closed",
                        ]),
                    ))
                    .col(integer_null(Inquiries::AssignedStaffId))
                    .col(timestamp_with_time_zone(Inquiries::CreatedAt))
                    .col(timestamp_with_time_zone(Inquiries::UpdatedAt))
                    // When the member last started waiting for the co-op.
                    .col(timestamp_with_time_zone(Inquiries::WaitingSince))
                    .col(timestamp_with_time_zone_null(Inquiries::ClosedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Inquiries::Table, Inquiries::MemberId)
                            .to(Members::Table, Members::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Inquiries::Table, Inquiries::AssignedStaffId)
                            .to(StaffAccounts::Table, StaffAccounts::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_inquiries_member")
                    .table(Inquiries::Table)
                    .col(Inquiries::MemberId)
                    .col(Inquiries::UpdatedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_inquiries_inbox")
                    .table(Inquiries::Table)
                    .col(Inquiries::Status)
                    .col(Inquiries::WaitingSince)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(InquiryMessages::Table)
                    .col(pk_auto(InquiryMessages::Id))
                    .col(integer(InquiryMessages::InquiryId))
                    .col(
                        string_len(InquiryMessages::Author, 8)
                            .check(Expr::col(InquiryMessages::Author).is_in(["member", "staff"])),
                    )
                    .col(integer_null(InquiryMessages::StaffId))
                    .col(string_len_null(InquiryMessages::Signature, 60))
                    .col(text(InquiryMessages::Body))
                    .col(boolean(InquiryMessages::Internal).default(false))
                    .col(timestamp_with_time_zone(InquiryMessages::CreatedAt))
                    // A member never writes an internal note.
                    .check(
                        Expr::col(InquiryMessages::Internal)
                            .eq(false)
                            .or(Expr::col(InquiryMessages::Author).eq("staff")),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(InquiryMessages::Table, InquiryMessages::InquiryId)
                            .to(Inquiries::Table, Inquiries::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(InquiryMessages::Table, InquiryMessages::StaffId)
                            .to(StaffAccounts::Table, StaffAccounts::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_inquiry_messages_thread")
                    .table(InquiryMessages::Table)
                    .col(InquiryMessages::InquiryId)
                    .col(InquiryMessages::Id)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(InquiryMessages::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Inquiries::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum Inquiries {
    Table,
    Id,
    MemberId,
    Category,
    Subject,
    Status,
    AssignedStaffId,
    CreatedAt,
    UpdatedAt,
    WaitingSince,
    ClosedAt,
}

#[derive(DeriveIden)]
enum InquiryMessages {
    Table,
    Id,
    InquiryId,
    Author,
    StaffId,
    Signature,
    Body,
    Internal,
    CreatedAt,
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
