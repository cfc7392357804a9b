//! The whole router, request by request: what a deployment answers depending
//! on its configuration.

use crate::helpers::*;
use axum::body::Body;
use http::StatusCode;
use tower::ServiceExt;

/// A deployment's configuration: SMTP and the TOTP key set, development
/// features not asked for.
fn production(public_url: &str) -> Config {
    Config::from_lookup(|name| match name {
        "MYPAGE_SMTP_URL" => Some("smtp://127.0.0.1:2525".into()),
        "MYPAGE_PUBLIC_URL" => Some(public_url.into()),
        "MYPAGE_TOTP_KEY" => Some("AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=".into()),
        _ => None,
    })
    .expect("production configuration")
}

async fn send(
    app: &TestApp,
    config: Config,
    method: &str,
    path: &str,
    form: &str,
    origin: Option<&str>,
) -> http::Response<Body> {
    let mut state = app.state();
    state.config = Arc::new(config);
    let mut request = http::Request::builder().method(method).uri(path);
    if method == "POST" {
        request = request.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    }
    if let Some(origin) = origin {
        request = request.header(header::ORIGIN, origin);
    }
    let request = request.body(Body::from(form.to_owned())).expect("request");
    app::ssr::routes::router(state)
        .oneshot(request)
        .await
        .expect("an answer")
}

const DEV_ROUTES: [(&str, &str, &str); 7] = [
    ("POST", "/dev/seed/staff", "role=admin"),
    ("GET", "/dev/mails", ""),
    ("POST", "/api/dev_mails", ""),
    ("POST", "/dev/clock", "advance=1d"),
    ("POST", "/dev/seed/member", "contract=true"),
    ("POST", "/dev/seed/browser", "user_id=kyosai.taro"),
    ("GET", "/dev/anything-else", ""),
];

/// Without MYPAGE_DEV every development feature answers 404, with or without
/// an Origin header, and the clock does not move; the refusal carries the
/// security headers like every other answer.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn production_has_no_development_features() {
    let app = TestApp::new(Backend::Sqlite).await.expect("sqlite");
    let members_before = app::ssr::entities::member::Entity::find()
        .all(&app.db)
        .await
        .unwrap()
        .len();
    for origin in [None, Some("https://mypage.example.jp")] {
        for (method, path, form) in DEV_ROUTES {
            let res = send(
                &app,
                production("https://mypage.example.jp"),
                method,
                path,
                form,
                origin,
            )
            .await;
            assert_eq!(res.status(), 404, "{method} {path} ({origin:?})");
            let h = res.headers();
            assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
            assert!(h.contains_key("content-security-policy"), "{path}");
            assert_eq!(h["strict-transport-security"], app::ssr::security::HSTS);
        }
    }
    assert_eq!(app.now(), t0(), "the clock never moved");
    assert_eq!(
        app::ssr::entities::member::Entity::find()
            .all(&app.db)
            .await
            .unwrap()
            .len(),
        members_before,
        "nobody was seeded"
    );
}

/// With MYPAGE_DEV the same routes work: the test runs depend on it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn development_features_work_when_asked_for() {
    let app = TestApp::new(Backend::Sqlite).await.expect("sqlite");
    let res = send(&app, config(), "POST", "/dev/clock", "advance=1d", None).await;
    assert_eq!(res.status(), 200);
    assert_eq!(app.now(), t0() + Duration::days(1));
    let res = send(&app, config(), "POST", "/dev/clock", "advance=9999d", None).await;
    assert_eq!(res.status(), 422, "a move too far is refused, not a panic");
    let res = send(&app, config(), "POST", "/dev/seed/member", "", None).await;
    assert_eq!(res.status(), 200);
    // Plain http: no HSTS.
    assert!(!res.headers().contains_key("strict-transport-security"));
}

