//! `/`: the public top page with the login form (M1), and the messages for
//! a timed-out session (M2) and a finished logout.

use crate::auth::Login;
use crate::components::{
    action_error, invalid, FieldError, FormError, IdentifierField, PublicLayout,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn TopPage() -> impl IntoView {
    let query = use_query_map();
    let notice = move || {
        let q = query.read();
        if q.get("reason").as_deref() == Some("timeout") {
            Some("一定時間操作がなかったため、ログアウトしました。お手数ですが、再度ログインしてください。")
        } else if q.get("password_reset").is_some() {
            Some("パスワードを再設定しました。新しいパスワードでログインしてください。")
        } else if q.get("password_changed").is_some() {
            Some("パスワードを変更しました。新しいパスワードでログインしてください。")
        } else if q.get("registered").is_some() {
            Some("マイページの登録が完了しました。登録したユーザーID(またはメールアドレス)とパスワードでログインしてください。")
        } else if q.get("stopped").is_some() {
            Some("マイページのご利用を停止しました。確認のメールをお送りしています。再開をご希望の場合は、当組合までお電話でご連絡ください。")
        } else if q.get("logged_out").is_some() {
            Some("ログアウトしました。ご利用ありがとうございました。")
        } else if q.get("next").is_some() {
            Some("この画面をご覧になるには、ログインしてください。")
        } else {
            None
        }
    };
    view! {
        <Title text="ログイン" />
        <PublicLayout>
            <section class="hero">
                <h1>"組合員マイページ"</h1>
                <p>"ご登録内容やご契約内容の確認、各種お手続きが24時間ご利用いただけます(システムメンテナンスの時間を除きます)。"</p>
            </section>
            {move || notice().map(|n| view! { <p class="notice" role="status">{n}</p> })}
            <crate::pages::MaintenanceBanner />
            <crate::pages::PublicNotices />
            <LoginForm />
            <section class="card">
                <h2>"ご利用にあたって"</h2>
                <ul class="plain-list">
                    <li>"ご利用の手数料はかかりません(通信費はご負担ください)。"</li>
                    <li>"共用のパソコンや、セキュリティのかかっていない公衆無線LANでのご利用はお控えください。"</li>
                    <li>"ご利用後は、画面上部の「ログアウト」から終了してください。"</li>
                    <li>
                        {format!(
                            "パスワードを{}回続けて間違えると、安全のため{}分間ログインできなくなります。その場合はご登録のメールアドレスにお知らせします。",
                            crate::domain::policy::LOCKOUT_FAILURES,
                            crate::domain::policy::LOCKOUT_MINUTES,
                        )}
                    </li>
                </ul>
                <p><a href="/faq">"よくある質問を見る"</a></p>
                <p><a href="/forms">"加入申込書・脱退届(用紙のダウンロード)"</a></p>
            </section>
        </PublicLayout>
    }
}

#[component]
fn LoginForm() -> impl IntoView {
    let login = ServerAction::<Login>::new();
    let error = action_error(login);
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();
    view! {
        <section class="card login" aria-labelledby="login-title">
            <h2 id="login-title">"ログイン"</h2>
            <ActionForm action=login attr:novalidate=true>
                <input type="hidden" name="next" value=next />
                <IdentifierField error />
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
                    {move || if login.pending().get() { "ログインしています…" } else { "ログイン" }}
                </button>
            </ActionForm>
            <ul class="help-links">
                <li><a href="/password/forgot">"パスワードを忘れた方はこちら"</a></li>
                <li><a href="/forgot-id">"メールアドレス・ユーザーIDをお忘れの方"</a></li>
                <li><a href="/register">"はじめての方(マイページ登録)"</a></li>
            </ul>
        </section>
    }
}
