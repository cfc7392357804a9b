//! `/mypage/security` (M15): recent logins and the browsers logged in now,
//! with a way to log all the others out.

use crate::account::{
    load_security, ActiveSession, EndOtherSessions, ForgetKnownBrowsers, KnownBrowser, LoginRecord,
};
use crate::components::{action_error, FormError, ShowError};
use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn SecurityPage() -> impl IntoView {
    let end = ServerAction::<EndOtherSessions>::new();
    let forget = ServerAction::<ForgetKnownBrowsers>::new();
    let overview = Resource::new_blocking(
        move || (end.version().get(), forget.version().get()),
        |_| load_security(),
    );
    let error = action_error(end);
    let forget_error = action_error(forget);
    view! {
        <Title text="ログイン履歴" />
        <h1>"ログイン履歴"</h1>
        <p class="hint">
            "覚えのないログインや端末がある場合は、すぐにパスワードを変更してください。"
            "「パスワード確認・認証コード送信」は、はじめての端末で正しいパスワードが入力され、認証コードをお送りした記録です。"
        </p>
        <Suspense fallback=|| view! { <p class="loading">"読み込み中です…"</p> }>
            {move || Suspend::new(async move {
                match overview.await {
                    Ok(o) => Either::Left(view! {
                        <section class="card" aria-labelledby="sessions-title">
                            <h2 id="sessions-title">"ログイン中の端末"</h2>
                            <ul class="history">
                                {o.sessions.into_iter().map(|s| view! { <SessionRow s /> }).collect_view()}
                            </ul>
                            <ActionForm action=end>
                                <button type="submit" class="button" disabled=move || end.pending().get()>
                                    "ほかの端末をすべてログアウト"
                                </button>
                            </ActionForm>
                            <p role="status" class="notice-inline">
                                {move || match end.value().get() {
                                    Some(Ok(0)) => "ほかにログイン中の端末はありません。".to_owned(),
                                    Some(Ok(n)) => format!("{n}台の端末をログアウトしました。"),
                                    _ => String::new(),
                                }}
                            </p>
                            <FormError error />
                        </section>
                        <section class="card" aria-labelledby="known-title">
                            <h2 id="known-title">"認証済みの端末"</h2>
                            <p class="hint">
                                "認証コードを入力した端末は、次回から認証コードなしでログインできます。"
                                "心当たりのない端末がある場合や、端末を手放す場合は、認証を解除してください。"
                            </p>
                            <ul class="history">
                                {o.known_browsers.into_iter().map(|k| view! { <KnownRow k /> }).collect_view()}
                            </ul>
                            <ActionForm action=forget>
                                <button type="submit" class="button" disabled=move || forget.pending().get()>
                                    "すべての端末の認証を解除"
                                </button>
                            </ActionForm>
                            <p role="status" class="notice-inline">
                                {move || match forget.value().get() {
                                    Some(Ok(_)) => "認証を解除しました。次回のログインでは、どの端末でも認証コードが必要です。".to_owned(),
                                    _ => String::new(),
                                }}
                            </p>
                            <FormError error=forget_error />
                        </section>
                        <section class="card" aria-labelledby="logins-title">
                            <h2 id="logins-title">"最近のログイン"</h2>
                            <ul class="history">
                                {o.logins.into_iter().map(|l| view! { <LoginRow l /> }).collect_view()}
                            </ul>
                        </section>
                    }),
                    Err(error) => Either::Right(view! { <ShowError error /> }),
                }
            })}
        </Suspense>
    }
}

#[component]
fn SessionRow(s: ActiveSession) -> impl IntoView {
    view! {
        <li class="history__row">
            <span class="history__main">
                {s.browser}
                {s.current.then(|| view! { <span class="badge">"この端末"</span> })}
            </span>
            <span class="history__sub">
                <span>"ログイン:" {s.started_at}</span>
                " / "
                <span>"最終操作:" {s.last_seen_at}</span>
                " / "
                <span>"IPアドレス:" {s.ip}</span>
            </span>
        </li>
    }
}

#[component]
fn KnownRow(k: KnownBrowser) -> impl IntoView {
    view! {
        <li class="history__row">
            <span class="history__main">{k.browser}</span>
            <span class="history__sub">
                <span>"認証:" {k.since}</span>
                " / "
                <span>"最終利用:" {k.last_used}</span>
            </span>
        </li>
    }
}

#[component]
fn LoginRow(l: LoginRecord) -> impl IntoView {
    let class = match (l.ok, l.pending) {
        (true, _) => "result result--ok",
        (false, true) => "result",
        (false, false) => "result result--ng",
    };
    view! {
        <li class="history__row">
            <span class="history__main">
                {l.at} " " <span class=class>{l.result}</span>
            </span>
            <span class="history__sub">
                <span>{l.browser}</span>
                " / "
                <span>"IPアドレス:" {l.ip}</span>
            </span>
        </li>
    }
}
