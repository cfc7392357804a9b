//! `/staff/accounts` (S1, admins): staff accounts, a form for a new one (the
//! colleague gets a setup link by mail), role, disable/enable, unlock and
//! reset (a new link; the second factor is enrolled again) per account, and
//! the staff login log.

use crate::components::{action_error, invalid, FieldError, FormError, StaffError};
use crate::domain::staff::StaffRole;
use crate::staff::{
    staff_accounts, staff_login_history, CreateStaffAccount, StaffLoginRow, StaffRow,
    UpdateStaffAccount,
};
use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn StaffAccountsPage() -> impl IntoView {
    let create = ServerAction::<CreateStaffAccount>::new();
    let update = ServerAction::<UpdateStaffAccount>::new();
    let list = Resource::new_blocking(
        move || (create.version().get(), update.version().get()),
        |_| staff_accounts(),
    );
    let update_error = action_error(update);
    let logins = Resource::new_blocking(|| (), |_| staff_login_history());
    view! {
        <Title text="職員アカウント" />
        <h1>"職員アカウント"</h1>
        <FormError error=update_error />
        <Suspense fallback=|| view! { <p class="loading">"読み込み中です…"</p> }>
            {move || Suspend::new(async move {
                match list.await {
                    Ok(rows) => Either::Left(view! { <AccountTable rows update /> }),
                    Err(error) => Either::Right(view! { <StaffError error /> }),
                }
            })}
        </Suspense>
        <p role="status" class="notice-inline">
            {move || matches!(update.value().get(), Some(Ok(()))).then_some("変更しました。")}
        </p>
        <NewAccountForm create />
        <section aria-labelledby="logins-title">
            <h2 id="logins-title">"職員のログイン履歴"</h2>
            <Suspense fallback=|| view! { <p class="loading">"読み込み中です…"</p> }>
                {move || Suspend::new(async move {
                    match logins.await {
                        Ok(rows) => Some(Either::Left(view! { <LoginTable rows /> })),
                        // Already told once, above.
                        Err(crate::error::AppError::Forbidden) => None,
                        Err(error) => Some(Either::Right(view! { <StaffError error /> })),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn LoginTable(rows: Vec<StaffLoginRow>) -> impl IntoView {
    view! {
        <p class="hint">"新しい順に最大100件。失敗・ロック中の試行も記録しています。"</p>
        <div class="table-wrap">
            <table class="table">
                <thead><tr>
                    <th scope="col">"日時"</th>
                    <th scope="col">"ログインID"</th>
                    <th scope="col">"氏名"</th>
                    <th scope="col">"結果"</th>
                    <th scope="col">"ブラウザ"</th>
                    <th scope="col">"IPアドレス"</th>
                </tr></thead>
                <tbody>
                    {rows.into_iter().map(|r| view! {
                        <tr>
                            <td>{r.at}</td>
                            <td>{r.login_id}</td>
                            <td>{r.name.unwrap_or_else(|| "(該当なし)".to_owned())}</td>
                            <td>
                                <span class=if r.ok { "result result--ok" } else { "result result--ng" }>
                                    {r.result}
                                </span>
                            </td>
                            <td>{r.browser}</td>
                            <td>{r.ip}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn AccountTable(rows: Vec<StaffRow>, update: ServerAction<UpdateStaffAccount>) -> impl IntoView {
    view! {
        <div class="table-wrap">
            <table class="table">
                <thead><tr>
                    <th scope="col">"ログインID"</th>
                    <th scope="col">"氏名"</th>
                    <th scope="col">"権限"</th>
                    <th scope="col">"状態"</th>
                    <th scope="col">"最終ログイン"</th>
                    <th scope="col">"操作"</th>
                </tr></thead>
                <tbody>
                    {rows.into_iter().map(|r| {
                        let state = match (r.active, r.locked) {
                            (false, _) => "停止中",
                            (true, true) => "ロック中",
                            (true, false) => "利用中",
                        };
                        let mut changes = Vec::new();
                        if !r.is_me {
                            changes.push(match r.role {
                                StaffRole::Admin => ("make_operator", "担当者にする"),
                                StaffRole::Operator => ("make_admin", "管理者にする"),
                            });
                            changes.push(if r.active { ("disable", "停止する") } else { ("enable", "再開する") });
                        }
                        if r.locked {
                            changes.push(("unlock", "ロックを解除する"));
                        }
                        if !r.is_me && r.active {
                            changes.push(("reset", "パスワードと二段階認証をリセット"));
                        }
                        let id = r.id;
                        let label = format!("{}の操作", r.login_id);
                        view! {
                            <tr>
                                <td>{r.login_id}</td>
                                <td>{r.name} {r.is_me.then_some("(あなた)")}</td>
                                <td>{r.role.label()}</td>
                                <td>{state}</td>
                                <td>{r.last_login.unwrap_or_else(|| "—".to_owned())}</td>
                                <td>
                                    <div class="actions" role="group" aria-label=label>
                                        {changes.into_iter().map(|(change, text)| view! {
                                            <ChangeButton update id change text />
                                        }).collect_view()}
                                    </div>
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// One change of a colleague's account. Stopping them and resetting their
/// password and second factor log them out everywhere: those ask first.
#[component]
fn ChangeButton(
    update: ServerAction<UpdateStaffAccount>,
    id: i32,
    change: &'static str,
    text: &'static str,
) -> impl IntoView {
    let question = match change {
        "disable" => Some(
            "停止すると、この職員はログインできなくなり、ログイン中の端末もすべてログアウトされます。",
        ),
        "reset" => Some(
            "パスワードと二段階認証を消し、設定用URLをメールでお送りします。ログイン中の端末はすべてログアウトされます。",
        ),
        _ => None,
    };
    let asked = RwSignal::new(question.is_none());
    view! {
        <Show
            when=move || asked.get()
            fallback=move || view! {
                <button type="button" class="button button--small" on:click=move |_| asked.set(true)>
                    {text}
                </button>
            }
        >
            <ActionForm action=update>
                <input type="hidden" name="id" value=id />
                <input type="hidden" name="change" value=change />
                {question.map(|q| view! { <p class="notice">{q}</p> })}
                <div class="actions">
                    <button type="submit" class=if question.is_some() { "button button--small button--danger" } else { "button button--small" }>
                        {if question.is_some() { format!("{text}(確定)") } else { text.to_owned() }}
                    </button>
                    {question.map(|_| view! {
                        <button type="button" class="button button--small" on:click=move |_| asked.set(false)>
                            "やめる"
                        </button>
                    })}
                </div>
            </ActionForm>
        </Show>
    }
}

#[component]
fn NewAccountForm(create: ServerAction<CreateStaffAccount>) -> impl IntoView {
    let error = action_error(create);
    view! {
        <section class="card" aria-labelledby="new-staff-title">
            <h2 id="new-staff-title">"職員アカウントの追加"</h2>
            <ActionForm action=create attr:novalidate=true>
                <div class="field">
                    <label for="login_id">"ログインID"</label>
                    <p class="hint" id="login_id-rules">"半角英数字と記号(. _ -)で3〜32文字"</p>
                    <input id="login_id" name="login_id" maxlength="32" required autocomplete="off"
                        aria-describedby="login_id-rules login_id-error" aria-invalid=invalid(error, "login_id") />
                    <FieldError error field="login_id" />
                </div>
                <div class="field">
                    <label for="name">"氏名"</label>
                    <input id="name" name="name" maxlength="60" required autocomplete="off"
                        aria-describedby="name-error" aria-invalid=invalid(error, "name") />
                    <FieldError error field="name" />
                </div>
                <fieldset class="field">
                    <legend>"権限"</legend>
                    {StaffRole::ALL.into_iter().map(|role| {
                        let id = format!("role-{}", role.code());
                        view! {
                            <label class="choice choice--inline" for=id.clone()>
                                <input type="radio" name="role" id=id.clone() value=role.code()
                                    checked=role == StaffRole::Operator />
                                {role.label()}
                            </label>
                        }
                    }).collect_view()}
                    <FieldError error field="role" />
                </fieldset>
                <div class="field">
                    <label for="email">"メールアドレス"</label>
                    <p class="hint" id="email-rules">
                        "パスワードを設定するためのURLを、このアドレスにお送りします。管理者がパスワードを決めたり伝えたりすることはありません。"
                    </p>
                    <input id="email" name="email" type="email" maxlength="254" required autocomplete="off"
                        aria-describedby="email-rules email-error" aria-invalid=invalid(error, "email") />
                    <FieldError error field="email" />
                </div>
                <FormError error />
                <p role="status" class="notice-inline">
                    {move || matches!(create.value().get(), Some(Ok(()))).then_some("職員アカウントを追加し、パスワード設定用のURLをメールで送りました。")}
                </p>
                <button type="submit" class="button button--primary" disabled=move || create.pending().get()>
                    "追加する"
                </button>
            </ActionForm>
        </section>
    }
}
