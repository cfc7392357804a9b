//! `/staff/members` (S2): find a member by number, name or kana, and
//! `/staff/members/:id`: their details, contracts and procedures.

use crate::components::StaffError;
use crate::components::{action_error, FormError};
use crate::components::{invalid, FieldError};
use crate::domain::membership::Stage;
use crate::pages::{use_id_param, ContractCard, InquiryStatus, StatusBadge};
use crate::staff::{
    staff_member, staff_member_history, staff_search_members, MemberRecord, PhoneFiling,
    StaffCancelWithdrawal, StaffChangeMemberEmail, StaffChangeName, StaffCorrectWithdrawal,
    StaffEndMemberSessions, StaffFileProcedure, StaffIssueTemporaryPassword, StaffRecordCapital,
    StaffRecordWithdrawal, StaffReopenService, StaffStopService, StaffUnlockMember,
};
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
        <p><A href="/staff/members/new">"組合員を登録する(出資金の払込確認後)"</A></p>
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
                    Ok(found) if found.rows.is_empty() && q().trim().is_empty() => Either::Left(
                        view! { <p class="hint">"組合員番号(例 0123-45678)、氏名またはフリガナの一部を入力してください。フリガナはひらがなでも、姓と名の間の空白はあってもなくても探せます。"</p> }.into_any(),
                    ),
                    Ok(found) if found.rows.is_empty() => Either::Left(
                        view! { <p class="card">"該当する組合員はいません。"</p> }.into_any(),
                    ),
                    Ok(found) => Either::Left(view! {
                        {found.more.then(|| view! {
                            <p class="notice" role="status">
                                "該当する組合員が多いため、その一部("{found.rows.len()}"件)を表示しています(氏名・フリガナが検索語と一致する組合員は必ず先頭に表示します)。"
                                "組合員番号や、氏名・フリガナをもう少し詳しく入力してください。"
                            </p>
                        })}
                        <div class="table-wrap">
                            <table class="table">
                                <thead><tr>
                                    <th scope="col">"組合員番号"</th>
                                    <th scope="col">"氏名"</th>
                                    <th scope="col">"フリガナ"</th>
                                </tr></thead>
                                <tbody>
                                    {found.rows.into_iter().map(|m| view! {
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
        <p><A href="/staff/letters">"登録案内書の一括印刷(マイページ未登録の組合員へ)"</A></p>
    }
}

/// A member's history of changes, as the member page reads it.
type History = Resource<Result<Vec<crate::staff::AuditRow>, crate::error::AppError>>;

#[component]
pub fn StaffMemberPage() -> impl IntoView {
    let id = use_id_param();
    let record = Resource::new_blocking(id, staff_member);
    // The history of changes is read here, beside the record, not by the
    // part of the page that shows it: that part sits inside the record's
    // Suspense, which the server may render twice, and a resource made there
    // took a second id on the server; the browser then hydrated with the
    // first, discarded one's data (an error) and the page died.
    let temporary = ServerAction::<StaffIssueTemporaryPassword>::new();
    let history = Resource::new(
        move || (id(), temporary.version().get()),
        |(id, _)| staff_member_history(id),
    );
    let query = use_query_map();
    let done = move || {
        let key = query.read().get("done").unwrap_or_default();
        DONE.iter()
            .find(|(k, _)| *k == key)
            .map(|(_, notice)| *notice)
    };
    view! {
        <Title text="組合員の詳細" />
        <p><A href="/staff/members">"← 組合員検索"</A></p>
        {move || done().map(|n| view! { <p class="notice" role="status">{n}</p> })}
        <Suspense fallback=|| view! { <p class="loading">"読み込み中です…"</p> }>
            {move || Suspend::new(async move {
                match record.await {
                    Ok(r) => Either::Left(view! { <Record r history temporary /> }),
                    Err(error) => Either::Right(view! { <StaffError error /> }),
                }
            })}
        </Suspense>
    }
}

/// What a change on the member page says once done (`?done=…`).
const DONE: [(&str, &str); 10] = [
    (
        "email",
        "メールアドレスを変更しました。新旧両方のアドレスにお知らせしました。",
    ),
    (
        "capital",
        "出資金の入金を記録しました。登録案内書を印刷できます。",
    ),
    (
        "corrected",
        "脱退の記録を訂正しました(マイページに登録のある方には、メールでお知らせしました)。",
    ),
    (
        "filed",
        "お手続きを受け付けました(申込者: 当組合(職員))。マイページに登録のある方には、メールでお知らせしました。下の「お手続き」から状況を進めてください。",
    ),
    (
        "renamed",
        "氏名の変更を記録しました(マイページに登録のある方には、メールでお知らせしました)。",
    ),
    (
        "withdrawn",
        "脱退を記録しました(マイページに登録のある方には、メールでお知らせしました)。",
    ),
    (
        "uncancelled",
        "脱退の記録を取り消しました。組合員に戻り、ご契約の保障とマイページは続きます(マイページに登録のある方には、メールでお知らせしました)。",
    ),
    ("unlocked", "ロックを解除しました。"),
    (
        "stopped",
        "マイページの利用を停止しました。ご本人にメールでお知らせしました。",
    ),
    (
        "reopened",
        "マイページの利用を再開しました。ご本人にメールでお知らせしました。",
    ),
];

/// After a change to the member's standing or record succeeds, the page is
/// loaded again (`?done=key`): every part shows the record as it is now,
/// rendered by the server, and the notice says what was done.
fn reload_after<A>(action: ServerAction<A>, key: &'static str)
where
    A: leptos::server_fn::ServerFn<Output = ()> + Clone + Send + Sync + 'static,
    A::Error: Clone + Send + Sync + 'static,
{
    Effect::new(move || {
        if matches!(action.value().get(), Some(Ok(()))) {
            #[cfg(feature = "hydrate")]
            if let Some(window) = web_sys::window() {
                let location = window.location();
                let path = location.pathname().unwrap_or_default();
                let _ = location.replace(&format!("{path}?done={key}"));
            }
            #[cfg(not(feature = "hydrate"))]
            let _ = key;
        }
    });
}

/// Mails to the member's address that failed or are being retried, with a
/// link to them in `/staff/mails`.
#[component]
fn MailTroubleLine(t: crate::mails::MailTrouble, member_id: i32) -> impl IntoView {
    let text = match (t.failed, t.retrying) {
        (0, r) => format!("このメールアドレスへのメール {r} 件が、送信を再試行中です。"),
        (f, 0) => format!("このメールアドレスへのメール {f} 件を送信できませんでした。"),
        (f, r) => {
            format!("このメールアドレスへのメール {f} 件を送信できず、{r} 件が再試行中です。")
        }
    };
    // By member, not address: addresses stay out of URLs and access logs.
    let href = format!("/staff/mails?member={member_id}");
    view! {
        <p class="notice" role="note">
            {text} " " <A href=href>"メールの送信状況を見る"</A>
        </p>
    }
}

#[component]
fn Record(
    r: MemberRecord,
    history: History,
    temporary: ServerAction<StaffIssueTemporaryPassword>,
) -> impl IntoView {
    let member_id = r.brief.id;
    let can_end = r.can_end_sessions;
    let mail_trouble = r.mail_trouble.clone();
    let pending_core = (!r.pending_core.is_empty()).then(|| {
        let list = r.pending_core.join("、");
        view! {
            <p class="notice" role="note">
                "マイページ側(ご本人の変更・管理画面での記録)で変更され、基幹システムの取込でまだ確認できていない項目があります: "
                {list}
                "。基幹システムに反映してください(反映後の取込で、この表示は消えます)。"
            </p>
        }
    });
    let filing = view! { <PhoneFilingCard member_id f=r.filing.clone() /> };
    let care = view! {
        <Care
            member_id
            number=r.brief.number.clone()
            has_account=r.email.is_some()
            can_log_in=crate::domain::membership::access(r.stage).is_ok()
            current_email=r.email.clone().unwrap_or_default()
            can_change_email=r.can_change_email
            locked=r.locked
            name=r.brief.name.clone()
            kana=r.brief.kana.clone()
            history
            temporary
        />
    };
    let standing = view! {
        <Standing
            member_id
            stage=r.stage
            withdrawal_dates=r.withdrawal_dates.clone()
            capital_paid=r.capital_paid
            withdrawn_on=r.withdrawn_on.clone()
            suggested_refund=r.suggested_refund.clone()
            can_cancel_withdrawal=r.can_cancel_withdrawal
        />
    };
    let rows = [
        ("組合員番号", r.brief.number.clone()),
        ("フリガナ", r.brief.kana.clone()),
        ("生年月日", r.birth_date),
        ("住所", r.address),
        ("電話番号", r.phone),
        ("勤務先", r.workplace),
        ("出資金", r.capital),
        (
            "メールアドレス",
            r.email.unwrap_or_else(|| "(マイページ未登録)".to_owned()),
        ),
        ("ユーザーID", r.user_id.unwrap_or_else(|| "—".to_owned())),
        (
            "ログイン",
            match (&r.temporary_password, r.locked) {
                // No account, stopped or ended: no password opens My Page.
                _ if crate::domain::membership::access(r.stage).is_err() => {
                    format!("できません。{}", r.stage.label())
                }
                (_, true) => "ロック中".to_owned(),
                (Some((until, true)), _) => format!(
                    "仮パスワードの有効期限切れ(有効期限 {until})。再発行するか、パスワード再設定をご案内ください。"
                ),
                (Some((until, false)), _) => format!("仮パスワード発行中({until}まで有効)"),
                (None, false) => "利用可".to_owned(),
            },
        ),
    ];
    let logins = r.logins;
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
                {mail_trouble.map(|t| view! { <MailTroubleLine t member_id /> })}
                {pending_core}
                {can_end.then(|| view! { <EndSessions member_id /> })}
            </section>
            {standing}
            {care}
            {filing}
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
        <h2 id="logins-title">"ログイン履歴(直近10回)"</h2>
        {if logins.is_empty() {
            Either::Left(view! { <p class="card">"ログインの記録はありません。"</p> })
        } else {
            Either::Right(view! {
                <div class="table-wrap">
                    <table class="table" aria-labelledby="logins-title">
                        <thead><tr>
                            <th scope="col">"日時"</th>
                            <th scope="col">"結果"</th>
                            <th scope="col">"ブラウザ"</th>
                            <th scope="col">"IPアドレス"</th>
                        </tr></thead>
                        <tbody>
                            {logins.into_iter().map(|l| view! {
                                <tr>
                                    <td>{l.at}</td>
                                    <td>{l.result}</td>
                                    <td>{l.browser}</td>
                                    <td>{l.ip}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            })
        }}
        <h2 id="inquiries-title">"お問い合わせ"</h2>
        {if r.inquiries.is_empty() {
            Either::Left(view! { <p class="card">"お問い合わせはありません。"</p> })
        } else {
            Either::Right(view! {
                <div class="table-wrap">
                    <table class="table" aria-labelledby="inquiries-title">
                        <thead><tr>
                            <th scope="col">"件名"</th>
                            <th scope="col">"分類"</th>
                            <th scope="col">"状況"</th>
                            <th scope="col">"受付"</th>
                            <th scope="col">"最終やりとり"</th>
                        </tr></thead>
                        <tbody>
                            {r.inquiries.into_iter().map(|t| view! {
                                <tr>
                                    <td><A href=format!("/staff/inquiries/{}", t.id)>{t.subject}</A></td>
                                    <td>{t.category}</td>
                                    <td><InquiryStatus status=t.status /></td>
                                    <td>{t.created_at}</td>
                                    <td>{t.updated_at}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            })
        }}
        <h2 id="statements-title">"請求明細(直近12か月)"</h2>
        {if r.statements.is_empty() {
            Either::Left(view! { <p class="card">"請求明細はありません。"</p> })
        } else {
            Either::Right(view! {
                <div class="table-wrap">
                    <table class="table" aria-labelledby="statements-title">
                        <thead><tr>
                            <th scope="col">"請求月"</th>
                            <th scope="col">"請求日"</th>
                            <th scope="col">"ご請求額"</th>
                            <th scope="col">"状況"</th>
                        </tr></thead>
                        <tbody>
                            {r.statements.into_iter().map(|s| view! {
                                <tr>
                                    <td>{s.label}</td>
                                    <td>{s.billed_on}</td>
                                    <td>{s.total}</td>
                                    <td>{s.status_label}{s.paid_on.map(|d| format!("({d})"))}</td>
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

/// Login help and confirmed changes (S2): unlock, a temporary password by
/// mail, a name change from the 改姓届; and the history of the member's
/// record (the audit log without the views).
#[component]
fn Care(
    member_id: i32,
    number: String,
    has_account: bool,
    /// My Page is open to the member (not stopped, not ended): a temporary
    /// password could be used.
    can_log_in: bool,
    /// An admin, and the member has an account.
    can_change_email: bool,
    /// The address on record, as the page shows it.
    current_email: String,
    locked: bool,
    name: String,
    kana: String,
    history: History,
    temporary: ServerAction<StaffIssueTemporaryPassword>,
) -> impl IntoView {
    let change_email = ServerAction::<StaffChangeMemberEmail>::new();
    let email_error = action_error(change_email);
    reload_after(change_email, "email");
    let unlock = ServerAction::<StaffUnlockMember>::new();
    let rename = ServerAction::<StaffChangeName>::new();
    let unlock_error = action_error(unlock);
    let temporary_error = action_error(temporary);
    let error = action_error(rename);
    reload_after(rename, "renamed");
    reload_after(unlock, "unlocked");
    let audit_link = format!("/staff/audit?member={number}");
    view! {
        <section class="card" aria-labelledby="care-title">
            <h2 id="care-title">"ログインと登録内容の管理"</h2>
            {(has_account && locked).then(|| view! {
                <ActionForm action=unlock>
                    <input type="hidden" name="member_id" value=member_id />
                    <p>"ログインがロックされています。ご本人確認のうえ解除してください。"</p>
                    <button type="submit" class="button" disabled=move || unlock.pending().get()>"ロックを解除する"</button>
                    <FormError error=unlock_error />
                </ActionForm>
            })}
            {(has_account && can_log_in).then(|| view! {
                <details>
                    <summary>"仮パスワードを発行する"</summary>
                    <ActionForm action=temporary>
                        <input type="hidden" name="member_id" value=member_id />
                        <p class="hint">
                            "仮パスワードを、ご本人の登録メールアドレスに送ります(この画面には表示しません)。"
                            "ログイン中の端末はすべてログアウトされ、次のログインで新しいパスワードを決めていただきます。"
                        </p>
                        <button type="submit" class="button" disabled=move || temporary.pending().get()>
                            "仮パスワードをメールで送る"
                        </button>
                        <FormError error=temporary_error />
                        <p role="status" class="notice-inline">
                            {move || matches!(temporary.value().get(), Some(Ok(()))).then_some("仮パスワードをメールで送りました。")}
                        </p>
                    </ActionForm>
                </details>
            })}
            {can_change_email.then(|| view! {
                <details>
                    <summary>"メールアドレスを変更する(ご本人確認後)"</summary>
                    <ActionForm action=change_email attr:novalidate=true>
                        <input type="hidden" name="member_id" value=member_id />
                        <input type="hidden" name="was" value=current_email />
                        <p class="hint" id="new-email-hint">
                            "登録のメールアドレスが使えなくなった方のために、お電話・窓口でご本人を確認してから変更します。"
                            "新旧両方のアドレスにお知らせし、ログイン中の端末はすべてログアウトされます。次のログインでは新しいアドレスに届く認証コードが必要です。"
                        </p>
                        <div class="field">
                            <label for="new-email">"新しいメールアドレス"</label>
                            <input id="new-email" name="email" type="email" required autocomplete="off" maxlength="254"
                                aria-describedby="new-email-hint email-error" aria-invalid=invalid(email_error, "email") />
                            <FieldError error=email_error field="email" />
                        </div>
                        <FormError error=email_error />
                        <button type="submit" class="button" disabled=move || change_email.pending().get()>"メールアドレスを変更する"</button>
                    </ActionForm>
                </details>
            })}
            <details>
                <summary>"氏名の変更を記録する(改姓届の確認後)"</summary>
                <ActionForm action=rename attr:novalidate=true>
                    <input type="hidden" name="member_id" value=member_id />
                    <div class="field">
                        <label for="new-name">"新しい氏名"</label>
                        <input id="new-name" name="name" required value=name
                            aria-describedby="name-error" aria-invalid=invalid(error, "name") />
                        <FieldError error field="name" />
                    </div>
                    <div class="field">
                        <label for="new-kana">"新しいフリガナ"</label>
                        <input id="new-kana" name="name_kana" required value=kana
                            aria-describedby="name_kana-error" aria-invalid=invalid(error, "name_kana") />
                        <FieldError error field="name_kana" />
                    </div>
                    <FormError error />
                    <button type="submit" class="button" disabled=move || rename.pending().get()>"変更を記録する"</button>
                </ActionForm>
            </details>
            <h3>"変更の履歴"</h3>
            <Suspense fallback=|| view! { <p class="loading">"読み込み中です…"</p> }>
                {move || Suspend::new(async move {
                    match history.await {
                        Ok(rows) => {
                            let rows: Vec<_> = rows
                                .into_iter()
                                .take(10)
                                .collect();
                            Either::Left(if rows.is_empty() {
                                view! { <p>"まだありません。"</p> }.into_any()
                            } else {
                                view! {
                                    <ul class="history">
                                        {rows.into_iter().map(|r| view! {
                                            <li>
                                                <span class="history__when">{r.at}</span>" "
                                                <strong>{r.action}</strong>" "{r.actor}
                                                {match (r.before, r.after) {
                                                    (Some(b), Some(a)) => Some(format!("({b} → {a})")),
                                                    (None, Some(a)) => Some(format!("({a})")),
                                                    _ => None,
                                                }}
                                            </li>
                                        }).collect_view()}
                                    </ul>
                                }.into_any()
                            })
                        }
                        Err(error) => Either::Right(view! { <StaffError error /> }),
                    }
                })}
            </Suspense>
            <p><a href=audit_link>"監査ログですべて見る"</a></p>
        </section>
    }
}

/// Every contract's choices of one kind, as (value, `契約番号 名前(月額 …)`).
fn choices_of(
    options: &crate::procedure::ApplyOptions,
    pick: fn(&crate::procedure::ContractOptions) -> &Vec<crate::procedure::Choice>,
) -> Vec<(String, String)> {
    options
        .contracts
        .iter()
        .flat_map(|c| {
            pick(c).iter().map(move |k| {
                let text = format!(
                    "{} {}(月額 {})",
                    c.contract_number, k.name, k.monthly_premium
                );
                (k.value.clone(), text)
            })
        })
        .collect()
}

/// Procedures a member asks for by phone or at the counter, filed by staff:
/// on the member's 手続き照会 as made by the co-op, mailed like their own.
#[component]
fn PhoneFilingCard(member_id: i32, f: PhoneFiling) -> impl IntoView {
    let documents = ServerAction::<StaffFileProcedure>::new();
    let certificate = ServerAction::<StaffFileProcedure>::new();
    let rider = ServerAction::<StaffFileProcedure>::new();
    let course = ServerAction::<StaffFileProcedure>::new();
    for action in [documents, certificate, rider, course] {
        reload_after(action, "filed");
    }
    let (documents_error, certificate_error) = (action_error(documents), action_error(certificate));
    let (rider_error, course_error) = (action_error(rider), action_error(course));
    let riders = choices_of(&f.options, |c| &c.riders);
    let courses = choices_of(&f.options, |c| &c.courses);
    // The field's error under it (ids by form: the rider and course forms
    // both send `choice`).
    let select = |id: &'static str,
                  name: &'static str,
                  label: &'static str,
                  items: Vec<(String, String)>,
                  error: crate::components::ErrorSignal| {
        let error_id = format!("{id}-error");
        view! {
            <div class="field">
                <label for=id>{label}</label>
                <select id=id name=name required aria-describedby=error_id.clone() aria-invalid=invalid(error, name)>
                    {items.into_iter().map(|(value, text)| view! { <option value=value>{text}</option> }).collect_view()}
                </select>
                <p class="field-error" id=error_id>{move || error.get().and_then(|e| e.for_field(name))}</p>
            </div>
        }
    };
    let years: Vec<(String, String)> = f
        .certificate_years
        .iter()
        .map(|y| (y.to_string(), format!("{y}年分")))
        .collect();
    let no_riders = riders.is_empty();
    let no_courses = courses.is_empty();
    view! {
        <section class="card" aria-labelledby="filing-title">
            <h2 id="filing-title">"お電話・窓口で受け付けたお手続き"</h2>
            <p class="hint">"ご本人からのお申し出を、職員が受け付けたお手続きとして登録します。ご本人の手続き照会に表示し、メールでお知らせします。"</p>
            <details>
                <summary>"書類のお取り寄せ"</summary>
                <ActionForm action=documents>
                    <input type="hidden" name="member_id" value=member_id />
                    <input type="hidden" name="kind" value="document_request" />
                    // Several documents in one filing, as the member's own
                    // form takes them: plain boxes, sent as they are.
                    <fieldset class="field">
                        <legend>"書類(いくつでも)"</legend>
                        {f.options.documents.clone().into_iter().map(|(code, name)| {
                            let id = format!("filing-document-{code}");
                            let label_for = id.clone();
                            view! {
                                <label class="choice" for=label_for>
                                    <input
                                        type="checkbox"
                                        id=id
                                        name="documents[]"
                                        value=code
                                        aria-describedby="filing-documents-error"
                                        aria-invalid=invalid(documents_error, "documents")
                                    />
                                    <span class="choice__name">{name}</span>
                                </label>
                            }
                        }).collect_view()}
                        <p class="field-error" id="filing-documents-error">
                            {move || documents_error.get().and_then(|e| e.for_field("documents"))}
                        </p>
                    </fieldset>
                    <p class="hint">"送付先: " {f.options.address.clone()}</p>
                    <FormError error=documents_error />
                    <button type="submit" class="button" disabled=move || documents.pending().get()>"受け付ける"</button>
                </ActionForm>
            </details>
            <details>
                <summary>"掛金払込証明書の再発行(書面)"</summary>
                <ActionForm action=certificate>
                    <input type="hidden" name="member_id" value=member_id />
                    <input type="hidden" name="kind" value="certificate_reissue" />
                    {select("filing-year", "year", "対象年", years, certificate_error)}
                    <p class="hint">"マイページでは選べない過去の年の分も、5年前まで受け付けられます。"</p>
                    <FormError error=certificate_error />
                    <button type="submit" class="button" disabled=move || certificate.pending().get()>"受け付ける"</button>
                </ActionForm>
            </details>
            <details>
                <summary>"特約追加"</summary>
                {if no_riders {
                    Either::Left(view! { <p class="hint">"追加できる特約はありません(お申し込み中・脱退済みを含みます)。"</p> })
                } else {
                    Either::Right(view! {
                        <ActionForm action=rider>
                            <input type="hidden" name="member_id" value=member_id />
                            <input type="hidden" name="kind" value="rider_addition" />
                            {select("filing-rider", "choice", "ご契約と特約", riders, rider_error)}
                            <FormError error=rider_error />
                            <button type="submit" class="button" disabled=move || rider.pending().get()>"受け付ける"</button>
                        </ActionForm>
                    })
                }}
            </details>
            <details>
                <summary>"コース変更"</summary>
                {if no_courses {
                    Either::Left(view! { <p class="hint">"いまコース変更を受け付けられるご契約はありません(手続き中・保障開始前・脱退済みを含みます)。"</p> })
                } else {
                    Either::Right(view! {
                        <ActionForm action=course>
                            <input type="hidden" name="member_id" value=member_id />
                            <input type="hidden" name="kind" value="course_change" />
                            {select("filing-course", "choice", "ご契約と新しいコース", courses, course_error)}
                            <FormError error=course_error />
                            <button type="submit" class="button" disabled=move || course.pending().get()>"受け付ける"</button>
                        </ActionForm>
                    })
                }}
            </details>
        </section>
    }
}

/// Records the 出資金 payment of a member the core system sent without one:
/// after it, the registration letter can be printed.
#[component]
fn CapitalForm(member_id: i32) -> impl IntoView {
    let record = ServerAction::<StaffRecordCapital>::new();
    let error = action_error(record);
    reload_after(record, "capital");
    view! {
        <details class="capital" open>
            <summary>"出資金の入金を記録する"</summary>
            <ActionForm action=record attr:novalidate=true>
                <input type="hidden" name="member_id" value=member_id />
                <div class="field">
                    <label for="capital_paid_on">"出資金払込日(入金を確認した日)"</label>
                    <input id="capital_paid_on" name="capital_paid_on" type="date" required
                        aria-describedby="capital_paid_on-error" aria-invalid=invalid(error, "capital_paid_on") />
                    <FieldError error field="capital_paid_on" />
                </div>
                <div class="field">
                    <label for="capital_amount">"出資金額(円)"</label>
                    <input id="capital_amount" name="capital_amount" inputmode="numeric" required
                        autocomplete="off" maxlength="12"
                        aria-describedby="capital_amount-error" aria-invalid=invalid(error, "capital_amount") />
                    <FieldError error field="capital_amount" />
                </div>
                <FormError error />
                <button type="submit" class="button" disabled=move || record.pending().get()>
                    "入金を記録する"
                </button>
            </ActionForm>
        </details>
    }
}

/// Where the member stands with My Page (M12–M14), and what staff can do
/// about it: re-open a stopped service, record a withdrawal and the last day.
#[component]
fn Standing(
    member_id: i32,
    stage: Stage,
    /// The recorded withdrawal's dates, for a date field (`2027-03-31`).
    withdrawal_dates: Option<(String, String)>,
    /// The 出資金 payment is recorded: a registration letter may go out.
    capital_paid: bool,
    withdrawn_on: Option<String>,
    suggested_refund: String,
    /// An admin, before the refund date: the withdrawal can be taken back.
    can_cancel_withdrawal: bool,
) -> impl IntoView {
    let reopen = ServerAction::<StaffReopenService>::new();
    let stop = ServerAction::<StaffStopService>::new();
    let stop_error = action_error(stop);
    // Misuse is stopped in a withdrawal's last months too.
    let active = matches!(stage, Stage::Registered | Stage::Withdrawing { .. });
    reload_after(stop, "stopped");
    reload_after(reopen, "reopened");
    let unregistered = stage == Stage::NoAccount;
    let withdraw = ServerAction::<StaffRecordWithdrawal>::new();
    reload_after(withdraw, "withdrawn");
    let reopen_error = action_error(reopen);
    let error = action_error(withdraw);
    let stopped = stage == Stage::Stopped;
    let can_withdraw = withdrawn_on.is_none() && stage != Stage::Ended;
    let correct = ServerAction::<StaffCorrectWithdrawal>::new();
    let correct_error = action_error(correct);
    reload_after(correct, "corrected");
    let take_back = ServerAction::<StaffCancelWithdrawal>::new();
    let take_back_error = action_error(take_back);
    reload_after(take_back, "uncancelled");
    view! {
        <section class="card" aria-labelledby="standing-title">
            <h2 id="standing-title">"マイページの利用状況"</h2>
            <p class="standing">
                <strong>{stage.label()}</strong>
                {withdrawn_on.map(|d| format!("(脱退日 {d})"))}
            </p>
            {(unregistered && !capital_paid).then(|| view! {
                <p class="notice" role="note">
                    "出資金の入金が記録されていないため、登録案内書はまだ作成できません。入金を確認したら、下で記録してください(組合員の取込で払込日が届いたときも記録されます)。"
                </p>
                <CapitalForm member_id />
            })}
            {(unregistered && capital_paid).then(|| view! {
                // A plain form: the answer is the PDF, opened in a new tab.
                <form method="post" action=format!("/staff/members/{member_id}/letter") target="_blank">
                    <p class="hint">
                        "登録コードを発行し、窓あき封筒(長形3号)用の「マイページ登録のご案内」をPDFで開きます。印刷して郵送してください。発行すると、以前の登録コードは使えなくなります。"
                    </p>
                    <button type="submit" class="button">"登録案内書を印刷する(PDF)"</button>
                </form>
            })}
            {active.then(|| view! {
                <details>
                    <summary>"マイページの利用を停止する"</summary>
                    <ActionForm action=stop>
                        <input type="hidden" name="member_id" value=member_id />
                        <p class="hint">
                            "ご本人からのお申し出(お電話・窓口)や不正利用の疑いがあるときに停止します。"
                            "ログイン中の端末はすべてログアウトされ、ログインと組合員証が使えなくなります。ご本人にメールでお知らせします。ご契約やお手続きには影響ありません。"
                        </p>
                        <button type="submit" class="button" disabled=move || stop.pending().get()>
                            "停止する"
                        </button>
                        <FormError error=stop_error />
                    </ActionForm>
                </details>
            })}
            {stopped.then(|| view! {
                <ActionForm action=reopen>
                    <input type="hidden" name="member_id" value=member_id />
                    <button type="submit" class="button" disabled=move || reopen.pending().get()>
                        "マイページの利用を再開する"
                    </button>
                    <FormError error=reopen_error />
                </ActionForm>
            })}
            {can_withdraw.then(|| view! {
                <details class="withdrawal">
                    <summary>"脱退を記録する"</summary>
                    <ActionForm action=withdraw attr:novalidate=true>
                        <input type="hidden" name="member_id" value=member_id />
                        <div class="field">
                            <label for="withdrawn_on">"脱退日"</label>
                            <p class="hint" id="withdrawn_on-hint">"ご契約の保障はこの日までとなり、ご契約内容と掛金払込証明書に反映されます。"</p>
                            <input id="withdrawn_on" name="withdrawn_on" type="date" required
                                aria-describedby="withdrawn_on-hint withdrawn_on-error" aria-invalid=invalid(error, "withdrawn_on") />
                            <FieldError error field="withdrawn_on" />
                        </div>
                        <div class="field">
                            <label for="access_until">"出資金の返還日(マイページの最終利用日)"</label>
                            <p class="hint" id="access_until-hint">"年度末退職の場合は7月末です。この日まで、ご本人はマイページで請求明細などを確認できます。"</p>
                            <input id="access_until" name="access_until" type="date" required value=suggested_refund
                                aria-describedby="access_until-hint access_until-error" aria-invalid=invalid(error, "access_until") />
                            <FieldError error field="access_until" />
                        </div>
                        <FormError error />
                        <button type="submit" class="button" disabled=move || withdraw.pending().get()>
                            "脱退を記録する"
                        </button>
                    </ActionForm>
                </details>
            })}
            {withdrawal_dates.map(|(on, until)| view! {
                <details class="withdrawal">
                    <summary>"脱退の記録を訂正する"</summary>
                    <ActionForm action=correct attr:novalidate=true>
                        <input type="hidden" name="member_id" value=member_id />
                        <p class="hint">"日付を誤って記録したときに使います。訂正すると、ご本人にメールでお知らせし、マイページは新しい返還日までご利用いただけます。"</p>
                        <div class="field">
                            <label for="correct-withdrawn_on">"脱退日"</label>
                            <input id="correct-withdrawn_on" name="withdrawn_on" type="date" required value=on
                                aria-describedby="correct-withdrawn_on-error" aria-invalid=invalid(correct_error, "withdrawn_on") />
                            <p class="field-error" id="correct-withdrawn_on-error">
                                {move || correct_error.get().and_then(|e| e.for_field("withdrawn_on"))}
                            </p>
                        </div>
                        <div class="field">
                            <label for="correct-access_until">"出資金の返還日(マイページの最終利用日)"</label>
                            <input id="correct-access_until" name="access_until" type="date" required value=until
                                aria-describedby="correct-access_until-error" aria-invalid=invalid(correct_error, "access_until") />
                            <p class="field-error" id="correct-access_until-error">
                                {move || correct_error.get().and_then(|e| e.for_field("access_until"))}
                            </p>
                        </div>
                        <FormError error=correct_error />
                        <button type="submit" class="button" disabled=move || correct.pending().get()>
                            "訂正を記録する"
                        </button>
                    </ActionForm>
                </details>
            })}
            {can_cancel_withdrawal.then(|| view! {
                <details class="withdrawal">
                    <summary>"脱退の記録を取り消す(管理者)"</summary>
                    <ActionForm action=take_back>
                        <input type="hidden" name="member_id" value=member_id />
                        <p class="hint">
                            "別の組合員に記録した、脱退届が出ていなかったなど、記録そのものが誤りだったときに使います。"
                            "取り消すと組合員に戻り、ご契約の保障とマイページはそのまま続きます。ご本人にメールでお知らせします。出資金の返還日を過ぎると取り消せません。"
                        </p>
                        <label class="choice" for="take-back-confirm">
                            <input type="checkbox" id="take-back-confirm" required />
                            "記録が誤りであることを確認しました"
                        </label>
                        <FormError error=take_back_error />
                        <button type="submit" class="button button--danger" disabled=move || take_back.pending().get()>
                            "脱退の記録を取り消す"
                        </button>
                    </ActionForm>
                </details>
            })}
        </section>
    }
}
