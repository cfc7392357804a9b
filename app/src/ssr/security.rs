//! Request-level protection: cross-site writes refused, security headers added.
//! Leptos does not guard server functions against CSRF; this layer does.

use super::Config;
use axum::{
    extract::{Request, State},
    middleware::Next,
    response::{IntoResponse, Response},
};
use http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use std::sync::Arc;

/// Largest request body accepted anywhere; forms here are small.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// True when a state-changing request comes from another site.
/// Modern browsers send `Sec-Fetch-Site`; older ones at least `Origin` on POST.
/// A request with neither is not from a browser and so carries no member's cookie
/// by a third party's doing.
pub fn is_cross_site(headers: &HeaderMap, public_origin: &str) -> bool {
    if let Some(site) = headers.get("sec-fetch-site") {
        return !matches!(site.to_str(), Ok("same-origin") | Ok("none"));
    }
    match headers.get(header::ORIGIN).map(|o| o.to_str()) {
        None => false,
        Some(Ok(origin)) => {
            let host = headers
                .get(header::HOST)
                .and_then(|h| h.to_str().ok())
                .unwrap_or_default();
            origin != public_origin
                && origin != format!("http://{host}")
                && origin != format!("https://{host}")
        }
        Some(Err(_)) => true,
    }
}

/// Pages and server functions that exist for developers only.
pub fn is_development_only(path: &str) -> bool {
    path.starts_with("/dev/") || path.starts_with("/api/dev_")
}

/// The CSP nonce of one request, minted here and handed to Leptos (see
/// [`provide_request_nonce`]), so the header and the page always agree.
#[derive(Clone)]
pub struct PageNonce(pub String);

/// Leptos context hook: renders the page's inline scripts with the nonce the
/// guard put in the request, instead of one of Leptos's own.
pub fn provide_request_nonce() {
    use leptos::prelude::{provide_context, use_context};
    let nonce = use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<PageNonce>().cloned());
    if let Some(PageNonce(nonce)) = nonce {
        provide_context(leptos::nonce::Nonce::from_value(nonce));
    }
}

/// Refuses cross-site writes and anything but POST to server functions, and
/// gives every answer (its own refusals included) the security headers.
pub async fn guard(State(config): State<Arc<Config>>, mut req: Request, next: Next) -> Response {
    let path = req.uri().path();
    let static_asset = path.starts_with("/pkg/") || super::assets::is_root_file(path);
    let kind = match path {
        SERVICE_WORKER => Answer::ServiceWorker,
        // The staff check of a card may scan it with the device camera.
        "/staff/verify" => Answer::CameraPage,
        _ if static_asset => Answer::Static,
        _ => Answer::Page,
    };
    let nonce = leptos::nonce::Nonce::new().to_string();
    let mut res = match refusal(&config, &req) {
        Some(refused) => refused,
        None => {
            req.extensions_mut().insert(PageNonce(nonce.clone()));
            next.run(req).await
        }
    };
    add_headers(res.headers_mut(), &config, &nonce, kind);
    res
}

/// The service worker's script (`public/sw.js`).
pub const SERVICE_WORKER: &str = "/sw.js";

/// What an answer is, for its headers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Answer {
    Page,
    /// A page that may use the camera (the staff card check).
    CameraPage,
    Static,
    /// Its CSP governs the worker itself: it fetches the offline card.
    ServiceWorker,
}

/// The guard's own answer, if the request goes no further.
fn refusal(config: &Config, req: &Request) -> Option<Response> {
    if !config.dev && is_development_only(req.uri().path()) {
        return Some(StatusCode::NOT_FOUND.into_response());
    }
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if req.uri().path().starts_with("/api/") && req.method() != Method::POST {
        return Some((StatusCode::METHOD_NOT_ALLOWED, "POST only").into_response());
    }
    if !safe && is_cross_site(req.headers(), &config.public_url) {
        tracing::warn!(path = %req.uri().path(), "cross-site request refused");
        return Some(plain_text(
            StatusCode::FORBIDDEN,
            "他のサイトからの送信は受け付けられません。マイページを開き直してから操作してください。",
        ));
    }
    None
}

/// A short Japanese answer as plain text: refusals of the routes that are
/// not pages (uploads, downloads, PDFs in a new tab).
pub fn plain_text(status: StatusCode, text: &str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        text.to_owned(),
    )
        .into_response()
}

/// HSTS for a year, subdomains included (ASVS 3.4.1), when members use https.
pub const HSTS: &str = "max-age=31536000; includeSubDomains";

