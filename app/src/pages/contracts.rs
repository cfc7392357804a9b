//! `/mypage/contracts` (M6): each contract with its course, 掛金, riders and
//! 保障開始日, as in force today, and why a decided change is not shown yet.

use crate::components::ShowError;
use crate::contract::{my_contracts, ContractView, Coverage};
use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

#[component]
pub fn ContractsPage() -> impl IntoView {
    let contracts = Resource::new_blocking(|| (), |_| my_contracts());
    view! {
        <Title text="ご契約内容" />
        <h1>"ご契約内容"</h1>
        <Suspense fallback=|| view! { <p class="loading">"読み込み中です…"</p> }>
            {move || Suspend::new(async move {
                match contracts.await {
                    Ok(list) if list.is_empty() => Either::Left(
                        view! { <p class="card">"現在ご契約中の共済はありません。"</p> }.into_any(),
                    ),
                    Ok(list) => Either::Left(
                        list.into_iter().map(|c| view! { <ContractCard c /> }).collect_view().into_any(),
                    ),
                    Err(error) => Either::Right(view! { <ShowError error /> }),
                }
            })}
        </Suspense>
        <p class="hint">
            "保障開始前のコースや特約は表示されません。お申し込み中・保障開始前のお手続きは「"
            <A href="/mypage/procedures">"手続き照会"</A>
            "」でご確認いただけます。"
        </p>
    }
}

#[component]
pub fn ContractCard(c: ContractView) -> impl IntoView {
    let title = format!("契約番号 {}", c.contract_number);
    let label = title.clone();
    view! {
        <section class="card contract" aria-label=label>
            <h2>{title}</h2>
            {c.pending.into_iter().map(|note| view! { <p class="notice">{note}</p> }).collect_view()}
            {match c.ended {
                Some(last) => Either::Left(view! {
                    <p class="notice">{format!("このご契約の保障は{last}で終了しました。")}</p>
                }),
                None => Either::Right(view! { <Coverages course=c.course riders=c.riders monthly_total=c.monthly_total /> }),
            }}
        </section>
    }
}

/// What a contract in force covers: the course, the riders, the total.
#[component]
fn Coverages(
    course: Option<Coverage>,
    riders: Vec<Coverage>,
    monthly_total: String,
) -> impl IntoView {
    view! {
            {match course {
                Some(course) => Either::Left(view! { <CourseRows course /> }),
                None => Either::Right(view! { <p>"保障はまだ始まっていません。"</p> }),
            }}
            <h3>"特約"</h3>
            {if riders.is_empty() {
                Either::Left(view! { <p class="hint">"付加されている特約はありません。"</p> })
            } else {
                Either::Right(view! {
                    <ul class="riders">
                        {riders.into_iter().map(|r| view! { <RiderRow r /> }).collect_view()}
                    </ul>
                })
            }}
            <p class="contract__total">"月額掛金合計 " <strong>{monthly_total}</strong></p>
    }
}

#[component]
fn CourseRows(course: Coverage) -> impl IntoView {
    view! {
        <dl class="details">
            <div class="details__row"><dt>"コース"</dt><dd>{course.name}</dd></div>
            <div class="details__row"><dt>"月額掛金"</dt><dd>{course.monthly_premium}</dd></div>
            <div class="details__row"><dt>"保障開始日"</dt><dd>{course.starts_on}</dd></div>
            <div class="details__row"><dt>"主な保障"</dt><dd>{course.summary}</dd></div>
        </dl>
    }
}

#[component]
fn RiderRow(r: Coverage) -> impl IntoView {
    view! {
        <li class="riders__row">
            <span class="riders__name">{r.name}</span>
            <span class="history__sub">
                <span>"月額掛金 " {r.monthly_premium}</span>
                " / "
                <span>"保障開始日 " {r.starts_on}</span>
            </span>
            <span class="history__sub">{r.summary}</span>
        </li>
    }
}
