use crate::helpers::*;

// --- sessions ----------------------------------------------------------------

async fn sessions_end_when_idle_or_too_old(app: TestApp) {
    let db = app.db.clone();
    let cfg = config();
    let token = login(&db, "kyosai.taro", demo::DEMO_PASSWORD, t0())
        .await
        .unwrap();
    let headers = cookie_headers(&token);
    // Activity keeps it alive: each use within 20 minutes of the last one.
    for minutes in [19, 38, 57] {
        auth::member_from_headers(&db, &cfg, &headers, t0() + Duration::minutes(minutes))
            .await
            .unwrap_or_else(|e| panic!("alive at {minutes} min: {e:?}"));
    }
    // 20 idle minutes end it: every request that still carries it hears
    // "timed out" (the shell and the page ask at once), even after
    // housekeeping ran; only a day later is it deleted for good.
    let idle = t0() + Duration::minutes(57 + 20);
    for _ in 0..2 {
        assert_eq!(
            auth::member_from_headers(&db, &cfg, &headers, idle).await,
            Err(AppError::Unauthenticated { timed_out: true })
        );
    }
    let sweep = app::ssr::housekeeping::sweep;
    let an_hour_later = idle + Duration::hours(1);
    assert_eq!(sweep(&db, &cfg, an_hour_later).await.unwrap().sessions, 0);
    assert_eq!(
        auth::member_from_headers(&db, &cfg, &headers, an_hour_later).await,
        Err(AppError::Unauthenticated { timed_out: true })
    );
    let past_grace = idle + session::KEEP_EXPIRED;
    assert_eq!(sweep(&db, &cfg, past_grace).await.unwrap().sessions, 1);
    assert_eq!(
        session_entity::Entity::find().all(&db).await.unwrap().len(),
        0
    );
    assert_eq!(
        auth::member_from_headers(&db, &cfg, &headers, past_grace).await,
        Err(AppError::Unauthenticated { timed_out: false })
    );

    // However active, a session ends after 12 hours.
    let token = login(&db, "kyosai.taro", demo::DEMO_PASSWORD, t0())
        .await
        .unwrap();
    let headers = cookie_headers(&token);
    let mut t = t0();
    while t < t0() + Duration::hours(12) - Duration::minutes(10) {
        t += Duration::minutes(10);
        auth::member_from_headers(&db, &cfg, &headers, t)
            .await
            .expect("alive");
    }
    t += Duration::minutes(10);
    assert_eq!(
        auth::member_from_headers(&db, &cfg, &headers, t).await,
        Err(AppError::Unauthenticated { timed_out: true })
    );
}
on_both!(session_expiry, sessions_end_when_idle_or_too_old);

async fn no_cookie_or_a_forged_one_is_not_logged_in(app: TestApp) {
    let db = app.db.clone();
    let cfg = config();
    assert_eq!(
        auth::member_from_headers(&db, &cfg, &HeaderMap::new(), t0()).await,
        Err(AppError::Unauthenticated { timed_out: false })
    );
    let token = login(&db, "kyosai.taro", demo::DEMO_PASSWORD, t0())
        .await
        .unwrap();
    // The stored hash used as a token gets nowhere.
    let forged = cookie_headers(&token::token_hash(&token));
    assert_eq!(
        auth::member_from_headers(&db, &cfg, &forged, t0()).await,
        Err(AppError::Unauthenticated { timed_out: false })
    );
}
on_both!(forged_cookies, no_cookie_or_a_forged_one_is_not_logged_in);

/// 「ログイン中の端末」 lists only sessions that still let a browser in, and
/// 「ほかの端末をすべてログアウト」 counts only those; an expired one stays
/// (to tell its browser "timed out") but is neither shown nor counted.
async fn expired_sessions_are_not_listed_or_counted(app: TestApp) {
    let db = app.db.clone();
    let idle = Duration::from_std(config().idle_timeout).unwrap();
    // A browser used at t0 and left; two more used later.
    login(&db, "kyosai.taro", demo::DEMO_PASSWORD, t0())
        .await
        .unwrap();
    app.advance(idle + Duration::minutes(1));
    let other = login(&db, "kyosai.taro", demo::DEMO_PASSWORD, app.now())
        .await
        .unwrap();
    let here = cookie_headers(
        &login(&db, "kyosai.taro", demo::DEMO_PASSWORD, app.now())
            .await
            .unwrap(),
    );

    let overview = app
        .call(here.clone(), app::account::load_security)
        .await
        .unwrap();
    assert_eq!(overview.sessions.len(), 2, "{:?}", overview.sessions);
    assert_eq!(overview.sessions.iter().filter(|s| s.current).count(), 1);
    assert_eq!(
        app.call(here.clone(), app::account::end_other_sessions)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        auth::member_from_headers(&db, &config(), &cookie_headers(&other), app.now()).await,
        Err(AppError::Unauthenticated { timed_out: false })
    );
    // The expired row is still there for its browser's "timed out" notice.
    assert_eq!(
        session_entity::Entity::find().all(&db).await.unwrap().len(),
        2
    );
}
on_both!(
    expired_sessions_hidden,
    expired_sessions_are_not_listed_or_counted
);
