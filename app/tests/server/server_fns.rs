use crate::helpers::*;

async fn each_member_sees_only_their_own(app: TestApp) {
    let db = app.db.clone();
    let taro = login(&db, "kyosai.taro", demo::DEMO_PASSWORD, t0())
        .await
        .unwrap();
    let hanako = login(&db, "kyosai.hanako", demo::DEMO_PASSWORD, t0())
        .await
        .unwrap();

    let p = app
        .call(cookie_headers(&taro), app::member::my_profile)
        .await
        .unwrap();
    assert_eq!(
        (p.name.as_str(), p.member_number.as_str()),
        ("共済太郎", "0123-45678")
    );
    assert_eq!(p.email, "taro@example.jp");
    let p = app
        .call(cookie_headers(&hanako), app::member::my_profile)
        .await
        .unwrap();
    assert_eq!(
        (p.name.as_str(), p.member_number.as_str()),
        ("共済花子", "0123-45679")
    );

    let s = app
        .call(cookie_headers(&taro), app::auth::load_session)
        .await
        .unwrap();
    assert_eq!(s.name, "共済太郎");
    assert_eq!(s.previous_login.as_deref(), Some("2018/8/14 9:45"));
    let s = app
        .call(cookie_headers(&hanako), app::auth::load_session)
        .await
        .unwrap();
    assert_eq!(s.previous_login, None);

    assert_eq!(
        app.call(HeaderMap::new(), app::member::my_profile).await,
        Err(AppError::Unauthenticated { timed_out: false })
    );
    assert_eq!(
        app.call(HeaderMap::new(), app::auth::load_session).await,
        Err(AppError::Unauthenticated { timed_out: false })
    );
}
on_both!(own_data_only, each_member_sees_only_their_own);

async fn login_server_fn_sets_cookie_and_redirects_safely(app: TestApp) {
    let db = app.db.clone();
    // This browser is known to Taro, so the password alone logs in.
    login(&db, "kyosai.taro", demo::DEMO_PASSWORD, t0())
        .await
        .unwrap();
    let mut known = HeaderMap::new();
    known.insert(
        header::COOKIE,
        HeaderValue::from_str(&format!("mypage_device={BROWSER}")).unwrap(),
    );
    for (next, expected) in [
        (Some("/mypage?tab=1"), "/mypage?tab=1"),
        (Some("https://evil.example/"), "/mypage"),
        (Some("//evil.example"), "/mypage"),
        (None, "/mypage"),
    ] {
        let (result, res) = app
            .call(known.clone(), || async {
                let r = app::auth::login(
                    "kyosai.taro".into(),
                    demo::DEMO_PASSWORD.into(),
                    next.map(Into::into),
                )
                .await;
                (r, expect_context::<leptos_axum::ResponseOptions>())
            })
            .await;
        result.expect("login");
        let inner = res.0.read().expect("response options lock");
        assert_eq!(
            inner
                .headers
                .get(header::LOCATION)
                .and_then(|v| v.to_str().ok()),
            Some(expected),
            "next {next:?}"
        );
        let cookie = inner
            .headers
            .get(header::SET_COOKIE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        assert!(cookie.starts_with("mypage_session="), "{cookie}");
        assert!(
            cookie.contains("HttpOnly")
                && cookie.contains("SameSite=Lax")
                && cookie.contains("Path=/")
        );
    }

    // A browser Hanako never used gets the code page, and no session yet.
    let (result, res) = app
        .call(HeaderMap::new(), || async {
            let r = app::auth::login(
                "kyosai.hanako".into(),
                demo::DEMO_PASSWORD.into(),
                Some("/mypage/security".into()),
            )
            .await;
            (r, expect_context::<leptos_axum::ResponseOptions>())
        })
        .await;
    result.expect("password right");
    let inner = res.0.read().expect("response options lock");
    assert_eq!(
        inner
            .headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok()),
        Some("/login/code?next=%2Fmypage%2Fsecurity")
    );
    let cookies: Vec<&str> = inner
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    assert!(cookies
        .iter()
        .any(|c| c.starts_with("mypage_login_challenge=") && c.contains("Max-Age=600")));
    assert!(!cookies.iter().any(|c| c.starts_with("mypage_session=")));
}
on_both!(
    login_server_fn,
    login_server_fn_sets_cookie_and_redirects_safely
);

async fn errors_answer_with_their_own_status(app: TestApp) {
    let (result, res) = app
        .call(HeaderMap::new(), || async {
            let r = app::auth::login("kyosai.taro".into(), "wrong".into(), None).await;
            (r, expect_context::<leptos_axum::ResponseOptions>())
        })
        .await;
    assert_eq!(result, Err(AppError::LoginFailed));
    let inner = res.0.read().expect("response options lock");
    assert_eq!(inner.status, Some(http::StatusCode::UNAUTHORIZED));
    assert!(inner.headers.get(header::SET_COOKIE).is_none());
    assert!(inner.headers.get(header::LOCATION).is_none());
}
on_both!(error_status, errors_answer_with_their_own_status);

/// A name the core system sent with a character outside JIS X 0208 stays as
/// registered; the member sees the display spelling and is told why.
async fn registered_spellings_are_shown_with_substitutes(app: TestApp) {
    use sea_orm::{ActiveModelTrait, ActiveValue::Set};
    let db = app.db.clone();
    let taro_id = member_id_of(&db, "kyosai.taro").await;
    app::ssr::entities::member::ActiveModel {
        id: Set(taro_id),
        name: Set("髙橋太郎".into()),
        ..Default::default()
    }
    .update(&db)
    .await
    .unwrap();
    let taro = app.member_headers("kyosai.taro").await;
    let p = app
        .call(taro.clone(), app::member::my_profile)
        .await
        .unwrap();
    assert_eq!(p.name, "高橋太郎");
    assert!(p.spelling_substituted);
    let s = app.call(taro, app::auth::load_session).await.unwrap();
    assert_eq!(s.name, "高橋太郎");
    let stored = app::ssr::entities::member::Entity::find_by_id(taro_id)
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.name, "髙橋太郎", "the registered spelling is kept");
}
on_both!(
    display_spelling,
    registered_spellings_are_shown_with_substitutes
);
