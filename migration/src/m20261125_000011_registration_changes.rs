//! 登録内容の変更 (M5): a mobile number beside the phone, the address,
//! phone and name-change procedures (a name change carries the new name until
//! staff apply it; one open at a time per member), and the postal code table
//! the address form looks codes up in.
//!
//! SQLite cannot alter a CHECK constraint, so `procedures` is rebuilt there
//! inside this migration's transaction: copied into a new table that replaces
//! it. Dropping the old table cascades to `procedure_events`, so the events
//! are kept aside in a temporary table and put back.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend, Statement};

#[derive(DeriveMigrationName)]
pub struct Migration;

const OLD_LAST_KIND: &str = "'temporary_password'";
const NEW_KINDS: &str = "'temporary_password', 'address_change', 'phone_change', 'name_change'";
const OPEN: [&str; 2] = ["received", "under_review"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    /// The SQLite rebuild must not be seen half done.
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Members::Table)
                    .add_column(string_len_null(Members::MobilePhone, 13))
                    .to_owned(),
            )
            .await?;
        for col in [
            string_len_null(Procedures::NewName, 40),
            string_len_null(Procedures::NewNameKana, 60),
        ] {
            let mut col = col;
            manager
                .alter_table(
                    Table::alter()
                        .table(Procedures::Table)
                        .add_column(&mut col)
                        .to_owned(),
                )
                .await?;
        }
        let db = manager.get_connection();
        let name_change_check = "(\"kind\" <> 'name_change' OR (\"new_name\" IS NOT NULL AND \"new_name_kana\" IS NOT NULL))";
        match manager.get_database_backend() {
            DbBackend::Sqlite => {
                let row = db
                    .query_one_raw(Statement::from_string(
                        DbBackend::Sqlite,
                        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'procedures'",
                    ))
                    .await?
                    .ok_or_else(|| DbErr::Migration("procedures is missing".into()))?;
                let sql: String = row.try_get("", "sql")?;
                if sql.matches(OLD_LAST_KIND).count() != 1 {
                    return Err(DbErr::Migration(
                        "procedures.kind's CHECK is not the one this migration knows".into(),
                    ));
                }
                let body = sql
                    .trim_end()
                    .strip_suffix(')')
                    .ok_or_else(|| DbErr::Migration("unexpected procedures DDL".into()))?;
                let new_sql = format!(
                    "{}, CHECK {name_change_check} )",
                    body.replacen("\"procedures\"", "\"procedures_new\"", 1)
                        .replacen(OLD_LAST_KIND, NEW_KINDS, 1)
                );
                for statement in [
                    "CREATE TEMP TABLE procedure_events_keep AS SELECT * FROM procedure_events",
                    new_sql.as_str(),
                    "INSERT INTO procedures_new SELECT * FROM procedures",
                    // Ids (and with them receipt numbers) are never reused.
                    "UPDATE sqlite_sequence SET seq = (SELECT seq FROM sqlite_sequence \
                     WHERE name = 'procedures') WHERE name = 'procedures_new' \
                     AND EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'procedures')",
                    "INSERT INTO sqlite_sequence (name, seq) SELECT 'procedures_new', seq \
                     FROM sqlite_sequence WHERE name = 'procedures' AND NOT EXISTS \
                     (SELECT 1 FROM sqlite_sequence WHERE name = 'procedures_new')",
                    "DROP TABLE procedures",
                    "ALTER TABLE procedures_new RENAME TO procedures",
                    "INSERT INTO procedure_events SELECT * FROM procedure_events_keep",
                    "DROP TABLE procedure_events_keep",
                ] {
                    db.execute_unprepared(statement).await?;
                }
                // The indexes went with the old table.
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
                    .create_index(
                        Index::create()
                            .name("uq_procedures_open_rider")
                            .table(Procedures::Table)
                            .col(Procedures::ContractId)
                            .col(Procedures::RiderId)
                            .unique()
                            .and_where(Expr::col(Procedures::Kind).eq("rider_addition"))
                            .and_where(Expr::col(Procedures::Status).is_in(OPEN))
                            .to_owned(),
                    )
                    .await?;
                manager
                    .create_index(
                        Index::create()
                            .name("uq_procedures_open_course")
                            .table(Procedures::Table)
                            .col(Procedures::ContractId)
                            .unique()
                            .and_where(Expr::col(Procedures::Kind).eq("course_change"))
                            .and_where(Expr::col(Procedures::Status).is_in(OPEN))
                            .to_owned(),
                    )
                    .await?;
            }
            _ => {
                db.execute_unprepared(&format!(
                    "ALTER TABLE procedures DROP CONSTRAINT procedures_kind_check, \
                     ADD CONSTRAINT procedures_kind_check CHECK (kind IN ('rider_addition', \
                     'course_change', 'document_request', 'certificate_reissue', \
                     'password_change', 'user_id_change', 'email_change', {NEW_KINDS})), \
                     ADD CONSTRAINT procedures_name_change_check CHECK {name_change_check}"
                ))
                .await?;
            }
        }
        // One name change waiting at a time: a double submit files once.
        manager
            .create_index(
                Index::create()
                    .name("uq_procedures_open_name_change")
                    .table(Procedures::Table)
                    .col(Procedures::MemberId)
                    .unique()
                    .and_where(Expr::col(Procedures::Kind).eq("name_change"))
                    .and_where(Expr::col(Procedures::Status).is_in(OPEN))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(PostalCodes::Table)
                    .col(char_len(PostalCodes::Code, 7).primary_key())
                    .col(string_len(PostalCodes::Prefecture, 8))
                    // Empty when the code crosses a city boundary.
                    .col(string_len_null(PostalCodes::City, 40))
                    // Empty when the code stands for several towns or for
                    // the rest of a city (seed 000).
                    .col(string_len_null(PostalCodes::Town, 80))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        Err(DbErr::Migration(
            "procedures cannot be rebuilt backwards; restore a backup instead".into(),
        ))
    }
}

#[derive(DeriveIden)]
enum Members {
    Table,
    MobilePhone,
}

#[derive(DeriveIden)]
enum Procedures {
    Table,
    MemberId,
    ContractId,
    Kind,
    Status,
    RiderId,
    CreatedAt,
    NewName,
    NewNameKana,
}

#[derive(DeriveIden)]
enum PostalCodes {
    Table,
    Code,
    Prefecture,
    City,
    Town,
}
