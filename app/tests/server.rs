//! Server-side behaviour against a real database: SQLite always, and PostgreSQL
//! too when `TEST_DATABASE_URL` points at a server (the test script sets it).
//! Each test gets a database of its own.

use app::auth::ssr::{self as auth, session};
use app::error::AppError;
use app::ssr::entities::{login_event, member_account, session as session_entity};
use app::ssr::{db, demo, request::ClientInfo, AppState, Clock, Config};
use chrono::{DateTime, Duration, TimeZone, Utc};
use http::{header, HeaderMap, HeaderValue};
use leptos::prelude::*;
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter};
use std::sync::Arc;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 1, 0, 0).unwrap()
}

fn config() -> Config {
    Config::from_lookup(|_| None).expect("default configuration")
}

fn client() -> ClientInfo {
    ClientInfo {
        ip: "192.0.2.10".into(),
        user_agent: "Mozilla/5.0 (test)".into(),
    }
}

fn unique_name() -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    format!(
        "mypage_test_{}_{}_{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed),
        Utc::now().timestamp_subsec_nanos()
    )
}

#[derive(Clone, Copy, Debug)]
enum Backend {
    Sqlite,
    Postgres,
}

/// A migrated database with the demo members, of its own.
async fn fresh_db(backend: Backend) -> Option<DatabaseConnection> {
    let url = match backend {
        Backend::Sqlite => {
            let path = std::env::temp_dir().join(format!("{}.db", unique_name()));
            format!("sqlite://{}?mode=rwc", path.display())
        }
        Backend::Postgres => {
            let admin_url = std::env::var("TEST_DATABASE_URL").ok()?;
            let admin = db::connect(&admin_url)
                .await
                .expect("connect TEST_DATABASE_URL");
            let name = unique_name();
            admin
                .execute_unprepared(&format!("CREATE DATABASE {name}"))
                .await
                .expect("create test database");
            let (base, _) = admin_url
                .rsplit_once('/')
                .expect("URL with a database name");
            format!("{base}/{name}")
        }
    };
    let conn = db::connect(&url).await.expect("connect");
    db::migrate(&conn).await.expect("migrate");
    demo::load(&conn, t0()).await.expect("demo data");
    Some(conn)
}

/// Runs a scenario on SQLite, and on PostgreSQL when one is configured.
macro_rules! on_both {
    ($name:ident, $scenario:ident) => {
        mod $name {
            use super::*;
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let db = fresh_db(Backend::Sqlite).await.expect("sqlite");
                $scenario(db).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                match fresh_db(Backend::Postgres).await {
                    Some(db) => $scenario(db).await,
                    None => eprintln!("TEST_DATABASE_URL not set: PostgreSQL run skipped"),
                }
            }
        }
    };
}

/// The browser of these tests: known to a member once a code was entered from it.
const BROWSER: &str = "test-browser-device-token";

/// Logs in like a browser does: with the mailed code if the browser is new.
async fn login(
    db: &DatabaseConnection,
    id: &str,
    password: &str,
    now: DateTime<Utc>,
) -> Result<String, AppError> {
    match auth::login(db, &config(), id, password, Some(BROWSER), &client(), now).await? {
        auth::LoginOutcome::Session(token) => Ok(token),
        auth::LoginOutcome::CodeSent { challenge } => {
            let code = latest_login_code(db).await;
            let done = auth::complete_login_code(
                db,
                &config(),
                &challenge,
                &code,
                Some(BROWSER),
                &client(),
                now,
            )
            .await?;
            Ok(done.session)
        }
    }
}

async fn latest_login_code(db: &DatabaseConnection) -> String {
    use app::ssr::entities::mail_outbox as outbox_entity;
    use sea_orm::QueryOrder;
    let mail = outbox_entity::Entity::find()
        .filter(outbox_entity::Column::Subject.contains("ログインの認証コード"))
        .order_by_desc(outbox_entity::Column::Id)
        .one(db)
        .await
        .unwrap()
        .expect("a login code mail");
    let start = mail.body_text.find("認証コード:").expect("code line") + "認証コード:".len();
    mail.body_text[start..start + 6].to_owned()
}

fn cookie_headers(token: &str) -> HeaderMap {
    let mut h = HeaderMap::new();
    h.insert(
        header::COOKIE,
        HeaderValue::from_str(&format!("other=1; {}={token}", session::COOKIE)).unwrap(),
    );
    h
}

async fn account_of(db: &DatabaseConnection, user_id: &str) -> member_account::Model {
    member_account::Entity::find()
        .filter(member_account::Column::UserId.eq(user_id))
        .one(db)
        .await
        .unwrap()
        .unwrap()
}

// --- login -------------------------------------------------------------------

async fn logs_in_by_user_id_or_email(db: DatabaseConnection) {
    let token = login(&db, " Kyosai.Taro ", demo::DEMO_PASSWORD, t0())
        .await
        .expect("by user ID");
    let me = auth::member_from_headers(&db, &config(), &cookie_headers(&token), t0())
        .await
        .expect("session valid");
    let taro = account_of(&db, "kyosai.taro").await;
    assert_eq!(me.account_id, taro.id);
    assert_eq!(me.member_id, taro.member_id);

    let token2 = login(
        &db,
        "TARO@example.jp",
        demo::DEMO_PASSWORD,
        t0() + Duration::minutes(1),
    )
    .await
    .expect("by email");
    assert_ne!(token, token2);

    // Previous login moves along: the seed's 2018 login, then the first one here.
    let taro = account_of(&db, "kyosai.taro").await;
    assert_eq!(taro.last_login_at, Some(t0() + Duration::minutes(1)));
    assert_eq!(taro.previous_login_at, Some(t0()));

    // Only the token's hash is stored.
    let stored: Vec<String> = session_entity::Entity::find()
        .all(&db)
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.token_hash)
        .collect();
    assert!(stored.contains(&session::token_hash(&token)));
    assert!(!stored.iter().any(|h| h == &token || h.contains(&token)));
}
on_both!(login_by_id_or_email, logs_in_by_user_id_or_email);

