//! A contract's courses and riders are read by contract (ご契約内容, the My
//! Page home's notices for a course's holders, staff views): at a million
//! members, without these indexes every read scanned both tables (bench.sh:
//! ご契約内容 at 14 req/s, p50 1 s). The partial unique index on open
//! riders does not serve reads that include ended ones.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                Index::create()
                    .name("idx_contract_courses_contract")
                    .table(ContractCourses::Table)
                    .col(ContractCourses::ContractId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_contract_riders_contract")
                    .table(ContractRiders::Table)
                    .col(ContractRiders::ContractId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("idx_contract_riders_contract")
                    .table(ContractRiders::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("idx_contract_courses_contract")
                    .table(ContractCourses::Table)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum ContractCourses {
    Table,
    ContractId,
}

#[derive(DeriveIden)]
enum ContractRiders {
    Table,
    ContractId,
}
