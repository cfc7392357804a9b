//! What every scenario uses: a `TestApp` (its own database and frozen clock)
//! and request helpers.

pub use app::auth::ssr as auth;
pub use app::auth::ssr::reset;
pub use app::auth::ssr::temporary;
pub use app::contract::ssr::contracts_of;
pub use app::domain::procedure::Status;
pub use app::error::AppError;
pub use app::procedure::ssr::workflow::By;
pub use app::procedure::{
    apply, cancel_procedure, load_apply_options, my_procedure, my_procedures, preview_application,
};
pub use app::ssr::entities::{audit_log, mail_outbox, password_reset};
pub use app::ssr::entities::{contract, procedure as procedure_entity, rider, staff_account};
pub use app::ssr::entities::{login_event, member_account, session as session_entity};
pub use app::ssr::identity::{session, token};
pub use app::ssr::mail::{self, worker};
pub use app::ssr::{db, demo, request::ClientInfo, AppState, Clock, Config};
pub use app::staff::ssr::auth as staff_auth;
pub use chrono::NaiveDate;
pub use chrono::{DateTime, Duration, TimeZone, Utc};
pub use http::{header, HeaderMap, HeaderValue};
pub use leptos::prelude::*;
pub use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter};
pub use std::sync::Arc;

/// Where every scenario's clock starts: 2026/11/23 10:00 JST.
pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 1, 0, 0).unwrap()
}

pub fn config() -> Config {
    Config::development().expect("development configuration")
}

pub fn client() -> ClientInfo {
    ClientInfo {
        ip: "192.0.2.10".into(),
        user_agent: "Mozilla/5.0 (test)".into(),
    }
}

/// Where a scenario runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Set to run without PostgreSQL on a developer's machine; `.ci/run` never
/// sets it, so there a missing PostgreSQL fails every PostgreSQL scenario.
pub const SKIP_POSTGRES: &str = "MYPAGE_TEST_SKIP_POSTGRES";

/// One scenario's world: a migrated database of its own with the demo
/// members, and a clock frozen at [`t0`] that only [`TestApp::advance`] moves,
/// so every timestamp the scenario writes is the one it chose.
pub struct TestApp {
    pub db: DatabaseConnection,
    pub clock: Clock,
    /// The maintenance windows as this scenario's server process last read
    /// them (one process: every request shares it).
    maintenance: app::maintenance::ssr::MaintenanceCache,
    /// The SQLite database's directory, removed when the scenario ends.
    dir: Option<std::path::PathBuf>,
    /// The PostgreSQL database's name, dropped by [`on_both!`] once the
    /// scenario has ended.
    postgres: Option<String>,
}

impl TestApp {
    /// The scenario's world on `backend`. PostgreSQL comes from
    /// `TEST_DATABASE_URL`; without it the run fails, unless
    /// [`SKIP_POSTGRES`] is set, in which case this answers `None`.
    pub async fn new(backend: Backend) -> Option<Self> {
        // Scenarios run side by side: a hash may wait its turn a while here.
        app::ssr::identity::password::set_hash_wait(std::time::Duration::from_secs(120));
        let (url, dir) = fresh_database(backend).await?;
        let db = db::connect(&url).await.expect("connect");
        db::migrate(&db).await.expect("migrate");
        demo::load(&db, t0()).await.expect("demo data");
        let postgres = match backend {
            Backend::Postgres => url.rsplit_once('/').map(|(_, name)| name.to_owned()),
            Backend::Sqlite => None,
        };
        Some(Self {
            db,
            clock: Clock::frozen(t0()),
            maintenance: Default::default(),
            dir,
            postgres,
        })
    }