/// The guard's own refusals carry the headers too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refusals_carry_the_security_headers() {
    let app = TestApp::new(Backend::Sqlite).await.expect("sqlite");
    let cross = send(
        &app,
        production("http://127.0.0.1:3000"),
        "POST",
        "/api/login",
        "identifier=x&password=y",
        Some("https://evil.example"),
    )
    .await;
    assert_eq!(cross.status(), 403);
    let get = send(
        &app,
        production("http://127.0.0.1:3000"),
        "GET",
        "/api/profile",
        "",
        None,
    )
    .await;
    assert_eq!(get.status(), 405);
    for res in [cross, get] {
        let h = res.headers();
        assert_eq!(h["x-frame-options"], "DENY");
        assert_eq!(h["cache-control"], "no-store");
        assert!(h["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("frame-ancestors 'none'"));
    }
}

/// A form sent without JavaScript after the idle time lands on the login page
/// with the timed-out notice, set to come back to the page it was sent from.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plain_form_after_the_idle_time_goes_to_the_login() {
    let app = TestApp::new(Backend::Sqlite).await.expect("sqlite");
    let token = login(&app.db, "kyosai.taro", demo::DEMO_PASSWORD, app.now())
        .await
        .unwrap();
    app.advance(Duration::minutes(21));
    let request = http::Request::builder()
        .method("POST")
        .uri("/api/change_user_id")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "text/html,application/xhtml+xml")
        .header(header::REFERER, "http://127.0.0.1:3000/mypage/account")
        .header(header::COOKIE, format!("{}={token}", session::COOKIE))
        .body(Body::from("user_id=new.taro&current_password=x"))
        .unwrap();
    let res = app::ssr::routes::router(app.state())
        .oneshot(request)
        .await
        .unwrap();
    assert_eq!(res.status(), 302);
    assert_eq!(
        res.headers()["location"],
        "/?next=%2Fmypage%2Faccount&reason=timeout"
    );
}

/// `/pkg`: a hashed file is sent from its precompressed copy when the browser
/// takes it (never compressed again per request) and may be kept for a year;
/// without hashed names the browser must check again; a missing file is a
/// plain 404 that no one keeps.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn static_files_are_precompressed_and_cached_by_their_hashed_names() {
    let app = TestApp::new(Backend::Sqlite).await.expect("sqlite");
    let site = std::env::temp_dir().join(unique_name());
    let pkg = site.join("pkg");
    std::fs::create_dir_all(&pkg).expect("pkg directory");
    std::fs::write(pkg.join("mypage.Zk3.wasm"), b"plain wasm").expect("file");
    std::fs::write(pkg.join("mypage.Zk3.wasm.br"), b"brotli wasm").expect("file");
    std::fs::write(pkg.join("mypage.Zk3.wasm.gz"), b"gzip wasm").expect("file");

    let get = |hash_files: bool, path: &str, accept: &str| {
        let mut state = app.state();
        state.leptos_options = LeptosOptions::builder()
            .output_name("mypage")
            .site_root(site.to_string_lossy().into_owned())
            .hash_files(hash_files)
            .build();
        let request = http::Request::get(path)
            .header(header::ACCEPT_ENCODING, accept)
            .body(Body::empty())
            .expect("request");
        async move {
            let res = app::ssr::routes::router(state)
                .oneshot(request)
                .await
                .expect("an answer");
            let status = res.status();
            let headers = res.headers().clone();
            let body = axum::body::to_bytes(res.into_body(), 1 << 20)
                .await
                .expect("body");
            (status, headers, body)
        }
    };
    let header_of = |h: &http::HeaderMap, name: header::HeaderName| {
        h.get(name)
            .map(|v| v.to_str().unwrap_or_default().to_owned())
            .unwrap_or_default()
    };

    let (status, h, body) = get(true, "/pkg/mypage.Zk3.wasm", "gzip, deflate, br, zstd").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(&body[..], b"brotli wasm");
    assert_eq!(header_of(&h, header::CONTENT_ENCODING), "br");
    assert_eq!(
        header_of(&h, header::CACHE_CONTROL),
        "public, max-age=31536000, immutable"
    );
    assert!(
        header_of(&h, header::VARY).contains("accept-encoding"),
        "{h:?}"
    );

    let (_, h, body) = get(true, "/pkg/mypage.Zk3.wasm", "gzip").await;
    assert_eq!(&body[..], b"gzip wasm");
    assert_eq!(header_of(&h, header::CONTENT_ENCODING), "gzip");

    let (_, h, body) = get(true, "/pkg/mypage.Zk3.wasm", "identity").await;
    assert_eq!(&body[..], b"plain wasm");
    assert_eq!(header_of(&h, header::CONTENT_ENCODING), "");

    let (_, h, _) = get(false, "/pkg/mypage.Zk3.wasm", "br").await;
    assert_eq!(header_of(&h, header::CACHE_CONTROL), "no-cache");

    let (status, h, _) = get(true, "/pkg/mypage.missing.wasm", "br").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(!header_of(&h, header::CACHE_CONTROL).contains("immutable"));

    // The root files: from disk, revalidated (they were `no-store`, fetched
    // whole on every page), an unchanged one answered with a bodiless 304.
    std::fs::write(site.join("favicon.svg"), b"<svg/>").expect("file");
    std::fs::write(site.join("sw.js"), b"// worker").expect("file");
    std::fs::write(site.join("sw.js.br"), b"brotli worker").expect("file");
    let (status, h, body) = get(true, "/favicon.svg", "gzip").await;
    assert_eq!((status, &body[..]), (StatusCode::OK, &b"<svg/>"[..]));
    assert_eq!(header_of(&h, header::CACHE_CONTROL), "no-cache");
    assert_eq!(
        header_of(&h, header::CONTENT_SECURITY_POLICY),
        "default-src 'none'; frame-ancestors 'none'"
    );
    let modified = header_of(&h, header::LAST_MODIFIED);
    assert!(!modified.is_empty(), "{h:?}");
    let mut state = app.state();
    state.leptos_options = LeptosOptions::builder()
        .output_name("mypage")
        .site_root(site.to_string_lossy().into_owned())
        .build();
    let again = app::ssr::routes::router(state)
        .oneshot(
            http::Request::get("/favicon.svg")
                .header(header::IF_MODIFIED_SINCE, &modified)
                .body(Body::empty())
                .expect("request"),
        )
        .await
        .expect("an answer");
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(
        header_of(again.headers(), header::CACHE_CONTROL),
        "no-cache"
    );
    assert!(text(again).await.is_empty());
    let (status, h, body) = get(true, "/sw.js", "br").await;
    assert_eq!((status, &body[..]), (StatusCode::OK, &b"brotli worker"[..]));
    assert_eq!(header_of(&h, header::CACHE_CONTROL), "no-cache");
    assert!(header_of(&h, header::CONTENT_SECURITY_POLICY).contains("connect-src 'self'"));
    // Anything else still gets the app's 404 page.
    let (status, h, body) = get(true, "/favicon.ico", "gzip").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(header_of(&h, header::CACHE_CONTROL), "no-store");
    assert!(String::from_utf8_lossy(&body).contains("<html"), "{body:?}");

    let _ = std::fs::remove_dir_all(site);
}

