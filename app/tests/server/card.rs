//! デジタル組合員証 (M10): the member's own card with a signed token; staff
//! checks say valid, expired, revoked or invalid, and are audited.

use crate::helpers::*;
use app::domain::card::{Verdict, TOKEN_SECONDS};
use app::ssr::demo::fixtures;

async fn cards_verify_until_they_expire_or_the_member_stops(app: TestApp) {
    let staff = app.staff_headers("operator").await;
    let m = fixtures::member(&app.db, &fixtures::Wanted::default(), app.now())
        .await
        .unwrap();
    let session = app.member_headers(&m.user_id).await;
    let card = app
        .call(session.clone(), || app::card::my_card(false))
        .await
        .unwrap();
    assert_eq!(card.member_number, m.member_number);
    assert!(card.qr_svg.starts_with("<?xml") || card.qr_svg.contains("<svg"));
    let check = |token: String| {
        let staff = staff.clone();
        let app = &app;
        async move {
            app.call(staff, || app::card::staff_verify_card(token))
                .await
                .unwrap()
        }
    };
    let ok = check(card.token.clone()).await;
    assert_eq!(ok.verdict, Verdict::Valid);
    assert_eq!(ok.member_number.as_deref(), Some(m.member_number.as_str()));
    // Altered: another member's id under the same signature.
    let forged = card.token.replacen(
        &format!("c1.{}.", m.member_id),
        &format!("c1.{}.", m.member_id + 1),
        1,
    );
    let bad = check(forged).await;
    assert_eq!(bad.verdict, Verdict::Invalid);
    assert_eq!(bad.name, None, "a forged token names nobody");
    // A screenshot, minutes later.
    app.advance(Duration::seconds(TOKEN_SECONDS));
    assert_eq!(check(card.token.clone()).await.verdict, Verdict::Expired);
    // A fresh one verifies; after the member stops My Page it is revoked.
    let fresh = app
        .call(session, || app::card::my_card(false))
        .await
        .unwrap();
    app.call(staff.clone(), || {
        app::staff::staff_stop_service(m.member_id)
    })
    .await
    .unwrap();
    assert_eq!(check(fresh.token).await.verdict, Verdict::Revoked);
    // Every check is in the audit log.
    let checks = audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq("card_verified"))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(checks.len(), 4);
    // Only staff check cards; only members have one.
    let member = app.member_headers("kyosai.taro").await;
    assert!(matches!(
        app.call(member, || app::card::staff_verify_card("x".into()))
            .await,
        Err(AppError::Unauthenticated { .. })
    ));
    assert!(matches!(
        app.call(staff, || app::card::my_card(false)).await,
        Err(AppError::Unauthenticated { .. })
    ));
}
on_both!(
    card_tokens,
    cards_verify_until_they_expire_or_the_member_stops
);

/// GET with `headers`, through the whole router.
async fn get(
    app: &TestApp,
    path: &str,
    headers: HeaderMap,
) -> (http::StatusCode, HeaderMap, String) {
    use tower::ServiceExt;
    let mut request = http::Request::builder()
        .uri(path)
        .body(axum::body::Body::empty())
        .unwrap();
    *request.headers_mut() = headers;
    let res = app::ssr::routes::router(app.state())
        .oneshot(request)
        .await
        .unwrap();
    let (parts, body) = res.into_parts();
    let bytes = axum::body::to_bytes(body, 1 << 20).await.unwrap();
    (
        parts.status,
        parts.headers,
        String::from_utf8_lossy(&bytes).into_owned(),
    )
}

