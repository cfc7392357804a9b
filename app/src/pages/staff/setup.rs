//! `/staff/setup?token=…` (S1): the mailed link of a new staff account or of
//! an admin's reset; the staff member chooses their own password.

use super::login::StaffPublicHeader;
use crate::components::{action_error, FormError, NewPasswordFields};
use crate::staff::{check_staff_setup, CompleteStaffSetup, StaffSetup};
use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn StaffSetupPage() -> impl IntoView {
    let token = use_query_map()
        .read_untracked()
        .get("token")
        .unwrap_or_default();
    let valid = Resource::new_blocking(
        {
            let token = token.clone();
            move || token.clone()
        },
        check_staff_setup,
    );
    view! {
        <Title text="管理画面のパスワード設定" />
        <StaffPublicHeader />
        <main class="page" id="main">
            <section class="card narrow">
                <h1>"パスワードの設定"</h1>
                <Suspense fallback=|| view! { <p class="loading">"確認しています…"</p> }>
                    {
                        let token = token.clone();
                        move || {
                            let token = token.clone();
                            Suspend::new(async move {
                                match valid.await {
                                    Ok(who) => Either::Left(view! { <SetupForm token who /> }),
                                    Err(e) => Either::Right(view! {
                                        <p class="form-error" role="alert">{e.to_string()}</p>
                                        <p>"管理者に、設定用のURLを送り直すよう依頼してください。"</p>
                                    }),
                                }
                            })
                        }
                    }
                </Suspense>
            </section>
        </main>
    }
}

#[component]
fn SetupForm(token: String, who: StaffSetup) -> impl IntoView {
    let setup = ServerAction::<CompleteStaffSetup>::new();
    let error = action_error(setup);
    view! {
        <p>
            {who.name} "さん(ログインID:" <strong>{who.login_id}</strong> ")の管理画面のパスワードを設定します。"
            "設定後のログインで、スマートフォンの認証アプリによる二段階認証を登録していただきます。"
        </p>
        <ActionForm action=setup attr:novalidate=true>
            <input type="hidden" name="token" value=token />
            <NewPasswordFields error />
            <FormError error />
            <button type="submit" class="button button--primary" disabled=move || setup.pending().get()>
                "パスワードを設定する"
            </button>
        </ActionForm>
    }
}
