//! The frame of every My Page screen (M1): who is logged in, when they last
//! logged in, the logout button and the member navigation. Without a valid
//! session it sends the browser to the login page, remembering where it was (M2).

use super::layout::{BrandName, SiteFooter};
use crate::auth::{load_session, SessionInfo};
use crate::error::AppError;
use crate::site::site;
use leptos::either::Either;
use leptos::prelude::*;
use leptos_router::components::{Outlet, Redirect, A};
use leptos_router::hooks::use_location;

/// The menu's names of the two change screens; the FAQ's answers send
/// members to them by these names (checked by its tests).
pub const MENU_PROFILE: &str = "登録内容の変更";
pub const MENU_ACCOUNT: &str = "ログイン情報の変更";

/// Where a temporary password leads, and nowhere else until it is replaced.
const FORCED_PAGE: &str = "/mypage/password";

/// The page sits outside the header's suspense: a page resource created
/// inside it would make the shell render twice on the server, and the
/// discarded render's result could reach the browser as the page's data (a
/// hydration mismatch). Every page asks for the session itself, and shows
/// [`ShowError`] (a redirect to the login) without one.
#[component]
pub fn MemberShell() -> impl IntoView {
    // Blocking: on a full page load the redirect must be decided before any HTML is sent.
    let info = Resource::new_blocking(|| (), |_| load_session());
    register_service_worker();
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let coop = site().await.coop_name;
                match info.await {
                    Ok(info) => {
                        let forced = info.must_change_password;
                        Either::Left(view! {
                            <MemberHeader info coop />
                            <ForcedPasswordRedirect forced />
                        })
                    }
                    Err(e) => Either::Right(view! { <ShowError error=e /> }),
                }
            })}
        </Suspense>
        <main class="page" id="main">
            <Outlet />
        </main>
        <SiteFooter />
    }
}

/// The worker keeps the card for use without a network (`public/sw.js`).
/// Browsers offer it only in a secure context (HTTPS, or this machine).
fn register_service_worker() {
    #[cfg(feature = "hydrate")]
    Effect::new(|| {
        let Some(window) = web_sys::window() else {
            return;
        };
        if window.is_secure_context() {
            // The promise needs no answer: a browser that refuses simply
            // shows no card offline.
            let _ = window.navigator().service_worker().register("/sw.js");
        }
    });
}

/// With a temporary password, every page but the one to replace it leads there.
#[component]
fn ForcedPasswordRedirect(forced: bool) -> impl IntoView {
    let location = use_location();
    // Tracked, so arriving at the forced page (client-side) stops redirecting.
    let elsewhere = Memo::new(move |_| location.pathname.get() != FORCED_PAGE);
    move || (forced && elsewhere.get()).then(|| view! { <Redirect path=FORCED_PAGE /> })
}

#[component]
fn MemberHeader(info: SessionInfo, coop: String) -> impl IntoView {
    let forced = info.must_change_password;
    let previous = info
        .previous_login
        .unwrap_or_else(|| "今回がはじめてのログインです".to_owned());
    view! {
        <header class="site-header site-header--member">
            <div class="site-header__inner">
                <BrandName coop />
                <form method="post" action="/logout" class="logout">
                    <button type="submit" class="link-button">"ログアウト"</button>
                </form>
            </div>
            <div class="member-bar">
                <p class="member-bar__welcome">
                    "ようこそ" <strong>{info.name}</strong> "様 "
                    <span class="member-bar__number">"組合員番号:" {info.member_number}</span>
                </p>
                <p class="member-bar__last-login">"前回ログイン日時:" {previous}</p>
            </div>
            {info.access_until.map(|last| view! {
                <p class="banner banner--warning" role="note">
                    "脱退のお手続きにより、マイページは出資金の返還日の" <strong>{last}</strong>
                    "までご利用いただけます。請求明細など必要な情報は、それまでにご確認ください。"
                </p>
            })}
            <nav class="member-nav" aria-label="マイページ" hidden=forced>
                <A href="/mypage" exact=true>"マイページトップ"</A>
                <A href="/mypage/card">"組合員証"</A>
                <A href="/mypage/contracts">"ご契約内容"</A>
                <A href="/mypage/statements">"請求明細"</A>
                <A href="/mypage/certificate">"掛金払込証明書"</A>
                <A href="/mypage/capital">"出資金・割戻金"</A>
                <A href="/mypage/apply">"各種お手続き"</A>
                <A href="/mypage/procedures">"手続き照会"</A>
                <A href="/mypage/profile">{MENU_PROFILE}</A>
                <A href="/mypage/account">{MENU_ACCOUNT}</A>
                <A href="/mypage/security">"ログイン履歴"</A>
                <A href="/mypage/notices">"お知らせ"</A>
                <A href="/mypage/inquiries">"連絡・お問い合わせ"</A>
                <a href="/faq">"よくある質問"</a>
            </nav>
            <TabBar hidden=forced />
        </header>
    }
}

