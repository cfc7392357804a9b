//! 連絡・お問い合わせ (M11): `/mypage/inquiries` (the member's threads),
//! `/mypage/inquiries/new` (write to the co-op; `?category=` preselects one)
//! and `/mypage/inquiries/:id` (the thread, reply, close). Every text is
//! shown as text with its line breaks, never as HTML.

use crate::components::{action_error, invalid, FieldError, FormError, Loaded};
use crate::domain::inquiry::{Category, Status};
use crate::domain::policy::{INQUIRY_SUBJECT_MAX_CHARS, INQUIRY_TEXT_MAX_CHARS};
use crate::inquiry::{
    inquiry_categories, my_inquiries, my_inquiry, CloseInquiry, InquirySummary, InquiryThread,
    Message, ReplyInquiry, StartInquiry,
};
use crate::pages::use_id_param;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

/// The coloured label of an inquiry's status.
#[component]
pub fn InquiryStatus(status: Status) -> impl IntoView {
    view! { <span class=format!("status status--inquiry-{}", status.code())>{status.label()}</span> }
}

/// A thread's messages, oldest first; internal notes marked (back office only).
#[component]
pub fn MessageList(messages: Vec<Message>) -> impl IntoView {
    view! {
        <ol class="messages" aria-label="やりとり">
            {messages
                .into_iter()
                .map(|m| {
                    let class = match (m.from_staff, m.internal) {
                        (_, true) => "message message--note",
                        (true, false) => "message message--staff",
                        (false, false) => "message",
                    };
                    view! {
                        <li class=class>
                            <p class="message__meta">
                                {m.internal.then_some(view! { <strong class="message__note-label">"内部メモ(組合員には表示されません)"</strong> " " })}
                                <span class="message__author">{m.author}</span>
                                {m.signature.map(|s| view! { " " <span class="message__signature">{s}</span> })}
                                " " <span class="history__sub">{m.at}</span>
                            </p>
                            <p class="message__body">{m.body}</p>
                        </li>
                    }
                })
                .collect_view()}
        </ol>
    }
}

#[component]
pub fn InquiriesPage() -> impl IntoView {
    let list = Resource::new_blocking(|| (), |_| my_inquiries());
    view! {
        <Title text="連絡・お問い合わせ" />
        <h1>"連絡・お問い合わせ"</h1>
        <p class="hint">
            "ご契約・お支払い・ご登録内容(勤務先の変更など)について、当組合へご連絡いただけます。"
            "回答はこの画面でお読みいただけます。回答があると、ご登録のメールアドレスにお知らせします。"
        </p>
        <p><A href="/mypage/inquiries/new" attr:class="button button--primary">"新しくお問い合わせする"</A></p>
        <Loaded resource=list view={|list: Vec<InquirySummary>| view! { <InquiryList list /> }} />
    }
}

#[component]
fn InquiryList(list: Vec<InquirySummary>) -> impl IntoView {
    if list.is_empty() {
        return view! { <p class="card">"お問い合わせはまだありません。"</p> }.into_any();
    }
    view! {
        <ul class="procedures" aria-label="お問い合わせの一覧">
            {list
                .into_iter()
                .map(|i| view! {
                    <li class="card procedure">
                        <div class="procedure__head">
                            <A href=format!("/mypage/inquiries/{}", i.id) attr:class="procedure__kind">{i.subject}</A>
                            <InquiryStatus status=i.status />
                        </div>
                        <p class="history__sub">
                            <span>{i.category}</span>
                            " / "
                            <span>"送信日時 " {i.created_at}</span>
                            " / "
                            <span>"更新 " {i.updated_at}</span>
                        </p>
                    </li>
                })
                .collect_view()}
        </ul>
    }
    .into_any()
}

#[component]
pub fn InquiryNewPage() -> impl IntoView {
    let categories = Resource::new_blocking(|| (), |_| inquiry_categories());
    view! {
        <Title text="お問い合わせを送る" />
        <h1>"お問い合わせを送る"</h1>
        <Loaded resource=categories view={|categories: Vec<Category>| view! { <NewInquiryForm categories /> }} />
        <p><A href="/mypage/inquiries">"お問い合わせ一覧に戻る"</A></p>
    }
}

