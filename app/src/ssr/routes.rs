//! Every route the server answers, with the request guard and body limit: the
//! Leptos pages and server functions, the plain axum routes (logout, the
//! development controls), and static files. The server binary adds only
//! process-level layers (compression, tracing); tests drive this router
//! directly.

use axum::{
    extract::DefaultBodyLimit,
    middleware,
    routing::{get, post},
    Router,
};
use leptos_axum::{generate_route_list, AxumRouteListing, LeptosRoutes};
use std::sync::OnceLock;

use super::{dev, security, AppState};
use crate::{shell, App};

pub fn router(state: AppState) -> Router {
    let routes = route_list();
    let options = state.leptos_options.clone();
    let config = state.config.clone();
    Router::new()
        .route("/logout", post(crate::auth::ssr::logout))
        .route("/mypage/card/offline", get(crate::card::ssr::offline_page))
        .route(
            "/mypage/statements/{month}/csv",
            get(crate::money::ssr::statements::csv_download),
        )
        .route(
            "/mypage/certificate/pdf",
            post(crate::money::ssr::certificate::issue_pdf),
        )
        .route("/staff/logout", post(crate::staff::ssr::auth::logout))
        .route(
            "/forms/kanyu-moushikomisho.pdf",
            get(crate::forms::ssr::join_pdf),
        )
        .route(
            "/forms/dattai-todoke.pdf",
            get(crate::forms::ssr::leave_pdf),
        )
        .route("/staff/letters", post(crate::staff::ssr::letters::batch))
        .route(
            "/staff/imports/upload",
            post(crate::staff::ssr::imports::upload).layer(DefaultBodyLimit::max(
                crate::domain::policy::IMPORT_MAX_BYTES + 64 * 1024,
            )),
        )
        .route(
            "/staff/imports/{id}/issues.csv",
            get(crate::staff::ssr::imports::issues),
        )
        .route(
            "/staff/members/{id}/letter",
            post(crate::staff::ssr::letters::one),
        )
        .route(
            "/staff/procedures/{id}/certificate",
            post(crate::money::ssr::certificate::staff_print_pdf),
        )
        .route("/dev/clock", post(dev::advance_clock).get(dev::read_clock))
        .route("/dev/seed/member", post(dev::seed_member))
        .route("/dev/seed/browser", post(dev::seed_browser))
        .route("/dev/seed/staff", post(dev::seed_staff))
        .nest("/pkg", super::assets::pkg_service(&state.leptos_options))
        .merge(super::assets::root_files(&state.leptos_options))
        .leptos_routes_with_context(&state, routes, request_context, move || {
            shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(request_context, shell))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            crate::maintenance::ssr::gate,
        ))
        .layer(middleware::from_fn_with_state(config, security::guard))
        .layer(DefaultBodyLimit::max(security::MAX_BODY_BYTES))
        .layer(middleware::from_fn(own_owner))
        .with_state(state)
}

/// Runs a request without the reactive owner another request left on the
/// thread.
///
/// Rendering a page makes its root owner with `Owner::new_root`, which also
/// sets it as the thread's current owner and leaves it there while the answer
/// is sent. An owner made on that thread in the meantime outside any scope
/// (leptos_axum makes one per server function, and made one per file at the
/// site's root before those were served from disk) became its child and
/// found the other request's context through it: `/sw.js` was answered with
/// another page's status and took its headers, a `Set-Cookie` among them. The thread's owner is therefore forgotten
/// before and after every poll of a request: everything Leptos does for a
/// request it does inside its own owner's scope.
pub async fn own_owner(
    req: axum::extract::Request,
    next: middleware::Next,
) -> axum::response::Response {
    fn forget_thread_owner() {
        if let Some(owner) = leptos::prelude::Owner::current() {
            owner.unset();
        }
    }
    let mut answer = std::pin::pin!(next.run(req));
    std::future::poll_fn(move |cx| {
        forget_thread_owner();
        let polled = std::future::Future::poll(answer.as_mut(), cx);
        forget_thread_owner();
        polled
    })
    .await
}

/// The app's routes, listed once per process.
///
/// Listing them renders the app with resource loading switched off through a
/// process-wide flag (leptos_router's `SuppressResourceLoad`): a resource
/// first polled on another thread meanwhile waits forever, and so does the
/// page it belongs to (leptos-rs/leptos#4773). The server builds its router
/// once, before it serves; the tests build one per request, side by side, and
/// hung now and then until the list was made once: every render waits for a
/// router, and the first router waits here until the listing is over.
fn route_list() -> Vec<AxumRouteListing> {
    static ROUTES: OnceLock<Vec<AxumRouteListing>> = OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// What every page and server function of a request shares: the page's CSP
/// nonce and the member's session check, done once per request.
fn request_context() {
    security::provide_request_nonce();
    crate::auth::ssr::provide_request_member();
}
