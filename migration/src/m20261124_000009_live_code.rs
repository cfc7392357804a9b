//! At most one usable registration code per member: two staff printing a
//! letter at the same moment cannot leave two codes working.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // A partial unique index (SQLite and PostgreSQL both have them; the
        // schema builder does not), so written out.
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX idx_registration_codes_live \
                 ON registration_codes (member_id) WHERE used_at IS NULL",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared("DROP INDEX idx_registration_codes_live")
            .await?;
        Ok(())
    }
}