/// Every file `public/` holds is one the server routes as a root file.
#[test]
fn every_public_file_is_routed() {
    let public = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../public");
    let mut found: Vec<String> = std::fs::read_dir(public)
        .expect("public/")
        .map(|e| format!("/{}", e.expect("entry").file_name().to_string_lossy()))
        .collect();
    found.sort();
    let mut routed: Vec<String> = app::ssr::assets::ROOT_FILES
        .iter()
        .map(|p| p.to_string())
        .collect();
    routed.sort();
    assert_eq!(found, routed);
}

/// Pages render while routers are being built on other threads (every test
/// builds its own, side by side). Building one lists the routes, which
/// switches resource loading off for the whole process while it runs
/// (leptos-rs/leptos#4773): a page whose data was first asked for meanwhile
/// waited forever, until the list was made once per process.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_render_while_other_routers_are_built() {
    use std::sync::atomic::{AtomicBool, Ordering};
    let app = TestApp::new(Backend::Sqlite).await.expect("sqlite");
    /// Stops the builder however the test ends (a failed one included).
    struct Stop(Arc<AtomicBool>);
    impl Drop for Stop {
        fn drop(&mut self) {
            self.0.store(true, Ordering::Relaxed);
        }
    }
    let stop = Arc::new(AtomicBool::new(false));
    let _stop = Stop(stop.clone());
    let builder = {
        let (state, stop) = (app.state(), stop.clone());
        tokio::task::spawn_blocking(move || {
            let mut built = 0_u32;
            while !stop.load(Ordering::Relaxed) {
                drop(app::ssr::routes::router(state.clone()));
                built += 1;
            }
            built
        })
    };
    for _ in 0..20 {
        let page = tokio::time::timeout(std::time::Duration::from_secs(20), async {
            let res = send(&app, config(), "GET", "/", "", None).await;
            assert_eq!(res.status(), StatusCode::OK);
            text(res).await
        })
        .await
        .expect("the login page within 20 s, its data loaded");
        assert!(page.contains("ログイン"), "{page}");
    }
    drop(_stop);
    assert!(builder.await.expect("builder") > 0);
}

