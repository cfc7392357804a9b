//! Several server processes started together on one fresh database: each
//! migrates at start, and they must wait for one another instead of creating
//! the same tables twice (on PostgreSQL one crashed with a duplicate
//! `pg_type` row before migrations took a lock).

use crate::helpers::{fresh_database, Backend};
use app::ssr::db;
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};

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

/// On PostgreSQL no column is `char(n)`: the app binds strings as `text`,
/// and a `char(n)` column compared with one is cast first and its index no
/// longer applies (every session lookup read the whole sessions table; the
/// staff search by member number, every member). With sequential reads
/// discouraged, a lookup by a bound value must find an index to use.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_lookups_by_a_bound_text_value_use_their_index() {
    use sea_orm::DatabaseBackend::Postgres;
    let Some((url, _)) = fresh_database(Backend::Postgres).await else {
        return;
    };
    let pool = db::connect(&url).await.expect("connect");
    db::migrate(&pool).await.expect("migrate");
    let fixed: Vec<String> = pool
        .query_all_raw(Statement::from_string(
            Postgres,
            "SELECT table_name || '.' || column_name AS c FROM information_schema.columns \
             WHERE table_schema = current_schema() AND data_type = 'character'",
        ))
        .await
        .expect("columns")
        .iter()
        .map(|row| row.try_get("", "c").expect("name"))
        .collect();
    assert!(fixed.is_empty(), "char(n) columns: {fixed:?}");
    let txn = db::begin_write(&pool).await.expect("begin");
    txn.execute_unprepared("SET LOCAL enable_seqscan = off")
        .await
        .expect("set");
    for (table, column) in [
        ("sessions", "token_hash"),
        ("staff_sessions", "token_hash"),
        ("members", "member_number"),
        ("registration_codes", "code_hash"),
    ] {
        let plan: Vec<String> = txn
            .query_all_raw(Statement::from_sql_and_values(
                Postgres,
                format!("EXPLAIN SELECT * FROM {table} WHERE {column} = $1"),
                [String::from("0123456789").into()],
            ))
            .await
            .expect("explain")
            .iter()
            .map(|row| row.try_get("", "QUERY PLAN").expect("plan line"))
            .collect();
        assert!(
            plan.iter().any(|line| line.contains("Index")),
            "{table}.{column} looked up without its index: {plan:?}"
        );
    }
    txn.rollback().await.expect("rollback");
    pool.close().await.expect("close");
}

/// A request's statement on PostgreSQL is cancelled after
/// `DB_STATEMENT_TIMEOUT_SECONDS` (or what the URL sets), so a runaway query
/// cannot outlive its request; migrations are exempt, even while they wait
/// for another process's.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_statements_are_cut_off_but_not_migrations() {
    use sea_orm::DatabaseBackend::Postgres;
    let Some((url, _)) = fresh_database(Backend::Postgres).await else {
        return;
    };
    let show = |db: DatabaseConnection| async move {
        let row = db
            .query_one_raw(Statement::from_string(Postgres, "SHOW statement_timeout"))
            .await
            .expect("show")
            .expect("a row");
        row.try_get::<String>("", "statement_timeout")
            .expect("value")
    };
    let pool = db::connect(&url).await.expect("connect");
    assert_eq!(
        show(pool.clone()).await,
        format!("{}s", app::domain::policy::DB_STATEMENT_TIMEOUT_SECONDS)
    );
    let quick = db::connect(&format!("{url}?options=-c%20statement_timeout%3D200ms"))
        .await
        .expect("connect");
    assert_eq!(show(quick.clone()).await, "200ms");
    let slow = quick.execute_unprepared("SELECT pg_sleep(2)").await;
    assert!(
        slow.as_ref()
            .is_err_and(|e| e.to_string().contains("statement timeout")),
        "{slow:?}"
    );
    // Another process holds the migration lock for a second: these
    // migrations wait longer than a statement may, and then run.
    let holder = db::begin_write(&pool).await.expect("begin");
    holder
        .execute_unprepared(&format!(
            "SELECT pg_advisory_xact_lock({})",
            db::MIGRATION_LOCK_KEY
        ))
        .await
        .expect("lock");
    let migrating = tokio::spawn(async move { db::migrate(&quick).await });
    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    assert!(!migrating.is_finished(), "migrations waited for the lock");
    holder.commit().await.expect("release");
    migrating.await.expect("join").expect("migrated");
    pool.close().await.expect("close");
}

