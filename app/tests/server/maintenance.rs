//! Maintenance windows (M17, S5) through the whole router: announced a week
//! ahead; during a window member and public pages answer 503 with
//! Retry-After and a Japanese page, server functions answer an error the
//! form shows (a plain form: the page), and the back office works; an admin
//! ends it early, which another server process sees within its cache time.

use crate::helpers::*;
use app::maintenance::*;
use axum::body::Body;
use http::StatusCode;
use tower::ServiceExt;

async fn get(app: &TestApp, path: &str) -> http::Response<Body> {
    get_in(app.state(), path).await
}

/// A GET through the router of the server process whose state is `state`.
async fn get_in(state: AppState, path: &str) -> http::Response<Body> {
    let request = http::Request::builder()
        .uri(path)
        .body(Body::empty())
        .expect("request");
    app::ssr::routes::router(state)
        .oneshot(request)
        .await
        .expect("an answer")
}

/// A form POST through the router, with `headers` (a cookie, `Accept`).
async fn post(app: &TestApp, path: &str, headers: HeaderMap, form: &str) -> http::Response<Body> {
    let mut request = http::Request::builder()
        .method("POST")
        .uri(path)
        .body(Body::from(form.to_owned()))
        .expect("request");
    *request.headers_mut() = headers;
    request.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/x-www-form-urlencoded"),
    );
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
    // Two days ahead: members are told on the login page and My Page.
    schedule(&app, &operator, 2 * 24 * 60, 2 * 24 * 60 + 180)
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
    let operator = app.staff_headers("operator").await;
    let admin = app.staff_headers("admin").await;
    let ends = t0() + Duration::days(2) + Duration::minutes(180);
    let retry_after = (ends - app.now()).num_seconds().to_string();
    for path in ["/", "/mypage", "/faq", "/mypage/contracts"] {
        let res = get(&app, path).await;
        assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE, "{path}");
        assert_eq!(res.headers()[header::RETRY_AFTER], retry_after, "{path}");
        assert_eq!(res.headers()[header::CACHE_CONTROL], "no-store");
        let page = text(res).await;
        assert!(page.contains("システムメンテナンス中です"), "{path}");
        assert!(
            page.contains("2026/11/25 13:00ごろに再開する予定です"),
            "{path}"
        );
        assert!(page.contains("定期メンテナンスです。"), "{path}");
    }
    // A form sent from a hydrated page gets an error it shows beside the
    // form (which keeps what was typed), and nothing happens.
    let form = "identifier=kyosai.taro&password=kyosai-demo-2026";
    let mut hydrated = HeaderMap::new();
    // What a hydrated page's server function call asks for.
    hydrated.insert(header::ACCEPT, HeaderValue::from_static("application/json"));
    let login = post(&app, "/api/login", hydrated, form).await;
    assert_eq!(login.status(), StatusCode::SERVICE_UNAVAILABLE);
    let error: AppError = serde_json::from_str(&text(login).await).expect("an AppError");
    assert!(
        matches!(&error, AppError::Maintenance(m) if m.contains("13:00")),
        "{error:?}"
    );
    // The same form sent before the page hydrated gets the maintenance page.
    let mut browser = HeaderMap::new();
    browser.insert(
        header::ACCEPT,
        HeaderValue::from_static("text/html,application/xhtml+xml,*/*;q=0.8"),
    );
    let login = post(&app, "/api/login", browser, form).await;
    assert_eq!(login.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(login.headers()[header::RETRY_AFTER], retry_after);
    assert!(login.headers()[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    assert!(text(login).await.contains("システムメンテナンス中です"));
    assert!(login_event::Entity::find()
        .filter(login_event::Column::OccurredAt.gt(t0()))
        .one(&app.db)
        .await
        .unwrap()
        .is_none());

    // The back office stays up, its pages and its server functions.
    assert_eq!(get(&app, "/staff/login").await.status(), StatusCode::OK);
    let listed = post(&app, "/api/staff_maintenance", operator.clone(), "").await;
    assert_eq!(listed.status(), StatusCode::OK);
    let list: MaintenanceAdmin = serde_json::from_str(&text(listed).await).expect("the list");
    assert_eq!(list.rows[0].state, "実施中");
    assert!(!list.rows[0].can_end, "operators do not end a window");
    let id = list.rows[0].id;
    assert_eq!(
        app.call(operator.clone(), || staff_end_maintenance(id))
            .await,
        Err(AppError::Forbidden)
    );
    // A second server process reads the window from the database too.
    let other = app.another_process();
    assert_eq!(
        get_in(other.clone(), "/").await.status(),
        StatusCode::SERVICE_UNAVAILABLE
    );
    // An admin ends it early: members are back at once in this process,
    assert!(
        app.call(admin.clone(), staff_maintenance)
            .await
            .unwrap()
            .rows[0]
            .can_end
    );
    app.call(admin.clone(), || staff_end_maintenance(id))
        .await
        .unwrap();
    assert_eq!(get(&app, "/").await.status(), StatusCode::OK);
    // and in the other one once its reading is older than the cache time.
    assert_eq!(
        get_in(other.clone(), "/").await.status(),
        StatusCode::SERVICE_UNAVAILABLE
    );
    app.advance(Duration::seconds(
        app::domain::policy::MAINTENANCE_CACHE_SECONDS as i64,
    ));
    assert_eq!(get_in(other, "/").await.status(), StatusCode::OK);
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
    let actions: Vec<_> = audit.iter().map(|a| a.action.as_str()).collect();
    assert_eq!(actions, ["maintenance_scheduled", "maintenance_ended"]);
}
on_both!(
    a_window_stops_members_not_staff,
    a_window_stops_members_not_staff
);

async fn windows_are_checked_when_scheduled(app: TestApp) {
    // Operators schedule and cancel windows to come.
    let staff = app.staff_headers("operator").await;
    let field = |r: Result<(), AppError>| match r {
        Err(AppError::Field { field, .. }) => field,
        other => panic!("{other:?}"),
    };
    assert_eq!(field(schedule(&app, &staff, 60, 30).await), "ends_at");
    // An operator's window starts far enough ahead to be cancelled; an
    // admin may start one at once.
    assert_eq!(field(schedule(&app, &staff, 10, 70).await), "starts_at");
    let admin = app.staff_headers("admin").await;
    schedule(&app, &admin, 0, 1).await.unwrap();
    assert_eq!(
        get(&app, "/").await.status(),
        StatusCode::SERVICE_UNAVAILABLE
    );
    app.advance(Duration::minutes(2));
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