/// Requests never share Leptos' reactive owner. Rendering a page makes a root
/// owner that Leptos leaves set on its thread while the page's answer is
/// still being sent; an owner made on that thread meanwhile outside any
/// scope, as leptos_axum makes one for each server function (and made one
/// for each file at the site's root, before those were served from disk),
/// took it as its parent and found the other request's answer options:
/// `/sw.js` was sent with another page's status (seen in a Playwright run:
/// the service worker failed to register with a 410), and while that page
/// was still being rendered it could have taken its headers too. Here every
/// request runs on the test's one thread, the pages' answers held unread;
/// the probe does what those handlers do, behind the router's middleware
/// (without it, it finds the page's options every time).
#[tokio::test(flavor = "current_thread")]
async fn a_request_never_takes_another_requests_answer_options() {
    use axum::response::IntoResponse;
    use leptos::prelude::{provide_context, use_context, Owner};
    let app = TestApp::new(Backend::Sqlite).await.expect("sqlite");
    let page = |path: &str, cookie: Option<&str>| {
        let mut request = http::Request::get(path);
        if let Some(cookie) = cookie {
            request = request.header(header::COOKIE, cookie);
        }
        app::ssr::routes::router(app.state()).oneshot(request.body(Body::empty()).expect("request"))
    };
    // `/leak` does what rendering a page does (a root owner, set on the
    // thread and left there, holding the page's answer options); `/probe`
    // what leptos_axum does for a server function. `guarded`: behind the
    // router's middleware.
    let probe = |path: &'static str, guarded: bool| {
        let routes = axum::Router::new()
            .route(
                "/leak",
                axum::routing::get(|| async {
                    let page = Owner::new_root(None);
                    provide_context(leptos_axum::ResponseOptions::default());
                    // Alive as long as its answer, as a page's owner is.
                    let mut answer = StatusCode::GONE.into_response();
                    answer.extensions_mut().insert(page);
                    answer
                }),
            )
            .route(
                "/probe",
                axum::routing::get(|| async {
                    let owner = Owner::new();
                    match owner.with(use_context::<leptos_axum::ResponseOptions>) {
                        None => StatusCode::OK,
                        Some(_) => StatusCode::CONFLICT,
                    }
                }),
            );
        let routes = if guarded {
            routes.layer(axum::middleware::from_fn(app::ssr::routes::own_owner))
        } else {
            routes
        };
        routes.oneshot(
            http::Request::get(path)
                .body(Body::empty())
                .expect("request"),
        )
    };
    let dead_cookie = format!("{}=no-such-session", session::COOKIE);

    // A page that answers 410, and one that drops a dead session cookie.
    let gone = page("/password/reset?token=made-up", None)
        .await
        .expect("an answer");
    assert_eq!(gone.status(), StatusCode::GONE);
    let dropped = page("/mypage", Some(&dead_cookie))
        .await
        .expect("an answer");
    assert!(
        dropped.headers().contains_key(header::SET_COOKIE),
        "{dropped:?}"
    );

    // While both are still being sent, the app's router left neither's owner
    // on the thread.
    let probed = probe("/probe", false).await.expect("an answer");
    assert_eq!(probed.status(), StatusCode::OK);
    // Nor does it let a handler find one left there.
    let leaked = probe("/leak", false).await.expect("an answer");
    assert_eq!(leaked.status(), StatusCode::GONE);
    let probed = probe("/probe", true).await.expect("an answer");
    assert_eq!(probed.status(), StatusCode::OK);
    drop(leaked);

    assert!(text(gone)
        .await
        .contains("このURLは無効か、有効期限が切れています"));
    let _ = text(dropped).await;
}

/// The staff's document boxes sent as a plain form (before the page has
/// hydrated, or without JavaScript): every document ticked is filed, in one
/// filing, and the browser goes back to the member's page.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plain_form_files_every_document_ticked() {
    let app = TestApp::new(Backend::Sqlite).await.expect("sqlite");
    let staff = app.staff_headers("operator").await;
    let sho = member_id_of(&app.db, "watanabe.sho").await;
    let mut request = http::Request::builder()
        .method("POST")
        .uri("/api/staff/member/file")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "text/html,application/xhtml+xml")
        .header("origin", "http://127.0.0.1:3000")
        .header(
            header::REFERER,
            format!("http://127.0.0.1:3000/staff/members/{sho}"),
        )
        .body(Body::from(format!(
            "member_id={sho}&kind=document_request\
             &documents%5B%5D=pamphlet&documents%5B%5D=claim_hospital"
        )))
        .unwrap();
    request.headers_mut().extend(staff);
    let res = app::ssr::routes::router(app.state())
        .oneshot(request)
        .await
        .unwrap();
    assert_eq!(res.status(), 302, "{:?}", res.headers());
    let filed = latest_procedure(&app.db).await;
    assert_eq!(filed.member_id, sho);
    assert_eq!(filed.documents.as_deref(), Some("claim_hospital,pamphlet"));
}