/// The offline card: a page of its own with a day-long token that verifies
/// as offline, only for a member who holds a card.
async fn the_offline_card_holds_a_day_long_token(app: TestApp) {
    let m = fixtures::member(&app.db, &fixtures::Wanted::default(), app.now())
        .await
        .unwrap();
    let (status, _, _) = get(&app, "/mypage/card/offline", HeaderMap::new()).await;
    assert_eq!(status, http::StatusCode::UNAUTHORIZED);
    let session = app.member_headers(&m.user_id).await;
    let (status, headers, html) = get(&app, "/mypage/card/offline", session.clone()).await;
    assert_eq!(status, http::StatusCode::OK);
    assert_eq!(headers[http::header::CACHE_CONTROL], "no-store");
    assert!(html.contains(&m.member_number));
    assert!(html.contains("オフライン表示"));
    let token = html
        .split("data-token=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .to_owned();
    assert!(
        token.starts_with(&format!("o1.{}.", m.member_id)),
        "{token}"
    );
    // Staff log in for each check: a day passes between some of them.
    let check = |token: String| {
        let app = &app;
        async move {
            let staff = app.staff_headers("operator").await;
            app.call(staff, || app::card::staff_verify_card(token))
                .await
                .unwrap()
        }
    };
    let ok = check(token.clone()).await;
    assert_eq!(ok.verdict, Verdict::Valid);
    assert!(ok.offline);
    assert!(ok.label.contains("通信できない場所"), "{}", ok.label);
    // Still good after the online token's three minutes, not after a day.
    app.advance(Duration::hours(app::domain::card::OFFLINE_TOKEN_HOURS) - Duration::minutes(1));
    assert_eq!(check(token.clone()).await.verdict, Verdict::Valid);
    app.advance(Duration::minutes(2));
    assert_eq!(check(token.clone()).await.verdict, Verdict::Expired);
    // A stopped member's copy never verifies, and no new one is given.
    let fresh_session = app.member_headers(&m.user_id).await;
    let fresh = get(&app, "/mypage/card/offline", fresh_session.clone())
        .await
        .2;
    let fresh_token = fresh
        .split("data-token=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .to_owned();
    let staff = app.staff_headers("operator").await;
    app.call(staff, || app::staff::staff_stop_service(m.member_id))
        .await
        .unwrap();
    assert_eq!(check(fresh_token).await.verdict, Verdict::Revoked);
    let (status, _, _) = get(&app, "/mypage/card/offline", fresh_session).await;
    assert_eq!(status, http::StatusCode::UNAUTHORIZED);
}
on_both!(offline_card, the_offline_card_holds_a_day_long_token);

/// The open card page asks for a fresh token every minute by itself, and
/// its service worker for the offline copy: neither keeps the login alive, so a card left open on a shared browser
/// still logs out after the idle time (seed 000: 強制ログアウト). The member's
/// own opening of the page does.
async fn the_minutely_token_does_not_keep_the_login(app: TestApp) {
    let idle = Duration::from_std(config().idle_timeout).unwrap();
    let m = fixtures::member(&app.db, &fixtures::Wanted::default(), app.now())
        .await
        .unwrap();
    let session = app.member_headers(&m.user_id).await;
    let refreshed = |session: HeaderMap| app.call(session, || app::card::my_card(true));
    // Opened by the member, then left open: a token every minute until the
    // idle time has passed since the opening.
    app.call(session.clone(), || app::card::my_card(false))
        .await
        .unwrap();
    let mut waited = Duration::zero();
    while waited + Duration::minutes(1) < idle {
        app.advance(Duration::minutes(1));
        waited += Duration::minutes(1);
        refreshed(session.clone()).await.unwrap();
        // The service worker brings its offline copy up to date too.
        if waited.num_minutes() % 5 == 0 {
            let (status, _, _) = get(&app, "/mypage/card/offline", session.clone()).await;
            assert_eq!(status, http::StatusCode::OK);
        }
    }
    app.advance(idle - waited);
    assert_eq!(
        refreshed(session.clone()).await.map(|c| c.member_number),
        Err(AppError::Unauthenticated { timed_out: true })
    );
    assert!(matches!(
        app.call(session, app::contract::my_contracts).await,
        Err(AppError::Unauthenticated { timed_out: true })
    ));

    // The member opening the page again and again stays logged in.
    let session = app.member_headers(&m.user_id).await;
    for _ in 0..3 {
        app.advance(idle - Duration::minutes(1));
        app.call(session.clone(), || app::card::my_card(false))
            .await
            .unwrap();
    }
    // A refresh still needs a live login, and answers only the member's own card.
    let card = refreshed(session).await.unwrap();
    assert_eq!(card.member_number, m.member_number);
    assert!(matches!(
        refreshed(HeaderMap::new()).await,
        Err(AppError::Unauthenticated { .. })
    ));
}
on_both!(
    card_refresh_idle,
    the_minutely_token_does_not_keep_the_login
);

/// A withdrawn member keeps the card with My Page until the 出資金 is
/// returned (seed 001: the card app is removed at that point): valid after
/// the 脱退日, revoked the day after the refund date.
async fn the_card_lasts_until_the_refund_date(app: TestApp) {
    let staff = app.staff_headers("operator").await;
    let m = fixtures::member(
        &app.db,
        &fixtures::Wanted {
            known_browser: true,
            ..Default::default()
        },
        app.now(),
    )
    .await
    .unwrap();
    // Withdrawn on 11/23 (today), the 出資金 returned on 11/24.
    app.call(staff, || {
        app::staff::staff_record_withdrawal(m.member_id, "2026-11-23".into(), "2026-11-24".into())
    })
    .await
    .unwrap();
    // 23:58 on the refund date: past the 脱退日, still shown and valid.
    app.advance(Duration::minutes(24 * 60 + 13 * 60 + 58));
    let session = app.member_headers(&m.user_id).await;
    let card = app
        .call(session.clone(), || app::card::my_card(false))
        .await
        .expect("a card until the refund date");
    let staff = app.staff_headers("operator").await;
    let check = |token: String| {
        let staff = staff.clone();
        let app = &app;
        async move {
            app.call(staff, || app::card::staff_verify_card(token))
                .await
                .unwrap()
                .verdict
        }
    };
    assert_eq!(check(card.token.clone()).await, Verdict::Valid);
    // 00:00 the next day, the token not expired yet: revoked.
    app.advance(Duration::minutes(2));
    assert_eq!(check(card.token).await, Verdict::Revoked);
}
on_both!(card_refund_date, the_card_lasts_until_the_refund_date);
