//! `/register` (M12): マイページ登録 with the letter staff sent. Three steps
//! on one page, each decided by the server: the letter's code and the birth
//! date; a user ID, the email address and a password; the code mailed to
//! that address.

use crate::components::{
    action_error, invalid, CodeField, FieldError, FormError, NewPasswordFields, PublicLayout,
};
use crate::registration::{
    load_registration, BackToRegistrationAccount, ConfirmRegistration, RegistrationState,
    RegistrationStep, StartRegistration, SubmitRegistrationAccount,
};
use leptos::either::EitherOf3;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn RegisterPage() -> impl IntoView {
    let start = ServerAction::<StartRegistration>::new();
    let account = ServerAction::<SubmitRegistrationAccount>::new();
    let back = ServerAction::<BackToRegistrationAccount>::new();
    // Each step's answer moves the page to the next (the server decides).
    let state = Resource::new_blocking(
        move || {
            (
                start.version().get(),
                account.version().get(),
                back.version().get(),
            )
        },
        |_| load_registration(),
    );
    view! {
        <Title text="マイページ登録" />
        <PublicLayout>
            <section class="card narrow">
                <h1>"マイページ登録"</h1>
                <Suspense fallback=|| view! { <p class="loading">"読み込み中です…"</p> }>
                    {move || Suspend::new(async move {
                        match state.await {
                            Ok(s) if s.step == RegistrationStep::Email => {
                                EitherOf3::C(view! { <EmailStep s back /> })
                            }
                            Ok(s) => EitherOf3::B(view! { <AccountStep s account /> }),
                            Err(_) => EitherOf3::A(view! { <StartStep start /> }),
                        }
                    })}
                </Suspense>
            </section>
        </PublicLayout>
    }
}

#[component]
fn StartStep(start: ServerAction<StartRegistration>) -> impl IntoView {
    let error = action_error(start);
    view! {
        <p>
            "当組合からお届けした「マイページ登録のご案内」をお手元にご用意ください。"
            "ご案内に記載の組合員番号と登録コード、生年月日を入力してください。"
        </p>
        <ActionForm action=start attr:novalidate=true>
            <div class="field">
                <label for="member_number">"組合員番号"</label>
                <input id="member_number" name="member_number" inputmode="numeric" maxlength="12" required
                    autocomplete="off" placeholder="0123-45678" />
            </div>
            <div class="field">
                <label for="code">"登録コード"</label>
                <input id="code" name="code" maxlength="20" required autocomplete="off"
                    autocapitalize="characters" placeholder="ABCD-EFGH-JKMN" />
            </div>
            <div class="field">
                <label for="birth_date">"生年月日"</label>
                <input id="birth_date" name="birth_date" type="date" required autocomplete="bday" />
            </div>
            <FormError error />
            <button type="submit" class="button button--primary" disabled=move || start.pending().get()>
                "次へ"
            </button>
        </ActionForm>
        <p class="hint">
            "登録コードの有効期限が切れた場合や、ご案内をなくした場合は、当組合までお電話でご連絡ください。新しいご案内をお送りします。"
        </p>
        <p><a href="/">"ログイン画面に戻る"</a></p>
    }
}

#[component]
fn AccountStep(
    s: RegistrationState,
    account: ServerAction<SubmitRegistrationAccount>,
) -> impl IntoView {
    let error = action_error(account);
    view! {
        <p>{s.name} "様(組合員番号 " {s.member_number} ")のマイページを登録します。"</p>
        <ActionForm action=account attr:novalidate=true>
            <div class="field">
                <label for="user_id">"ユーザーID"</label>
                <p class="hint" id="user_id-rules">"半角英数字と記号(. _ -)で6〜32文字。大文字と小文字は区別しません。"</p>
                <input id="user_id" name="user_id" maxlength="32" required autocomplete="username"
                    value=s.user_id aria-describedby="user_id-rules user_id-error" aria-invalid=invalid(error, "user_id") />
                <FieldError error field="user_id" />
            </div>
            <div class="field">
                <label for="email">"メールアドレス"</label>
                <p class="hint" id="email-rules">"認証コードをお送りします。お知らせもこのアドレスに届きます。"</p>
                <input id="email" name="email" type="email" maxlength="254" required autocomplete="email"
                    value=s.email aria-describedby="email-rules email-error" aria-invalid=invalid(error, "email") />
                <FieldError error field="email" />
            </div>
            <NewPasswordFields error />
            <FormError error />
            <button type="submit" class="button button--primary" disabled=move || account.pending().get()>
                "認証コードを送る"
            </button>
        </ActionForm>
    }
}

#[component]
fn EmailStep(s: RegistrationState, back: ServerAction<BackToRegistrationAccount>) -> impl IntoView {
    let confirm = ServerAction::<ConfirmRegistration>::new();
    let error = action_error(confirm);
    let back_error = action_error(back);
    let until = s
        .code_until
        .map(|t| format!("認証コードは{t}まで有効です。"));
    view! {
        <p role="status">
            "「" {s.email.unwrap_or_default()} "」に認証コードをお送りしました。メールに記載の6桁の認証コードを入力してください。"
            {until}
        </p>
        <ActionForm action=confirm attr:novalidate=true>
            <CodeField error />
            <FormError error />
            <button type="submit" class="button button--primary" disabled=move || confirm.pending().get()>
                "登録する"
            </button>
        </ActionForm>
        <p class="hint" id="back-hint">
            "メールが届かない場合は、迷惑メールフォルダをご確認ください。メールアドレスを間違えたときや、認証コードの有効期限が切れたとき、入力できる回数を超えたときは、メールアドレスを入力し直すと、新しい認証コードをお送りします。"
        </p>
        <ActionForm action=back>
            <FormError error=back_error />
            <button type="submit" class="button" aria-describedby="back-hint" disabled=move || back.pending().get()>
                "メールアドレスを入力し直す"
            </button>
        </ActionForm>
    }
}
