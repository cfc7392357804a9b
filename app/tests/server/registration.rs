//! マイページ登録 (M12): the letter's code, the birth date, an account, a
//! confirmed address.

use crate::helpers::*;
use app::registration::ssr as reg;
use app::ssr::demo::fixtures;

const IP_LIMIT: i32 = app::domain::policy::REGISTRATION_TRIES_PER_IP_PER_HOUR;

async fn newcomer(app: &TestApp) -> fixtures::Member {
    let wanted = fixtures::Wanted {
        registration_code: true,
        ..Default::default()
    };
    fixtures::member(&app.db, &wanted, app.now()).await.unwrap()
}

/// The first step done with the newcomer's letter: the registration's token.
async fn started(app: &TestApp, m: &fixtures::Member) -> String {
    reg::begin(
        &app.db,
        &m.member_number,
        m.registration_code.as_deref().unwrap(),
        &m.birth_date,
        &client(),
        IP_LIMIT,
        app.now(),
    )
    .await
    .unwrap()
}

fn mailed_code(mail: &mail_outbox::Model) -> String {
    let start = mail.body_text.find("認証コード:").unwrap() + "認証コード:".len();
    mail.body_text[start..start + 6].to_owned()
}

/// The whole way: code + birth date, then user ID, address and password,
/// then the mailed code; the account logs in and the letter's code is spent.
async fn a_new_member_registers_with_the_letter(app: TestApp) {
    let db = app.db.clone();
    let cfg = config();
    let m = newcomer(&app).await;
    let code = m.registration_code.clone().unwrap();
    // Before registering there is no account to log in to.
    assert_eq!(
        login(&db, &m.user_id, demo::DEMO_PASSWORD, app.now()).await,
        Err(AppError::LoginFailed)
    );
    let token = reg::begin(
        &db,
        &m.member_number,
        &code.to_lowercase(),
        &m.birth_date,
        &client(),
        IP_LIMIT,
        app.now(),
    )
    .await
    .unwrap();
    // Taken details and weak passwords are told at their fields.
    assert!(matches!(
        reg::choose(&db, &cfg, &token, "kyosai.taro", &m.email, demo::DEMO_PASSWORD, demo::DEMO_PASSWORD, app.now()).await,
        Err(AppError::Field { ref field, .. }) if field == "user_id"
    ));
    assert!(matches!(
        reg::choose(&db, &cfg, &token, &m.user_id, "taro@example.jp", demo::DEMO_PASSWORD, demo::DEMO_PASSWORD, app.now()).await,
        Err(AppError::Field { ref field, .. }) if field == "email"
    ));
    assert!(matches!(
        reg::choose(&db, &cfg, &token, &m.user_id, &m.email, "short", "short", app.now()).await,
        Err(AppError::Field { ref field, .. }) if field == "password"
    ));
    reg::choose(
        &db,
        &cfg,
        &token,
        &m.user_id,
        &m.email,
        demo::DEMO_PASSWORD,
        demo::DEMO_PASSWORD,
        app.now(),
    )
    .await
    .unwrap();
    let mail = outbox(&db)
        .await
        .into_iter()
        .rfind(|x| x.to_address == m.email)
        .unwrap();
    assert!(mail.subject.contains("マイページ登録の認証コード"));
    let sent = mailed_code(&mail);
    let wrong = if sent == "000000" { "111111" } else { "000000" };
    assert!(matches!(
        reg::finish(&db, &cfg, &token, wrong, &client(), app.now()).await,
        Err(AppError::Field { ref field, .. }) if field == "code"
    ));
    reg::finish(&db, &cfg, &token, &sent, &client(), app.now())
        .await
        .unwrap();
    assert!(outbox_subjects_to(&db, &m.email)
        .await
        .iter()
        .any(|s| s.contains("マイページ登録完了のお知らせ")));
    // Logs in like anyone (a new browser: the mailed code).
    login(&db, &m.user_id, demo::DEMO_PASSWORD, app.now())
        .await
        .expect("registered");
    // The letter's code and the registration are spent.
    assert_eq!(
        reg::begin(
            &db,
            &m.member_number,
            &code,
            &m.birth_date,
            &client(),
            IP_LIMIT,
            app.now()
        )
        .await,
        Err(AppError::RegistrationFailed)
    );
    assert_eq!(
        reg::finish(&db, &cfg, &token, &sent, &client(), app.now()).await,
        Err(AppError::RegistrationFailed)
    );
}
on_both!(registration_flow, a_new_member_registers_with_the_letter);

