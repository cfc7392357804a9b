//! `/mypage/security` (M15): recent logins and the browsers logged in now,
//! with a way to log all the others out.

use crate::account::{load_security, ActiveSession, EndOtherSessions, LoginRecord};
use crate::components::{action_error, FormError, ShowError};
use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn SecurityPage() -> impl IntoView {
    let end = ServerAction::<EndOtherSessions>::new();
    let overview = Resource::new_blocking(move || end.version().get(), |_| load_security());
    let error = action_error(end);
    view! {
        <Title text="ログイン履歴" />
        <h1>"ログイン履歴"</h1>
        <p class="hint">
            "覚えのないログインや端末がある場合は、すぐにパスワードを変更してください。"
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
                "ログイン:" {s.started_at} " / 最終操作:" {s.last_seen_at} " / IPアドレス:" {s.ip}
            </span>
        </li>
    }
}

#[component]
fn LoginRow(l: LoginRecord) -> impl IntoView {
    let class = if l.ok {
        "result result--ok"
    } else {
        "result result--ng"
    };
    view! {
        <li class="history__row">
            <span class="history__main">
                {l.at} " " <span class=class>{l.result}</span>
            </span>
            <span class="history__sub">{l.browser} " / IPアドレス:" {l.ip}</span>
        </li>
    }
}
