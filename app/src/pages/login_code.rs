//! `/login/code` (M15 認証コード): a login from a browser not seen before for
//! this member is finished with the code mailed to their registered address.

use crate::auth::{login_code_mark, VerifyLoginCode};
use crate::components::{action_error, CodeField, FormError, PublicLayout};
use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn LoginCodePage() -> impl IntoView {
    let mark = Resource::new_blocking(|| (), |_| login_code_mark());
    view! {
        <Title text="認証コードの入力" />
        <PublicLayout>
            <section class="card narrow">
                <h1>"認証コードの入力"</h1>
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        match mark.await {
                            Ok(mark) => Either::Left(view! { <CodeForm mark /> }),
                            Err(e) => Either::Right(view! {
                                <p class="form-error" role="alert">{e.to_string()}</p>
                                <p><a href="/">"ログイン画面へ"</a></p>
                            }),
                        }
                    })}
                </Suspense>
            </section>
        </PublicLayout>
    }
}

#[component]
fn CodeForm(mark: String) -> impl IntoView {
    let verify = ServerAction::<VerifyLoginCode>::new();
    let error = action_error(verify);
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();
    view! {
        <p>
            "はじめてお使いの端末からのログインのため、ご登録のメールアドレスに認証コード(6桁)をお送りしました。"
            "10分以内に入力してください。"
        </p>
        <p class="mark">
            "照合記号:" <strong>{mark}</strong>
            <span class="hint">"(メールに書かれた照合記号と同じであることをご確認ください)"</span>
        </p>
        <ActionForm action=verify attr:novalidate=true>
            <input type="hidden" name="next" value=next />
            <CodeField error />
            <FormError error />
            <button type="submit" class="button button--primary" disabled=move || verify.pending().get()>
                "ログイン"
            </button>
        </ActionForm>
        <p class="hint">
            "この端末は次回から認証コードなしでログインできます。メールが届かない場合は、"
            <a href="/">"ログイン"</a> "からやり直してください。"
        </p>
    }
}
