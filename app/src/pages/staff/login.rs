//! `/staff/login`: staff log in with their login ID and password.

use crate::components::{action_error, invalid, FieldError, FormError};
use crate::staff::StaffLogin;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn StaffLoginPage() -> impl IntoView {
    let login = ServerAction::<StaffLogin>::new();
    let error = action_error(login);
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();
    let notice = move || {
        let q = query.read();
        if q.get("reason").as_deref() == Some("timeout") {
            Some("一定時間操作がなかったため、ログアウトしました。もう一度ログインしてください。")
        } else if q.get("setup").is_some() {
            Some("パスワードを登録しました。ログインしてください。続けて二段階認証の登録をお願いします。")
        } else if q.get("logged_out").is_some() {
            Some("ログアウトしました。")
        } else {
            None
        }
    };
    view! {
        <Title text="職員ログイン" />
        <StaffPublicHeader />
        <main class="page" id="main">
            <h1>"職員ログイン"</h1>
            {move || notice().map(|n| view! { <p class="notice" role="status">{n}</p> })}
            <section class="card login" aria-labelledby="login-title">
                <h2 id="login-title">"ログイン"</h2>
                <ActionForm action=login attr:novalidate=true>
                    <input type="hidden" name="next" value=next />
                    <div class="field">
                        <label for="login_id">"ログインID"</label>
                        <input
                            id="login_id"
                            name="login_id"
                            autocomplete="username"
                            maxlength="32"
                            required
                            aria-describedby="login_id-error"
                            aria-invalid=invalid(error, "login_id")
                        />
                        <FieldError error field="login_id" />
                    </div>
                    <div class="field">
                        <label for="password">"パスワード"</label>
                        <input
                            id="password"
                            name="password"
                            type="password"
                            autocomplete="current-password"
                            maxlength="1024"
                            required
                            aria-describedby="password-error"
                            aria-invalid=invalid(error, "password")
                        />
                        <FieldError error field="password" />
                    </div>
                    <FormError error />
                    <button type="submit" class="button button--primary" disabled=move || login.pending().get()>
                        "ログイン"
                    </button>
                </ActionForm>
                <p class="hint">"パスワードを忘れた場合やロックされた場合は、管理者に連絡してください。"</p>
            </section>
        </main>
    }
}

/// The back office's header on pages before a full login.
#[component]
pub fn StaffPublicHeader() -> impl IntoView {
    view! {
        <header class="site-header site-header--staff">
            <div class="site-header__inner">
                <span class="brand">
                    <span class="brand__coop">"組合員マイページ"</span>
                    <span class="brand__product">"管理画面"</span>
                </span>
            </div>
        </header>
    }
}