    /// The name of the PostgreSQL database to drop once the scenario ends.
    pub fn postgres_database(&self) -> Option<String> {
        self.postgres.clone()
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// Moves the scenario's clock forward.
    pub fn advance(&self, by: Duration) {
        self.clock.advance(by).expect("a small step forward");
    }

    pub fn state(&self) -> AppState {
        AppState {
            leptos_options: LeptosOptions::builder().output_name("mypage").build(),
            db: self.db.clone(),
            config: Arc::new(config()),
            clock: self.clock.clone(),
            throttle: app::ssr::identity::throttle::Throttle::per_minute(10_000),
            maintenance: self.maintenance.clone(),
        }
    }

    /// The state of a second server process on the same database: its own
    /// caches, the same clock.
    pub fn another_process(&self) -> AppState {
        AppState {
            maintenance: Default::default(),
            ..self.state()
        }
    }

    /// Calls a server function the way a request would: with the app state
    /// (this scenario's clock), the request parts (carrying `headers`) and
    /// response options in context.
    pub async fn call<T, F, Fut>(&self, headers: HeaderMap, f: F) -> T
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = T>,
    {
        self.call_responding(headers, f).await.0
    }

    /// [`Self::call`], also giving the headers the function set on the response.
    pub async fn call_responding<T, F, Fut>(&self, headers: HeaderMap, f: F) -> (T, HeaderMap)
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = T>,
    {
        let response = leptos_axum::ResponseOptions::default();
        let mut request = http::Request::builder()
            .uri("/api/test")
            .body(())
            .expect("request");
        *request.headers_mut() = headers;
        let (parts, ()) = request.into_parts();
        let owner = Owner::new();
        owner.with(|| {
            provide_context(self.state());
            provide_context(parts);
            provide_context(response.clone());
            app::auth::ssr::provide_request_member();
        });
        // Every poll runs in this call's owner, so calls may run side by side.
        let out = owner
            .with(|| leptos::reactive::computed::ScopedFuture::new(f()))
            .await;
        let headers = response
            .0
            .read()
            .map(|parts| parts.headers.clone())
            .unwrap_or_default();
        (out, headers)
    }
}

impl TestApp {
    /// The cookie of a member logged in now (from the tests' known browser).
    pub async fn member_headers(&self, user_id: &str) -> HeaderMap {
        let token = login(&self.db, user_id, demo::DEMO_PASSWORD, self.now())
            .await
            .expect("member login");
        cookie_headers(&token)
    }

    /// The cookie of a staff member logged in now, second factor given (and
    /// enrolled, the first time).
    pub async fn staff_headers(&self, login_id: &str) -> HeaderMap {
        self.staff_login(login_id, demo::DEMO_STAFF_PASSWORD).await
    }

    /// The cookie of a staff member who gave the password and not yet the
    /// second factor.
    pub async fn staff_password_stage(&self, login_id: &str) -> HeaderMap {
        let token = staff_auth::login(
            &self.db,
            &config(),
            login_id,
            demo::DEMO_STAFF_PASSWORD,
            &client(),
            self.now(),
        )
        .await
        .expect("staff password login");
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_str(&format!("{}={token}", staff_auth::COOKIE)).expect("cookie"),
        );
        h
    }

