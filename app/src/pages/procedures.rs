//! `/mypage/procedures` (手続き照会, M7): every procedure newest first, with
//! who filed it, and `/mypage/procedures/:id` with its status history.

use crate::components::{action_error, FormError, ShowError};
use crate::domain::procedure::Status;
use crate::procedure::{
    my_procedure, my_procedures, CancelProcedure, HistoryEntry, ProcedureDetail, ProcedureSummary,
};
use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::{use_params_map, use_query_map};

/// The number in the route's `:id`, or 0 (which matches nothing).
pub fn use_id_param() -> impl Fn() -> i32 + Copy + Send + Sync + 'static {
    let params = use_params_map();
    move || {
        params
            .read()
            .get("id")
            .and_then(|id| id.parse::<i32>().ok())
            .unwrap_or(0)
    }
}

/// A procedure's status history, oldest first, with staff comments.
#[component]
pub fn Timeline(history: Vec<HistoryEntry>, comment_prefix: &'static str) -> impl IntoView {
    view! {
        <ol class="timeline" aria-label="状況の履歴">
            {history
                .into_iter()
                .map(|h| view! {
                    <li class="timeline__item">
                        <span class="timeline__status">{h.status_label}</span>
                        <span class="history__sub">{h.at} " / " {h.by}</span>
                        {h.comment.map(|c| view! { <p class="timeline__comment">{comment_prefix} {c}</p> })}
                    </li>
                })
                .collect_view()}
        </ol>
    }
}

/// The coloured label of a status.
#[component]
pub fn StatusBadge(status: Status, label: String) -> impl IntoView {
    view! { <span class=format!("status status--{}", status.code())>{label}</span> }
}

#[component]
pub fn ProceduresPage() -> impl IntoView {
    let list = Resource::new_blocking(|| (), |_| my_procedures());
    view! {
        <Title text="手続き照会" />
        <h1>"手続き照会"</h1>
        <p class="hint">
            "マイページやお電話でのお手続きと、その状況です。新しいものから表示しています。"
            "覚えのないお手続きがある場合は、すぐにパスワードを変更し、当組合までご連絡ください。"
        </p>
        <p><A href="/mypage/apply" attr:class="button button--primary">"新しくお手続きする"</A></p>
        <Suspense fallback=|| view! { <p class="loading">"読み込み中です…"</p> }>
            {move || Suspend::new(async move {
                match list.await {
                    Ok(list) if list.is_empty() => Either::Left(
                        view! { <p class="card">"お手続きはまだありません。"</p> }.into_any(),
                    ),
                    Ok(list) => Either::Left(
                        view! {
                            <ul class="procedures" aria-label="お手続きの一覧">
                                {list.into_iter().map(|p| view! { <ProcedureRow p /> }).collect_view()}
                            </ul>
                        }
                        .into_any(),
                    ),
                    Err(error) => Either::Right(view! { <ShowError error /> }),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ProcedureRow(p: ProcedureSummary) -> impl IntoView {
    let href = format!("/mypage/procedures/{}", p.id);
    let by_class = if p.filed_by_staff {
        "procedure__by procedure__by--staff"
    } else {
        "procedure__by"
    };
    view! {
        <li class="card procedure">
            <div class="procedure__head">
                <A href=href attr:class="procedure__kind">{p.kind}</A>
                <StatusBadge status=p.status label=p.status_label />
            </div>
            <p class="procedure__summary">{p.summary}</p>
            <p class="history__sub">
                <span>"受付番号 " {p.receipt}</span>
                " / "
                <span>"受付日時 " {p.filed_at}</span>
                " / "
                <span class=by_class>"お手続きした人:" {p.filed_by}</span>
            </p>
        </li>
    }
}

#[component]
pub fn ProcedureDetailPage() -> impl IntoView {
    let query = use_query_map();
    let id = use_id_param();
    let just_filed = move || query.read().get("filed").is_some();
    let cancel = ServerAction::<CancelProcedure>::new();
    let detail = Resource::new_blocking(
        move || (id(), cancel.version().get()),
        |(id, _)| my_procedure(id),
    );
    let error = action_error(cancel);
    view! {
        <Title text="お手続きの詳細" />
        <h1>"お手続きの詳細"</h1>
        <Suspense fallback=|| view! { <p class="loading">"読み込み中です…"</p> }>
            {move || Suspend::new(async move {
                match detail.await {
                    Ok(d) => {
                        let receipt = d.summary.receipt.clone();
                        Either::Left(view! {
                        <Show when=just_filed>
                            <div class="notice" role="status">
                                <p><strong>"お申し込みを受け付けました。"</strong></p>
                                <p>"受付番号:" <strong>{receipt.clone()}</strong></p>
                                <p>"受付のお知らせをご登録のメールアドレスにお送りしました。"</p>
                            </div>
                        </Show>
                        <DetailCard d cancel error />
                    })
                    }
                    Err(error) => Either::Right(view! { <ShowError error /> }),
                }
            })}
        </Suspense>
        <p><A href="/mypage/procedures">"手続き照会に戻る"</A></p>
    }
}

#[component]
fn DetailCard(
    d: ProcedureDetail,
    cancel: ServerAction<CancelProcedure>,
    error: crate::components::ErrorSignal,
) -> impl IntoView {
    let s = d.summary;
    let id = s.id;
    let confirming = RwSignal::new(false);
    let mut rows = vec![
        ("受付番号", s.receipt),
        ("お手続き", s.kind),
        ("内容", s.summary),
        ("受付日時", s.filed_at),
        ("お手続きした人", s.filed_by),
    ];
    if let Some(number) = d.contract_number {
        rows.insert(2, ("契約番号", number));
    }
    if let Some(day) = d.coverage_starts_on {
        rows.push(("保障開始日", day));
    }
    view! {
        <section class="card" aria-labelledby="procedure-title">
            <h2 id="procedure-title">
                "状況 " <StatusBadge status=s.status label=s.status_label />
            </h2>
            {d.notes.into_iter().map(|n| view! { <p class="notice">{n}</p> }).collect_view()}
            <dl class="details">
                {rows
                    .into_iter()
                    .map(|(k, v)| view! { <div class="details__row"><dt>{k}</dt><dd>{v}</dd></div> })
                    .collect_view()}
            </dl>
            <h3>"状況の履歴"</h3>
            <Timeline history=d.history comment_prefix="担当者より:" />
            <Show when=move || d.can_cancel>
                // Two steps: a withdrawn procedure cannot be brought back.
                <Show
                    when=move || confirming.get()
                    fallback=move || view! {
                        <button type="button" class="button" on:click=move |_| confirming.set(true)>
                            "このお手続きを取り消す"
                        </button>
                    }
                >
                    <ActionForm action=cancel>
                        <input type="hidden" name="id" value=id />
                        <p class="notice">"取り消したお手続きは元に戻せません。取り消してよろしいですか?"</p>
                        <FormError error />
                        <div class="actions">
                            <button type="submit" class="button button--danger" disabled=move || cancel.pending().get()>
                                "取り消しを確定する"
                            </button>
                            <button type="button" class="button" on:click=move |_| confirming.set(false)>
                                "やめる"
                            </button>
                        </div>
                    </ActionForm>
                </Show>
            </Show>
        </section>
    }
}
