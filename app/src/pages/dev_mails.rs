//! `/dev/mails`: the development mailbox (never in production).

use crate::components::PublicLayout;
use crate::dev_mail::{dev_mails, DevMail};
use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn DevMailsPage() -> impl IntoView {
    let mails = Resource::new_blocking(|| (), |_| dev_mails());
    view! {
        <Title text="開発用メールボックス" />
        <PublicLayout>
            <h1>"開発用メールボックス"</h1>
            <p class="hint">"SMTPサーバーを設定していない環境で送られたメールです。本番環境では表示されません。"</p>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match mails.await {
                        Ok(list) if list.is_empty() => Either::Left(view! { <p>"メールはまだありません。"</p> }.into_any()),
                        Ok(list) => Either::Left(list.into_iter().map(|m| view! { <MailView m /> }).collect_view().into_any()),
                        Err(e) => Either::Right(view! { <p class="form-error" role="alert">{e.to_string()}</p> }),
                    }
                })}
            </Suspense>
        </PublicLayout>
    }
}

#[component]
fn MailView(m: DevMail) -> impl IntoView {
    let lines = m
        .body
        .lines()
        .map(|line| {
            let line = line.to_owned();
            if line.starts_with("http://") || line.starts_with("https://") {
                let href = line.clone();
                view! { <a href=href>{line}</a><br /> }.into_any()
            } else {
                view! { {line}<br /> }.into_any()
            }
        })
        .collect_view();
    let to = m.to.clone();
    view! {
        <article class="card mail" data-to=to>
            <h2>{m.subject}</h2>
            <p class="hint">"宛先:" {m.to} " / " {m.queued_at} {if m.sent { " / 配信済み" } else { " / 送信待ち" }}</p>
            <div class="mail__body">{lines}</div>
        </article>
    }
}
