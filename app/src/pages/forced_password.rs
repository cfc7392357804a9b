//! `/mypage/password`: after logging in with a temporary password (仮パスワード),
//! the only page open until a new password is chosen.

use crate::account::ChangePassword;
use crate::components::{action_error, FormError, NewPasswordFields};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn ForcedPasswordPage() -> impl IntoView {
    let change = ServerAction::<ChangePassword>::new();
    let error = action_error(change);
    // Done: a full page load, so the header and the navigation come back.
    Effect::new(move || {
        if matches!(change.value().get(), Some(Ok(()))) {
            let _ = window().location().set_href("/mypage");
        }
    });
    view! {
        <Title text="新しいパスワードの登録" />
        <h1>"新しいパスワードの登録"</h1>
        <p class="notice" role="status">
            "仮パスワードでログインしています。ほかの画面をご利用になる前に、新しいパスワードを登録してください。"
        </p>
        <section class="card narrow">
            <ActionForm action=change attr:novalidate=true>
                <div class="field">
                    <label for="current_password">"仮パスワード"</label>
                    <input
                        id="current_password"
                        name="current_password"
                        type="password"
                        autocomplete="current-password"
                        required
                        aria-describedby="current_password-error"
                    />
                    <crate::components::FieldError error field="current_password" />
                </div>
                <NewPasswordFields error />
                <FormError error />
                <button type="submit" class="button button--primary" disabled=move || change.pending().get()>
                    "新しいパスワードを登録する"
                </button>
            </ActionForm>
        </section>
    }
}
