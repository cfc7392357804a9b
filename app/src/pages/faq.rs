//! `/faq` (M16): questions grouped by category, each collapsible; the search box
//! filters as you type, and without JavaScript the same form searches by `?q=`.

use crate::components::PublicLayout;
use crate::faq::{matches, Placeholders, CATEGORIES};
use crate::site::{site, SiteInfo};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// Longest search text looked at.
const MAX_QUERY: usize = 100;

#[component]
pub fn FaqPage() -> impl IntoView {
    let initial: String = use_query_map()
        .read_untracked()
        .get("q")
        .unwrap_or_default()
        .chars()
        .take(MAX_QUERY)
        .collect();
    let query = RwSignal::new(initial);
    view! {
        <Title text="よくある質問" />
        <PublicLayout>
            <h1>"よくある質問"</h1>
            <form class="faq-search" method="get" action="/faq" role="search">
                <label for="faq-q">"キーワードで探す"</label>
                <div class="faq-search__row">
                    <input
                        id="faq-q"
                        name="q"
                        type="search"
                        maxlength=MAX_QUERY.to_string()
                        placeholder="例:パスワード"
                        prop:value=move || query.get()
                        on:input=move |ev| query.set(event_target_value(&ev))
                    />
                    <button type="submit" class="button">"検索"</button>
                </div>
            </form>
            <nav class="faq-index" aria-label="カテゴリ">
                {CATEGORIES
                    .iter()
                    .map(|c| view! { <a href=format!("#{}", c.id)>"▼" {c.title}</a> })
                    .collect_view()}
            </nav>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let s = site().await;
                    view! { <FaqList site=s query /> }
                })}
            </Suspense>
            <p class="card">
                "加入・脱退の用紙は「"<a href="/forms">"加入申込書・脱退届"</a>"」からダウンロードできます。"
            </p>
        </PublicLayout>
    }
}

/// A question with its placeholders filled in.
#[derive(Clone)]
struct Shown {
    question: String,
    answer: Vec<String>,
}

impl Shown {
    fn matches(&self, query: &str) -> bool {
        matches(&self.question, &self.answer, query)
    }
}

#[component]
fn FaqList(site: SiteInfo, query: RwSignal<String>) -> impl IntoView {
    let fill = Placeholders {
        coop: &site.coop_name,
        phone: &site.coop_phone,
        hours: &site.coop_phone_hours,
        fax: &site.coop_fax,
    };
    // Texts are filled once; filtering only toggles visibility.
    let categories: Vec<(&'static crate::faq::Category, Vec<Shown>)> = CATEGORIES
        .iter()
        .map(|c| {
            let items = c
                .items
                .iter()
                .map(|i| Shown {
                    question: fill.fill(i.question),
                    answer: i.answer.iter().map(|a| fill.fill(a)).collect(),
                })
                .collect();
            (c, items)
        })
        .collect();
    let all: Vec<Shown> = categories
        .iter()
        .flat_map(|(_, items)| items.clone())
        .collect();
    let hits = move || {
        let q = query.get();
        all.iter().filter(|i| i.matches(&q)).count()
    };
    let searching = move || !query.get().trim().is_empty();

    view! {
        <p class="faq-count" role="status">
            {move || {
                if !searching() {
                    String::new()
                } else if hits() == 0 {
                    "該当する質問が見つかりませんでした。別の言葉でお試しください。".to_owned()
                } else {
                    format!("{}件の質問が見つかりました。", hits())
                }
            }}
        </p>
        {categories
            .into_iter()
            .map(|(category, items)| {
                let texts = items.clone();
                let any = move || {
                    let q = query.get();
                    texts.iter().any(|i| i.matches(&q))
                };
                view! {
                    <section class="faq-category" id=category.id hidden=move || !any()>
                        <h2>{category.title}</h2>
                        {items.into_iter().map(|item| view! { <FaqItem item query /> }).collect_view()}
                    </section>
                }
            })
            .collect_view()}
    }
}

#[component]
fn FaqItem(item: Shown, query: RwSignal<String>) -> impl IntoView {
    let Shown { question, answer } = item.clone();
    let visible = move || item.matches(&query.get());
    let open = move || !query.get().trim().is_empty();
    view! {
        <details class="faq-item" hidden=move || !visible() open=open>
            <summary>
                <span class="faq-item__mark" aria-hidden="true">"Q"</span>
                {question}
            </summary>
            <div class="faq-item__answer">
                <span class="faq-item__mark faq-item__mark--a" aria-hidden="true">"A"</span>
                <div>{answer_view(answer)}</div>
            </div>
        </details>
    }
}

/// Paragraphs, with consecutive `・` lines as one list.
fn answer_view(answer: Vec<String>) -> impl IntoView {
    let mut blocks: Vec<AnyView> = Vec::new();
    let mut list: Vec<String> = Vec::new();
    let flush = |list: &mut Vec<String>, blocks: &mut Vec<AnyView>| {
        if !list.is_empty() {
            let items = std::mem::take(list);
            blocks.push(
                view! { <ul>{items.into_iter().map(|i| view! { <li>{i}</li> }).collect_view()}</ul> }
                    .into_any(),
            );
        }
    };
    for line in answer {
        if let Some(item) = line.strip_prefix('・') {
            list.push(item.to_owned());
        } else {
            flush(&mut list, &mut blocks);
            blocks.push(view! { <p>{line}</p> }.into_any());
        }
    }
    flush(&mut list, &mut blocks);
    blocks
}
