//! Maintenance windows (M17, S5) through the whole router: announced a week
//! ahead; during a window member and public pages answer 503 with
//! Retry-After and a Japanese page, server functions answer an error the
//! form shows, and the back office works; an admin ends it early.

use crate::helpers::*;
use app::maintenance::*;
use axum::body::Body;
use http::StatusCode;
use tower::ServiceExt;

async fn get(app: &TestApp, path: &str) -> http::Response<Body> {
    let request = http::Request::builder()
        .uri(path)
        .body(Body::empty())
        .expect("request");
    app::ssr::routes::router(app.state())
        .oneshot(request)
        .await
        .expect("an answer")
}

async fn post(app: &TestApp, path: &str, form: &str) -> http::Response<Body> {
    let request = http::Request::builder()
        .method("POST")
        .uri(path)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(form.to_owned()))
        .expect("request");
    app::ssr::routes::router(app.state())
        .oneshot(request)
        .await
        .expect("an answer")
}

fn local(app: &TestApp, minutes: i64) -> String {
    app::domain::jst::datetime_local(app.now() + Duration::minutes(minutes))
}

async fn schedule(app: &TestApp, staff: &HeaderMap, from: i64, to: i64) -> Result<(), AppError> {
    let (starts, ends) = (local(app, from), local(app, to));
    app.call(staff.clone(), || {
        staff_schedule_maintenance(starts, ends, "定期メンテナンスです。".into())
    })
    .await
}

async fn a_window_stops_members_not_staff(app: TestApp) {
    let operator = app.staff_headers("operator").await;
    let admin = app.staff_headers("admin").await;
    // Stopping the service is an admin's decision.
    assert_eq!(
        schedule(&app, &operator, 60, 120).await,
        Err(AppError::Forbidden)
    );
    // Two days ahead: members are told on the login page and My Page.
    schedule(&app, &admin, 2 * 24 * 60, 2 * 24 * 60 + 180)
        .await
        .unwrap();
    let next = app
        .call(HeaderMap::new(), maintenance_notice)
        .await
        .unwrap()
        .expect("announced");
    assert_eq!(next.starts, "2026/11/25 10:00");
    assert_eq!(next.ends, "2026/11/25 13:00");
    assert_eq!(next.message, "定期メンテナンスです。");
    let top = get(&app, "/").await;
    assert_eq!(top.status(), StatusCode::OK);
    assert!(text(top).await.contains("システムメンテナンスのお知らせ"));

    // Inside the window.
    app.advance(Duration::days(2) + Duration::minutes(30));
    for path in ["/", "/mypage", "/faq", "/mypage/contracts"] {
        let res = get(&app, path).await;
        assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE, "{path}");
        assert_eq!(
            res.headers()[header::RETRY_AFTER],
            (150 * 60).to_string(),
            "{path}"
        );
        assert_eq!(res.headers()[header::CACHE_CONTROL], "no-store");
        let page = text(res).await;
        assert!(page.contains("システムメンテナンス中です"), "{path}");
        assert!(
            page.contains("2026/11/25 13:00ごろに再開する予定です"),
            "{path}"
        );
        assert!(page.contains("定期メンテナンスです。"), "{path}");
    }
    // A form sent now gets an error it can show, and nothing happens.
    let login = post(
        &app,
        "/api/login",
        "identifier=kyosai.taro&password=kyosai-demo-2026",
    )
    .await;
    assert_eq!(login.status(), StatusCode::SERVICE_UNAVAILABLE);
    let error: AppError = serde_json::from_str(&text(login).await).expect("an AppError");
    assert!(
        matches!(&error, AppError::Maintenance(m) if m.contains("13:00")),
        "{error:?}"
    );

    // The back office stays up.
    assert_eq!(get(&app, "/staff/login").await.status(), StatusCode::OK);
    let operator = app.staff_headers("operator").await;
    let admin = app.staff_headers("admin").await;
    let list = app.call(operator.clone(), staff_maintenance).await.unwrap();
    assert_eq!(list.rows[0].state, "実施中");
    assert!(!list.rows[0].can_end, "operators do not end a window");
    let id = list.rows[0].id;
    assert_eq!(
        app.call(operator.clone(), || staff_end_maintenance(id))
            .await,
        Err(AppError::Forbidden)
    );
    // An admin ends it early: members are back at once.
    app.call(admin.clone(), || staff_end_maintenance(id))
        .await
        .unwrap();
    assert_eq!(get(&app, "/").await.status(), StatusCode::OK);
    assert!(matches!(
        app.call(admin.clone(), || staff_end_maintenance(id)).await,
        Err(AppError::Conflict(_))
    ));
    let list = app.call(admin.clone(), staff_maintenance).await.unwrap();
    assert_eq!(list.rows[0].state, "早期終了");
    assert!(app
        .call(HeaderMap::new(), maintenance_notice)
        .await
        .unwrap()
        .is_none());
    let audit = audit_log::Entity::find()
        .filter(audit_log::Column::Action.starts_with("maintenance_"))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(audit.len(), 2);
}
on_both!(
    a_window_stops_members_not_staff,
    a_window_stops_members_not_staff
);

async fn windows_are_checked_when_scheduled(app: TestApp) {
    let staff = app.staff_headers("admin").await;
    let field = |r: Result<(), AppError>| match r {
        Err(AppError::Field { field, .. }) => field,
        other => panic!("{other:?}"),
    };
    assert_eq!(field(schedule(&app, &staff, 60, 30).await), "ends_at");
    assert_eq!(field(schedule(&app, &staff, -120, -60).await), "ends_at");
    assert_eq!(
        field(schedule(&app, &staff, 60, 60 + 73 * 60).await),
        "ends_at"
    );
    let (starts, ends) = (local(&app, 60), local(&app, 120));
    assert_eq!(
        field(
            app.call(staff.clone(), || {
                staff_schedule_maintenance(starts, ends, " ".into())
            })
            .await
        ),
        "message"
    );
    // Further than a week ahead: not announced yet; nothing stops.
    schedule(&app, &staff, 8 * 24 * 60, 8 * 24 * 60 + 60)
        .await
        .unwrap();
    assert!(app
        .call(HeaderMap::new(), maintenance_notice)
        .await
        .unwrap()
        .is_none());
    assert_eq!(get(&app, "/").await.status(), StatusCode::OK);
    // Cancelled before it began: it never happens, and says so.
    let list = app.call(staff.clone(), staff_maintenance).await.unwrap();
    let id = list.rows[0].id;
    assert_eq!(list.rows[0].state, "予定");
    app.call(staff.clone(), || staff_end_maintenance(id))
        .await
        .unwrap();
    let list = app.call(staff.clone(), staff_maintenance).await.unwrap();
    assert_eq!(list.rows[0].state, "取消");
    assert!(!list.rows[0].can_end);
    app.advance(Duration::days(8) + Duration::minutes(10));
    assert_eq!(get(&app, "/").await.status(), StatusCode::OK);
    assert!(audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq("maintenance_cancelled"))
        .one(&app.db)
        .await
        .unwrap()
        .is_some());
    // Members do not schedule.
    let taro = app.member_headers("kyosai.taro").await;
    let (starts, ends) = (local(&app, 60), local(&app, 120));
    assert!(matches!(
        app.call(taro, || staff_schedule_maintenance(
            starts,
            ends,
            "x".into()
        ))
        .await,
        Err(AppError::Unauthenticated { .. })
    ));
}
on_both!(
    windows_are_checked_when_scheduled,
    windows_are_checked_when_scheduled
);
