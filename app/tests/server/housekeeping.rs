use crate::helpers::*;

// --- housekeeping ------------------------------------------------------------

async fn housekeeping_deletes_only_what_is_spent(app: TestApp) {
    let db = app.db.clone();
    use app::ssr::housekeeping::sweep;
    let cfg = config();
    let old = login(&db, "kyosai.taro", demo::DEMO_PASSWORD, t0())
        .await
        .unwrap();
    reset::request(&db, &cfg, "kyosai.hanako", &client(), t0())
        .await
        .unwrap();
    let later = t0() + Duration::minutes(30);
    let fresh = login(&db, "kyosai.taro", demo::DEMO_PASSWORD, later)
        .await
        .unwrap();

    // Half an hour on: the first session idled out, but is kept to say so;
    // the reset link is kept a day.
    let swept = sweep(&db, &cfg, later).await.unwrap();
    assert_eq!(swept, Default::default());
    assert!(
        auth::member_from_headers(&db, &cfg, &cookie_headers(&fresh), later)
            .await
            .is_ok()
    );
    assert_eq!(
        auth::member_from_headers(&db, &cfg, &cookie_headers(&old), later).await,
        Err(AppError::Unauthenticated { timed_out: true })
    );

    // Two days on: both sessions, the link, the login code of the first
    // login and the three rate-limit counts (login codes, reset per IP and
    // per account) are gone.
    let swept = sweep(&db, &cfg, t0() + Duration::days(2)).await.unwrap();
    assert_eq!(
        (swept.sessions, swept.resets, swept.codes, swept.rate_counts),
        (2, 1, 1, 3),
        "{swept:?}"
    );
    assert_eq!(
        password_reset::Entity::find().all(&db).await.unwrap().len(),
        0
    );
}
on_both!(housekeeping, housekeeping_deletes_only_what_is_spent);
