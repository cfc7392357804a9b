//! The course (コース) and rider (特約) catalogue, and each member's contracts
//! with their coverage kept as dated periods: what holds from which day to
//! which day. A period ends the day the next one starts (`ends_on` exclusive).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (table, code, name, premium, summary, order) in [
            (
                Catalogue::Courses,
                Catalogue::Code,
                Catalogue::Name,
                Catalogue::MonthlyPremium,
                Catalogue::Summary,
                Catalogue::SortOrder,
            ),
            (
                Catalogue::Riders,
                Catalogue::Code,
                Catalogue::Name,
                Catalogue::MonthlyPremium,
                Catalogue::Summary,
                Catalogue::SortOrder,
            ),
        ] {
            manager
                .create_table(
                    Table::create()
                        .table(table)
                        .col(pk_auto(Catalogue::Id))
                        .col(string_len_uniq(code, 32))
                        .col(string_len(name, 60))
                        .col(integer(premium).check(Expr::col(Catalogue::MonthlyPremium).gte(0)))
                        .col(text(summary))
                        .col(integer(order).default(0))
                        .to_owned(),
                )
                .await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(Contracts::Table)
                    .col(pk_auto(Contracts::Id))
                    .col(integer(Contracts::MemberId))
                    .col(string_len_uniq(Contracts::ContractNumber, 20))
                    .col(timestamp_with_time_zone(Contracts::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Contracts::Table, Contracts::MemberId)
                            .to(Members::Table, Members::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_contracts_member")
                    .table(Contracts::Table)
                    .col(Contracts::MemberId)
                    .to_owned(),
            )
            .await?;

        for (table, item, target) in [
            (
                Periods::ContractCourses,
                Periods::CourseId,
                Catalogue::Courses,
            ),
            (Periods::ContractRiders, Periods::RiderId, Catalogue::Riders),
        ] {
            manager
                .create_table(
                    Table::create()
                        .table(table.clone())
                        .col(pk_auto(Periods::Id))
                        .col(integer(Periods::ContractId))
                        .col(integer(item.clone()))
                        .col(date(Periods::StartsOn))
                        .col(date_null(Periods::EndsOn))
                        .check(
                            Expr::col(Periods::EndsOn)
                                .is_null()
                                .or(Expr::col(Periods::EndsOn).gt(Expr::col(Periods::StartsOn))),
                        )
                        .foreign_key(
                            ForeignKey::create()
                                .from(table.clone(), Periods::ContractId)
                                .to(Contracts::Table, Contracts::Id)
                                .on_delete(ForeignKeyAction::Cascade),
                        )
                        .foreign_key(
                            ForeignKey::create()
                                .from(table.clone(), item)
                                .to(target, Catalogue::Id),
                        )
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Periods::ContractRiders.into_iden(),
            Periods::ContractCourses.into_iden(),
            Contracts::Table.into_iden(),
            Catalogue::Riders.into_iden(),
            Catalogue::Courses.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum Catalogue {
    Courses,
    Riders,
    Id,
    Code,
    Name,
    MonthlyPremium,
    Summary,
    SortOrder,
}

#[derive(DeriveIden)]
enum Contracts {
    Table,
    Id,
    MemberId,
    ContractNumber,
    CreatedAt,
}

#[derive(DeriveIden, Clone)]
enum Periods {
    ContractCourses,
    ContractRiders,
    Id,
    ContractId,
    CourseId,
    RiderId,
    StartsOn,
    EndsOn,
}

#[derive(DeriveIden)]
enum Members {
    Table,
    Id,
}
