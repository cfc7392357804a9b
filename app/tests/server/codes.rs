use crate::helpers::*;

// --- authentication code for new browsers (M15) ------------------------------

async fn new_browsers_need_the_mailed_code(app: TestApp) {
    let db = app.db.clone();
    let cfg = config();
    let outcome = auth::login(
        &db,
        &cfg,
        "kyosai.hanako",
        demo::DEMO_PASSWORD,
        None,
        &client(),
        t0(),
    )
    .await
    .unwrap();
    let auth::LoginOutcome::CodeSent { challenge } = outcome else {
        panic!("a new browser needs a code")
    };
    let mail = outbox(&db).await.into_iter().last().unwrap();
    assert_eq!(mail.to_address, "hanako@example.jp");
    assert!(mail.body_text.contains(&format!(
        "照合記号:{}",
        auth::device::matching_mark(&challenge)
    )));
    let code = latest_login_code(&db).await;
    let wrong = if code == "000000" { "111111" } else { "000000" };

    // Four wrong tries are told with the tries left; the right one still works.
    for left in (1..=4).rev() {
        let e = auth::complete_login_code(&db, &cfg, &challenge, wrong, None, &client(), t0())
            .await
            .unwrap_err();
        assert_eq!(
            e.for_field("code"),
            Some(format!(
                "認証コードが正しくありません(あと{left}回入力できます)。"
            ))
        );
    }
    let done = auth::complete_login_code(
        &db,
        &cfg,
        &challenge,
        &code,
        None,
        &client(),
        t0() + Duration::minutes(9),
    )
    .await
    .expect("right code within 10 minutes");
    auth::member_from_headers(
        &db,
        &cfg,
        &cookie_headers(&done.session),
        t0() + Duration::minutes(9),
    )
    .await
    .unwrap();
    // Single use.
    assert_eq!(
        auth::complete_login_code(&db, &cfg, &challenge, &code, None, &client(), t0()).await,
        Err(AppError::CodeSpent)
    );
    // ログイン履歴 shows the right password that waited for the code (the
    // trace a stranger who knows the password leaves), then the login.
    let hanako = cookie_headers(&done.session);
    app.advance(Duration::minutes(9));
    let history = app
        .call(hanako, app::account::load_security)
        .await
        .unwrap()
        .logins;
    // Newest first: the login (t0 + 9 min), then at t0 the spent code's
    // try, the four wrong codes, and the right password that sent the code.
    let results: Vec<&str> = history.iter().map(|l| l.result.as_str()).collect();
    assert_eq!(
        results,
        [
            "成功",
            "失敗",
            "失敗",
            "失敗",
            "失敗",
            "失敗",
            "パスワード確認・認証コード送信"
        ]
    );
    assert!(!history[6].ok && history[6].pending);
    assert!(!history[1].pending);
    // That browser is known now; another is not; another member on it is not either.
    let again = auth::login(
        &db,
        &cfg,
        "kyosai.hanako",
        demo::DEMO_PASSWORD,
        Some(&done.device),
        &client(),
        t0(),
    )
    .await
    .unwrap();
    assert!(matches!(again, auth::LoginOutcome::Session(_)));
    let elsewhere = auth::login(
        &db,
        &cfg,
        "kyosai.hanako",
        demo::DEMO_PASSWORD,
        Some("other"),
        &client(),
        t0(),
    )
    .await
    .unwrap();
    assert!(matches!(elsewhere, auth::LoginOutcome::CodeSent { .. }));
    let taro = auth::login(
        &db,
        &cfg,
        "kyosai.taro",
        demo::DEMO_PASSWORD,
        Some(&done.device),
        &client(),
        t0(),
    )
    .await
    .unwrap();
    assert!(matches!(taro, auth::LoginOutcome::CodeSent { .. }));
}
on_both!(login_code_flow, new_browsers_need_the_mailed_code);

async fn codes_die_after_five_wrong_tries_or_ten_minutes(app: TestApp) {
    let db = app.db.clone();
    let cfg = config();
    let start = |db: DatabaseConnection| async move {
        match auth::login(
            &db,
            &config(),
            "seikyo.ichiro",
            demo::DEMO_PASSWORD,
            None,
            &client(),
            t0(),
        )
        .await
        .unwrap()
        {
            auth::LoginOutcome::CodeSent { challenge } => (challenge, latest_login_code(&db).await),
            auth::LoginOutcome::Session(_) => panic!("expected a code"),
        }
    };
    let (challenge, code) = start(db.clone()).await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for _ in 0..4 {
        assert!(matches!(
            auth::complete_login_code(&db, &cfg, &challenge, wrong, None, &client(), t0()).await,
            Err(AppError::Field { ref field, .. }) if field == "code"
        ));
    }
    assert_eq!(
        auth::complete_login_code(&db, &cfg, &challenge, wrong, None, &client(), t0()).await,
        Err(AppError::CodeSpent)
    );
    assert_eq!(
        auth::complete_login_code(&db, &cfg, &challenge, &code, None, &client(), t0()).await,
        Err(AppError::CodeSpent)
    );

    let (challenge, code) = start(db.clone()).await;
    assert_eq!(
        auth::complete_login_code(
            &db,
            &cfg,
            &challenge,
            &code,
            None,
            &client(),
            t0() + Duration::minutes(10)
        )
        .await,
        Err(AppError::CodeSpent)
    );
    // A made-up challenge gets nowhere.
    assert_eq!(
        auth::complete_login_code(&db, &cfg, "made-up", &code, None, &client(), t0()).await,
        Err(AppError::CodeSpent)
    );
}
on_both!(
    login_code_limits,
    codes_die_after_five_wrong_tries_or_ten_minutes
);

