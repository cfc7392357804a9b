//! `/staff/audit` (S6): who changed what and when, newest first, filtered by
//! kind of actor, action, member and dates through the URL.

use crate::components::StaffError;
use crate::staff::{staff_audit, AuditRow, AUDIT_ACTIONS};
use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

#[component]
pub fn StaffAuditPage() -> impl IntoView {
    let query = use_query_map();
    let get = move |key: &str| query.read().get(key).unwrap_or_default();
    let filter = move || {
        let q = query.read();
        (
            q.get("actor"),
            q.get("action"),
            q.get("member"),
            q.get("from"),
            q.get("until"),
            q.get("changes_only"),
        )
    };
    let rows = Resource::new_blocking(filter, |(actor, action, member, from, until, changes)| {
        staff_audit(actor, action, member, from, until, changes)
    });
    view! {
        <Title text="監査ログ" />
        <h1>"監査ログ"</h1>
        <Form method="get" action="/staff/audit" attr:class="filters">
            <div class="field">
                <label for="actor">"操作者"</label>
                <select id="actor" name="actor">
                    {[("", "すべて"), ("member", "組合員"), ("staff", "職員"), ("system", "システム")]
                        .into_iter()
                        .map(|(v, l)| view! { <option value=v selected=move || get("actor") == v>{l}</option> })
                        .collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="action">"操作"</label>
                <select id="action" name="action">
                    <option value="">"すべて"</option>
                    {AUDIT_ACTIONS
                        .into_iter()
                        .map(|(v, l)| view! { <option value=v selected=move || get("action") == v>{l}</option> })
                        .collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="member">"組合員番号"</label>
                <input id="member" name="member" maxlength="12" value=move || get("member") />
            </div>
            <div class="field">
                <label for="from">"期間(から)"</label>
                <input id="from" name="from" type="date" value=move || get("from") />
            </div>
            <div class="field">
                <label for="until">"期間(まで)"</label>
                <input id="until" name="until" type="date" value=move || get("until") />
            </div>
            <label class="choice choice--inline" for="changes_only">
                <input id="changes_only" name="changes_only" type="checkbox" value="1"
                    checked=move || !get("changes_only").is_empty() />
                "記録の閲覧を除く(変更だけ)"
            </label>
            <button type="submit" class="button">"絞り込む"</button>
        </Form>
        <Suspense fallback=|| view! { <p class="loading">"読み込み中です…"</p> }>
            {move || Suspend::new(async move {
                match rows.await {
                    Ok(listing) if listing.rows.is_empty() => Either::Left(
                        view! { <p class="card">"該当する記録はありません。"</p> }.into_any(),
                    ),
                    Ok(listing) => Either::Left(
                        view! { <AuditTable rows=listing.rows more=listing.more /> }.into_any(),
                    ),
                    Err(error) => Either::Right(view! { <StaffError error /> }),
                }
            })}
        </Suspense>
    }
}

#[component]
fn AuditTable(rows: Vec<AuditRow>, more: bool) -> impl IntoView {
    view! {
        {if more {
            view! {
                <p class="notice" role="note">
                    "新しい順に200件を表示しています。これより古い記録もあります。期間や操作で絞り込んでください。"
                </p>
            }
            .into_any()
        } else {
            view! { <p class="hint">"新しい順に表示しています。"</p> }.into_any()
        }}
        <div class="table-wrap">
            <table class="table">
                <thead><tr>
                    <th scope="col">"日時"</th>
                    <th scope="col">"操作者"</th>
                    <th scope="col">"対象の組合員"</th>
                    <th scope="col">"操作"</th>
                    <th scope="col">"変更前"</th>
                    <th scope="col">"変更後"</th>
                    <th scope="col">"IPアドレス"</th>
                </tr></thead>
                <tbody>
                    {rows.into_iter().map(|r| view! {
                        <tr>
                            <td>{r.at}</td>
                            <td>{r.actor}</td>
                            <td>{r.member.unwrap_or_default()}</td>
                            <td>{r.action}</td>
                            <td>{r.before.unwrap_or_default()}</td>
                            <td>{r.after.unwrap_or_default()}</td>
                            <td>{r.ip}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}