/// Phones: the most used entries in a bar at the bottom of the screen and
/// the rest behind メニュー, a `<details>` that opens without JavaScript.
/// Only one of this and the full navigation is shown at a width (CSS), so
/// both carry the same name.
#[component]
fn TabBar(hidden: bool) -> impl IntoView {
    let location = use_location();
    let menu = NodeRef::<leptos::html::Details>::new();
    // A page reached from the menu closes it (the bar stays on screen). Only
    // on a change of page: the first run is hydration, which must not close
    // a menu opened before it.
    Effect::new(move |before: Option<String>| {
        let path = location.pathname.get();
        if before.is_some_and(|b| b != path) {
            if let Some(details) = menu.get_untracked() {
                let _ = details.remove_attribute("open");
            }
        }
        path
    });
    view! {
        <nav class="tab-bar" aria-label="マイページ" hidden=hidden>
            <A href="/mypage" exact=true>
                <span class="tab-bar__icon" aria-hidden="true">"⌂"</span>"トップ"
            </A>
            <A href="/mypage/card">
                <span class="tab-bar__icon" aria-hidden="true">"▣"</span>"組合員証"
            </A>
            <A href="/mypage/contracts">
                <span class="tab-bar__icon" aria-hidden="true">"☰"</span>"ご契約内容"
            </A>
            <A href="/mypage/procedures">
                <span class="tab-bar__icon" aria-hidden="true">"✓"</span>"手続き照会"
            </A>
            <details class="tab-bar__more" node_ref=menu>
                <summary>
                    <span class="tab-bar__icon" aria-hidden="true">"…"</span>"メニュー"
                </summary>
                <ul class="tab-bar__menu">
                    <li><A href="/mypage/statements">"請求明細"</A></li>
                    <li><A href="/mypage/certificate">"掛金払込証明書"</A></li>
                    <li><A href="/mypage/capital">"出資金・割戻金"</A></li>
                    <li><A href="/mypage/apply">"各種お手続き"</A></li>
                    <li><A href="/mypage/profile">{MENU_PROFILE}</A></li>
                    <li><A href="/mypage/account">{MENU_ACCOUNT}</A></li>
                    <li><A href="/mypage/security">"ログイン履歴"</A></li>
                    <li><A href="/mypage/notices">"お知らせ"</A></li>
                    <li><A href="/mypage/inquiries">"連絡・お問い合わせ"</A></li>
                    <li><a href="/faq">"よくある質問"</a></li>
                </ul>
            </details>
        </nav>
    }
}

/// Shows an error from a server function. A lost session becomes a redirect to the
/// login page that brings the member back here afterwards.
#[component]
pub fn ShowError(error: AppError) -> impl IntoView {
    match error {
        AppError::Unauthenticated { timed_out } => {
            Either::Left(view! { <LoginAgain timed_out /> }.into_any())
        }
        // Only back-office pages meet this: their second step, then back.
        AppError::SecondFactorRequired => Either::Left(
            view! { <super::StaffError error=AppError::SecondFactorRequired /> }.into_any(),
        ),
        other => {
            Either::Right(view! { <p class="form-error" role="alert">{other.to_string()}</p> })
        }
    }
}

/// Sends the browser to the login page (the back office's on `/staff`
/// pages), which brings it back here afterwards: a session that ended, on a
/// page load or on a form sent after the idle time (M2).
#[component]
pub fn LoginAgain(timed_out: bool) -> impl IntoView {
    let location = use_location();
    let here = format!(
        "{}{}",
        location.pathname.get_untracked(),
        location.search.get_untracked()
    );
    let path = crate::domain::next_path::login_again_url(&here, timed_out);
    view! { <Redirect path /> }
}

/// A member page's data: 読み込み中 while it loads, then `view` of it, or
/// the error (a lost session becomes the login redirect). The one
/// loading/error wrapper the money pages use.
#[component]
pub fn Loaded<T, F, V>(resource: Resource<Result<T, AppError>>, view: F) -> impl IntoView
where
    T: Clone + Send + Sync + serde::Serialize + serde::de::DeserializeOwned + 'static,
    F: Fn(T) -> V + Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    view! {
        <Suspense fallback=|| view! { <p class="loading">"読み込み中です…"</p> }>
            {move || {
                let view = view.clone();
                Suspend::new(async move {
                    match resource.await {
                        Ok(data) => Either::Left(view(data)),
                        Err(error) => Either::Right(view! { <ShowError error /> }),
                    }
                })
            }}
        </Suspense>
    }
}
