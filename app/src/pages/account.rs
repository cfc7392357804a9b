//! `/mypage/account`: change password, user ID and email (M5, M15).

use crate::account::{
    pending_email_change, CancelEmailChange, ChangePassword, ChangeUserId, ConfirmEmailChange,
    PendingEmail, RequestEmailChange,
};
use crate::components::{
    action_error, invalid, CodeField, FieldError, FormError, Loaded, NewPasswordFields,
};
use crate::domain::user_id;
use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn AccountPage() -> impl IntoView {
    // A mail change waiting for its code (the tab was closed or reloaded).
    let pending = Resource::new_blocking(|| (), |_| pending_email_change());
    view! {
        <Title text="ログイン情報の変更" />
        <h1>"ログイン情報の変更"</h1>
        <p class="hint">"変更が終わると、ご登録のメールアドレスにお知らせをお送りします。"</p>
        <PasswordCard />
        <UserIdCard />
        <Loaded resource=pending view=|pending| view! { <EmailCard pending /> } />
        <StopServiceCard />
    }
}

/// M13: stopping My Page, in two steps, with the consequences told first.
#[component]
fn StopServiceCard() -> impl IntoView {
    let stop = ServerAction::<crate::account::StopService>::new();
    let error = action_error(stop);
    let asked = RwSignal::new(false);
    view! {
        <section class="card" aria-labelledby="stop-title">
            <h2 id="stop-title">"マイページの利用停止"</h2>
            <p>
                "マイページを使わなくなる場合は、ご利用を停止できます。停止すると、ログインと組合員証がご利用いただけなくなります。"
                "ご契約やお手続きには影響ありません。再開をご希望の場合は、当組合までお電話でご連絡ください。"
                "スマートフォンのホーム画面に組合員証を追加している場合は、停止後に削除してください。"
            </p>
            <Show
                when=move || asked.get()
                fallback=move || view! {
                    <button type="button" class="button" on:click=move |_| asked.set(true)>
                        "利用停止の手続きへ"
                    </button>
                }
            >
                <ActionForm action=stop attr:novalidate=true>
                    <p class="notice">
                        "本当にマイページのご利用を停止しますか。確認のため、現在のパスワードを入力してください。"
                    </p>
                    <CurrentPassword error id="stop_current_password" />
                    <FormError error />
                    <div class="actions">
                        <button type="submit" class="button button--danger" disabled=move || stop.pending().get()>
                            "利用を停止する"
                        </button>
                        <button type="button" class="button" on:click=move |_| asked.set(false)>
                            "やめる"
                        </button>
                    </div>
                </ActionForm>
            </Show>
        </section>
    }
}

/// The current-password field every change asks for.
#[component]
fn CurrentPassword(error: crate::components::ErrorSignal, id: &'static str) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id>"現在のパスワード"</label>
            <input
                id=id
                name="current_password"
                type="password"
                autocomplete="current-password"
                required
                aria-describedby="current_password-error"
                aria-invalid=invalid(error, "current_password")
            />
            <FieldError error field="current_password" />
        </div>
    }
}

/// Also used alone on the page a temporary password leads to.
#[component]
pub fn PasswordCard() -> impl IntoView {
    let change = ServerAction::<ChangePassword>::new();
    let error = action_error(change);
    view! {
        <section class="card" aria-labelledby="password-title">
            <h2 id="password-title">"パスワードの変更"</h2>
            <ActionForm action=change attr:novalidate=true>
                <CurrentPassword error id="current_password" />
                <NewPasswordFields error />
                <FormError error />
                <p role="status" class="notice-inline">
                    {move || matches!(change.value().get(), Some(Ok(()))).then_some(
                        "パスワードを変更しました。ほかの端末でのログインは終了しました。",
                    )}
                </p>
                <button type="submit" class="button button--primary" disabled=move || change.pending().get()>
                    "パスワードを変更する"
                </button>
            </ActionForm>
        </section>
    }
}

