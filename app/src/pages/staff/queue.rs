//! `/staff` (S3): the procedure queue, oldest waiting first, filtered by kind
//! and status through the URL so a filtered view can be bookmarked; a
//! 受付番号 a member reads out on the phone finds its procedure.

use crate::components::StaffError;
use crate::domain::procedure::{Kind, Status};
use crate::pages::StatusBadge;
use crate::staff::{staff_queue, Listing, QueueRow};
use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{Form, A};
use leptos_router::hooks::use_query_map;

#[component]
pub fn StaffQueuePage() -> impl IntoView {
    let query = use_query_map();
    let filter = move || {
        let q = query.read();
        (q.get("kind"), q.get("status"), q.get("receipt"))
    };
    let rows = Resource::new_blocking(filter, |(kind, status, receipt)| {
        staff_queue(kind, status, receipt)
    });
    let selected_kind = move || filter().0.unwrap_or_default();
    let selected_status = move || filter().1.unwrap_or_default();
    let receipt = move || filter().2.unwrap_or_default();
    view! {
        <Title text="手続き一覧" />
        <h1>"手続き一覧"</h1>
        <Form method="get" action="/staff" attr:class="filters">
            <div class="field">
                <label for="receipt">"受付番号"</label>
                <input
                    id="receipt"
                    name="receipt"
                    type="search"
                    inputmode="numeric"
                    maxlength="20"
                    placeholder="20261123-000042"
                    prop:value=receipt
                />
            </div>
            <button type="submit" class="button">"番号で探す"</button>
        </Form>
        <Form method="get" action="/staff" attr:class="filters">
            <div class="field">
                <label for="kind">"種類"</label>
                <select id="kind" name="kind" prop:value=selected_kind>
                    <option value="">"すべて"</option>
                    {Kind::QUEUED.into_iter().map(|k| view! {
                        <option value=k.code() selected=move || selected_kind() == k.code()>{k.label()}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="status">"状況"</label>
                <select id="status" name="status" prop:value=selected_status>
                    <option value="">"未完了(受付・審査中)"</option>
                    {Status::ALL.into_iter().filter(|s| *s != Status::Completed).map(|s| view! {
                        <option value=s.code() selected=move || selected_status() == s.code()>{s.label()}</option>
                    }).collect_view()}
                    <option value="all" selected=move || selected_status() == "all">"すべて"</option>
                </select>
            </div>
            <button type="submit" class="button">"絞り込む"</button>
        </Form>
        <Suspense fallback=|| view! { <p class="loading">"読み込み中です…"</p> }>
            {move || Suspend::new(async move {
                match rows.await {
                    Ok(list) if list.rows.is_empty() => Either::Left(
                        view! { <p class="card">"該当するお手続きはありません。"</p> }.into_any(),
                    ),
                    Ok(list) => Either::Left(view! { <QueueTable list /> }.into_any()),
                    Err(error) => Either::Right(view! { <StaffError error /> }),
                }
            })}
        </Suspense>
    }
}

#[component]
fn QueueTable(list: Listing<QueueRow>) -> impl IntoView {
    let Listing {
        rows,
        more,
        newest_first,
    } = list;
    let count = rows.len();
    view! {
        <super::ListingCount
            count
            more
            newest_first
            waiting_order="受付の古い順"
            narrow_by="種類や状況"
        />
        <div class="table-wrap">
            <table class="table">
                <thead>
                    <tr>
                        <th scope="col">"受付番号"</th>
                        <th scope="col">"受付日時"</th>
                        <th scope="col">"種類"</th>
                        <th scope="col">"組合員"</th>
                        <th scope="col">"内容"</th>
                        <th scope="col">"状況"</th>
                        <th scope="col">"申込者"</th>
                    </tr>
                </thead>
                <tbody>
                    {rows.into_iter().map(|r| {
                        let p = r.procedure;
                        view! {
                            <tr>
                                <td><A href=format!("/staff/procedures/{}", p.id)>{p.receipt}</A></td>
                                <td>{p.filed_at}</td>
                                <td>{p.kind}</td>
                                <td>
                                    <A href=format!("/staff/members/{}", r.member.id)>{r.member.name}</A>
                                    <span class="history__sub">{r.member.number}</span>
                                </td>
                                <td>{p.summary}</td>
                                <td><StatusBadge status=p.status label=p.status_label /></td>
                                <td>{p.filed_by}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}
