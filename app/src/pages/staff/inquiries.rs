//! `/staff/inquiries` (S4): the inbox, oldest waiting first, filtered by
//! status and category through the URL; `/staff/inquiries/:id`: the thread
//! beside the member's summary, with reply, internal note, take and close.

use crate::components::{action_error, invalid, FieldError, FormError, Loaded};
use crate::domain::inquiry::{Category, Status};
use crate::domain::policy::INQUIRY_TEXT_MAX_CHARS;
use crate::inquiry::{
    staff_inquiries, staff_inquiry, staff_inquiry_categories, InboxRow, StaffAssignInquiry,
    StaffCloseInquiry, StaffNoteInquiry, StaffReplyInquiry, StaffThread,
};
use crate::pages::{use_id_param, InquiryStatus, MessageList};
use crate::staff::Listing;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{Form, A};
use leptos_router::hooks::use_query_map;

#[component]
pub fn StaffInquiriesPage() -> impl IntoView {
    let query = use_query_map();
    let filter = move || {
        let q = query.read();
        (q.get("status"), q.get("category"))
    };
    let rows = Resource::new_blocking(filter, |(status, category)| {
        staff_inquiries(status, category)
    });
    let categories = Resource::new_blocking(|| (), |_| staff_inquiry_categories());
    let selected_status = move || filter().0.unwrap_or_default();
    let selected_category = move || filter().1.unwrap_or_default();
    view! {
        <Title text="お問い合わせ" />
        <h1>"お問い合わせ"</h1>
        <Form method="get" action="/staff/inquiries" attr:class="filters">
            <div class="field">
                <label for="status">"状況"</label>
                <select id="status" name="status" prop:value=selected_status>
                    <option value="">"回答待ち(未対応・対応中)"</option>
                    {Status::ALL.into_iter().map(|s| view! {
                        <option value=s.code() selected=move || selected_status() == s.code()>{s.label()}</option>
                    }).collect_view()}
                    <option value="all" selected=move || selected_status() == "all">"すべて"</option>
                </select>
            </div>
            <Loaded resource=categories view={move |list: Vec<Category>| view! {
                <div class="field">
                    <label for="category">"分類"</label>
                    <select id="category" name="category" prop:value=selected_category>
                        <option value="">"すべて"</option>
                        {list.into_iter().map(|c| {
                            let code = c.code.clone();
                            view! {
                                <option value=c.code selected=move || selected_category() == code>{c.label}</option>
                            }
                        }).collect_view()}
                    </select>
                </div>
            }} />
            <button type="submit" class="button">"絞り込む"</button>
        </Form>
        <Loaded resource=rows view={|list: Listing<InboxRow>| view! { <Inbox list /> }} />
    }
}

