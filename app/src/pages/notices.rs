//! お知らせ (M17): the list on the My Page home (重要 first, unread marked),
//! `/mypage/notices` with the past ones, `/mypage/notices/:id` (read), and
//! the public notices of the login page. Bodies are text, never HTML.

use crate::components::Loaded;
use crate::notice::{
    my_notice, my_notices, public_notices, NoticeBoard, NoticeDetail, NoticeSummary, PublicNotice,
};
use crate::pages::use_id_param;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

/// One line of a notice list.
#[component]
fn NoticeLine(n: NoticeSummary) -> impl IntoView {
    view! {
        <li class="notice-line">
            {n.important.then(|| view! { <span class="badge badge--important">"重要"</span> })}
            {n.unread.then(|| view! { <span class="badge badge--unread">"未読"</span> })}
            <A href=format!("/mypage/notices/{}", n.id) attr:class="notice-line__title">{n.title}</A>
            <span class="history__sub">{n.published}</span>
        </li>
    }
}

fn lines(list: Vec<NoticeSummary>, label: &'static str) -> impl IntoView {
    view! {
        <ul class="notice-lines" aria-label=label>
            {list.into_iter().map(|n| view! { <NoticeLine n /> }).collect_view()}
        </ul>
    }
}

/// The notices shown now, for the My Page home.
#[component]
pub fn HomeNotices() -> impl IntoView {
    let board = Resource::new_blocking(|| (), |_| my_notices());
    view! {
        <section class="card" aria-labelledby="notices-title">
            <h2 id="notices-title">"お知らせ"</h2>
            <Loaded resource=board view=|b: NoticeBoard| {
                if b.current.is_empty() {
                    view! { <p>"現在、お知らせはありません。"</p> }.into_any()
                } else {
                    lines(b.current, "現在のお知らせ").into_any()
                }
            } />
            <p><A href="/mypage/notices">"お知らせ一覧(過去のお知らせ)"</A></p>
        </section>
    }
}

#[component]
pub fn NoticesPage() -> impl IntoView {
    let board = Resource::new_blocking(|| (), |_| my_notices());
    view! {
        <Title text="お知らせ" />
        <h1>"お知らせ"</h1>
        <Loaded resource=board view=|b: NoticeBoard| view! {
            <section class="card" aria-labelledby="current-title">
                <h2 id="current-title">"現在のお知らせ"</h2>
                {if b.current.is_empty() {
                    view! { <p>"現在、お知らせはありません。"</p> }.into_any()
                } else {
                    lines(b.current, "現在のお知らせ").into_any()
                }}
            </section>
            <section class="card" aria-labelledby="past-title">
                <h2 id="past-title">"過去のお知らせ"</h2>
                {if b.past.is_empty() {
                    view! { <p>"過去のお知らせはありません。"</p> }.into_any()
                } else {
                    lines(b.past, "過去のお知らせ").into_any()
                }}
            </section>
        } />
    }
}

#[component]
pub fn NoticePage() -> impl IntoView {
    let id = use_id_param();
    let notice = Resource::new_blocking(id, my_notice);
    view! {
        <Title text="お知らせ" />
        <Loaded resource=notice view=|n: NoticeDetail| view! {
            <article class="card">
                <h1>
                    {n.summary.important.then(|| view! { <span class="badge badge--important">"重要"</span> " " })}
                    {n.summary.title}
                </h1>
                <p class="history__sub">{n.summary.published}</p>
                <p class="message__body">{n.body}</p>
            </article>
        } />
        <p><A href="/mypage/notices">"お知らせ一覧に戻る"</A></p>
    }
}

/// The login page's public notices (nothing when there are none).
#[component]
pub fn PublicNotices() -> impl IntoView {
    let list = Resource::new_blocking(|| (), |_| public_notices());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let list: Vec<PublicNotice> = list.await.unwrap_or_default();
                (!list.is_empty()).then(|| view! {
                    <section class="card" aria-labelledby="public-notices-title">
                        <h2 id="public-notices-title">"お知らせ"</h2>
                        {list.into_iter().map(|n| view! {
                            <article class="public-notice">
                                <h3>
                                    {n.important.then(|| view! { <span class="badge badge--important">"重要"</span> " " })}
                                    {n.title}
                                </h3>
                                <p class="history__sub">{n.published}</p>
                                <p class="message__body">{n.body}</p>
                            </article>
                        }).collect_view()}
                    </section>
                })
            })}
        </Suspense>
    }
}

/// The advance notice of the next maintenance window within a week (login
/// page and My Page home); nothing when none is planned.
#[component]
pub fn MaintenanceBanner() -> impl IntoView {
    let next = Resource::new_blocking(|| (), |_| crate::maintenance::maintenance_notice());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                next.await.ok().flatten().map(|m| view! {
                    <section class="notice notice--maintenance" role="note" aria-labelledby="maintenance-title">
                        <h2 id="maintenance-title">"システムメンテナンスのお知らせ"</h2>
                        <p>
                            <strong>{m.starts} "〜" {m.ends}</strong>
                            " は、メンテナンスのためマイページをご利用いただけません。"
                        </p>
                        <p class="message__body">{m.message}</p>
                    </section>
                })
            })}
        </Suspense>
    }
}
