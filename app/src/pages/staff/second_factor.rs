//! `/staff/login/second`: the second step of a staff login (S1). With the
//! authenticator app enrolled: its 6-digit code, or a recovery code. At the
//! first login: enrol the app from a QR code (or the key typed in), prove it
//! with a code, and note the recovery codes, shown this once.

use super::login::StaffPublicHeader;
use crate::components::{action_error, invalid, FieldError, FormError, StaffError};
use crate::staff::{load_second_factor, EnrolSecondFactor, SecondFactor, VerifySecondFactor};
use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn StaffSecondFactorPage() -> impl IntoView {
    let state = Resource::new_blocking(|| (), |_| load_second_factor());
    view! {
        <Title text="二段階認証" />
        <StaffPublicHeader />
        <main class="page" id="main">
            <h1>"二段階認証"</h1>
            <Suspense fallback=|| view! { <p class="loading">"読み込み中です…"</p> }>
                {move || Suspend::new(async move {
                    match state.await {
                        Ok(s) if s.enrolled => Either::Left(view! { <CodeForm /> }.into_any()),
                        Ok(s) => Either::Left(view! { <Enrolment state=s /> }.into_any()),
                        Err(error) => Either::Right(view! { <StaffError error /> }),
                    }
                })}
            </Suspense>
        </main>
    }
}

fn next_page() -> impl Fn() -> String + Copy {
    let query = use_query_map();
    move || query.read().get("next").unwrap_or_default()
}

#[component]
fn CodeField(error: crate::components::ErrorSignal, label: &'static str) -> impl IntoView {
    view! {
        <div class="field">
            <label for="code">{label}</label>
            <input
                id="code"
                name="code"
                autocomplete="one-time-code"
                maxlength="20"
                required
                aria-describedby="code-error"
                aria-invalid=invalid(error, "code")
            />
            <FieldError error field="code" />
        </div>
    }
}

#[component]
fn CodeForm() -> impl IntoView {
    let verify = ServerAction::<VerifySecondFactor>::new();
    let error = action_error(verify);
    let next = next_page();
    view! {
        <section class="card login" aria-labelledby="code-title">
            <h2 id="code-title">"確認コードの入力"</h2>
            <p>"認証アプリに表示されている6桁の確認コードを入力してください。"</p>
            <ActionForm action=verify attr:novalidate=true>
                <input type="hidden" name="next" value=next />
                <CodeField error label="確認コード" />
                <FormError error />
                <button type="submit" class="button button--primary" disabled=move || verify.pending().get()>
                    "確認する"
                </button>
            </ActionForm>
            <p class="hint">
                "スマートフォンを機種変更した・なくした場合は、登録時に控えた回復コード(例: ABCD-EFGH)を入力してください。回復コードもない場合は、管理者に二段階認証の再設定を依頼してください。"
            </p>
        </section>
    }
}

#[component]
fn Enrolment(state: SecondFactor) -> impl IntoView {
    let enrol = ServerAction::<EnrolSecondFactor>::new();
    let error = action_error(enrol);
    let next = next_page();
    let qr = state.qr_svg.map(|svg| {
        format!(
            "data:image/svg+xml,{}",
            crate::domain::next_path::encode(&svg)
        )
    });
    let secret = state.secret.unwrap_or_default();
    let codes = move || enrol.value().get().and_then(Result::ok);
    view! {
        <Show
            when=move || codes().is_none()
            fallback=move || view! { <RecoveryCodes codes=codes().unwrap_or_default() next=next() /> }
        >
            <section class="card" aria-labelledby="enrol-title">
                <h2 id="enrol-title">"認証アプリの登録(初回のみ)"</h2>
                <p>
                    {state.name.clone()} "さん、管理画面では、パスワードに加えてスマートフォンの認証アプリ(Google Authenticator、Microsoft Authenticator など)の確認コードでログインします。"
                </p>
                <ol class="steps">
                    <li>"認証アプリで次のQRコードを読み取ってください。"</li>
                    <li>"アプリに表示された6桁の確認コードを入力し、「登録する」を押してください。"</li>
                </ol>
                {qr.clone().map(|src| view! { <img class="qr" src=src alt="二段階認証の登録用QRコード" width="200" height="200" /> })}
                <p class="hint">
                    "QRコードを読み取れない場合は、アプリに次のキーを入力してください(時間ベース):"
                    <br />
                    <code class="secret" data-secret=secret.clone()>{secret.clone()}</code>
                </p>
                <ActionForm action=enrol attr:novalidate=true>
                    <CodeField error label="確認コード(6桁)" />
                    <FormError error />
                    <button type="submit" class="button button--primary" disabled=move || enrol.pending().get()>
                        "登録する"
                    </button>
                </ActionForm>
            </section>
        </Show>
    }
}

#[component]
fn RecoveryCodes(codes: Vec<String>, next: String) -> impl IntoView {
    let href = crate::domain::next_path::staff_next(Some(&next)).to_owned();
    view! {
        <section class="card" aria-labelledby="recovery-title">
            <h2 id="recovery-title">"回復コード"</h2>
            <p role="status">"二段階認証を登録しました。"</p>
            <p>
                "スマートフォンをなくした場合などに、確認コードの代わりに使えるコードです。"
                "いまこの画面でだけ表示します。印刷するか書き写して、安全な場所に保管してください。各コードは一度だけ使えます。"
            </p>
            <ul class="recovery-codes">
                {codes.into_iter().map(|c| view! { <li><code>{c}</code></li> }).collect_view()}
            </ul>
            <a class="button button--primary" href=href>"管理画面へ進む"</a>
        </section>
    }
}
