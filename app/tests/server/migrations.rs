//! Several server processes started together on one fresh database: each
//! migrates at start, and they must wait for one another instead of creating
//! the same tables twice (on PostgreSQL one crashed with a duplicate
//! `pg_type` row before migrations took a lock).

use crate::helpers::{fresh_database, Backend};
use app::ssr::db;
use sea_orm::{ConnectionTrait, Statement};

/// How many processes start at once: each has a pool of its own, as a
/// separate process would.
const PROCESSES: usize = 4;

async fn processes_started_together_migrate_once(backend: Backend) {
    let Some((url, dir)) = fresh_database(backend).await else {
        return;
    };
    let mut pools = Vec::new();
    for _ in 0..PROCESSES {
        pools.push(db::connect(&url).await.expect("connect"));
    }
    let started = pools
        .iter()
        .map(|pool| async move { db::migrate(pool).await });
    for outcome in futures::future::join_all(started).await {
        outcome.expect("every process migrates without error");
    }
    // Every migration recorded exactly once, and the schema usable.
    let pool = &pools[0];
    let backend_kind = pool.get_database_backend();
    let rows = pool
        .query_all_raw(Statement::from_string(
            backend_kind,
            "SELECT version, COUNT(*) AS n FROM seaql_migrations GROUP BY version",
        ))
        .await
        .expect("migration table");
    use migration::MigratorTrait;
    assert_eq!(rows.len(), migration::Migrator::migrations().len());
    for row in rows {
        let n: i64 = row.try_get("", "n").expect("count");
        assert_eq!(n, 1);
    }
    // A process started later finds nothing to do.
    db::migrate(pool).await.expect("migrate again");
    app::ssr::demo::load(pool, crate::helpers::t0())
        .await
        .expect("demo data on the migrated schema");
    for pool in pools {
        pool.close().await.expect("close");
    }
    if let Some(dir) = dir {
        let _ = std::fs::remove_dir_all(dir);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite() {
    processes_started_together_migrate_once(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres() {
    processes_started_together_migrate_once(Backend::Postgres).await;
}

/// The bundled SQLite is compiled as `.cargo/config.toml` says: without the
/// query planner stability guarantee every statement with a bound `LIMIT`
/// was compiled again at each use (15 % of the server's CPU on My Page).
#[tokio::test]
async fn sqlite_is_compiled_with_the_workspace_options() {
    let Some((url, dir)) = fresh_database(Backend::Sqlite).await else {
        return;
    };
    let pool = db::connect(&url).await.expect("connect");
    assert_eq!(
        db::missing_sqlite_options(&pool)
            .await
            .expect("compile options"),
        Vec::<&str>::new()
    );
    pool.close().await.expect("close");
    if let Some(dir) = dir {
        let _ = std::fs::remove_dir_all(dir);
    }
}
