//! `/staff/accounts` (S1, admins): staff accounts, a form for a new one, and
//! role, disable/enable and unlock per account.

use crate::components::{action_error, invalid, FieldError, FormError, StaffError};
use crate::domain::password_policy;
use crate::domain::staff::StaffRole;
use crate::staff::{staff_accounts, CreateStaffAccount, StaffRow, UpdateStaffAccount};
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
        <NewAccountForm create />
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
                                            <ActionForm action=update>
                                                <input type="hidden" name="id" value=id />
                                                <input type="hidden" name="change" value=change />
                                                <button type="submit" class="button button--small">{text}</button>
                                            </ActionForm>
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
                    <label for="password">"初期パスワード"</label>
                    <p class="hint" id="password-rules">
                        {password_policy::MIN_LEN} "文字以上。本人に直接伝え、ほかの人に見られないようにしてください。"
                    </p>
                    <input id="password" name="password" type="password" autocomplete="new-password" maxlength="128"
                        aria-describedby="password-rules password-error" aria-invalid=invalid(error, "password") />
                    <FieldError error field="password" />
                </div>
                <div class="field">
                    <label for="password_confirm">"初期パスワード(確認)"</label>
                    <input id="password_confirm" name="password_confirm" type="password" autocomplete="new-password" maxlength="128"
                        aria-describedby="password_confirm-error" aria-invalid=invalid(error, "password_confirm") />
                    <FieldError error field="password_confirm" />
                </div>
                <FormError error />
                <p role="status" class="notice-inline">
                    {move || matches!(create.value().get(), Some(Ok(()))).then_some("職員アカウントを追加しました。")}
                </p>
                <button type="submit" class="button button--primary" disabled=move || create.pending().get()>
                    "追加する"
                </button>
            </ActionForm>
        </section>
    }
}
