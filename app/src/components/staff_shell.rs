//! The frame of every back-office screen: who is logged in, the staff
//! navigation and logout. Without a valid staff session it sends the browser
//! to the staff login page, remembering where it was.

use crate::domain::staff::StaffRole;
use crate::error::AppError;
use crate::staff::{load_staff, StaffInfo};
use leptos::either::Either;
use leptos::prelude::*;
use leptos_router::components::{Outlet, A};

/// The page itself sits outside the header's suspense: a page resource
/// created inside it would make the shell render twice on the server, and the
/// first, discarded render's data would be sent to the browser (a hydration
/// mismatch). Every page asks for the staff session itself, and a lost one
/// leads to the login through [`StaffError`] there as here.
#[component]
pub fn StaffShell() -> impl IntoView {
    let info = Resource::new_blocking(|| (), |_| load_staff());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match info.await {
                    Ok(info) => Either::Left(view! { <StaffHeader info /> }),
                    Err(error) => Either::Right(view! { <StaffError error /> }),
                }
            })}
        </Suspense>
        <main class="page page--wide" id="main">
            <Outlet />
        </main>
    }
}

#[component]
fn StaffHeader(info: StaffInfo) -> impl IntoView {
    let admin = info.role == StaffRole::Admin;
    view! {
        <header class="site-header site-header--staff">
            <div class="site-header__inner">
                <a class="brand" href="/staff">
                    <span class="brand__coop">"組合員マイページ"</span>
                    <span class="brand__product">"管理画面"</span>
                </a>
                <p class="staff-who">
                    {info.name} "(" {info.role.label()} ")"
                </p>
                <form method="post" action="/staff/logout" class="logout">
                    <button type="submit" class="link-button">"ログアウト"</button>
                </form>
            </div>
            <nav class="member-nav" aria-label="管理画面">
                <A href="/staff" exact=true>"手続き一覧"</A>
                <A href="/staff/inquiries">"お問い合わせ"</A>
                <A href="/staff/notices">"お知らせ"</A>
                <A href="/staff/maintenance">"メンテナンス"</A>
                <A href="/staff/mails">"メール送信状況"</A>
                <A href="/staff/members">"組合員検索"</A>
                // A full page load: the page's own Permissions-Policy lets it
                // use the camera, and its scan script runs.
                <a href="/staff/verify" rel="external">"組合員証の確認"</a>
                <A href="/staff/certificates">"証明書の検証"</A>
                <A href="/staff/audit">"監査ログ"</A>
                {admin.then(|| view! { <A href="/staff/imports">"データ取込"</A> })}
                {admin.then(|| view! { <A href="/staff/accounts">"職員アカウント"</A> })}
                <A href="/staff/password">"パスワード変更"</A>
            </nav>
        </header>
    }
}

/// Shows a back-office error; a lost staff session goes to the staff login.
#[component]
pub fn StaffError(error: AppError) -> impl IntoView {
    match error {
        AppError::Unauthenticated { timed_out } => {
            Either::Left(view! { <super::member_shell::LoginAgain timed_out /> }.into_any())
        }
        // Password given, second factor not yet: that step, then back here.
        AppError::SecondFactorRequired => {
            let location = leptos_router::hooks::use_location();
            let here = format!(
                "{}{}",
                location.pathname.get_untracked(),
                location.search.get_untracked()
            );
            let path = format!(
                "/staff/login/second?next={}",
                crate::domain::next_path::encode(crate::domain::next_path::staff_next(Some(&here)))
            );
            Either::Left(view! { <leptos_router::components::Redirect path /> }.into_any())
        }
        other => {
            Either::Right(view! { <p class="form-error" role="alert">{other.to_string()}</p> })
        }
    }
}