#[component]
fn UserIdCard() -> impl IntoView {
    let change = ServerAction::<ChangeUserId>::new();
    let error = action_error(change);
    view! {
        <section class="card" aria-labelledby="user-id-title">
            <h2 id="user-id-title">"ユーザーIDの変更"</h2>
            <ActionForm action=change attr:novalidate=true>
                <div class="field">
                    <label for="user_id">"新しいユーザーID"</label>
                    <p class="hint" id="user_id-rules">
                        "半角英数字と記号(. _ -)で" {user_id::MIN_LEN} "〜" {user_id::MAX_LEN}
                        "文字。大文字と小文字は区別しません。"
                    </p>
                    <input
                        id="user_id"
                        name="user_id"
                        autocomplete="username"
                        maxlength=user_id::MAX_LEN.to_string()
                        required
                        aria-describedby="user_id-rules user_id-error"
                        aria-invalid=invalid(error, "user_id")
                    />
                    <FieldError error field="user_id" />
                </div>
                <CurrentPassword error id="current_password_uid" />
                <FormError error />
                <p role="status" class="notice-inline">
                    {move || match change.value().get() {
                        Some(Ok(id)) => format!("ユーザーIDを「{id}」に変更しました。"),
                        _ => String::new(),
                    }}
                </p>
                <button type="submit" class="button button--primary" disabled=move || change.pending().get()>
                    "ユーザーIDを変更する"
                </button>
            </ActionForm>
        </section>
    }
}

/// `pending`: a code sent earlier (before a reload) and still usable.
#[component]
fn EmailCard(pending: Option<PendingEmail>) -> impl IntoView {
    let request = ServerAction::<RequestEmailChange>::new();
    let confirm = ServerAction::<ConfirmEmailChange>::new();
    let cancel = ServerAction::<CancelEmailChange>::new();
    let request_error = action_error(request);
    let confirm_error = action_error(confirm);
    let earlier = RwSignal::new(pending);
    // The address and how long the code works: just sent, or sent earlier.
    let sent_to = move || {
        let fresh = request.value().get().and_then(Result::ok);
        match (fresh, earlier.get()) {
            (Some(email), _) => Some((email, "10分以内に入力してください。".to_owned())),
            (None, Some(p)) => Some((p.email, format!("{}まで有効です。", p.until))),
            (None, None) => None,
        }
    };
    // Another address instead: the waiting code is dropped on the server
    // (a plain form before hydration: the page comes back without it).
    Effect::new(move |_| {
        if let Some(Ok(())) = cancel.value().get() {
            earlier.set(None);
            request.value().set(None);
        }
    });
    let done = move || confirm.value().get().and_then(Result::ok);
    view! {
        <section class="card" aria-labelledby="email-title">
            <h2 id="email-title">"メールアドレスの変更"</h2>
            {move || match (done(), sent_to()) {
                (Some(email), _) => Either::Left(view! {
                    <p role="status" class="notice-inline">
                        "メールアドレスを「" {email} "」に変更しました。"
                    </p>
                }.into_any()),
                (None, Some((email, until))) => Either::Left(view! {
                    <p>
                        "「" {email} "」に認証コードをお送りしました。" {until}
                    </p>
                    <ActionForm action=confirm attr:novalidate=true>
                        <CodeField error=confirm_error />
                        <FormError error=confirm_error />
                        <button type="submit" class="button button--primary" disabled=move || confirm.pending().get()>
                            "メールアドレスを変更する"
                        </button>
                    </ActionForm>
                    <ActionForm action=cancel>
                        <button type="submit" class="button" disabled=move || cancel.pending().get()>
                            "別のメールアドレスにする"
                        </button>
                    </ActionForm>
                }.into_any()),
                (None, None) => Either::Right(view! {
                    <ActionForm action=request attr:novalidate=true>
                        <div class="field">
                            <label for="email">"新しいメールアドレス"</label>
                            <input
                                id="email"
                                name="email"
                                type="email"
                                autocomplete="email"
                                maxlength="254"
                                required
                                aria-describedby="email-error"
                                aria-invalid=invalid(request_error, "email")
                            />
                            <FieldError error=request_error field="email" />
                        </div>
                        <CurrentPassword error=request_error id="current_password_email" />
                        <FormError error=request_error />
                        <button type="submit" class="button button--primary" disabled=move || request.pending().get()>
                            "認証コードを送る"
                        </button>
                    </ActionForm>
                }),
            }}
        </section>
    }
}
