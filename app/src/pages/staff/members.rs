//! `/staff/members` (S2): find a member by number, name or kana, and
//! `/staff/members/:id`: their details, contracts and procedures.

use crate::components::StaffError;
use crate::components::{action_error, FormError};
use crate::pages::{use_id_param, ContractCard, StatusBadge};
use crate::staff::{staff_member, staff_search_members, MemberRecord, StaffEndMemberSessions};
use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{Form, A};
use leptos_router::hooks::use_query_map;

#[component]
pub fn StaffMembersPage() -> impl IntoView {
    let query = use_query_map();
    let q = move || query.read().get("q").unwrap_or_default();
    let found = Resource::new_blocking(q, staff_search_members);
    view! {
        <Title text="組合員検索" />
        <h1>"組合員検索"</h1>
        <Form method="get" action="/staff/members" attr:class="filters">
            <div class="field">
                <label for="q">"組合員番号・氏名・フリガナ"</label>
                <input id="q" name="q" type="search" maxlength="60" value=q />
            </div>
            <button type="submit" class="button">"検索"</button>
        </Form>
        <Suspense fallback=|| view! { <p class="loading">"読み込み中です…"</p> }>
            {move || Suspend::new(async move {
                match found.await {
                    Ok(list) if list.is_empty() && q().trim().is_empty() => Either::Left(
                        view! { <p class="hint">"組合員番号(例 0123-45678)、氏名またはフリガナの一部を入力してください。"</p> }.into_any(),
                    ),
                    Ok(list) if list.is_empty() => Either::Left(
                        view! { <p class="card">"該当する組合員はいません。"</p> }.into_any(),
                    ),
                    Ok(list) => Either::Left(view! {
                        <div class="table-wrap">
                            <table class="table">
                                <thead><tr>
                                    <th scope="col">"組合員番号"</th>
                                    <th scope="col">"氏名"</th>
                                    <th scope="col">"フリガナ"</th>
                                </tr></thead>
                                <tbody>
                                    {list.into_iter().map(|m| view! {
                                        <tr>
                                            <td>{m.number}</td>
                                            <td><A href=format!("/staff/members/{}", m.id)>{m.name}</A></td>
                                            <td>{m.kana}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }.into_any()),
                    Err(error) => Either::Right(view! { <StaffError error /> }),
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn StaffMemberPage() -> impl IntoView {
    let id = use_id_param();
    let record = Resource::new_blocking(id, staff_member);
    view! {
        <Title text="組合員の詳細" />
        <p><A href="/staff/members">"← 組合員検索"</A></p>
        <Suspense fallback=|| view! { <p class="loading">"読み込み中です…"</p> }>
            {move || Suspend::new(async move {
                match record.await {
                    Ok(r) => Either::Left(view! { <Record r /> }),
                    Err(error) => Either::Right(view! { <StaffError error /> }),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Record(r: MemberRecord) -> impl IntoView {
    let member_id = r.brief.id;
    let can_end = r.can_end_sessions;
    let rows = [
        ("組合員番号", r.brief.number.clone()),
        ("フリガナ", r.brief.kana.clone()),
        ("生年月日", r.birth_date),
        ("住所", r.address),
        ("電話番号", r.phone),
        (
            "メールアドレス",
            r.email.unwrap_or_else(|| "(マイページ未登録)".to_owned()),
        ),
        ("ユーザーID", r.user_id.unwrap_or_else(|| "—".to_owned())),
        (
            "ログイン",
            if r.locked {
                "ロック中"
            } else {
                "利用可"
            }
            .to_owned(),
        ),
    ];
    view! {
        <h1>{r.brief.name} "様"</h1>
        <div class="columns">
            <section class="card" aria-labelledby="member-details">
                <h2 id="member-details">"登録内容"</h2>
                <dl class="details">
                    {rows.into_iter()
                        .map(|(k, v)| view! { <div class="details__row"><dt>{k}</dt><dd>{v}</dd></div> })
                        .collect_view()}
                </dl>
                {can_end.then(|| view! { <EndSessions member_id /> })}
            </section>
            <div>
                <h2>"ご契約(本日時点)"</h2>
                {if r.contracts.is_empty() {
                    Either::Left(view! { <p class="card">"契約はありません。"</p> })
                } else {
                    Either::Right(r.contracts.into_iter().map(|c| view! { <ContractCard c /> }).collect_view())
                }}
            </div>
        </div>
        <h2>"お手続き"</h2>
        {if r.procedures.is_empty() {
            Either::Left(view! { <p class="card">"お手続きはありません。"</p> })
        } else {
            Either::Right(view! {
                <div class="table-wrap">
                    <table class="table">
                        <thead><tr>
                            <th scope="col">"受付番号"</th>
                            <th scope="col">"受付日時"</th>
                            <th scope="col">"種類"</th>
                            <th scope="col">"内容"</th>
                            <th scope="col">"状況"</th>
                            <th scope="col">"申込者"</th>
                        </tr></thead>
                        <tbody>
                            {r.procedures.into_iter().map(|p| view! {
                                <tr>
                                    <td><A href=format!("/staff/procedures/{}", p.id)>{p.receipt}</A></td>
                                    <td>{p.filed_at}</td>
                                    <td>{p.kind}</td>
                                    <td>{p.summary}</td>
                                    <td><StatusBadge status=p.status label=p.status_label /></td>
                                    <td>{p.filed_by}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            })
        }}
    }
}

/// Admins end every session of the member at once (a lost phone, a shared PC).
#[component]
fn EndSessions(member_id: i32) -> impl IntoView {
    let end = ServerAction::<StaffEndMemberSessions>::new();
    let error = action_error(end);
    view! {
        <ActionForm action=end attr:class="end-sessions">
            <input type="hidden" name="member_id" value=member_id />
            <button type="submit" class="button" disabled=move || end.pending().get()>
                "この組合員のログインをすべて終了する"
            </button>
            <FormError error />
            <p role="status" class="notice-inline">
                {move || match end.value().get() {
                    Some(Ok(n)) => Some(format!("{n}件のログインを終了しました。")),
                    _ => None,
                }}
            </p>
        </ActionForm>
    }
}
