//! `/staff/mails` (S6): mails not sent yet (failed, being retried,
//! waiting), newest first, filtered by state through the URL; `?member=`
//! narrows to a member's address (from their record; addresses themselves
//! stay out of URLs). Staff resend a failed mail or cancel one not sent
//! yet. Never a mail's text.

use crate::components::{action_error, successes, FormError, Loaded};
use crate::domain::mail_delivery::DeliveryState;
use crate::mails::{staff_mails, MailList, MailRow, StaffCancelMail, StaffResendMail};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{Form, A};
use leptos_router::hooks::use_query_map;

/// (code, label) of the state filter; the first is the default.
const SHOWN: [(&str, &str); 5] = [
    ("", "未送信(送信失敗・再試行中・送信待ち)"),
    ("failed", "送信失敗"),
    ("retrying", "再試行中"),
    ("cancelled", "取消済み"),
    ("all", "すべて(送信済みを含む)"),
];

#[component]
pub fn StaffMailsPage() -> impl IntoView {
    let query = use_query_map();
    let filter = move || {
        let q = query.read();
        (
            q.get("show").unwrap_or_default(),
            q.get("member").and_then(|m| m.parse::<i32>().ok()),
        )
    };
    let resend = ServerAction::<StaffResendMail>::new();
    let cancel = ServerAction::<StaffCancelMail>::new();
    let changed = successes([resend.value(), cancel.value()]);
    let data = Resource::new_blocking(
        move || (filter(), changed.get()),
        |((show, member), _)| staff_mails(Some(show), member),
    );
    let selected = move || filter().0;
    view! {
        <Title text="メールの送信状況" />
        <h1>"メールの送信状況"</h1>
        <p class="hint">
            "送信できなかったメールと、再試行中のメールです。一時的な失敗は間隔をあけて自動で再試行し、"
            "宛先不明などで届けられないメールや、約5時間試しても送れなかったメールを「送信失敗」にします。"
            "認証コード・リンク・仮パスワードを含むメールは、本文を表示せず、再送もできません。"
        </p>
        <Form method="get" action="/staff/mails" attr:class="filters">
            <div class="field">
                <label for="show">"状態"</label>
                <select id="show" name="show" prop:value=selected>
                    {SHOWN.into_iter().map(|(code, label)| view! {
                        <option value=code selected=move || selected() == code>{label}</option>
                    }).collect_view()}
                </select>
            </div>
            {move || filter().1.map(|member| view! {
                <input type="hidden" name="member" value=member />
            })}
            <button type="submit" class="button">"絞り込む"</button>
        </Form>
        <Loaded resource=data view=move |list: MailList| view! { <Mails list resend cancel /> } />
    }
}

#[component]
fn Mails(
    list: MailList,
    resend: ServerAction<StaffResendMail>,
    cancel: ServerAction<StaffCancelMail>,
) -> impl IntoView {
    let resend_error = action_error(resend);
    let cancel_error = action_error(cancel);
    // What the last action did (the newest success wins).
    let done = RwSignal::new("");
    Effect::new(move || {
        if matches!(resend.value().get(), Some(Ok(()))) {
            done.set("再送を登録しました。まもなく送信します。");
        }
    });
    Effect::new(move || {
        if matches!(cancel.value().get(), Some(Ok(()))) {
            done.set("送信を取り消しました(すでに送信中だった場合は、届くことがあります)。");
        }
    });
    let summary = format!(
        "全体で、送信失敗 {} 件・再試行中 {} 件",
        list.failed, list.retrying
    );
    let narrowed = list.to.map(|to| {
        view! {
            <p>
                "宛先 " <strong>{to}</strong> " のメール "
                <A href="/staff/mails">"(すべての宛先を表示)"</A>
            </p>
        }
    });
    let rows = list.rows;
    view! {
        <p class="hint" role="status">{summary}</p>
        {narrowed}
        <p class="notice-inline" role="status">{move || done.get()}</p>
        <FormError error=resend_error />
        <FormError error=cancel_error />
        {if rows.is_empty() {
            view! { <p class="card">"該当するメールはありません。"</p> }.into_any()
        } else {
            view! {
                <div class="table-wrap">
                    <table class="table" aria-label="メールの一覧">
                        <thead>
                            <tr>
                                <th scope="col">"状態"</th>
                                <th scope="col">"件名"</th>
                                <th scope="col">"宛先"</th>
                                <th scope="col">"登録"</th>
                                <th scope="col">"試行"</th>
                                <th scope="col">"最後のエラー"</th>
                                <th scope="col">"操作"</th>
                            </tr>
                        </thead>
                        <tbody>
                            {rows.into_iter().map(|r| view! { <Row r resend cancel /> }).collect_view()}
                        </tbody>
                    </table>
                </div>
            }.into_any()
        }}
    }
}

#[component]
fn Row(
    r: MailRow,
    resend: ServerAction<StaffResendMail>,
    cancel: ServerAction<StaffCancelMail>,
) -> impl IntoView {
    let status_class = match r.state {
        DeliveryState::Failed => "status status--declined",
        DeliveryState::Cancelled => "status status--cancelled",
        _ => "status",
    };
    let when = match (r.ended_at, r.next_try) {
        (Some(at), _) => Some(match r.state {
            DeliveryState::Sent => format!("{at} 送信"),
            DeliveryState::Cancelled => format!("{at} 取り消し"),
            _ => format!("{at} 断念"),
        }),
        (None, Some(next)) => Some(format!("次の試行 {next}")),
        (None, None) => None,
    };
    let id = r.id;
    view! {
        <tr>
            <td>
                <span class=status_class>{r.state.label()}</span>
                {when.map(|w| view! { <br /><small>{w}</small> })}
            </td>
            <td>
                {r.subject}
                {r.sensitive.then(|| view! { <br /><small>"(認証コード・リンク等を含む)"</small> })}
            </td>
            <td>
                {r.to}
                {r.member.map(|(member_id, shown)| view! {
                    <br /><A href=format!("/staff/members/{member_id}")>{shown}</A>
                })}
            </td>
            <td>{r.queued_at}</td>
            <td>{r.attempts} "回"</td>
            <td><code class="mail-error">{r.last_error.unwrap_or_else(|| "—".to_owned())}</code></td>
            <td>
                {r.can_resend.then(|| view! {
                    <ActionForm action=resend>
                        <input type="hidden" name="id" value=id />
                        <button type="submit" class="button button--small">"再送する"</button>
                    </ActionForm>
                })}
                {r.can_cancel.then(|| view! {
                    <ActionForm action=cancel>
                        <input type="hidden" name="id" value=id />
                        <button type="submit" class="button button--small">"取り消す"</button>
                    </ActionForm>
                })}
            </td>
        </tr>
    }
}