const SPENT: &str = "認証コードの有効期限が切れたか、入力できる回数を超えました。「メールアドレスを入力し直す」から、新しい認証コードをお受け取りください。";

/// From the code step the member goes back to the account step: after a
/// mistyped address, a code used up by wrong tries, or one that expired (it
/// works ten minutes, as its mail says). The code mailed before stops
/// working; a new one goes to the address given again.
async fn the_code_step_goes_back_to_the_address(app: TestApp) {
    let db = app.db.clone();
    let cfg = config();
    let m = newcomer(&app).await;
    let token = started(&app, &m).await;
    let choose = |email: String| {
        let (db, cfg, token, user_id) = (db.clone(), cfg.clone(), token.clone(), m.user_id.clone());
        let now = app.now();
        async move {
            reg::choose(
                &db,
                &cfg,
                &token,
                &user_id,
                &email,
                demo::DEMO_PASSWORD,
                demo::DEMO_PASSWORD,
                now,
            )
            .await
        }
    };
    let latest_code = |to: String| {
        let db = db.clone();
        async move { mailed_code(&latest_mail_to(&db, &to).await) }
    };
    let wrong = |sent: &str| if sent == "000000" { "111111" } else { "000000" }.to_owned();

    // A mistyped address: back, the code sent there stops working.
    choose("typo@example.jp".into()).await.unwrap();
    let lost = latest_code("typo@example.jp".into()).await;
    reg::back_to_account(&db, &token, app.now()).await.unwrap();
    assert!(matches!(
        reg::finish(&db, &cfg, &token, &lost, &client(), app.now()).await,
        Err(AppError::Conflict(_))
    ));
    let row = app::ssr::entities::registration::Entity::find()
        .filter(app::ssr::entities::registration::Column::MemberId.eq(m.member_id))
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (
            row.email.as_deref(),
            row.user_id.is_some(),
            row.password_hash.is_none()
        ),
        (Some("typo@example.jp"), true, true),
        "the address and ID are offered to correct, the password typed again"
    );

    // The right address; the code is used up by wrong tries: back again.
    choose(m.email.clone()).await.unwrap();
    let sent = latest_code(m.email.clone()).await;
    for _ in 0..app::domain::policy::CODE_MAX_TRIES {
        assert!(
            reg::finish(&db, &cfg, &token, &wrong(&sent), &client(), app.now())
                .await
                .is_err()
        );
    }
    assert_eq!(
        reg::finish(&db, &cfg, &token, &sent, &client(), app.now()).await,
        Err(AppError::Conflict(SPENT.into()))
    );
    reg::back_to_account(&db, &token, app.now()).await.unwrap();

    // A new code works ten minutes, as its mail says, not for the whole
    // registration.
    choose(m.email.clone()).await.unwrap();
    let sent = latest_code(m.email.clone()).await;
    assert!(latest_mail_to(&db, &m.email)
        .await
        .body_text
        .contains("10分"));
    app.advance(Duration::minutes(app::domain::policy::CODE_VALID_MINUTES));
    assert_eq!(
        reg::finish(&db, &cfg, &token, &sent, &client(), app.now()).await,
        Err(AppError::Conflict(SPENT.into()))
    );
    reg::back_to_account(&db, &token, app.now()).await.unwrap();
    // Asked for late in the registration (it began 10 minutes ago and runs
    // 30), the code still works its ten minutes.
    app.advance(Duration::minutes(15));
    choose(m.email.clone()).await.unwrap();
    let sent = latest_code(m.email.clone()).await;
    app.advance(Duration::minutes(
        app::domain::policy::CODE_VALID_MINUTES - 1,
    ));
    reg::finish(&db, &cfg, &token, &sent, &client(), app.now())
        .await
        .expect("the last code, in time");
    login(&db, &m.user_id, demo::DEMO_PASSWORD, app.now())
        .await
        .expect("registered");
}
on_both!(registration_back, the_code_step_goes_back_to_the_address);