#[component]
fn Inbox(list: Listing<InboxRow>) -> impl IntoView {
    let Listing {
        rows,
        more,
        newest_first,
    } = list;
    if rows.is_empty() {
        return view! { <p class="card">"該当するお問い合わせはありません。"</p> }.into_any();
    }
    let count = rows.len();
    view! {
        <super::ListingCount
            count
            more
            newest_first
            waiting_order="お待たせしている時間の長い順"
            narrow_by="状況や分類"
        />
        <div class="table-wrap">
            <table class="table">
                <thead>
                    <tr>
                        <th scope="col">"状況"</th>
                        <th scope="col">"お待たせ"</th>
                        <th scope="col">"件名"</th>
                        <th scope="col">"分類"</th>
                        <th scope="col">"組合員"</th>
                        <th scope="col">"担当"</th>
                        <th scope="col">"最終やりとり"</th>
                    </tr>
                </thead>
                <tbody>
                    {rows.into_iter().map(|r| view! {
                        <tr>
                            <td><InquiryStatus status=r.summary.status /></td>
                            <td>{r.waited.unwrap_or_else(|| "—".to_owned())}</td>
                            <td><A href=format!("/staff/inquiries/{}", r.summary.id)>{r.summary.subject}</A></td>
                            <td>{r.summary.category}</td>
                            <td>{r.member.number} " " {r.member.name}</td>
                            <td>{r.assigned_to.unwrap_or_else(|| "未割当".to_owned())}</td>
                            <td>{r.summary.updated_at}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

#[component]
pub fn StaffInquiryPage() -> impl IntoView {
    let id = use_id_param();
    let reply = ServerAction::<StaffReplyInquiry>::new();
    let note = ServerAction::<StaffNoteInquiry>::new();
    let assign = ServerAction::<StaffAssignInquiry>::new();
    let close = ServerAction::<StaffCloseInquiry>::new();
    let reply_draft = RwSignal::new(String::new());
    let note_draft = RwSignal::new(String::new());
    Effect::new(move || {
        if matches!(reply.value().get(), Some(Ok(()))) {
            reply_draft.set(String::new());
        }
    });
    Effect::new(move || {
        if matches!(note.value().get(), Some(Ok(()))) {
            note_draft.set(String::new());
        }
    });
    let case = Resource::new_blocking(
        move || {
            (
                id(),
                reply.version().get(),
                note.version().get(),
                assign.version().get(),
                close.version().get(),
            )
        },
        |(id, ..)| staff_inquiry(id),
    );
    let actions = Actions {
        reply,
        note,
        assign,
        close,
        reply_draft,
        note_draft,
    };
    view! {
        <Title text="お問い合わせの対応" />
        <p><A href="/staff/inquiries">"← お問い合わせ一覧"</A></p>
        <Loaded resource=case view={move |case: StaffThread| view! { <Case case actions /> }} />
    }
}

#[derive(Clone, Copy)]
struct Actions {
    reply: ServerAction<StaffReplyInquiry>,
    note: ServerAction<StaffNoteInquiry>,
    assign: ServerAction<StaffAssignInquiry>,
    close: ServerAction<StaffCloseInquiry>,
    reply_draft: RwSignal<String>,
    note_draft: RwSignal<String>,
}

#[component]
fn Case(case: StaffThread, actions: Actions) -> impl IntoView {
    let t = case.thread;
    let s = t.summary;
    let id = s.id;
    let member = case.member;
    let Actions {
        reply,
        note,
        assign,
        close,
        reply_draft,
        note_draft,
    } = actions;
    let reply_error = action_error(reply);
    let note_error = action_error(note);
    let assign_error = action_error(assign);
    let close_error = action_error(close);
    let open = t.open;
    let assigned_to_me = case.assigned_to_me;
    let member_closed = case.member_closed;
    view! {
        <h1>{s.subject.clone()}</h1>
        <div class="columns">
            <div>
                <section class="card" aria-labelledby="thread-title">
                    <h2 id="thread-title">"やりとり"</h2>
                    <MessageList messages=t.messages />
                </section>
                <Show when=move || open fallback=|| view! { <p class="hint">"このお問い合わせは完了しています。"</p> }>
                    <section class="card" aria-labelledby="reply-title">
                        <h2 id="reply-title">"回答する"</h2>
                        <p class="hint">"組合員には「当組合の担当者」として表示されます。回答するとメールでお知らせします(メールに回答の本文は載りません)。"</p>
                        {member_closed.clone().map(|stage| view! {
                            <p class="notice" role="note">
                                {format!("この組合員はマイページを閲覧できません({stage})。回答の内容は、お電話か郵送でお伝えください。")}
                                "お知らせのメールには、担当者から連絡する旨を記載します。"
                            </p>
                        })}
                        <ActionForm action=reply attr:novalidate=true>
                            <input type="hidden" name="id" value=id />
                            <div class="field">
                                <label for="reply-text">"回答"</label>
                                <textarea
                                    id="reply-text"
                                    name="text"
                                    rows="6"
                                    maxlength=INQUIRY_TEXT_MAX_CHARS
                                    aria-describedby="text-error"
                                    aria-invalid=invalid(reply_error, "text")
                                    prop:value=reply_draft
                                    on:input=move |ev| reply_draft.set(event_target_value(&ev))
                                ></textarea>
                                <FieldError error=reply_error field="text" />
                            </div>
                            <div class="field">
                                <label for="signature">"署名(任意)"</label>
                                <p class="hint" id="signature-hint">"例:担当 佐藤。空欄なら名前は表示されません。"</p>
                                <input
                                    id="signature"
                                    name="signature"
                                    type="text"
                                    maxlength="20"
                                    aria-describedby="signature-hint signature-error"
                                    aria-invalid=invalid(reply_error, "signature")
                                />
                                <FieldError error=reply_error field="signature" />
                            </div>
                            <FormError error=reply_error />
                            <button type="submit" class="button button--primary" disabled=move || reply.pending().get()>
                                "回答を送る"
                            </button>
                        </ActionForm>
                    </section>
                    <section class="card" aria-labelledby="note-title">
                        <h2 id="note-title">"内部メモ"</h2>
                        <p class="hint">"職員だけが読めます。組合員には表示されません。"</p>
                        <ActionForm action=note attr:novalidate=true>
                            <input type="hidden" name="id" value=id />
                            <div class="field">
                                <label for="note-text">"メモの内容"</label>
                                <textarea
                                    id="note-text"
                                    name="note"
                                    rows="3"
                                    maxlength=INQUIRY_TEXT_MAX_CHARS
                                    aria-describedby="note-error"
                                    aria-invalid=invalid(note_error, "note")
                                    prop:value=note_draft
                                    on:input=move |ev| note_draft.set(event_target_value(&ev))
                                ></textarea>
                                <FieldError error=note_error field="note" />
                            </div>
                            <FormError error=note_error />
                            <button type="submit" class="button" disabled=move || note.pending().get()>
                                "メモを残す"
                            </button>
                        </ActionForm>
                    </section>
                </Show>
            </div>
            <div>
                <section class="card" aria-labelledby="member-title">
                    <h2 id="member-title">"組合員"</h2>
                    <dl class="details">
                        <div class="details__row"><dt>"組合員番号"</dt><dd>{member.number.clone()}</dd></div>
                        <div class="details__row"><dt>"氏名"</dt><dd>{member.name.clone()} "(" {member.kana.clone()} ")"</dd></div>
                        <div class="details__row"><dt>"電話番号"</dt><dd>{case.member_phone}</dd></div>
                        <div class="details__row"><dt>"メール"</dt><dd>{case.member_email.unwrap_or_else(|| "(マイページ未登録:メールは届きません)".to_owned())}</dd></div>
                    </dl>
                    <p><A href=format!("/staff/members/{}", member.id)>"組合員の詳細へ"</A></p>
                </section>
                <section class="card" aria-labelledby="state-title">
                    <h2 id="state-title">"対応状況"</h2>
                    <dl class="details">
                        <div class="details__row"><dt>"状況"</dt><dd><InquiryStatus status=s.status /></dd></div>
                        <div class="details__row"><dt>"分類"</dt><dd>{s.category.clone()}</dd></div>
                        <div class="details__row"><dt>"受付"</dt><dd>{s.created_at.clone()}</dd></div>
                        {case.waited.map(|w| view! { <div class="details__row"><dt>"お待たせ"</dt><dd>{w}</dd></div> })}
                        <div class="details__row"><dt>"担当"</dt><dd>{case.assigned_to.unwrap_or_else(|| "未割当".to_owned())}</dd></div>
                    </dl>
                    <Show when=move || open>
                        {(!assigned_to_me).then(|| view! {
                            <ActionForm action=assign>
                                <input type="hidden" name="id" value=id />
                                <FormError error=assign_error />
                                <button type="submit" class="button" disabled=move || assign.pending().get()>"自分が担当する"</button>
                            </ActionForm>
                        })}
                        <ActionForm action=close>
                            <input type="hidden" name="id" value=id />
                            <FormError error=close_error />
                            <button type="submit" class="button" disabled=move || close.pending().get()>"完了にする"</button>
                        </ActionForm>
                    </Show>
                </section>
            </div>
        </div>
    }
}
