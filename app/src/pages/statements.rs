//! `/mypage/statements` (請求明細, M9): every month's statement, newest
//! first, and `/mypage/statements/:month` with its lines by kind, total and
//! payment, printable and downloadable as CSV.

use crate::components::Loaded;
use crate::money::{my_statement, my_statements, GroupView, StatementDetail, StatementList};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

#[component]
pub fn StatementsPage() -> impl IntoView {
    let list = Resource::new_blocking(|| (), |_| my_statements());
    view! {
        <Title text="請求明細" />
        <h1>"請求明細"</h1>
        <p class="hint">
            "毎月20日締めで、翌月にご請求します(口座振替日は27日、金融機関の休業日は翌営業日)。請求日までは「お支払い前」、請求日から7日間は金融機関からの結果を待つ間「入金確認中」と表示します。"
        </p>
        <Loaded resource=list view=|list: StatementList| view! { <StatementTable list /> } />
    }
}

#[component]
fn StatementTable(list: StatementList) -> impl IntoView {
    if list.statements.is_empty() {
        return view! { <p class="card">"ご覧いただける請求明細はまだありません。"</p> }.into_any();
    }
    let first = list
        .first_month
        .map(|m| format!("{m}ご請求分からご覧いただけます。"));
    view! {
        <p class="hint">{first}</p>
        <table class="table statements" aria-label="請求明細の一覧">
            <thead>
                <tr>
                    <th scope="col">"請求月"</th>
                    <th scope="col" class="num">"ご請求金額"</th>
                    <th scope="col">"お支払い"</th>
                </tr>
            </thead>
            <tbody>
                {list
                    .statements
                    .into_iter()
                    .map(|s| {
                        let href = format!("/mypage/statements/{}", s.month);
                        let status = match (s.paid, s.paid_on) {
                            (true, Some(on)) => format!("{}({on})", s.status_label),
                            (_, _) => s.status_label,
                        };
                        let class = pay_class(s.paid, s.overdue);
                        view! {
                            <tr>
                                <th scope="row"><A href=href>{s.label}"分"</A></th>
                                <td class="num">{s.total}</td>
                                <td><span class=class>{status}</span></td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

/// Paid in green, owed past its day in red, not due yet plain.
fn pay_class(paid: bool, overdue: bool) -> &'static str {
    match (paid, overdue) {
        (true, _) => "pay pay--done",
        (false, true) => "pay pay--due",
        (false, false) => "pay",
    }
}

#[component]
pub fn StatementPage() -> impl IntoView {
    let params = use_params_map();
    let month = move || params.read().get("month").unwrap_or_default();
    let detail = Resource::new_blocking(month, my_statement);
    view! {
        <Title text="請求明細の詳細" />
        <p class="no-print"><A href="/mypage/statements">"← 請求明細の一覧へ"</A></p>
        <Loaded resource=detail view=|d: StatementDetail| view! { <StatementSheet d /> } />
    }
}

#[component]
fn StatementSheet(d: StatementDetail) -> impl IntoView {
    let s = d.summary;
    let csv = format!("/mypage/statements/{}/csv", s.month);
    let paid = match (&s.paid_on, s.paid) {
        (Some(on), true) => format!("{}({on})", s.status_label),
        (Some(on), false) => format!("{}(最終入金 {on})", s.status_label),
        (None, _) => s.status_label.clone(),
    };
    let status_class = pay_class(s.paid, s.overdue);
    view! {
        <article class="statement card" aria-label=format!("{}分の請求明細", s.label)>
            <h1>{s.label.clone()}"分 請求明細"</h1>
            <dl class="details">
                <div class="details__row"><dt>"組合員"</dt><dd>{d.name}" 様(組合員番号 "{d.member_number}")"</dd></div>
                <div class="details__row"><dt>"締切日"</dt><dd>{s.closing_on}</dd></div>
                <div class="details__row"><dt>"請求日(振替日)"</dt><dd>{s.billed_on}</dd></div>
                <div class="details__row"><dt>"お支払い"</dt><dd><span class=status_class>{paid}</span></dd></div>
            </dl>
            {d.groups.into_iter().map(|g| view! { <Group g /> }).collect_view()}
            <p class="statement__total">"ご請求金額合計 " <strong>{s.total}</strong></p>
            {(!d.payments.is_empty()).then(|| view! {
                <h2>"ご入金"</h2>
                <table class="table" aria-label="ご入金">
                    <thead><tr><th scope="col">"入金日"</th><th scope="col">"方法"</th><th scope="col" class="num">"金額"</th></tr></thead>
                    <tbody>
                        {d.payments.into_iter().map(|p| view! {
                            <tr><td>{p.paid_on}</td><td>{p.method}</td><td class="num">{p.amount}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            })}
        </article>
        <p class="actions no-print">
            <button type="button" class="button" on:click=|_| print()>"印刷する"</button>
            <a class="button" href=csv rel="external">"CSVでダウンロード"</a>
        </p>
    }
}

fn print() {
    #[cfg(feature = "hydrate")]
    {
        let _ = window().print();
    }
}

#[component]
fn Group(g: GroupView) -> impl IntoView {
    let kind = g.kind.clone();
    view! {
        <section class="statement__group">
            <h2>{g.kind}</h2>
            <table class="table" aria-label=kind>
                <thead>
                    <tr>
                        <th scope="col">"内容"</th>
                        <th scope="col">"契約番号・利用日"</th>
                        <th scope="col" class="num">"金額"</th>
                    </tr>
                </thead>
                <tbody>
                    {g.lines.into_iter().map(|l| view! {
                        <tr>
                            <td>{l.description}</td>
                            <td>{l.contract_number.or(l.used_on).unwrap_or_default()}</td>
                            <td class="num">{l.amount}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
                <tfoot>
                    <tr><th scope="row" colspan="2">"小計"</th><td class="num">{g.subtotal}</td></tr>
                </tfoot>
            </table>
        </section>
    }
}
