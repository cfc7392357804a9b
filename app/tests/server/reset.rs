use crate::helpers::*;

async fn reset_by_mailed_link_once(app: TestApp) {
    let db = app.db.clone();
    let cfg = config();
    // An unknown account: same answer, no mail.
    reset::request(&db, &cfg, "nobody@example.jp", &client(), t0())
        .await
        .expect("same answer");
    assert!(outbox(&db).await.is_empty());

    // Lock the account and keep a session, to see both end with the reset.
    let old_session = login(&db, "kyosai.taro", demo::DEMO_PASSWORD, t0())
        .await
        .unwrap();
    for _ in 0..5 {
        let _ = login(&db, "kyosai.taro", "wrong", t0()).await;
    }
    reset::request(&db, &cfg, "kyosai.taro", &client(), t0())
        .await
        .unwrap();
    let mails = outbox(&db).await;
    let reset_mail = mails
        .iter()
        .find(|m| m.subject.contains("パスワード再設定"))
        .expect("reset mail");
    assert_eq!(reset_mail.to_address, "taro@example.jp");
    assert!(reset_mail.body_text.contains("共済太郎様"));
    let token = link_token(&reset_mail.body_text);
    // Only the hash is stored.
    let stored = password_reset::Entity::find()
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.token_hash, token::token_hash(&token));

    // Policy violations change nothing and keep the link usable.
    let e = reset::complete(
        &db,
        &cfg,
        &token,
        "kyosai.taro.pw",
        "kyosai.taro.pw",
        &client(),
        t0(),
    )
    .await
    .unwrap_err();
    assert!(e.for_field("password").is_some(), "{e:?}");
    reset::complete(
        &db,
        &cfg,
        &token,
        NEW_PASSWORD,
        NEW_PASSWORD,
        &client(),
        t0() + Duration::minutes(29),
    )
    .await
    .expect("reset within 30 minutes");

    // Unlocked, new password only, every session ended, notice mailed, audited.
    let taro = account_of(&db, "kyosai.taro").await;
    assert_eq!((taro.failed_login_count, taro.locked_until), (0, None));
    let later = t0() + Duration::minutes(30);
    assert_eq!(
        login(&db, "kyosai.taro", demo::DEMO_PASSWORD, later).await,
        Err(AppError::LoginFailed)
    );
    login(&db, "kyosai.taro", NEW_PASSWORD, later)
        .await
        .expect("new password works");
    assert_eq!(
        auth::member_from_headers(&db, &cfg, &cookie_headers(&old_session), later).await,
        Err(AppError::Unauthenticated { timed_out: false })
    );
    assert!(outbox(&db)
        .await
        .iter()
        .any(|m| m.subject.contains("パスワード変更のお知らせ")));
    let audit = audit_log::Entity::find().all(&db).await.unwrap();
    assert!(audit
        .iter()
        .any(|a| a.action == "password_reset" && a.member_id == Some(taro.member_id)));

    // Single use.
    assert_eq!(
        reset::complete(
            &db,
            &cfg,
            &token,
            "another-long-pass-1",
            "another-long-pass-1",
            &client(),
            later
        )
        .await,
        Err(AppError::InvalidLink)
    );
}
on_both!(password_reset_once, reset_by_mailed_link_once);

async fn reset_links_expire_after_thirty_minutes(app: TestApp) {
    let db = app.db.clone();
    let cfg = config();
    reset::request(&db, &cfg, "taro@example.jp", &client(), t0())
        .await
        .unwrap();
    let token = link_token(&outbox(&db).await[0].body_text);
    assert_eq!(
        reset::complete(
            &db,
            &cfg,
            &token,
            NEW_PASSWORD,
            NEW_PASSWORD,
            &client(),
            t0() + Duration::minutes(30)
        )
        .await,
        Err(AppError::InvalidLink)
    );
    assert_eq!(
        reset::check_token(&db, "made-up", t0()).await,
        Err(AppError::InvalidLink)
    );
}
on_both!(
    password_reset_expiry,
    reset_links_expire_after_thirty_minutes
);

async fn reset_requests_are_rate_limited(app: TestApp) {
    let db = app.db.clone();
    let cfg = config();
    // Per account: the fourth request in an hour answers the same but sends nothing.
    for _ in 0..4 {
        reset::request(&db, &cfg, "kyosai.hanako", &client(), t0())
            .await
            .unwrap();
    }
    assert_eq!(outbox(&db).await.len(), 3);
    // Per address: the eleventh request in an hour is refused, whatever the account.
    for i in 4..10 {
        reset::request(
            &db,
            &cfg,
            &format!("someone{i}@example.jp"),
            &client(),
            t0(),
        )
        .await
        .unwrap();
    }
    assert_eq!(
        reset::request(&db, &cfg, "kyosai.taro", &client(), t0()).await,
        Err(AppError::RateLimited)
    );
    // An hour later it is allowed again.
    reset::request(
        &db,
        &cfg,
        "kyosai.taro",
        &client(),
        t0() + Duration::minutes(61),
    )
    .await
    .unwrap();
}
on_both!(password_reset_limits, reset_requests_are_rate_limited);

/// Parallel reset requests for one member mail no more links than the
/// hourly limit, and parallel ones from one address stop at its limit too.
async fn parallel_reset_requests_stay_within_the_limits(app: TestApp) {
    use app::domain::policy::{RESETS_PER_ACCOUNT_PER_HOUR, RESETS_PER_IP_PER_HOUR};
    let db = app.db.clone();
    let tasks: Vec<_> = (0..20)
        .map(|i| {
            let db = db.clone();
            // Different addresses, one member.
            let from = ClientInfo {
                ip: format!("198.51.100.{i}"),
                user_agent: "test".into(),
            };
            tokio::spawn(
                async move { reset::request(&db, &config(), "kyosai.taro", &from, t0()).await },
            )
        })
        .collect();
    for t in tasks {
        assert_eq!(t.await.expect("task"), Ok(()), "the same answer every time");
    }
    let links = password_reset::Entity::find().all(&db).await.unwrap().len();
    assert_eq!(links, RESETS_PER_ACCOUNT_PER_HOUR as usize);
    assert_eq!(
        outbox_subjects_to(&db, "taro@example.jp")
            .await
            .iter()
            .filter(|s| s.contains("パスワード再設定のご案内"))
            .count(),
        RESETS_PER_ACCOUNT_PER_HOUR as usize
    );

    // One address, many identifiers: refused past its limit.
    let tasks: Vec<_> = (0..30)
        .map(|i| {
            let db = db.clone();
            tokio::spawn(async move {
                reset::request(&db, &config(), &format!("nobody.{i}"), &client(), t0()).await
            })
        })
        .collect();
    let mut refused = 0;
    for t in tasks {
        match t.await.expect("task") {
            Ok(()) => {}
            Err(AppError::RateLimited) => refused += 1,
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(refused, 30 - RESETS_PER_IP_PER_HOUR as usize);
}
on_both!(
    parallel_reset_requests,
    parallel_reset_requests_stay_within_the_limits
);
