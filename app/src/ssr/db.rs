//! Opening the database and bringing its schema up to date.

use migration::{Migrator, MigratorTrait};
use sea_orm::{
    ConnectOptions, Database, DatabaseConnection, DatabaseTransaction, DbErr,
    SqliteTransactionMode, TransactionOptions, TransactionTrait,
};

pub async fn connect(url: &str) -> Result<DatabaseConnection, DbErr> {
    if let Some(path) = sqlite_file(url) {
        if let Some(dir) = std::path::Path::new(path).parent() {
            if !dir.as_os_str().is_empty() {
                std::fs::create_dir_all(dir)
                    .map_err(|e| DbErr::Custom(format!("cannot create {}: {e}", dir.display())))?;
            }
        }
    }
    let mut options = ConnectOptions::new(url);
    options.sqlx_logging(false);
    if url.starts_with("sqlite:") {
        // One writer at a time is SQLite's rule; a small pool avoids lock waits.
        options.max_connections(4);
    } else if !url.contains("statement_timeout") {
        let timeout = format!("{}s", crate::domain::policy::DB_STATEMENT_TIMEOUT_SECONDS);
        options.map_sqlx_postgres_opts(move |pg| pg.options([("statement_timeout", &timeout)]));
    }
    let db = Database::connect(options).await?;
    if url.starts_with("sqlite:") {
        use sea_orm::ConnectionTrait;
        // sqlx already turns foreign keys on and waits 5 s on a busy database for every
        // connection; WAL is a property of the file, so setting it once is enough.
        db.execute_unprepared("PRAGMA journal_mode = WAL;").await?;
        match missing_sqlite_options(&db).await {
            Ok(missing) if missing.is_empty() => {}
            Ok(missing) => tracing::warn!(
                ?missing,
                "SQLite was compiled without the options in .cargo/config.toml \
                 (built from outside the workspace?): pages will be slower"
            ),
            Err(e) => tracing::warn!(error = %e, "SQLite's compile options could not be read"),
        }
    }
    Ok(db)
}

/// The compile-time options `.cargo/config.toml` gives the bundled SQLite.
pub const SQLITE_OPTIONS: [&str; 2] = ["ENABLE_QPSG", "DEFAULT_MEMSTATUS=0"];

/// Those of [`SQLITE_OPTIONS`] this build's SQLite lacks.
pub async fn missing_sqlite_options(db: &DatabaseConnection) -> Result<Vec<&'static str>, DbErr> {
    use sea_orm::{ConnectionTrait, Statement};
    let mut missing = Vec::new();
    for option in SQLITE_OPTIONS {
        let row = db
            .query_one_raw(Statement::from_sql_and_values(
                db.get_database_backend(),
                "SELECT sqlite_compileoption_used(?) AS used",
                [option.into()],
            ))
            .await?;
        let used: i32 = match row {
            Some(row) => row.try_get("", "used")?,
            None => 0,
        };
        if used == 0 {
            missing.push(option);
        }
    }
    Ok(missing)
}

/// Begins a transaction that will write. On SQLite it starts as
/// `BEGIN IMMEDIATE`: it takes the write lock at once (waiting up to the busy
/// timeout for another writer), where a deferred transaction that read first
/// would be refused at its first write, without waiting, whenever another
/// connection (the mail worker, a session touch) wrote meanwhile. On
/// PostgreSQL it is a plain `BEGIN`. Every transaction that writes uses this.
pub async fn begin_write(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    db.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..Default::default()
    })
    .await
}

/// [`begin_write`] for work that is not a request's and may take long
/// (migrations, housekeeping after a mass mailing): on PostgreSQL its
/// statements are exempt from the statement timeout set at connect.
pub async fn begin_unhurried(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    use sea_orm::ConnectionTrait;
    let txn = begin_write(db).await?;
    if txn.get_database_backend() == sea_orm::DbBackend::Postgres {
        txn.execute_unprepared("SET LOCAL statement_timeout = 0")
            .await?;
    }
    Ok(txn)
}

/// Whether `err` is a unique index refusing a row: how the database tells
/// that a parallel request already did the same thing.
pub fn is_unique_violation(err: &DbErr) -> bool {
    matches!(
        err.sql_err(),
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
    )
}

/// Brings the schema up to date, safely when several server processes start
/// at the same moment on one database: the migrations run in one transaction
/// that first takes a lock every process asks for (a PostgreSQL advisory
/// lock; on SQLite the write lock of `BEGIN IMMEDIATE`), so the second process
/// waits, then finds nothing left to do. Without it, two processes on a fresh
/// PostgreSQL database both created the same tables and one crashed.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    use sea_orm::ConnectionTrait;
    // Waiting for another process's migrations, and rewriting a large
    // table, may take longer than a request's statement may.
    let txn = begin_unhurried(db).await?;
    if txn.get_database_backend() == sea_orm::DbBackend::Postgres {
        txn.execute_unprepared(&format!(
            "SELECT pg_advisory_xact_lock({MIGRATION_LOCK_KEY})"
        ))
        .await?;
    }
    Migrator::up(&txn, None).await?;
    txn.commit().await
}

/// The advisory lock key migrations hold (any fixed 64-bit number no other
/// code uses; this one spells "mypage" in ASCII).
pub const MIGRATION_LOCK_KEY: i64 = 0x6d79_7061_6765;

/// The file behind a `sqlite://path?…` URL, if it names one.
fn sqlite_file(url: &str) -> Option<&str> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next()?;
    (!path.is_empty() && path != ":memory:").then_some(path)
}

#[cfg(test)]
mod tests {
    #[test]
    fn finds_the_sqlite_file() {
        assert_eq!(
            super::sqlite_file("sqlite://data/x.db?mode=rwc"),
            Some("data/x.db")
        );
        assert_eq!(super::sqlite_file("sqlite::memory:"), None);
        assert_eq!(super::sqlite_file("postgres://u@h/db"), None);
    }
}
