//! Changes made here that the core system's export has not shown yet: when a
//! member changed their address or phone on My Page, or a name change was
//! applied, the time it was. A members import whose row still differs keeps
//! what was changed here (and warns) instead of writing the core system's
//! older value back; a row that shows the change clears the mark. Changes
//! made before this migration are marked from the procedures that recorded
//! them.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;
use sea_orm_migration::sea_orm::ConnectionTrait;

#[derive(DeriveMigrationName)]
pub struct Migration;

const COLUMNS: [Members; 3] = [
    Members::AddressPendingCoreAt,
    Members::PhonePendingCoreAt,
    Members::NamePendingCoreAt,
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite adds one at a time.
        for column in COLUMNS {
            manager
                .alter_table(
                    Table::alter()
                        .table(Members::Table)
                        .add_column(timestamp_with_time_zone_null(column))
                        .to_owned(),
                )
                .await?;
        }
        // Changes made before this migration and after the last members
        // import are marked too (the next import may not have them; one
        // that has shows them and clears the mark without a warning): the
        // last address or phone change done on My Page, and the last name
        // change applied.
        let db = manager.get_connection();
        for (column, kinds) in [
            (
                "address_pending_core_at",
                "p.kind = 'address_change' AND p.status = 'completed'",
            ),
            (
                "phone_pending_core_at",
                "p.kind = 'phone_change' AND p.status = 'completed'",
            ),
            (
                "name_pending_core_at",
                "p.kind = 'name_change' AND p.status IN ('approved', 'completed')",
            ),
        ] {
            // Not what a finished members import came after: that import
            // wrote the core system's value, and it stands.
            let changed = format!(
                "FROM procedures p WHERE p.member_id = members.id AND {kinds} \
                 AND NOT EXISTS (SELECT 1 FROM member_imports i WHERE i.kind = 'members' \
                 AND i.status = 'done' AND i.finished_at >= p.updated_at)"
            );
            db.execute_unprepared(&format!(
                "UPDATE members SET {column} = (SELECT MAX(p.updated_at) {changed}) \
                 WHERE EXISTS (SELECT 1 {changed})"
            ))
            .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in COLUMNS {
            manager
                .alter_table(
                    Table::alter()
                        .table(Members::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum Members {
    Table,
    AddressPendingCoreAt,
    PhonePendingCoreAt,
    NamePendingCoreAt,
}
