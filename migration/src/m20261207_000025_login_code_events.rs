//! ログイン履歴 keeps the logins that stopped at the mailed code: a right
//! password from a browser not seen before (M15: someone who knows the
//! password but not the mailbox leaves a trace the member sees).
//!
//! `login_events.result` takes one more value; SQLite rebuilds the table
//! ([`crate::check_list`]). Nothing refers to it.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const OLD: &str = "'success', 'failure', 'locked'";
const NEW: &str = "'success', 'failure', 'locked', 'code_sent'";
const TABLE: (&str, &str, &str) = ("login_events", "login_events_result_check", "result");

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    /// The SQLite rebuild must not be seen half done.
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::check_list::replace(manager, TABLE, OLD, NEW).await
    }

    /// Back to three values: the logins that stopped at the code are
    /// forgotten (they are a history, not a record anything depends on).
    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared("DELETE FROM login_events WHERE result = 'code_sent'")
            .await?;
        crate::check_list::replace(manager, TABLE, NEW, OLD).await
    }
}
