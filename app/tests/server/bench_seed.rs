//! `server seed-bench N`: members in bulk for the benchmarks, across more
//! than one batch, each with what the measured pages read; the first one
//! logs in from the printed known browser without a mailed code, and the
//! printed operator logs in to search them. It runs on
//! a freshly migrated database (no demo data, as a benchmark starts).

use crate::helpers::*;
use app::ssr::demo::bench;
use app::ssr::entities::{member, procedure, statement_line};
use sea_orm::PaginatorTrait;

async fn seeds_members_in_bulk(backend: Backend) {
    let Some((url, dir)) = fresh_database(backend).await else {
        return;
    };
    let db = db::connect(&url).await.expect("connect");
    db::migrate(&db).await.expect("migrate");
    let now = t0();
    let seeded = bench::seed(&db, &config().totp_keys, 2_500, now)
        .await
        .expect("seed");
    assert_eq!(seeded.members, 2_500);
    let members = member::Entity::find().count(&db).await.expect("count");
    assert_eq!(members, 2_500);
    let first = account_of(&db, &seeded.user_id).await;
    let contracts = contracts_of(&db, first.member_id, now.date_naive())
        .await
        .expect("contracts");
    assert_eq!(contracts.len(), 1);
    let procedures = procedure::Entity::find()
        .filter(procedure::Column::MemberId.eq(first.member_id))
        .count(&db)
        .await
        .expect("procedures");
    assert_eq!(procedures, 2);
    let lines = statement_line::Entity::find()
        .count(&db)
        .await
        .expect("lines");
    assert!(lines >= 5_000, "{lines} statement lines");
    // The printed browser is known: the password alone opens a session.
    let outcome = auth::login(
        &db,
        &config(),
        &seeded.user_id,
        &seeded.password,
        Some(&seeded.device),
        &client(),
        now,
    )
    .await
    .expect("login");
    assert!(matches!(outcome, auth::LoginOutcome::Session(_)));
    // The printed operator logs in, and has a second factor to give.
    assert!(seeded.staff.totp_secret.is_some());
    staff_auth::login(
        &db,
        &config(),
        &seeded.staff.login_id,
        &seeded.staff.password,
        &client(),
        now,
    )
    .await
    .expect("staff login");
    // A second run on the same database is refused, not doubled.
    assert!(bench::seed(&db, &config().totp_keys, 10, now)
        .await
        .is_err());
    db.close().await.expect("close");
    if let Some(dir) = dir {
        let _ = std::fs::remove_dir_all(dir);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite() {
    seeds_members_in_bulk(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres() {
    seeds_members_in_bulk(Backend::Postgres).await;
}
