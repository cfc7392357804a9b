//! `/staff/procedures/:id` (S3): one procedure with the member, the contract
//! as in force today and the history; staff move it on with a comment, and
//! give the coverage start date when approving a course change or rider.

use crate::components::{action_error, invalid, FieldError, FormError, StaffError};
use crate::domain::procedure::MAX_COMMENT_CHARS;
use crate::pages::{use_id_param, ContractCard, StatusBadge, Timeline};
use crate::staff::{staff_procedure, ProcedureCase, StaffMoveProcedure};
use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

#[component]
pub fn StaffProcedurePage() -> impl IntoView {
    let id = use_id_param();
    let step = ServerAction::<StaffMoveProcedure>::new();
    let case = Resource::new_blocking(
        move || (id(), step.version().get()),
        |(id, _)| staff_procedure(id),
    );
    view! {
        <Title text="お手続きの審査" />
        <p><A href="/staff">"← 手続き一覧"</A></p>
        <Suspense fallback=|| view! { <p class="loading">"読み込み中です…"</p> }>
            {move || Suspend::new(async move {
                match case.await {
                    Ok(case) => Either::Left(view! { <Case case step /> }),
                    Err(error) => Either::Right(view! { <StaffError error /> }),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Case(case: ProcedureCase, step: ServerAction<StaffMoveProcedure>) -> impl IntoView {
    let d = case.detail;
    let s = d.summary;
    let title = format!("{} {}", s.kind, s.receipt);
    let mut rows = vec![
        ("受付番号", s.receipt.clone()),
        ("内容", s.summary.clone()),
        ("受付日時", s.filed_at.clone()),
        ("申込者", s.filed_by.clone()),
        ("最終更新", s.updated_at.clone()),
    ];
    if let Some(number) = d.contract_number.clone() {
        rows.insert(1, ("契約番号", number));
    }
    if let Some(day) = d.coverage_starts_on.clone() {
        rows.push(("保障開始日", day));
    }
    let member = case.member;
    view! {
        <h1>{title}</h1>
        <div class="columns">
            <div>
                <section class="card" aria-labelledby="case-title">
                    <h2 id="case-title">"状況 " <StatusBadge status=s.status label=s.status_label /></h2>
                    <dl class="details">
                        {rows.into_iter()
                            .map(|(k, v)| view! { <div class="details__row"><dt>{k}</dt><dd>{v}</dd></div> })
                            .collect_view()}
                    </dl>
                    <h3>"状況の履歴"</h3>
                    <Timeline history=d.history comment_prefix="" />
                </section>
                {case.ship_to.map(|(address, moved)| view! {
                    <section class="card" aria-labelledby="ship-title">
                        <h2 id="ship-title">"送付先"</h2>
                        <p>{address}</p>
                        <p class="hint">"ご登録の住所(現在)です。"</p>
                        {moved.then(|| view! {
                            <p class="notice" role="note">"お申し込みの後に、組合員がマイページで住所を変更しています。上の新しい住所へお送りください。"</p>
                        })}
                    </section>
                })}
                {case.prints_certificate.map(|year| view! {
                    <section class="card" aria-labelledby="paper-title">
                        <h2 id="paper-title">"書面の証明書"</h2>
                        // A plain form: the answer is the PDF, opened in a new tab.
                        <form method="post" action=format!("/staff/procedures/{}/certificate", s.id) target="_blank">
                            <p class="hint">
                                {format!("{year}年分の掛金払込証明書を、窓あき封筒(長形3号)用のPDFで開きます。印刷して郵送し、状況を「発送済」にしてください。検証コードは発行のたびに新しくなり、勤務先などからの確認に使えます。")}
                            </p>
                            <button type="submit" class="button">{format!("{year}年分の証明書を印刷する(PDF)")}</button>
                        </form>
                    </section>
                })}
                {if case.next.is_empty() {
                    Either::Left(view! { <p class="hint">"このお手続きは完了しています。これ以上の操作はありません。"</p> })
                } else {
                    Either::Right(view! {
                        <MoveForm
                            id=s.id
                            next=case.next
                            asks_start_date=case.asks_start_date
                            suggested_start=case.suggested_start
                            step
                        />
                    })
                }}
            </div>
            <div>
                <section class="card" aria-labelledby="member-title">
                    <h2 id="member-title">"組合員"</h2>
                    <p>
                        <A href=format!("/staff/members/{}", member.id)>{member.name}</A>
                        " (" {member.kana} ")"
                    </p>
                    <p>"組合員番号 " {member.number}</p>
                </section>
                {case.contract.map(|c| view! {
                    <p class="hint">"本日時点のご契約内容:"</p>
                    <ContractCard c />
                })}
            </div>
        </div>
    }
}

#[component]
fn MoveForm(
    id: i32,
    next: Vec<(String, String)>,
    asks_start_date: bool,
    suggested_start: String,
    step: ServerAction<StaffMoveProcedure>,
) -> impl IntoView {
    let error = action_error(step);
    // Nothing chosen beforehand: 承諾, 不承諾 and 取消 are final, and a
    // reason typed for a refusal must not go out as an approval.
    let chosen = RwSignal::new(String::new());
    view! {
        <section class="card" aria-labelledby="move-title">
            <h2 id="move-title">"状況を更新する"</h2>
            <ActionForm action=step attr:novalidate=true>
                <input type="hidden" name="id" value=id />
                <fieldset class="field">
                    <legend>"次の状況"</legend>
                    {next.into_iter().map(|(code, label)| {
                        let input_id = format!("to-{code}");
                        let value = code.clone();
                        view! {
                            <label class="choice choice--inline" for=input_id.clone()>
                                <input
                                    type="radio"
                                    name="to"
                                    id=input_id.clone()
                                    value=code.clone()
                                    checked=move || chosen.get() == value
                                    on:change=move |_| chosen.set(code.clone())
                                />
                                {label}
                            </label>
                        }
                    }).collect_view()}
                    <FieldError error field="to" />
                </fieldset>
                <Show when=move || asks_start_date>
                    <div class="field">
                        <label for="starts_on">"保障開始日(承諾する場合)"</label>
                        <p class="hint" id="starts_on-hint">"月の初日(1日)で、明日以降の日付を指定します。"</p>
                        <input
                            id="starts_on"
                            name="starts_on"
                            type="date"
                            value=suggested_start.clone()
                            aria-describedby="starts_on-hint starts_on-error"
                            aria-invalid=invalid(error, "starts_on")
                        />
                        <FieldError error field="starts_on" />
                    </div>
                </Show>
                <div class="field">
                    <label for="comment">"コメント(任意・組合員にも表示されます)"</label>
                    <p class="hint" id="comment-hint">"取消の場合は、理由を必ず入力してください。"</p>
                    <textarea
                        id="comment"
                        name="comment"
                        rows="3"
                        maxlength=MAX_COMMENT_CHARS.to_string()
                        aria-describedby="comment-hint comment-error"
                        aria-invalid=invalid(error, "comment")
                    ></textarea>
                    <FieldError error field="comment" />
                </div>
                <FormError error />
                <button type="submit" class="button button--primary" disabled=move || step.pending().get()>
                    "状況を更新する"
                </button>
            </ActionForm>
        </section>
    }
}