async fn a_password_reset_does_not_skip_the_code(app: TestApp) {
    let db = app.db.clone();
    let cfg = config();
    login(&db, "kyosai.taro", demo::DEMO_PASSWORD, t0())
        .await
        .unwrap();
    // A login from another browser waits for its code when the reset happens.
    let waiting = match auth::login(
        &db,
        &cfg,
        "kyosai.taro",
        demo::DEMO_PASSWORD,
        None,
        &client(),
        t0(),
    )
    .await
    .unwrap()
    {
        auth::LoginOutcome::CodeSent { challenge } => challenge,
        auth::LoginOutcome::Session(_) => panic!("expected a code"),
    };
    let waiting_code = latest_login_code(&db).await;
    reset::request(&db, &cfg, "kyosai.taro", &client(), t0())
        .await
        .unwrap();
    let mail = outbox(&db)
        .await
        .into_iter()
        .rfind(|m| m.subject.contains("パスワード再設定"))
        .unwrap();
    reset::complete(
        &db,
        &cfg,
        &link_token(&mail.body_text),
        NEW_PASSWORD,
        NEW_PASSWORD,
        &client(),
        t0(),
    )
    .await
    .unwrap();
    // Even the browser that was known needs a code again.
    let outcome = auth::login(
        &db,
        &cfg,
        "kyosai.taro",
        NEW_PASSWORD,
        Some(BROWSER),
        &client(),
        t0(),
    )
    .await
    .unwrap();
    assert!(matches!(outcome, auth::LoginOutcome::CodeSent { .. }));
    // And the login that was waiting cannot finish with the old password's code.
    assert_eq!(
        auth::complete_login_code(&db, &cfg, &waiting, &waiting_code, None, &client(), t0()).await,
        Err(AppError::CodeSpent)
    );
}
on_both!(
    reset_keeps_the_code,
    a_password_reset_does_not_skip_the_code
);

async fn locking_mails_the_member_once(app: TestApp) {
    let db = app.db.clone();
    for i in 0..7 {
        let _ = login(&db, "kyosai.hanako", "wrong", t0() + Duration::seconds(i)).await;
    }
    let locked: Vec<_> = outbox(&db)
        .await
        .into_iter()
        .filter(|m| m.subject.contains("ロック"))
        .collect();
    assert_eq!(locked.len(), 1);
    assert_eq!(locked[0].to_address, "hanako@example.jp");
    assert!(locked[0].body_text.contains("パスワードを忘れた方はこちら"));
}
on_both!(lockout_mail, locking_mails_the_member_once);

/// 50 guesses at one code at once get no more than the five tries one at a
/// time would: the right code typed afterwards is refused.
async fn parallel_guesses_get_five_tries(app: TestApp) {
    let db = app.db.clone();
    let challenge = match auth::login(
        &db,
        &config(),
        "seikyo.ichiro",
        demo::DEMO_PASSWORD,
        None,
        &client(),
        t0(),
    )
    .await
    .unwrap()
    {
        auth::LoginOutcome::CodeSent { challenge } => challenge,
        auth::LoginOutcome::Session(_) => panic!("expected a code"),
    };
    let code = latest_login_code(&db).await;
    let guesses: Vec<_> = (0..50)
        .map(|i| {
            let (db, challenge) = (db.clone(), challenge.clone());
            // Fifty different wrong codes.
            let guess = format!("{:06}", (code.parse::<u32>().unwrap() + 1 + i) % 1_000_000);
            tokio::spawn(async move {
                auth::complete_login_code(&db, &config(), &challenge, &guess, None, &client(), t0())
                    .await
            })
        })
        .collect();
    let mut told_wrong = 0;
    for g in guesses {
        match g.await.expect("task") {
            Err(AppError::Field { .. }) => told_wrong += 1,
            Err(AppError::CodeSpent) => {}
            other => panic!("{other:?}"),
        }
    }
    // Four are told "wrong, n left"; the fifth and the rest "spent".
    assert_eq!(told_wrong, 4);
    let row = app::ssr::entities::one_time_code::Entity::find()
        .all(&db)
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.challenge_hash.is_some())
        .unwrap();
    assert_eq!(row.attempts, 5);
    assert_eq!(
        auth::complete_login_code(&db, &config(), &challenge, &code, None, &client(), t0()).await,
        Err(AppError::CodeSpent)
    );
}
on_both!(parallel_code_guesses, parallel_guesses_get_five_tries);
