//! `/password/reset?token=…` (M3): the mailed link; sets a new password.

use crate::auth::{check_reset_link, ResetPassword};
use crate::components::{action_error, FormError, NewPasswordFields, PublicLayout};
use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn PasswordResetPage() -> impl IntoView {
    let token = use_query_map()
        .read_untracked()
        .get("token")
        .unwrap_or_default();
    let valid = Resource::new_blocking(
        {
            let token = token.clone();
            move || token.clone()
        },
        check_reset_link,
    );
    view! {
        <Title text="パスワードの再設定" />
        <PublicLayout>
            <section class="card narrow">
                <h1>"パスワードの再設定"</h1>
                <Suspense fallback=|| view! { <p class="loading">"確認しています…"</p> }>
                    {
                        let token = token.clone();
                        move || {
                            let token = token.clone();
                            Suspend::new(async move {
                                match valid.await {
                                    Ok(()) => Either::Left(view! { <ResetForm token /> }),
                                    Err(e) => Either::Right(view! {
                                        <p class="form-error" role="alert">{e.to_string()}</p>
                                        <p><a href="/password/forgot">"パスワード再設定をやり直す"</a></p>
                                    }),
                                }
                            })
                        }
                    }
                </Suspense>
            </section>
        </PublicLayout>
    }
}

#[component]
fn ResetForm(token: String) -> impl IntoView {
    let reset = ServerAction::<ResetPassword>::new();
    let error = action_error(reset);
    view! {
        <p>"新しいパスワードを入力してください。登録すると、ほかの端末でのログインはすべて終了します。"</p>
        <ActionForm action=reset attr:novalidate=true>
            <input type="hidden" name="token" value=token />
            <NewPasswordFields error />
            <FormError error />
            <button type="submit" class="button button--primary" disabled=move || reset.pending().get()>
                "パスワードを登録する"
            </button>
        </ActionForm>
    }
}
