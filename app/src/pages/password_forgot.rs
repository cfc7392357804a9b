//! `/password/forgot` (M3): asks for the user ID or email and mails a reset link.

use crate::auth::RequestPasswordReset;
use crate::components::{action_error, FormError, IdentifierField, PublicLayout};
use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn PasswordForgotPage() -> impl IntoView {
    let request = ServerAction::<RequestPasswordReset>::new();
    let error = action_error(request);
    let done = move || matches!(request.value().get(), Some(Ok(())));
    view! {
        <Title text="パスワードを忘れた方" />
        <PublicLayout>
            <section class="card narrow">
                <h1>"パスワードを忘れた方"</h1>
                {move || {
                    if done() {
                        Either::Left(view! {
                            <div class="notice" role="status">
                                <p>"パスワード再設定のご案内を、ご登録のメールアドレスにお送りしました。"</p>
                                <p>"メールに記載のURLから、30分以内に新しいパスワードを登録してください。"</p>
                                <p class="hint">
                                    "入力された内容に該当するご登録がない場合、メールは届きません。"
                                    "数分たっても届かない場合は、迷惑メールフォルダや受信設定をご確認ください。"
                                </p>
                            </div>
                            <p><a href="/">"ログイン画面に戻る"</a></p>
                        })
                    } else {
                        Either::Right(view! {
                            <p>
                                "ユーザーIDまたはご登録のメールアドレスを入力してください。"
                                "ご登録のメールアドレスに、パスワードを再設定するためのURLをお送りします。"
                            </p>
                            <ActionForm action=request attr:novalidate=true>
                                <IdentifierField error />
                                <FormError error />
                                <button type="submit" class="button button--primary" disabled=move || request.pending().get()>
                                    "再設定のメールを送る"
                                </button>
                            </ActionForm>
                            <p class="hint">"パスワードはお電話ではお答えできません。"</p>
                            <ul class="help-links">
                                <li><a href="/forgot-id">"メールアドレス・ユーザーIDをお忘れの方"</a></li>
                                <li><a href="/">"ログイン画面に戻る"</a></li>
                            </ul>
                        })
                    }
                }}
            </section>
        </PublicLayout>
    }
}