async fn unknown_and_wrong_get_one_answer(db: DatabaseConnection) {
    let unknown = login(&db, "nobody.here", "whatever-password", t0())
        .await
        .unwrap_err();
    let unknown_mail = login(&db, "nobody@example.jp", "whatever-password", t0())
        .await
        .unwrap_err();
    let wrong = login(&db, "kyosai.taro", "wrong-password", t0())
        .await
        .unwrap_err();
    assert_eq!(unknown, AppError::LoginFailed);
    assert_eq!(unknown_mail, AppError::LoginFailed);
    assert_eq!(wrong, AppError::LoginFailed);
    assert_eq!(unknown.to_string(), wrong.to_string());

    // Empty fields are told next to the field; over-long input is simply wrong.
    assert_eq!(
        login(&db, "  ", "x", t0())
            .await
            .unwrap_err()
            .for_field("identifier")
            .as_deref(),
        Some("ユーザーIDまたはメールアドレスを入力してください。")
    );
    assert!(login(&db, "kyosai.taro", "", t0())
        .await
        .unwrap_err()
        .for_field("password")
        .is_some());
    assert_eq!(
        login(&db, &"a".repeat(300), "x", t0()).await.unwrap_err(),
        AppError::LoginFailed
    );

    // Every attempt is in the login log; unknown accounts without an account.
    let events = login_event::Entity::find().all(&db).await.unwrap();
    assert_eq!(events.len(), 3);
    assert_eq!(events.iter().filter(|e| e.account_id.is_none()).count(), 2);
    assert!(events
        .iter()
        .all(|e| e.result == login_event::LoginResult::Failure));
    assert!(events.iter().all(|e| e.ip == "192.0.2.10"));
}
on_both!(
    one_answer_for_unknown_and_wrong,
    unknown_and_wrong_get_one_answer
);

async fn five_failures_lock_for_fifteen_minutes(db: DatabaseConnection) {
    for i in 1..5 {
        let e = login(&db, "kyosai.hanako", "wrong", t0() + Duration::seconds(i))
            .await
            .unwrap_err();
        assert_eq!(e, AppError::LoginFailed, "attempt {i}");
    }
    let fifth = login(&db, "kyosai.hanako", "wrong", t0() + Duration::seconds(5))
        .await
        .unwrap_err();
    assert_eq!(fifth, AppError::Locked);
    // Locked: even the right password is refused, with the same message.
    let right = login(
        &db,
        "kyosai.hanako",
        demo::DEMO_PASSWORD,
        t0() + Duration::minutes(14),
    )
    .await
    .unwrap_err();
    assert_eq!(right, AppError::Locked);
    let wrong = login(&db, "kyosai.hanako", "wrong", t0() + Duration::minutes(14))
        .await
        .unwrap_err();
    assert_eq!(wrong, AppError::Locked);
    // Fifteen minutes after the lock, the right password works and clears the count.
    login(
        &db,
        "kyosai.hanako",
        demo::DEMO_PASSWORD,
        t0() + Duration::seconds(5) + Duration::minutes(15),
    )
    .await
    .expect("unlocked by time");
    let hanako = account_of(&db, "kyosai.hanako").await;
    assert_eq!(hanako.failed_login_count, 0);
    assert_eq!(hanako.locked_until, None);
    let locked_events = login_event::Entity::find()
        .filter(login_event::Column::Result.eq(login_event::LoginResult::Locked))
        .all(&db)
        .await
        .unwrap();
    assert_eq!(locked_events.len(), 3);
}
on_both!(lockout, five_failures_lock_for_fifteen_minutes);

async fn parallel_failures_are_all_counted(db: DatabaseConnection) {
    let db = Arc::new(db);
    let tasks: Vec<_> = (0..5)
        .map(|_| {
            let db = db.clone();
            tokio::spawn(async move { login(&db, "seikyo.ichiro", "wrong", t0()).await })
        })
        .collect();
    for t in tasks {
        assert!(t.await.unwrap().is_err());
    }
    let ichiro = account_of(&db, "seikyo.ichiro").await;
    assert_eq!(ichiro.failed_login_count, 5);
    assert!(ichiro.locked_until.is_some());
}
on_both!(parallel_failures, parallel_failures_are_all_counted);

// --- sessions ----------------------------------------------------------------

