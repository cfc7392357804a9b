//! `/staff/password` (S1): a staff member changes their own password with
//! the current one; their other sessions end.

use crate::components::{action_error, invalid, FieldError, FormError, NewPasswordFields};
use crate::staff::ChangeStaffPassword;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn StaffPasswordPage() -> impl IntoView {
    let change = ServerAction::<ChangeStaffPassword>::new();
    let error = action_error(change);
    view! {
        <Title text="パスワードの変更" />
        <h1>"パスワードの変更"</h1>
        <section class="card narrow" aria-labelledby="password-title">
            <h2 id="password-title">"管理画面のパスワード"</h2>
            <ActionForm action=change attr:novalidate=true>
                <div class="field">
                    <label for="current_password">"現在のパスワード"</label>
                    <input
                        id="current_password"
                        name="current_password"
                        type="password"
                        autocomplete="current-password"
                        maxlength="1024"
                        required
                        aria-describedby="current_password-error"
                        aria-invalid=invalid(error, "current_password")
                    />
                    <FieldError error field="current_password" />
                </div>
                <NewPasswordFields error />
                <FormError error />
                <p role="status" class="notice-inline">
                    {move || {
                        matches!(change.value().get(), Some(Ok(())))
                            .then_some("パスワードを変更しました。ほかの端末でのログインは終了しました。")
                    }}
                </p>
                <button type="submit" class="button button--primary" disabled=move || change.pending().get()>
                    "パスワードを変更する"
                </button>
            </ActionForm>
        </section>
    }
}
