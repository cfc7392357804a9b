//! `server seed-bench N`: members in bulk for the benchmarks, across more
//! than one batch, each with what the measured pages read; the first one
//! logs in from the printed known browser without a mailed code.

use crate::helpers::*;
use app::ssr::demo::bench;
use app::ssr::entities::{member, procedure, statement_line};
use sea_orm::PaginatorTrait;

async fn seeds_members_in_bulk(app: TestApp) {
    let before = member::Entity::find().count(&app.db).await.expect("count");
    let seeded = bench::seed(&app.db, 2_500, app.now()).await.expect("seed");
    assert_eq!(seeded.members, 2_500);
    let after = member::Entity::find().count(&app.db).await.expect("count");
    assert_eq!(after - before, 2_500);
    let first = account_of(&app.db, &seeded.user_id).await;
    let contracts = contracts_of(&app.db, first.member_id, app.now().date_naive())
        .await
        .expect("contracts");
    assert_eq!(contracts.len(), 1);
    let procedures = procedure::Entity::find()
        .filter(procedure::Column::MemberId.eq(first.member_id))
        .count(&app.db)
        .await
        .expect("procedures");
    assert_eq!(procedures, 2);
    let lines = statement_line::Entity::find()
        .count(&app.db)
        .await
        .expect("lines");
    assert!(lines >= 5_000, "{lines} statement lines");
    // The printed browser is known: the password alone opens a session.
    let outcome = auth::login(
        &app.db,
        &config(),
        &seeded.user_id,
        &seeded.password,
        Some(&seeded.device),
        &client(),
        app.now(),
    )
    .await
    .expect("login");
    assert!(matches!(outcome, auth::LoginOutcome::Session(_)));
    // A second run on the same database is refused, not doubled.
    assert!(bench::seed(&app.db, 10, app.now()).await.is_err());
}
on_both!(seed_bench, seeds_members_in_bulk);