fn add_headers(h: &mut HeaderMap, config: &Config, nonce: &str, kind: Answer) {
    let static_asset = matches!(kind, Answer::Static | Answer::ServiceWorker);
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        "permissions-policy",
        HeaderValue::from_static(if kind == Answer::CameraPage {
            "camera=(self), microphone=(), geolocation=(), payment=()"
        } else {
            "camera=(), microphone=(), geolocation=(), payment=()"
        }),
    );
    if config.cookie_secure() {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static(HSTS),
        );
    }
    // Pages are rendered with the member's data: never kept by the browser or a proxy,
    // so the back button after logout shows nothing private.
    if !static_asset {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    } else if !h.contains_key(header::CACHE_CONTROL) {
        // A static file's service sets its own (see below); its refusals
        // (404, 405) are checked again next time.
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    }
    // Every answer but the static files gets the page policy with this request's
    // nonce: pages need it, and on anything else a browser ignores it.
    // The static files' services set their own Cache-Control: hashed files
    // are kept a year, the root files (the service worker among them, so a
    // new version is picked up at the next page load) are revalidated.
    let csp = if kind == Answer::ServiceWorker {
        HeaderValue::from_static("default-src 'none'; connect-src 'self'; frame-ancestors 'none'")
    } else if static_asset {
        HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'")
    } else {
        HeaderValue::from_str(&page_csp(nonce, config.dev_reload_port)).unwrap_or_else(|e| {
            tracing::error!(error = %e, "page CSP is not a valid header value");
            HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'")
        })
    };
    h.insert(header::CONTENT_SECURITY_POLICY, csp);
}

/// The CSP of an HTML page whose inline scripts carry `nonce`.
pub fn page_csp(nonce: &str, reload_port: Option<u32>) -> String {
    // `cargo leptos watch` reloads the page through a websocket on its own port.
    let reload = reload_port
        .map(|p| format!(" ws://127.0.0.1:{p} ws://localhost:{p}"))
        .unwrap_or_default();
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; connect-src 'self'{reload}; \
         font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; \
         frame-ancestors 'none'"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const ORIGIN: &str = "https://mypage.example.jp";

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn fetch_metadata_decides_when_present() {
        assert!(!is_cross_site(
            &headers(&[("sec-fetch-site", "same-origin")]),
            ORIGIN
        ));
        assert!(is_cross_site(
            &headers(&[("sec-fetch-site", "cross-site")]),
            ORIGIN
        ));
        assert!(is_cross_site(
            &headers(&[("sec-fetch-site", "same-site")]),
            ORIGIN
        ));
        // Even with a matching Origin, a cross-site fetch is refused.
        assert!(is_cross_site(
            &headers(&[("sec-fetch-site", "cross-site"), ("origin", ORIGIN)]),
            ORIGIN
        ));
    }

    #[test]
    fn origin_decides_for_older_browsers() {
        assert!(!is_cross_site(&headers(&[("origin", ORIGIN)]), ORIGIN));
        assert!(!is_cross_site(
            &headers(&[
                ("origin", "http://127.0.0.1:3000"),
                ("host", "127.0.0.1:3000")
            ]),
            ORIGIN
        ));
        assert!(is_cross_site(
            &headers(&[
                ("origin", "https://evil.example"),
                ("host", "mypage.example.jp")
            ]),
            ORIGIN
        ));
        assert!(is_cross_site(&headers(&[("origin", "null")]), ORIGIN));
    }

    #[test]
    fn requests_without_browser_headers_pass() {
        assert!(!is_cross_site(&HeaderMap::new(), ORIGIN));
    }

    #[test]
    fn development_routes_are_known() {
        assert!(is_development_only("/dev/mails"));
        assert!(is_development_only("/api/dev_mails"));
        assert!(!is_development_only("/devices"));
        assert!(!is_development_only("/mypage"));
    }

    #[test]
    fn the_worker_may_fetch_and_only_the_card_check_may_use_the_camera() {
        let config = Config::development().unwrap();
        let answer = |kind| {
            let mut h = HeaderMap::new();
            add_headers(&mut h, &config, "n", kind);
            h
        };
        let worker = answer(Answer::ServiceWorker);
        assert_eq!(
            worker[header::CONTENT_SECURITY_POLICY],
            "default-src 'none'; connect-src 'self'; frame-ancestors 'none'"
        );
        // Kept as its service set it, or revalidated if it set none.
        assert_eq!(worker[header::CACHE_CONTROL], "no-cache");
        let mut kept = HeaderMap::new();
        kept.insert(header::CACHE_CONTROL, HeaderValue::from_static("max-age=9"));
        add_headers(&mut kept, &config, "n", Answer::Static);
        assert_eq!(kept[header::CACHE_CONTROL], "max-age=9");
        assert!(answer(Answer::CameraPage)["permissions-policy"]
            .to_str()
            .unwrap()
            .contains("camera=(self)"));
        for kind in [Answer::Page, Answer::Static, Answer::ServiceWorker] {
            assert!(answer(kind)["permissions-policy"]
                .to_str()
                .unwrap()
                .starts_with("camera=()"));
        }
        assert_eq!(answer(Answer::Page)[header::CACHE_CONTROL], "no-store");
    }

    #[test]
    fn page_csp_allows_only_nonced_scripts_and_no_framing() {
        let csp = page_csp("abc", None);
        assert!(csp.contains("script-src 'self' 'nonce-abc' 'wasm-unsafe-eval'"));
        assert!(csp.contains("frame-ancestors 'none'"));
        assert!(!csp.contains("ws://"));
        assert!(page_csp("abc", Some(3001)).contains("ws://127.0.0.1:3001"));
    }
}