/// Every migration after the money tables (which refuse to be dropped: a
/// backup is restored instead) can be undone, newest first, and done again,
/// as an operator rolling a release back would.
async fn migrations_go_down_and_up_again(backend: Backend) {
    use migration::MigratorTrait;
    let Some((url, dir)) = fresh_database(backend).await else {
        return;
    };
    let pool = db::connect(&url).await.expect("connect");
    db::migrate(&pool).await.expect("migrate");
    let all = migration::Migrator::migrations();
    let money = all
        .iter()
        .position(|m| m.name() == "m20261126_000012_money")
        .expect("the money migration");
    let after = u32::try_from(all.len() - money - 1).expect("a few");
    migration::Migrator::down(&pool, Some(after))
        .await
        .expect("the migrations after the money tables undone");
    db::migrate(&pool).await.expect("migrate again");
    app::ssr::demo::load(&pool, crate::helpers::t0())
        .await
        .expect("demo data on the schema done again");
    pool.close().await.expect("close");
    if let Some(dir) = dir {
        let _ = std::fs::remove_dir_all(dir);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_down_and_up() {
    migrations_go_down_and_up_again(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_down_and_up() {
    migrations_go_down_and_up_again(Backend::Postgres).await;
}

/// The core-system marks (m20261207_000023) start from what was changed on
/// My Page before them: an import right after the upgrade must not write
/// an older address back over a member's change either.
async fn changes_before_the_marks_are_marked(backend: Backend) {
    use app::domain::procedure::Kind;
    use app::ssr::entities::member;
    use migration::MigratorTrait;
    use sea_orm::EntityTrait;
    let Some((url, dir)) = fresh_database(backend).await else {
        return;
    };
    let pool = db::connect(&url).await.expect("connect");
    db::migrate(&pool).await.expect("migrate");
    let now = crate::helpers::t0();
    let m = app::ssr::demo::fixtures::member(&pool, &Default::default(), now)
        .await
        .expect("a member");
    let other = app::ssr::demo::fixtures::member(&pool, &Default::default(), now)
        .await
        .expect("another member");
    let by = app::ssr::actor::Actor::System;
    app::procedure::ssr::apply::record_completed(
        &pool,
        m.member_id,
        Kind::AddressChange,
        "住所",
        by,
        now,
    )
    .await
    .expect("an address change on record");
    // The marks' migration and the ones after it, by name.
    let after_marks = migration::Migrator::migrations()
        .iter()
        .rev()
        .take_while(|m| !m.name().ends_with("_core_pending"))
        .count() as u32;
    migration::Migrator::down(&pool, Some(after_marks + 1))
        .await
        .expect("the marks undone");
    db::migrate(&pool).await.expect("the marks again");
    let marked = |id: i32| {
        let pool = pool.clone();
        async move {
            let row = member::Entity::find_by_id(id)
                .one(&pool)
                .await
                .unwrap()
                .unwrap();
            (
                row.address_pending_core_at,
                row.phone_pending_core_at,
                row.name_pending_core_at,
            )
        }
    };
    assert_eq!(marked(m.member_id).await, (Some(now), None, None));
    assert_eq!(marked(other.member_id).await, (None, None, None));
    pool.close().await.expect("close");
    if let Some(dir) = dir {
        let _ = std::fs::remove_dir_all(dir);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_marks_earlier_changes() {
    changes_before_the_marks_are_marked(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_marks_earlier_changes() {
    changes_before_the_marks_are_marked(Backend::Postgres).await;
}

/// The import kinds (m20261207_000024) widen a CHECK, which SQLite cannot
/// alter: the table is rebuilt there. The uploads kept survive with their
/// ids, an id is never given again, one upload of a kind still runs at a
/// time, unknown kinds are still refused, and going back is refused while an
/// upload of a new kind is kept.
async fn the_import_kinds_keep_the_uploads(backend: Backend) {
    use app::ssr::entities::member_import;
    use migration::MigratorTrait;
    use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait};
    let Some((url, dir)) = fresh_database(backend).await else {
        return;
    };
    let pool = db::connect(&url).await.expect("connect");
    db::migrate(&pool).await.expect("migrate");
    let since = steps_back_to("m20261207_000024_contract_imports");
    migration::Migrator::down(&pool, Some(since))
        .await
        .expect("before the new kinds");
    let now = crate::helpers::t0();
    let keys = crate::helpers::config().totp_keys;
    let staff = app::ssr::demo::fixtures::staff(&pool, &keys, &Default::default(), now)
        .await
        .expect("a staff account");
    let upload = |kind: &str, status: &str| member_import::ActiveModel {
        kind: Set(kind.into()),
        file_name: Set("x.csv".into()),
        sha256: Set("0".repeat(64)),
        content: Set(Vec::new()),
        encoding: Set("UTF-8".into()),
        status: Set(status.into()),
        issues: Set(String::new()),
        created_by: Set(staff.staff_id),
        created_at: Set(now),
        ..Default::default()
    };
    let mut ids = Vec::new();
    for _ in 0..3 {
        ids.push(
            upload("members", "done")
                .insert(&pool)
                .await
                .expect("an upload")
                .id,
        );
    }
    member_import::Entity::delete_by_id(ids[2])
        .exec(&pool)
        .await
        .expect("the newest deleted");
    db::migrate(&pool).await.expect("the new kinds");
    let kept: Vec<i32> = member_import::Entity::find()
        .all(&pool)
        .await
        .expect("uploads")
        .iter()
        .map(|m| m.id)
        .collect();
    assert_eq!(kept, ids[..2]);
    let next = upload("contracts", "running")
        .insert(&pool)
        .await
        .expect("a new kind");
    assert!(
        next.id > ids[2],
        "ids are not given again: {} after {}",
        next.id,
        ids[2]
    );
    let twice = upload("contracts", "running").insert(&pool).await;
    assert!(
        twice.as_ref().is_err_and(app::ssr::db::is_unique_violation),
        "one running upload of a kind: {twice:?}"
    );
    upload("catalogue", "running")
        .insert(&pool)
        .await
        .expect("another kind runs");
    assert!(upload("bogus", "done").insert(&pool).await.is_err());
    migration::Migrator::down(&pool, Some(since - 1))
        .await
        .expect("the later migrations undone");
    assert!(migration::Migrator::down(&pool, Some(1)).await.is_err());
    pool.close().await.expect("close");
    if let Some(dir) = dir {
        let _ = std::fs::remove_dir_all(dir);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_import_kinds() {
    the_import_kinds_keep_the_uploads(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_import_kinds() {
    the_import_kinds_keep_the_uploads(Backend::Postgres).await;
}

/// How many migrations, newest first, undo down to and including `name`.
fn steps_back_to(name: &str) -> u32 {
    use migration::MigratorTrait;
    let all = migration::Migrator::migrations();
    let at = all
        .iter()
        .position(|m| m.name() == name)
        .expect("a known migration");
    u32::try_from(all.len() - at).expect("a few")
}

/// ログイン履歴's new result (m20261207_000025) widens a CHECK: on SQLite
/// the table is rebuilt. The history kept survives with its ids, the new
/// value is taken, others are still refused, and going back forgets only
/// the rows of the new value.
async fn the_login_history_keeps_its_rows(backend: Backend) {
    use app::ssr::entities::login_event::{self, LoginResult};
    use migration::MigratorTrait;
    use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait, EntityTrait};
    let Some((url, dir)) = fresh_database(backend).await else {
        return;
    };
    let pool = db::connect(&url).await.expect("connect");
    db::migrate(&pool).await.expect("migrate");
    let since = steps_back_to("m20261207_000025_login_code_events");
    migration::Migrator::down(&pool, Some(since))
        .await
        .expect("before the new result");
    let event = |result: LoginResult| login_event::ActiveModel {
        account_id: Set(None),
        occurred_at: Set(crate::helpers::t0()),
        ip: Set("192.0.2.1".into()),
        user_agent: Set("test".into()),
        result: Set(result),
        ..Default::default()
    };
    let old = event(LoginResult::Failure)
        .insert(&pool)
        .await
        .expect("a failure")
        .id;
    assert!(
        event(LoginResult::CodeSent).insert(&pool).await.is_err(),
        "not before the migration"
    );
    db::migrate(&pool).await.expect("the new result");
    let new = event(LoginResult::CodeSent)
        .insert(&pool)
        .await
        .expect("taken now")
        .id;
    assert!(new > old);
    let bogus = pool
        .execute_unprepared(
            "INSERT INTO login_events (occurred_at, ip, user_agent, result) \
             VALUES ('2026-11-23 01:00:00+00:00', '', '', 'bogus')",
        )
        .await;
    assert!(bogus.is_err(), "{bogus:?}");
    migration::Migrator::down(&pool, Some(since))
        .await
        .expect("back again");
    let kept: Vec<i32> = login_event::Entity::find()
        .all(&pool)
        .await
        .expect("the history")
        .iter()
        .map(|e| e.id)
        .collect();
    assert_eq!(kept, [old]);
    pool.close().await.expect("close");
    if let Some(dir) = dir {
        let _ = std::fs::remove_dir_all(dir);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_login_history() {
    the_login_history_keeps_its_rows(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_login_history() {
    the_login_history_keeps_its_rows(Backend::Postgres).await;
}