async fn sessions_end_when_idle_or_too_old(db: DatabaseConnection) {
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
    // "timed out" (the shell and the page ask at once), and housekeeping
    // deletes it for good.
    let idle = t0() + Duration::minutes(57 + 20);
    for _ in 0..2 {
        assert_eq!(
            auth::member_from_headers(&db, &cfg, &headers, idle).await,
            Err(AppError::Unauthenticated { timed_out: true })
        );
    }
    app::ssr::housekeeping::sweep(&db, &cfg, idle)
        .await
        .unwrap();
    assert_eq!(
        session_entity::Entity::find().all(&db).await.unwrap().len(),
        0
    );
    assert_eq!(
        auth::member_from_headers(&db, &cfg, &headers, idle).await,
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
    assert!(auth::member_from_headers(&db, &cfg, &headers, t)
        .await
        .is_err());
}
on_both!(session_expiry, sessions_end_when_idle_or_too_old);

async fn no_cookie_or_a_forged_one_is_not_logged_in(db: DatabaseConnection) {
    let cfg = config();
    assert_eq!(
        auth::member_from_headers(&db, &cfg, &HeaderMap::new(), t0()).await,
        Err(AppError::Unauthenticated { timed_out: false })
    );
    let token = login(&db, "kyosai.taro", demo::DEMO_PASSWORD, t0())
        .await
        .unwrap();
    // The stored hash used as a token gets nowhere.
    let forged = cookie_headers(&session::token_hash(&token));
    assert!(auth::member_from_headers(&db, &cfg, &forged, t0())
        .await
        .is_err());
}
on_both!(forged_cookies, no_cookie_or_a_forged_one_is_not_logged_in);

// --- server functions: a member sees only their own data ---------------------

/// Calls a server function the way a request would: with the app state, the
/// request parts (carrying `headers`) and response options in context.
async fn call<T, F, Fut>(db: &DatabaseConnection, headers: HeaderMap, f: F) -> T
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = T>,
{
    let state = AppState {
        leptos_options: LeptosOptions::builder().output_name("mypage").build(),
        db: db.clone(),
        config: Arc::new(config()),
        clock: Clock::with_offset(t0() - Utc::now()),
    };
    let mut request = http::Request::builder().uri("/api/test").body(()).unwrap();
    *request.headers_mut() = headers;
    let (parts, ()) = request.into_parts();
    let owner = Owner::new();
    owner.set();
    provide_context(state);
    provide_context(parts);
    provide_context(leptos_axum::ResponseOptions::default());
    f().await
}

async fn each_member_sees_only_their_own(db: DatabaseConnection) {
    let taro = login(&db, "kyosai.taro", demo::DEMO_PASSWORD, t0())
        .await
        .unwrap();
    let hanako = login(&db, "kyosai.hanako", demo::DEMO_PASSWORD, t0())
        .await
        .unwrap();

    let p = call(&db, cookie_headers(&taro), app::member::my_profile)
        .await
        .unwrap();
    assert_eq!(
        (p.name.as_str(), p.member_number.as_str()),
        ("共済太郎", "0123-45678")
    );
    assert_eq!(p.email, "taro@example.jp");
    let p = call(&db, cookie_headers(&hanako), app::member::my_profile)
        .await
        .unwrap();
    assert_eq!(
        (p.name.as_str(), p.member_number.as_str()),
        ("共済花子", "0123-45679")
    );

    let s = call(&db, cookie_headers(&taro), app::auth::load_session)
        .await
        .unwrap();
    assert_eq!(s.name, "共済太郎");
    assert_eq!(s.previous_login.as_deref(), Some("2018/8/14 9:45"));
    let s = call(&db, cookie_headers(&hanako), app::auth::load_session)
        .await
        .unwrap();
    assert_eq!(s.previous_login, None);

    assert_eq!(
        call(&db, HeaderMap::new(), app::member::my_profile).await,
        Err(AppError::Unauthenticated { timed_out: false })
    );
    assert_eq!(
        call(&db, HeaderMap::new(), app::auth::load_session).await,
        Err(AppError::Unauthenticated { timed_out: false })
    );
}
on_both!(own_data_only, each_member_sees_only_their_own);

async fn login_server_fn_sets_cookie_and_redirects_safely(db: DatabaseConnection) {
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
        let (result, res) = call(&db, known.clone(), || async {
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
    let (result, res) = call(&db, HeaderMap::new(), || async {
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

async fn errors_answer_with_their_own_status(db: DatabaseConnection) {
    let (result, res) = call(&db, HeaderMap::new(), || async {
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

// --- password reset (M3) -----------------------------------------------------

use app::auth::ssr::reset;
use app::ssr::entities::{audit_log, mail_outbox, password_reset};

async fn outbox(db: &DatabaseConnection) -> Vec<mail_outbox::Model> {
    mail_outbox::Entity::find().all(db).await.unwrap()
}

fn link_token(body: &str) -> String {
    let start = body.find("token=").expect("link in mail") + "token=".len();
    body[start..].split_whitespace().next().unwrap().to_owned()
}

const NEW_PASSWORD: &str = "うみ-そら-やま-2026";

async fn reset_by_mailed_link_once(db: DatabaseConnection) {
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
    assert_eq!(stored.token_hash, session::token_hash(&token));

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
    assert!(
        auth::member_from_headers(&db, &cfg, &cookie_headers(&old_session), later)
            .await
            .is_err()
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

async fn reset_links_expire_after_thirty_minutes(db: DatabaseConnection) {
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

async fn reset_requests_are_rate_limited(db: DatabaseConnection) {
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

// --- mail outbox against a real SMTP server ----------------------------------

use app::ssr::mail::{self, worker};

struct SmtpSink {
    child: std::process::Child,
}

impl SmtpSink {
    /// Starts `end2end/smtp-sink.mjs` (npm smtp-server) and waits until it listens.
    async fn start(port: u16, file: &std::path::Path) -> Self {
        let mut child = std::process::Command::new("node")
            .arg("../end2end/smtp-sink.mjs")
            .arg(port.to_string())
            .arg(file)
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("node must be installed (scripts/setup.sh --test)");
        for _ in 0..100 {
            if tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .is_ok()
            {
                return Self { child };
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        let _ = child.kill();
        let _ = child.wait();
        panic!("smtp-sink did not start on port {port}");
    }

    fn stop(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn received(file: &std::path::Path) -> Vec<String> {
    std::fs::read_to_string(file)
        .unwrap_or_default()
        .lines()
        .map(str::to_owned)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_mail_is_lost_while_the_smtp_server_is_down() {
    let db = fresh_db(Backend::Sqlite).await.unwrap();
    let port = 30000 + (std::process::id() % 20000) as u16;
    let file = std::env::temp_dir().join(format!("{}.jsonl", unique_name()));
    let mut cfg = config();
    cfg.smtp_url = Some(format!("smtp://127.0.0.1:{port}"));
    let transport = worker::Transport::from_config(&cfg).unwrap();
    let mail = |n: u32| mail::Mail {
        to: "taro@example.jp".into(),
        subject: format!("テスト{n}のお知らせ"),
        body: format!("共済太郎様\n本文{n}です。"),
    };

    // Up: queued mails go out.
    let sink = SmtpSink::start(port, &file).await;
    mail::enqueue(&db, mail(1), t0()).await.unwrap();
    assert_eq!(worker::deliver_due(&db, &transport, t0()).await.unwrap(), 1);
    assert_eq!(received(&file).len(), 1);
    assert!(received(&file)[0].contains("taro@example.jp"));

    // Down: mails wait, with growing pauses, and nothing is lost.
    sink.stop();
    mail::enqueue(&db, mail(2), t0()).await.unwrap();
    mail::enqueue(&db, mail(3), t0()).await.unwrap();
    assert_eq!(worker::deliver_due(&db, &transport, t0()).await.unwrap(), 0);
    let waiting = outbox(&db)
        .await
        .into_iter()
        .filter(|m| m.sent_at.is_none())
        .collect::<Vec<_>>();
    assert_eq!(waiting.len(), 2);
    assert!(waiting
        .iter()
        .all(|m| m.attempts == 1 && m.last_error.is_some()));
    assert!(waiting
        .iter()
        .all(|m| m.next_attempt_at == t0() + worker::backoff(0)));
    // Not yet due: not tried again.
    assert_eq!(
        worker::deliver_due(&db, &transport, t0() + Duration::seconds(10))
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        outbox(&db).await.iter().map(|m| m.attempts).sum::<i32>(),
        1 + 2
    );

    // Back up: once due, every waiting mail goes out, once.
    let sink = SmtpSink::start(port, &file).await;
    let later = t0() + Duration::minutes(1);
    assert_eq!(
        worker::deliver_due(&db, &transport, later).await.unwrap(),
        2
    );
    assert_eq!(
        worker::deliver_due(&db, &transport, later).await.unwrap(),
        0
    );
    let got = received(&file);
    assert_eq!(got.len(), 3);
    // Japanese subjects and bodies arrive encoded for mail transport.
    assert!(got[1].contains("Subject: =?utf-8?"), "{}", got[1]);
    assert!(outbox(&db).await.iter().all(|m| m.sent_at.is_some()));
    sink.stop();
}

// --- authentication code for new browsers (M15) ------------------------------

async fn new_browsers_need_the_mailed_code(db: DatabaseConnection) {
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

async fn codes_die_after_five_wrong_tries_or_ten_minutes(db: DatabaseConnection) {
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
        assert!(
            auth::complete_login_code(&db, &cfg, &challenge, wrong, None, &client(), t0())
                .await
                .is_err()
        );
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

async fn a_password_reset_does_not_skip_the_code(db: DatabaseConnection) {
    let cfg = config();
    login(&db, "kyosai.taro", demo::DEMO_PASSWORD, t0())
        .await
        .unwrap();
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
}
on_both!(
    reset_keeps_the_code,
    a_password_reset_does_not_skip_the_code
);

async fn locking_mails_the_member_once(db: DatabaseConnection) {
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

// --- credential changes, temporary password, unlock --------------------------

use app::auth::ssr::temporary;
use app::procedure::ssr::workflow::By;

async fn a_password_change_needs_the_current_one_and_ends_other_sessions(db: DatabaseConnection) {
    let here = login(&db, "kyosai.taro", demo::DEMO_PASSWORD, t0())
        .await
        .unwrap();
    let elsewhere = login(&db, "kyosai.taro", demo::DEMO_PASSWORD, t0())
        .await
        .unwrap();
    let change = |current: &'static str| {
        let db = db.clone();
        let here = here.clone();
        async move {
            call(&db, cookie_headers(&here), || {
                app::account::change_password(
                    current.into(),
                    NEW_PASSWORD.into(),
                    NEW_PASSWORD.into(),
                )
            })
            .await
        }
    };
    let wrong = change("not-the-password").await.unwrap_err();
    assert_eq!(
        wrong.for_field("current_password").as_deref(),
        Some("現在のパスワードが正しくありません。")
    );
    change(demo::DEMO_PASSWORD).await.expect("changed");

    let cfg = config();
    assert!(
        auth::member_from_headers(&db, &cfg, &cookie_headers(&here), t0())
            .await
            .is_ok()
    );
    assert!(
        auth::member_from_headers(&db, &cfg, &cookie_headers(&elsewhere), t0())
            .await
            .is_err()
    );
    assert!(outbox(&db)
        .await
        .iter()
        .any(|m| m.subject.contains("パスワード変更のお知らせ")));
    assert!(audit_log::Entity::find()
        .all(&db)
        .await
        .unwrap()
        .iter()
        .any(|a| a.action == "password_changed"));
}
on_both!(
    password_change,
    a_password_change_needs_the_current_one_and_ends_other_sessions
);

async fn user_ids_and_emails_stay_unique_and_emails_need_the_code(db: DatabaseConnection) {
    let taro = cookie_headers(
        &login(&db, "kyosai.taro", demo::DEMO_PASSWORD, t0())
            .await
            .unwrap(),
    );
    let taken = call(&db, taro.clone(), || {
        app::account::change_user_id("Kyosai.Hanako".into(), demo::DEMO_PASSWORD.into())
    })
    .await
    .unwrap_err();
    assert!(taken
        .for_field("user_id")
        .unwrap()
        .contains("すでに使われています"));
    let id = call(&db, taro.clone(), || {
        app::account::change_user_id("taro.2026".into(), demo::DEMO_PASSWORD.into())
    })
    .await
    .unwrap();
    assert_eq!(id, "taro.2026");
    let audit = audit_log::Entity::find().all(&db).await.unwrap();
    let entry = audit
        .iter()
        .find(|a| a.action == "user_id_changed")
        .unwrap();
    assert_eq!(
        (entry.before.as_deref(), entry.after.as_deref()),
        (Some("kyosai.taro"), Some("taro.2026"))
    );

    // Email: another member's address is refused; the code comes to the new one.
    let e = call(&db, taro.clone(), || {
        app::account::request_email_change("hanako@example.jp".into(), demo::DEMO_PASSWORD.into())
    })
    .await
    .unwrap_err();
    assert!(e.for_field("email").is_some());
    call(&db, taro.clone(), || {
        app::account::request_email_change("Taro.New@example.jp".into(), demo::DEMO_PASSWORD.into())
    })
    .await
    .unwrap();
    assert_eq!(
        account_of(&db, "taro.2026").await.email,
        "taro@example.jp",
        "not before the code"
    );
    let mail = outbox(&db)
        .await
        .into_iter()
        .rfind(|m| m.subject.contains("認証コード"))
        .unwrap();
    assert_eq!(mail.to_address, "taro.new@example.jp");
    let start = mail.body_text.find("認証コード:").unwrap() + "認証コード:".len();
    let code = mail.body_text[start..start + 6].to_owned();
    call(&db, taro.clone(), || {
        app::account::confirm_email_change(code.clone())
    })
    .await
    .unwrap();
    assert_eq!(
        account_of(&db, "taro.2026").await.email,
        "taro.new@example.jp"
    );
    let notices: Vec<String> = outbox(&db)
        .await
        .into_iter()
        .filter(|m| m.subject.contains("メールアドレス変更のお知らせ"))
        .map(|m| m.to_address)
        .collect();
    assert_eq!(notices, ["taro@example.jp", "taro.new@example.jp"]);
}
on_both!(
    unique_credentials,
    user_ids_and_emails_stay_unique_and_emails_need_the_code
);

async fn a_temporary_password_opens_only_the_password_change(db: DatabaseConnection) {
    let cfg = config();
    let before = login(&db, "kyosai.hanako", demo::DEMO_PASSWORD, t0())
        .await
        .unwrap();
    let issued = temporary::issue(&db, &cfg, "0123-45679", By::Operator, t0())
        .await
        .unwrap();
    assert_eq!(issued.email, "hanako@example.jp");
    // Sessions ended; the mail holds the password; the old one is gone.
    assert!(
        auth::member_from_headers(&db, &cfg, &cookie_headers(&before), t0())
            .await
            .is_err()
    );
    let mail = outbox(&db)
        .await
        .into_iter()
        .rfind(|m| m.subject.contains("仮パスワード"))
        .unwrap();
    let start = mail.body_text.find("仮パスワード:").unwrap() + "仮パスワード:".len();
    let temp = mail.body_text[start..]
        .split_whitespace()
        .next()
        .unwrap()
        .to_owned();
    assert_eq!(
        login(&db, "kyosai.hanako", demo::DEMO_PASSWORD, t0()).await,
        Err(AppError::LoginFailed)
    );

    let session = cookie_headers(&login(&db, "kyosai.hanako", &temp, t0()).await.unwrap());
    assert_eq!(
        call(&db, session.clone(), app::member::my_profile).await,
        Err(AppError::PasswordChangeRequired)
    );
    assert_eq!(
        call(&db, session.clone(), app::account::load_security).await,
        Err(AppError::PasswordChangeRequired)
    );
    let header = call(&db, session.clone(), app::auth::load_session)
        .await
        .unwrap();
    assert!(header.must_change_password);
    call(&db, session.clone(), || {
        app::account::change_password(temp.clone(), NEW_PASSWORD.into(), NEW_PASSWORD.into())
    })
    .await
    .expect("the one thing allowed");
    let p = call(&db, session, app::member::my_profile)
        .await
        .expect("open again");
    assert_eq!(p.name, "共済花子");
}
on_both!(
    temporary_password,
    a_temporary_password_opens_only_the_password_change
);

async fn an_operator_unlocks_at_once(db: DatabaseConnection) {
    for _ in 0..5 {
        let _ = login(&db, "kyosai.taro", "wrong", t0()).await;
    }
    assert_eq!(
        login(&db, "kyosai.taro", demo::DEMO_PASSWORD, t0()).await,
        Err(AppError::Locked)
    );
    temporary::unlock(&db, "012345678", t0()).await.unwrap();
    login(&db, "kyosai.taro", demo::DEMO_PASSWORD, t0())
        .await
        .expect("unlocked");
    assert!(audit_log::Entity::find()
        .all(&db)
        .await
        .unwrap()
        .iter()
        .any(|a| a.action == "account_unlocked"));
    assert_eq!(
        temporary::unlock(&db, "9999-99999", t0()).await.err(),
        Some(AppError::NotFound)
    );
}
on_both!(operator_unlock, an_operator_unlocks_at_once);

// --- ご契約内容 (M6) -----------------------------------------------------------

use app::contract::ssr::contracts_of;
use chrono::NaiveDate;

async fn member_id_of(db: &DatabaseConnection, user_id: &str) -> i32 {
    account_of(db, user_id).await.member_id
}

async fn coverage_follows_the_date(db: DatabaseConnection) {
    // Demo data was loaded at t0 (2026/11/23 JST): changes start 2026/12/1.
    let nov30 = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
    let dec1 = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
    let taro = member_id_of(&db, "kyosai.taro").await;
    let before = contracts_of(&db, taro, nov30).await.unwrap();
    assert_eq!(before.len(), 1);
    let c = &before[0];
    assert_eq!(c.course.as_ref().unwrap().name, "総合保障型2型");
    assert_eq!(c.course.as_ref().unwrap().starts_on, "2019/4/1");
    assert_eq!(
        c.riders.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(),
        ["先進医療特約"]
    );
    assert_eq!(c.monthly_total, "2,200円");
    assert_eq!(
        c.pending,
        ["お申し込みの特約「がん特約」は、保障開始日の2026/12/1から表示されます。"]
    );
    let after = &contracts_of(&db, taro, dec1).await.unwrap()[0];
    assert_eq!(after.riders.len(), 2);
    assert_eq!(after.monthly_total, "3,200円");
    assert!(after.pending.is_empty());

    let hanako = member_id_of(&db, "kyosai.hanako").await;
    let before = &contracts_of(&db, hanako, nov30).await.unwrap()[0];
    assert_eq!(before.course.as_ref().unwrap().name, "入院保障型2型");
    assert!(before.pending[0]
        .starts_with("変更後のコース「総合保障型4型」は2026/12/1から表示されます。"));
    let after = &contracts_of(&db, hanako, dec1).await.unwrap()[0];
    assert_eq!(after.course.as_ref().unwrap().name, "総合保障型4型");
    assert_eq!(after.course.as_ref().unwrap().starts_on, "2026/12/1");
}
on_both!(contracts_by_date, coverage_follows_the_date);

async fn members_see_only_their_own_contracts(db: DatabaseConnection) {
    let taro = cookie_headers(
        &login(&db, "kyosai.taro", demo::DEMO_PASSWORD, t0())
            .await
            .unwrap(),
    );
    let hanako = cookie_headers(
        &login(&db, "kyosai.hanako", demo::DEMO_PASSWORD, t0())
            .await
            .unwrap(),
    );
    let mine = call(&db, taro, app::contract::my_contracts).await.unwrap();
    assert_eq!(
        mine.iter()
            .map(|c| c.contract_number.as_str())
            .collect::<Vec<_>>(),
        ["K-2019-000101"]
    );
    let hers = call(&db, hanako, app::contract::my_contracts)
        .await
        .unwrap();
    assert_eq!(
        hers.iter()
            .map(|c| c.contract_number.as_str())
            .collect::<Vec<_>>(),
        ["K-2021-000231"]
    );
    assert_eq!(
        call(&db, HeaderMap::new(), app::contract::my_contracts).await,
        Err(AppError::Unauthenticated { timed_out: false })
    );
}
on_both!(contracts_isolation, members_see_only_their_own_contracts);

// --- housekeeping ------------------------------------------------------------

async fn housekeeping_deletes_only_what_is_spent(db: DatabaseConnection) {
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

    // Half an hour on: the first session idled out; the reset link is kept a day.
    let swept = sweep(&db, &cfg, later).await.unwrap();
    assert_eq!(swept.sessions, 1);
    assert_eq!((swept.resets, swept.rate_events), (0, 0));
    assert!(
        auth::member_from_headers(&db, &cfg, &cookie_headers(&fresh), later)
            .await
            .is_ok()
    );
    assert!(
        auth::member_from_headers(&db, &cfg, &cookie_headers(&old), later)
            .await
            .is_err()
    );

    // Two days on: links, codes and rate-limit counts are gone too.
    let swept = sweep(&db, &cfg, t0() + Duration::days(2)).await.unwrap();
    assert_eq!(swept.resets, 1);
    assert!(swept.codes >= 1, "{swept:?}");
    assert!(swept.rate_events >= 2, "{swept:?}");
    assert_eq!(
        password_reset::Entity::find().all(&db).await.unwrap().len(),
        0
    );
}
on_both!(housekeeping, housekeeping_deletes_only_what_is_spent);

// --- procedures (M7) and the back office (S1, S3, S6) -------------------------

use app::domain::procedure::Status;
use app::procedure::{
    apply, cancel_procedure, load_apply_options, my_procedure, my_procedures, preview_application,
};
use app::ssr::entities::{contract, procedure as procedure_entity, rider, staff_account};
use app::staff::ssr::auth as staff_auth;

async fn member_headers(db: &DatabaseConnection, user_id: &str) -> HeaderMap {
    cookie_headers(&login(db, user_id, demo::DEMO_PASSWORD, t0()).await.unwrap())
}

async fn staff_headers(db: &DatabaseConnection, login_id: &str) -> HeaderMap {
    let token = staff_auth::login(
        db,
        &config(),
        login_id,
        demo::DEMO_STAFF_PASSWORD,
        &client(),
        t0(),
    )
    .await
    .expect("staff login");
    let mut h = HeaderMap::new();
    h.insert(
        header::COOKIE,
        HeaderValue::from_str(&format!("{}={token}", staff_auth::COOKIE)).unwrap(),
    );
    h
}

/// `{contract id}-{rider id}` for a member's contract and a rider code.
async fn rider_choice(db: &DatabaseConnection, contract_number: &str, code: &str) -> String {
    let c = contract::Entity::find()
        .filter(contract::Column::ContractNumber.eq(contract_number))
        .one(db)
        .await
        .unwrap()
        .unwrap();
    let r = rider::Entity::find()
        .filter(rider::Column::Code.eq(code))
        .one(db)
        .await
        .unwrap()
        .unwrap();
    format!("{}-{}", c.id, r.id)
}

async fn latest_procedure(db: &DatabaseConnection) -> procedure_entity::Model {
    use sea_orm::QueryOrder;
    procedure_entity::Entity::find()
        .order_by_desc(procedure_entity::Column::Id)
        .one(db)
        .await
        .unwrap()
        .unwrap()
}

async fn outbox_subjects_to(db: &DatabaseConnection, to: &str) -> Vec<String> {
    mail_outbox::Entity::find()
        .filter(mail_outbox::Column::ToAddress.eq(to))
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.subject)
        .collect()
}

async fn rider_application_to_approval(db: DatabaseConnection) {
    let sho = member_headers(&db, "watanabe.sho").await;
    let choice = rider_choice(&db, "K-2025-001001", "gan").await;
    let kind = || "rider_addition".to_owned();

    // The confirmation step files nothing.
    let preview = call(&db, sho.clone(), || {
        preview_application(kind(), Some(choice.clone()), None)
    })
    .await
    .unwrap();
    assert_eq!(preview.kind, "特約追加");
    assert!(preview
        .rows
        .iter()
        .any(|(k, v)| k == "追加する特約" && v == "がん特約"));
    assert!(procedure_entity::Entity::find()
        .filter(procedure_entity::Column::Kind.eq(app::domain::procedure::Kind::RiderAddition))
        .filter(procedure_entity::Column::Status.eq(Status::Received))
        .one(&db)
        .await
        .unwrap()
        .is_none());

    call(&db, sho.clone(), || {
        apply(kind(), Some(choice.clone()), None)
    })
    .await
    .unwrap();
    let filed = latest_procedure(&db).await;
    assert_eq!(filed.status, Status::Received);
    assert!(outbox_subjects_to(&db, "sho@example.jp")
        .await
        .iter()
        .any(|s| s.contains("お手続き受付のお知らせ")));
    // Applying twice for the same rider is refused, and so is offering it.
    let again = call(&db, sho.clone(), || {
        apply(kind(), Some(choice.clone()), None)
    })
    .await;
    assert!(matches!(again, Err(AppError::Conflict(_))), "{again:?}");
    let options = call(&db, sho.clone(), load_apply_options).await.unwrap();
    assert!(!options.contracts[0]
        .riders
        .iter()
        .any(|r| r.name == "がん特約"));

    // Staff review and approve from 2026/12/1; the rider shows from then on.
    let staff = staff_headers(&db, "operator").await;
    let id = filed.id;
    let step = |to: &str, starts_on: Option<&str>| {
        let (to, starts_on) = (to.to_owned(), starts_on.map(str::to_owned));
        let staff = staff.clone();
        let db = db.clone();
        async move {
            call(&db, staff, || {
                app::staff::staff_move_procedure(id, to, Some("確認しました".into()), starts_on)
            })
            .await
        }
    };
    assert!(matches!(
        step("approved", Some("2026-12-01")).await,
        Err(AppError::Conflict(_))
    ));
    step("under_review", None).await.unwrap();
    assert_eq!(
        step("approved", Some("2026-12-02")).await,
        Err(AppError::field(
            "starts_on",
            "保障開始日は、月の初日(1日)を指定してください。"
        ))
    );
    assert_eq!(
        step("approved", Some("2026-11-01")).await,
        Err(AppError::field(
            "starts_on",
            "保障開始日は、明日以降の日付を指定してください。"
        ))
    );
    assert_eq!(
        latest_procedure(&db).await.status,
        Status::UnderReview,
        "refused approvals change nothing"
    );
    step("approved", Some("2026-12-01")).await.unwrap();

    let detail = call(&db, sho.clone(), || my_procedure(id)).await.unwrap();
    assert_eq!(detail.summary.status, Status::Approved);
    assert_eq!(detail.coverage_starts_on.as_deref(), Some("2026/12/1"));
    let history: Vec<_> = detail
        .history
        .iter()
        .map(|h| (h.status_label.as_str(), h.by.as_str()))
        .collect();
    assert_eq!(
        history,
        [
            ("受付", "ご本人"),
            ("審査中", "共済(職員)"),
            ("承諾", "共済(職員)")
        ]
    );
    let sho_id = member_id_of(&db, "watanabe.sho").await;
    let nov30 = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
    let dec1 = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
    assert!(contracts_of(&db, sho_id, nov30).await.unwrap()[0]
        .riders
        .is_empty());
    assert_eq!(
        contracts_of(&db, sho_id, dec1).await.unwrap()[0].riders[0].name,
        "がん特約"
    );
    let subjects = outbox_subjects_to(&db, "sho@example.jp").await;
    assert!(subjects.iter().any(|s| s.contains("(審査中)")));
    assert!(subjects.iter().any(|s| s.contains("(承諾)")));
    // Decided: nobody moves it again.
    assert!(matches!(
        step("declined", None).await,
        Err(AppError::Conflict(_))
    ));
    // Filing and each change are in the audit log, with who did it.
    let actions: Vec<(String, audit_log::ActorKind)> = audit_log::Entity::find()
        .filter(audit_log::Column::MemberId.eq(sho_id))
        .all(&db)
        .await
        .unwrap()
        .into_iter()
        .map(|a| (a.action, a.actor_kind))
        .collect();
    assert_eq!(
        actions,
        [
            ("procedure_filed".to_owned(), audit_log::ActorKind::Member),
            ("procedure_status".to_owned(), audit_log::ActorKind::Staff),
            ("procedure_status".to_owned(), audit_log::ActorKind::Staff),
        ]
    );
}
on_both!(rider_to_approval, rider_application_to_approval);

async fn course_change_ends_the_old_course_on_the_start_date(db: DatabaseConnection) {
    let aoi = member_headers(&db, "nakamura.aoi").await;
    let options = call(&db, aoi.clone(), load_apply_options).await.unwrap();
    let sogo4 = options.contracts[0]
        .courses
        .iter()
        .find(|c| c.name == "総合保障型4型")
        .unwrap()
        .clone();
    assert_eq!(sogo4.difference.as_deref(), Some("+2,000円"));
    call(&db, aoi.clone(), || {
        apply("course_change".into(), Some(sogo4.value.clone()), None)
    })
    .await
    .unwrap();
    let id = latest_procedure(&db).await.id;
    let staff = staff_headers(&db, "admin").await;
    for (to, starts_on) in [("under_review", None), ("approved", Some("2027-01-01"))] {
        call(&db, staff.clone(), || {
            app::staff::staff_move_procedure(id, to.into(), None, starts_on.map(str::to_owned))
        })
        .await
        .unwrap();
    }
    let aoi_id = member_id_of(&db, "nakamura.aoi").await;
    let course_on = |y, m, d| {
        let db = db.clone();
        async move {
            contracts_of(&db, aoi_id, NaiveDate::from_ymd_opt(y, m, d).unwrap())
                .await
                .unwrap()[0]
                .course
                .clone()
                .unwrap()
                .name
        }
    };
    assert_eq!(course_on(2026, 12, 31).await, "総合保障型2型");
    assert_eq!(course_on(2027, 1, 1).await, "総合保障型4型");
    // Meanwhile no second course change can be applied for.
    let options = call(&db, aoi.clone(), load_apply_options).await.unwrap();
    assert!(options.contracts[0].courses.is_empty());
    assert!(options.contracts[0].course_note.is_some());
}
on_both!(
    course_change,
    course_change_ends_the_old_course_on_the_start_date
);

async fn documents_go_to_shipped_and_members_cancel_only_while_received(db: DatabaseConnection) {
    let yui = member_headers(&db, "kobayashi.yui").await;
    let docs = |d: &str| {
        let (yui, db, d) = (yui.clone(), db.clone(), d.to_owned());
        async move { call(&db, yui, || apply("document_request".into(), None, Some(d))).await }
    };
    assert_eq!(
        docs("").await,
        Err(AppError::field(
            "documents",
            "お取り寄せになる書類を1つ以上選んでください。"
        ))
    );
    assert!(matches!(
        docs("pamphlet,../../etc").await,
        Err(AppError::Field { .. })
    ));
    docs("pamphlet,claim_hospital,pamphlet").await.unwrap();
    let first = latest_procedure(&db).await;
    assert_eq!(
        first.documents.as_deref(),
        Some("claim_hospital,pamphlet"),
        "catalogue order, once each"
    );
    docs("address_change").await.unwrap();
    let second = latest_procedure(&db).await;

    // The member withdraws the second one while it is 受付.
    call(&db, yui.clone(), || cancel_procedure(second.id))
        .await
        .unwrap();
    // Staff ship the first; then it can no longer be withdrawn.
    let staff = staff_headers(&db, "operator").await;
    call(&db, staff.clone(), || {
        app::staff::staff_move_procedure(first.id, "shipped".into(), None, None)
    })
    .await
    .unwrap();
    assert!(matches!(
        call(&db, yui.clone(), || cancel_procedure(first.id)).await,
        Err(AppError::Conflict(_))
    ));
    // Cancelled ones are final for staff too.
    assert!(matches!(
        call(&db, staff.clone(), || {
            app::staff::staff_move_procedure(second.id, "shipped".into(), None, None)
        })
        .await,
        Err(AppError::Conflict(_))
    ));
    let list = call(&db, yui.clone(), my_procedures).await.unwrap();
    // Newest first; the demo's request taken by phone comes last.
    let statuses: Vec<Status> = list.iter().map(|p| p.status).collect();
    assert_eq!(
        statuses,
        [Status::Cancelled, Status::Shipped, Status::Shipped],
        "newest first"
    );
    assert!(list[2].filed_by_staff);
    let shipped = call(&db, yui.clone(), || my_procedure(first.id))
        .await
        .unwrap();
    assert!(shipped.notes.iter().any(|n| n.contains("およそ1週間以内")));
    assert!(outbox_subjects_to(&db, "yui@example.jp")
        .await
        .iter()
        .any(|s| s.contains("(発送済)")));
}
on_both!(
    documents,
    documents_go_to_shipped_and_members_cancel_only_while_received
);

async fn members_never_reach_others_procedures_or_the_back_office(db: DatabaseConnection) {
    // 共済太郎's procedures (demo) and contract; 共済花子 tries them all.
    let taro_id = member_id_of(&db, "kyosai.taro").await;
    let taros: Vec<procedure_entity::Model> = procedure_entity::Entity::find()
        .filter(procedure_entity::Column::MemberId.eq(taro_id))
        .all(&db)
        .await
        .unwrap();
    assert!(!taros.is_empty());
    let hanako = member_headers(&db, "kyosai.hanako").await;
    for p in &taros {
        assert_eq!(
            call(&db, hanako.clone(), || my_procedure(p.id)).await,
            Err(AppError::NotFound)
        );
        assert_eq!(
            call(&db, hanako.clone(), || cancel_procedure(p.id)).await,
            Err(AppError::NotFound)
        );
    }
    let hers = call(&db, hanako.clone(), my_procedures).await.unwrap();
    assert!(hers.iter().all(|p| !taros.iter().any(|t| t.id == p.id)));
    let taro_choice = rider_choice(&db, "K-2019-000101", "sandai").await;
    for result in [
        call(&db, hanako.clone(), || {
            preview_application("rider_addition".into(), Some(taro_choice.clone()), None)
        })
        .await
        .map(|_| ()),
        call(&db, hanako.clone(), || {
            apply("rider_addition".into(), Some(taro_choice.clone()), None)
        })
        .await,
    ] {
        assert_eq!(result, Err(AppError::NotFound));
    }

    // A member session opens no staff function; neither does no session.
    for headers in [hanako.clone(), HeaderMap::new()] {
        let unauthenticated = Err::<(), _>(AppError::Unauthenticated { timed_out: false });
        assert_eq!(
            call(&db, headers.clone(), app::staff::load_staff)
                .await
                .map(|_| ()),
            unauthenticated
        );
        assert_eq!(
            call(&db, headers.clone(), || app::staff::staff_queue(None, None))
                .await
                .map(|_| ()),
            unauthenticated
        );
        assert_eq!(
            call(&db, headers.clone(), || app::staff::staff_procedure(
                taros[0].id
            ))
            .await
            .map(|_| ()),
            unauthenticated
        );
        assert_eq!(
            call(&db, headers.clone(), || {
                app::staff::staff_move_procedure(taros[0].id, "declined".into(), None, None)
            })
            .await,
            unauthenticated
        );
        assert_eq!(
            call(&db, headers.clone(), || app::staff::staff_search_members(
                "共済".into()
            ))
            .await
            .map(|_| ()),
            unauthenticated
        );
        assert_eq!(
            call(&db, headers.clone(), || app::staff::staff_member(taro_id))
                .await
                .map(|_| ()),
            unauthenticated
        );
        assert_eq!(
            call(&db, headers.clone(), || {
                app::staff::staff_audit(None, None, None, None, None)
            })
            .await
            .map(|_| ()),
            unauthenticated
        );
        assert_eq!(
            call(&db, headers.clone(), app::staff::staff_accounts)
                .await
                .map(|_| ()),
            unauthenticated
        );
        assert_eq!(
            call(&db, headers.clone(), || app::staff::update_staff_account(
                1,
                "disable".into()
            ))
            .await,
            unauthenticated
        );
    }
    // And a staff session opens no member page.
    let staff = staff_headers(&db, "admin").await;
    assert_eq!(
        call(&db, staff, my_procedures).await.map(|_| ()),
        Err(AppError::Unauthenticated { timed_out: false })
    );
}
on_both!(
    procedure_isolation,
    members_never_reach_others_procedures_or_the_back_office
);

async fn staff_roles_lockout_and_accounts(db: DatabaseConnection) {
    let cfg = config();
    // One answer for unknown IDs and wrong passwords; five wrong ones lock.
    assert_eq!(
        staff_auth::login(&db, &cfg, "nobody", "whatever-password", &client(), t0()).await,
        Err(AppError::StaffLoginFailed)
    );
    for _ in 0..4 {
        assert_eq!(
            staff_auth::login(&db, &cfg, "operator", "wrong-password-1", &client(), t0()).await,
            Err(AppError::StaffLoginFailed)
        );
    }
    assert_eq!(
        staff_auth::login(&db, &cfg, "operator", "wrong-password-1", &client(), t0()).await,
        Err(AppError::Locked)
    );
    assert_eq!(
        staff_auth::login(
            &db,
            &cfg,
            "operator",
            demo::DEMO_STAFF_PASSWORD,
            &client(),
            t0()
        )
        .await,
        Err(AppError::Locked)
    );

    let admin = staff_headers(&db, "admin").await;
    let operator_id = staff_account::Entity::find()
        .filter(staff_account::Column::LoginId.eq("operator"))
        .one(&db)
        .await
        .unwrap()
        .unwrap()
        .id;
    call(&db, admin.clone(), || {
        app::staff::update_staff_account(operator_id, "unlock".into())
    })
    .await
    .unwrap();
    let operator = staff_headers(&db, "operator").await;
    // Operators work the queue but do not manage staff.
    assert!(call(&db, operator.clone(), || app::staff::staff_queue(
        None, None
    ))
    .await
    .is_ok());
    assert_eq!(
        call(&db, operator.clone(), app::staff::staff_accounts)
            .await
            .map(|_| ()),
        Err(AppError::Forbidden)
    );
    assert_eq!(
        call(&db, operator.clone(), || app::staff::create_staff_account(
            "mallory".into(),
            "不正".into(),
            "admin".into(),
            "a-long-enough-password".into(),
            "a-long-enough-password".into(),
        ))
        .await,
        Err(AppError::Forbidden)
    );

    // Admins create accounts with a checked password, and cannot lock themselves out.
    let create = |id: &str, password: &str| {
        let (id, password, admin, db) = (
            id.to_owned(),
            password.to_owned(),
            admin.clone(),
            db.clone(),
        );
        async move {
            call(&db, admin, || {
                app::staff::create_staff_account(
                    id,
                    "鈴木一郎".into(),
                    "operator".into(),
                    password.clone(),
                    password,
                )
            })
            .await
        }
    };
    assert!(matches!(
        create("suzuki", "password").await,
        Err(AppError::Field { .. })
    ));
    assert_eq!(
        create("operator", "a-long-enough-password").await,
        Err(AppError::field(
            "login_id",
            "このログインIDはすでに使われています。"
        ))
    );
    create("Suzuki", "a-long-enough-password").await.unwrap();
    assert!(staff_auth::login(
        &db,
        &cfg,
        "suzuki",
        "a-long-enough-password",
        &client(),
        t0()
    )
    .await
    .is_ok());
    let admin_id = staff_account::Entity::find()
        .filter(staff_account::Column::LoginId.eq("admin"))
        .one(&db)
        .await
        .unwrap()
        .unwrap()
        .id;
    assert!(matches!(
        call(&db, admin.clone(), || app::staff::update_staff_account(
            admin_id,
            "disable".into()
        ))
        .await,
        Err(AppError::Conflict(_))
    ));
    // A disabled account's sessions end at once.
    call(&db, admin.clone(), || {
        app::staff::update_staff_account(operator_id, "disable".into())
    })
    .await
    .unwrap();
    assert_eq!(
        call(&db, operator, app::staff::load_staff)
            .await
            .map(|_| ()),
        Err(AppError::Unauthenticated { timed_out: false })
    );
    // Staff changes are in the audit log, which staff can filter.
    let rows = call(&db, admin, || {
        app::staff::staff_audit(
            Some("staff".into()),
            Some("staff_disabled".into()),
            None,
            None,
            None,
        )
    })
    .await
    .unwrap();
    assert_eq!(rows.len(), 1);
    assert!(rows[0].actor.contains("山本直子"));
}
on_both!(staff_accounts, staff_roles_lockout_and_accounts);

async fn staff_find_members_by_number_name_or_kana(db: DatabaseConnection) {
    let staff = staff_headers(&db, "operator").await;
    let search = |q: &str| {
        let (q, staff, db) = (q.to_owned(), staff.clone(), db.clone());
        async move {
            call(&db, staff, || app::staff::staff_search_members(q))
                .await
                .unwrap()
                .into_iter()
                .map(|m| m.name)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(search("0123-45678").await, ["共済太郎"]);
    assert_eq!(search("012345679").await, ["共済花子"]);
    assert_eq!(search("キョウサイ").await, ["共済太郎", "共済花子"]);
    assert_eq!(search("花子").await, ["共済花子"]);
    assert_eq!(
        search("%").await,
        Vec::<String>::new(),
        "LIKE wildcards are literal"
    );
    assert!(search("").await.is_empty());
    let too_long = call(&db, staff.clone(), || {
        app::staff::staff_search_members("あ".repeat(61))
    })
    .await;
    assert!(matches!(too_long, Err(AppError::Field { .. })));
}
on_both!(member_search, staff_find_members_by_number_name_or_kana);

async fn login_detail_changes_show_in_the_procedure_list(db: DatabaseConnection) {
    let cfg = config();
    temporary::issue(&db, &cfg, "0123-45678", By::Operator, t0())
        .await
        .unwrap();
    let taro_id = member_id_of(&db, "kyosai.taro").await;
    let latest = latest_procedure(&db).await;
    assert_eq!(latest.member_id, taro_id);
    assert_eq!(latest.kind, app::domain::procedure::Kind::TemporaryPassword);
    assert_eq!(latest.status, Status::Completed);
    assert_eq!(latest.filed_by, app::domain::procedure::Actor::Staff);
}
on_both!(
    credential_procedures,
    login_detail_changes_show_in_the_procedure_list
);