    /// [`TestApp::staff_headers`] with another password.
    pub async fn staff_login(&self, login_id: &str, password: &str) -> HeaderMap {
        use app::staff::ssr::second_factor;
        let token = staff_auth::login(
            &self.db,
            &config(),
            login_id,
            password,
            &client(),
            self.now(),
        )
        .await
        .expect("staff login");
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_str(&format!("{}={token}", staff_auth::COOKIE)).expect("cookie"),
        );
        let me = staff_auth::staff_from_headers(&self.db, &config(), &h, self.now())
            .await
            .expect("a staff session at the password stage");
        let state = second_factor::state(&self.db, &config(), &me)
            .await
            .unwrap();
        if state.enrolled {
            // Each code works once: the next step's.
            self.advance(Duration::seconds(30));
            let me = staff_auth::staff_from_headers(&self.db, &config(), &h, self.now())
                .await
                .unwrap();
            let secret = totp_secret_of(&me.account);
            second_factor::verify(
                &self.db,
                &config().totp_keys,
                &me,
                &totp_code(&secret, self.now()),
                &client(),
                self.now(),
            )
            .await
            .expect("second factor");
        } else {
            let secret = state.secret.unwrap();
            let me = staff_auth::staff_from_headers(&self.db, &config(), &h, self.now())
                .await
                .unwrap();
            second_factor::enrol(
                &self.db,
                &config().totp_keys,
                &me,
                &totp_code(&secret, self.now()),
                &client(),
                self.now(),
            )
            .await
            .expect("enrolment");
        }
        h
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(dir) = &self.dir {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

/// A new, empty database on `backend`: its URL and, for SQLite, the
/// directory to remove afterwards. PostgreSQL comes from `TEST_DATABASE_URL`;
/// without it this panics, unless [`SKIP_POSTGRES`] is set (then `None`).
pub async fn fresh_database(backend: Backend) -> Option<(String, Option<std::path::PathBuf>)> {
    let name = unique_name();
    Some(match backend {
        Backend::Sqlite => {
            let dir = std::env::temp_dir().join(&name);
            std::fs::create_dir_all(&dir).expect("temporary directory");
            let url = format!("sqlite://{}?mode=rwc", dir.join("test.db").display());
            (url, Some(dir))
        }
        Backend::Postgres => {
            let Ok(admin_url) = std::env::var("TEST_DATABASE_URL") else {
                if std::env::var_os(SKIP_POSTGRES).is_some() {
                    eprintln!("{SKIP_POSTGRES} is set: PostgreSQL scenario not run");
                    return None;
                }
                panic!(
                    "TEST_DATABASE_URL is not set: PostgreSQL scenarios need a server \
                     (scripts/test.sh starts one; set {SKIP_POSTGRES}=1 to skip them locally)"
                );
            };
            let admin = db::connect(&admin_url)
                .await
                .expect("connect TEST_DATABASE_URL");
            // As README's Deploy asks: character classes of UTF-8 (pg_trgm
            // then finds trigrams in Japanese), byte order for sorting.
            admin
                .execute_unprepared(&format!(
                    "CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8' \
                     LC_COLLATE 'C' LC_CTYPE 'C.UTF-8'"
                ))
                .await
                .expect("create test database");
            admin.close().await.expect("close admin connection");
            let (base, _) = admin_url
                .rsplit_once('/')
                .expect("URL with a database name");
            (format!("{base}/{name}"), None)
        }
    })
}

/// Drops a scenario's PostgreSQL database once it has ended, so a run does
/// not pile up its scenarios' databases (10–50 MB each, 1.6 GB a run) on a
/// disk that other work shares. A scenario that panics keeps its database to
/// look at; the next `scripts/test-db.sh` drops it.
pub async fn drop_database(name: &str) {
    let admin_url = std::env::var("TEST_DATABASE_URL").expect("TEST_DATABASE_URL");
    let admin = db::connect(&admin_url)
        .await
        .expect("connect TEST_DATABASE_URL");
    // FORCE: connections a scenario spawned (a second process's pool, a
    // worker) may still be closing.
    admin
        .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .await
        .expect("drop the scenario's database");
    admin.close().await.expect("close admin connection");
}

pub fn unique_name() -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    format!(
        "mypage_test_{}_{}_{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed),
        Utc::now().timestamp_subsec_nanos()
    )
}

/// The browser of these tests: known to a member once a code was entered from it.
pub const BROWSER: &str = "test-browser-device-token";

/// Logs in like a browser does: with the mailed code if the browser is new.
pub async fn login(
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

pub async fn latest_login_code(db: &DatabaseConnection) -> String {
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

pub fn cookie_headers(token: &str) -> HeaderMap {
    let mut h = HeaderMap::new();
    h.insert(
        header::COOKIE,
        HeaderValue::from_str(&format!("other=1; {}={token}", session::COOKIE)).unwrap(),
    );
    h
}

pub async fn account_of(db: &DatabaseConnection, user_id: &str) -> member_account::Model {
    member_account::Entity::find()
        .filter(member_account::Column::UserId.eq(user_id))
        .one(db)
        .await
        .unwrap()
        .unwrap()
}

pub async fn outbox(db: &DatabaseConnection) -> Vec<mail_outbox::Model> {
    mail_outbox::Entity::find().all(db).await.unwrap()
}

pub fn link_token(body: &str) -> String {
    let start = body.find("token=").expect("link in mail") + "token=".len();
    body[start..].split_whitespace().next().unwrap().to_owned()
}

pub const NEW_PASSWORD: &str = "うみ-そら-やま-2026";

/// A password reset link `user_id` asks for, as its mail at `email` gives
/// it; checked to work now.
pub async fn reset_link(app: &TestApp, user_id: &str, email: &str) -> String {
    reset::request(&app.db, &config(), user_id, &client(), app.now())
        .await
        .unwrap();
    let link = link_token(&latest_mail_to(&app.db, email).await.body_text);
    reset::check_token(&app.db, &link, app.now())
        .await
        .expect("a fresh link works");
    link
}

/// Whether reset link `link` still works.
pub async fn link_works(app: &TestApp, link: &str) -> bool {
    match reset::check_token(&app.db, link, app.now()).await {
        Ok(_) => true,
        Err(AppError::InvalidLink) => false,
        Err(other) => panic!("checking a link: {other:?}"),
    }
}

pub async fn member_id_of(db: &DatabaseConnection, user_id: &str) -> i32 {
    account_of(db, user_id).await.member_id
}

/// `{contract id}-{rider id}` for a member's contract and a rider code.
pub async fn rider_choice(db: &DatabaseConnection, contract_number: &str, code: &str) -> String {
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

pub async fn latest_procedure(db: &DatabaseConnection) -> procedure_entity::Model {
    use sea_orm::QueryOrder;
    procedure_entity::Entity::find()
        .order_by_desc(procedure_entity::Column::Id)
        .one(db)
        .await
        .unwrap()
        .unwrap()
}

pub async fn outbox_subjects_to(db: &DatabaseConnection, to: &str) -> Vec<String> {
    mail_outbox::Entity::find()
        .filter(mail_outbox::Column::ToAddress.eq(to))
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.subject)
        .collect()
}

/// The base32 TOTP secret a staff account has enrolled, opened from its
/// sealed column as the server opens it.
pub fn totp_secret_of(account: &app::ssr::entities::staff_account::Model) -> String {
    let stored = account.totp_secret.as_deref().expect("a TOTP secret");
    config()
        .totp_keys
        .open(stored, &format!("staff_totp:{}", account.id))
        .expect("opens with the development key")
        .secret
}

/// The TOTP code of `secret` (base32) at `at`, as an authenticator app shows it.
pub fn totp_code(secret: &str, at: DateTime<Utc>) -> String {
    let bytes = totp_rs::Secret::Encoded(secret.to_owned())
        .to_bytes()
        .unwrap();
    totp_rs::TOTP::new(totp_rs::Algorithm::SHA1, 6, 1, 30, bytes)
        .unwrap()
        .generate(at.timestamp() as u64)
}

/// The newest mail queued for `address`.
pub async fn latest_mail_to(db: &DatabaseConnection, address: &str) -> mail_outbox::Model {
    use sea_orm::QueryOrder;
    mail_outbox::Entity::find()
        .filter(mail_outbox::Column::ToAddress.eq(address))
        .order_by_desc(mail_outbox::Column::Id)
        .one(db)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("a mail to {address}"))
}

/// The back-office import `id` once it has stopped running (its task runs
/// in the background), read as the admin of `admin`.
pub async fn import_finished(app: &TestApp, admin: &HeaderMap, id: i32) -> app::staff::ImportView {
    for _ in 0..600 {
        let view = app
            .call(admin.clone(), || app::staff::staff_import(id))
            .await
            .unwrap();
        if view.status != "running" {
            return view;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("import {id} still running after 30 s");
}

/// A page's (or an answer's) whole body as text.
pub async fn text(res: http::Response<axum::body::Body>) -> String {
    let bytes = axum::body::to_bytes(res.into_body(), 4 * 1024 * 1024)
        .await
        .expect("body");
    String::from_utf8(bytes.to_vec()).expect("utf-8")
}