#[component]
fn NewInquiryForm(categories: Vec<Category>) -> impl IntoView {
    let query = use_query_map();
    let wanted = query.read_untracked().get("category").unwrap_or_default();
    let selected = if categories.iter().any(|c| c.code == wanted) {
        wanted
    } else {
        String::new()
    };
    let start = ServerAction::<StartInquiry>::new();
    let error = action_error(start);
    view! {
        <ActionForm action=start attr:novalidate=true attr:class="card">
            <div class="field">
                <label for="category">"お問い合わせの分類"</label>
                <select
                    id="category"
                    name="category"
                    aria-describedby="category-error"
                    aria-invalid=invalid(error, "category")
                >
                    <option value="" selected=selected.is_empty()>"選んでください"</option>
                    {categories
                        .into_iter()
                        .map(|c| {
                            let chosen = c.code == selected;
                            view! { <option value=c.code selected=chosen>{c.label}</option> }
                        })
                        .collect_view()}
                </select>
                <FieldError error field="category" />
            </div>
            <div class="field">
                <label for="subject">"件名"</label>
                <p class="hint" id="subject-hint">{format!("{INQUIRY_SUBJECT_MAX_CHARS}文字まで。例:勤務先が変わりました")}</p>
                <input
                    id="subject"
                    name="subject"
                    type="text"
                    maxlength=INQUIRY_SUBJECT_MAX_CHARS
                    aria-describedby="subject-hint subject-error"
                    aria-invalid=invalid(error, "subject")
                />
                <FieldError error field="subject" />
            </div>
            <div class="field">
                <label for="text">"内容"</label>
                <p class="hint" id="text-hint">
                    {format!("{INQUIRY_TEXT_MAX_CHARS}文字まで。")}
                    "勤務先の変更は、新しい勤務先の名称・所在地・電話番号と、異動の日をお書きください。"
                    "パスワードやカード番号はお書きにならないでください。"
                </p>
                <textarea
                    id="text"
                    name="text"
                    rows="8"
                    maxlength=INQUIRY_TEXT_MAX_CHARS
                    aria-describedby="text-hint text-error"
                    aria-invalid=invalid(error, "text")
                ></textarea>
                <FieldError error field="text" />
            </div>
            <FormError error />
            <div class="actions">
                <button type="submit" class="button button--primary" disabled=move || start.pending().get()>
                    "送信する"
                </button>
            </div>
        </ActionForm>
    }
}

#[component]
pub fn InquiryThreadPage() -> impl IntoView {
    let query = use_query_map();
    let id = use_id_param();
    let just_sent = move || query.read().get("sent").is_some();
    let reply = ServerAction::<ReplyInquiry>::new();
    let close = ServerAction::<CloseInquiry>::new();
    // The reply being written outlives a reload of the thread; it is
    // emptied once sent.
    let draft = RwSignal::new(String::new());
    Effect::new(move || {
        if matches!(reply.value().get(), Some(Ok(()))) {
            draft.set(String::new());
        }
    });
    let thread = Resource::new_blocking(
        move || (id(), reply.version().get(), close.version().get()),
        |(id, _, _)| my_inquiry(id),
    );
    view! {
        <Title text="お問い合わせ" />
        <Show when=just_sent>
            <div class="notice" role="status">
                <p><strong>"お問い合わせを受け付けました。"</strong></p>
                <p>"担当者から回答しましたら、ご登録のメールアドレスにお知らせします。回答はこの画面でご確認いただけます。"</p>
            </div>
        </Show>
        <Loaded resource=thread view={move |t: InquiryThread| view! { <Thread t reply close draft /> }} />
        <p><A href="/mypage/inquiries">"お問い合わせ一覧に戻る"</A></p>
    }
}

#[component]
fn Thread(
    t: InquiryThread,
    reply: ServerAction<ReplyInquiry>,
    close: ServerAction<CloseInquiry>,
    draft: RwSignal<String>,
) -> impl IntoView {
    let id = t.summary.id;
    let reply_error = action_error(reply);
    let close_error = action_error(close);
    view! {
        <h1>{t.summary.subject.clone()}</h1>
        <p class="history__sub">
            <InquiryStatus status=t.summary.status />
            " " {t.summary.category.clone()} " / 送信日時 " {t.summary.created_at.clone()}
        </p>
        <MessageList messages=t.messages />
        {if t.open {
            view! {
                <section class="card" aria-labelledby="reply-title">
                    <h2 id="reply-title">"返信する"</h2>
                    <ActionForm action=reply attr:novalidate=true>
                        <input type="hidden" name="id" value=id />
                        <div class="field">
                            <label for="text">"内容"</label>
                            <textarea
                                id="text"
                                name="text"
                                rows="5"
                                maxlength=INQUIRY_TEXT_MAX_CHARS
                                aria-describedby="text-error"
                                aria-invalid=invalid(reply_error, "text")
                                prop:value=draft
                                on:input=move |ev| draft.set(event_target_value(&ev))
                            ></textarea>
                            <FieldError error=reply_error field="text" />
                        </div>
                        <FormError error=reply_error />
                        <button type="submit" class="button button--primary" disabled=move || reply.pending().get()>
                            "返信する"
                        </button>
                    </ActionForm>
                </section>
                <section class="card" aria-labelledby="close-title">
                    <h2 id="close-title">"お問い合わせを完了にする"</h2>
                    <p class="hint">"解決した場合は、完了にしてください。完了にすると、このお問い合わせには返信できなくなります。"</p>
                    <ActionForm action=close>
                        <input type="hidden" name="id" value=id />
                        <FormError error=close_error />
                        <button type="submit" class="button" disabled=move || close.pending().get()>
                            "完了にする"
                        </button>
                    </ActionForm>
                </section>
            }
            .into_any()
        } else {
            view! {
                <p class="card">
                    "このお問い合わせは完了しています。続けてご相談がある場合は、"
                    <A href="/mypage/inquiries/new">"新しいお問い合わせ"</A>
                    "をお送りください。"
                </p>
            }
            .into_any()
        }}
    }
}