/// Through the page's server functions: the account step renews the
/// registration's cookie (a late code outlives the first half hour), the
/// state says until when the code works, and going back shows the account
/// step with the address typed before.
async fn the_page_steps_keep_the_registration(app: TestApp) {
    let m = newcomer(&app).await;
    let token = started(&app, &m).await;
    let name = app::auth::ssr::cookie_name(&config(), reg::COOKIE);
    let mut headers = HeaderMap::new();
    headers.insert(
        header::COOKIE,
        HeaderValue::from_str(&format!("{name}={token}")).unwrap(),
    );
    app.advance(Duration::minutes(25));
    let (done, set) = app
        .call_responding(headers.clone(), || {
            app::registration::submit_registration_account(
                m.user_id.clone(),
                m.email.clone(),
                demo::DEMO_PASSWORD.into(),
                demo::DEMO_PASSWORD.into(),
            )
        })
        .await;
    done.unwrap();
    let renewed = set
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.starts_with(&format!("{name}={token}")) && v.contains("Max-Age=1800"));
    assert!(renewed, "{set:?}");
    let state = app
        .call(headers.clone(), app::registration::load_registration)
        .await
        .unwrap();
    assert_eq!(state.step, app::registration::RegistrationStep::Email);
    // 10:25 JST now; the code works ten minutes.
    assert_eq!(state.code_until.as_deref(), Some("2026/11/23 10:35"));
    app.call(
        headers.clone(),
        app::registration::back_to_registration_account,
    )
    .await
    .unwrap();
    let state = app
        .call(headers, app::registration::load_registration)
        .await
        .unwrap();
    assert_eq!(state.step, app::registration::RegistrationStep::Account);
    assert_eq!(
        (state.user_id, state.email, state.code_until),
        (Some(m.user_id.to_lowercase()), Some(m.email.clone()), None)
    );
}
on_both!(
    registration_page_steps,
    the_page_steps_keep_the_registration
);

/// Every wrong combination gets the one answer; tries are limited per
/// member number (even with the right code afterwards) and per address.
async fn wrong_combinations_reveal_nothing_and_are_limited(app: TestApp) {
    let db = app.db.clone();
    let m = newcomer(&app).await;
    let code = m.registration_code.clone().unwrap();
    let other = newcomer(&app).await;
    let from = |i: u8| ClientInfo {
        ip: format!("198.51.100.{i}"),
        user_agent: "test".into(),
    };
    for (number, typed, birth) in [
        (
            m.member_number.as_str(),
            "AAAA-BBBB-CCCC",
            m.birth_date.as_str(),
        ),
        (m.member_number.as_str(), code.as_str(), "1985-04-02"),
        (
            other.member_number.as_str(),
            code.as_str(),
            m.birth_date.as_str(),
        ),
        ("0000-00000", code.as_str(), m.birth_date.as_str()),
    ] {
        assert_eq!(
            reg::begin(&db, number, typed, birth, &from(1), IP_LIMIT, app.now()).await,
            Err(AppError::RegistrationFailed),
            "{number} {typed} {birth}"
        );
    }
    // Two wrong tries for m's number so far; three more make the hour's
    // five, and then even the right code is refused.
    for _ in 0..3 {
        let _ = reg::begin(
            &db,
            &m.member_number,
            "AAAA-BBBB-CCCC",
            &m.birth_date,
            &from(2),
            IP_LIMIT,
            app.now(),
        )
        .await;
    }
    assert_eq!(
        reg::begin(
            &db,
            &m.member_number,
            &code,
            &m.birth_date,
            &from(3),
            IP_LIMIT,
            app.now()
        )
        .await,
        Err(AppError::RateLimited)
    );
    // An hour later it works: the code was not used up by the failures.
    app.advance(Duration::hours(1));
    reg::begin(
        &db,
        &m.member_number,
        &code,
        &m.birth_date,
        &from(4),
        IP_LIMIT,
        app.now(),
    )
    .await
    .expect("the code still works");
    // A registered member cannot register again, whatever the code.
    let registered = fixtures::member(&db, &fixtures::Wanted::default(), app.now())
        .await
        .unwrap();
    assert_eq!(
        reg::begin(
            &db,
            &registered.member_number,
            &code,
            &registered.birth_date,
            &from(5),
            IP_LIMIT,
            app.now()
        )
        .await,
        Err(AppError::RegistrationFailed)
    );
    // One address gets the configured number of first steps an hour,
    // whichever members they name.
    let third = newcomer(&app).await;
    for who in [&other, &third] {
        assert_eq!(
            reg::begin(
                &db,
                &who.member_number,
                "AAAA-BBBB-CCCC",
                &who.birth_date,
                &from(9),
                2,
                app.now()
            )
            .await,
            Err(AppError::RegistrationFailed)
        );
    }
    assert_eq!(
        reg::begin(
            &db,
            &third.member_number,
            third.registration_code.as_deref().unwrap(),
            &third.birth_date,
            &from(9),
            2,
            app.now()
        )
        .await,
        Err(AppError::RateLimited)
    );
}
on_both!(
    registration_limits,
    wrong_combinations_reveal_nothing_and_are_limited
);
