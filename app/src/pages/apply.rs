//! Applying online (M7): a menu, one form per kind, and a confirmation step
//! before anything is filed. The forms are plain GET forms to the
//! confirmation page, so a reload or the back button loses nothing; only the
//! confirmation's button files the application.

use crate::components::{action_error, FormError, ShowError};
use crate::procedure::{load_apply_options, preview_application, Apply, ApplyOptions, Choice};
use leptos::either::{Either, EitherOf3};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{Form, A};
use leptos_router::hooks::use_query_map;

#[component]
pub fn ApplyMenuPage() -> impl IntoView {
    let items = [
        (
            "/mypage/apply/rider",
            "特約の追加",
            "いまのご契約に特約を付加します。審査のうえ、承諾後の保障開始日から保障されます。",
        ),
        (
            "/mypage/apply/course",
            "コースの変更",
            "ほかのコースに変更します。掛金の差額を確かめてからお申し込みいただけます。",
        ),
        (
            "/mypage/apply/documents",
            "書類のお取り寄せ",
            "請求書類や各種届出の用紙を、ご登録の住所へお送りします。",
        ),
        (
            "/mypage/certificate",
            "掛金払込証明書の再発行",
            "年末調整・確定申告に使う証明書を、書面で再発行します(電子発行もこちらから)。",
        ),
        (
            "/mypage/profile",
            "住所・電話番号・氏名の変更",
            "ご登録の住所・電話番号の変更や、改姓のお届けができます。",
        ),
    ];
    view! {
        <Title text="各種お手続き" />
        <h1>"各種お手続き"</h1>
        <ul class="menu">
            {items
                .into_iter()
                .map(|(href, title, text)| view! {
                    <li class="card menu__item">
                        <A href=href attr:class="menu__link">{title}</A>
                        <p class="hint">{text}</p>
                    </li>
                })
                .collect_view()}
        </ul>
        <p class="hint">
            "お申し込みの状況は「" <A href="/mypage/procedures">"手続き照会"</A> "」でご確認いただけます。"
            "パスワード・ユーザーID・メールアドレスの変更は「"
            <A href="/mypage/account">"ログイン情報の変更"</A> "」からどうぞ。"
        </p>
    }
}

/// Loads what may be applied for and hands it to `body`; riders and courses
/// (`needs_contract`) need a contract to apply to.
fn with_options<V: IntoView + 'static>(
    needs_contract: bool,
    body: impl Fn(ApplyOptions) -> V + Send + Sync + Copy + 'static,
) -> impl IntoView {
    let options = Resource::new_blocking(|| (), |_| load_apply_options());
    view! {
        <Suspense fallback=|| view! { <p class="loading">"読み込み中です…"</p> }>
            {move || Suspend::new(async move {
                match options.await {
                    Ok(o) if o.contracts.is_empty() && needs_contract => {
                        EitherOf3::A(view! { <p class="card">"現在ご契約中の共済はありません。"</p> })
                    }
                    Ok(o) => EitherOf3::B(body(o)),
                    Err(error) => EitherOf3::C(view! { <ShowError error /> }),
                }
            })}
        </Suspense>
    }
}

/// A radio list of riders or courses, one group per contract.
#[component]
fn ChoiceList(choices: Vec<Choice>, show_difference: bool) -> impl IntoView {
    choices
        .into_iter()
        .map(|c| {
            let id = format!("choice-{}", c.value);
            view! {
                <label class="choice" for=id.clone()>
                    <input type="radio" name="choice" id=id.clone() value=c.value required />
                    <span class="choice__body">
                        <span class="choice__name">{c.name}</span>
                        <span class="history__sub">
                            "月額掛金 " {c.monthly_premium}
                            {show_difference.then(|| c.difference.map(|d| format!("(差額 {d})")))}
                        </span>
                        <span class="history__sub">{c.summary}</span>
                    </span>
                </label>
            }
        })
        .collect_view()
}

#[component]
pub fn ApplyRiderPage() -> impl IntoView {
    view! {
        <Title text="特約の追加" />
        <h1>"特約の追加"</h1>
        <p class="hint">"追加する特約を選んで「確認画面へ」を押してください。まだお申し込みは完了しません。"</p>
        {with_options(true, |o| view! {
            <Form method="get" action="/mypage/apply/confirm">
                <input type="hidden" name="kind" value="rider_addition" />
                {o.contracts.into_iter().map(|c| view! {
                    <fieldset class="card choices">
                        <legend>"契約番号 " {c.contract_number} {c.current_course.map(|n| format!("({n})"))}</legend>
                        {c.rider_note.map(|n| view! { <p class="hint">{n}</p> })}
                        <ChoiceList choices=c.riders show_difference=false />
                    </fieldset>
                }).collect_view()}
                <div class="actions">
                    <button type="submit" class="button button--primary">"確認画面へ"</button>
                    <A href="/mypage/apply">"戻る"</A>
                </div>
            </Form>
        })}
    }
}

#[component]
pub fn ApplyCoursePage() -> impl IntoView {
    view! {
        <Title text="コースの変更" />
        <h1>"コースの変更"</h1>
        <p class="hint">
            "変更後のコースを選んで「確認画面へ」を押してください。差額は、いまのコースとの月額掛金の差です。"
        </p>
        {with_options(true, |o| view! {
            <Form method="get" action="/mypage/apply/confirm">
                <input type="hidden" name="kind" value="course_change" />
                {o.contracts.into_iter().map(|c| view! {
                    <fieldset class="card choices">
                        <legend>"契約番号 " {c.contract_number}</legend>
                        <p>"現在のコース:" {c.current_course.unwrap_or_else(|| "—".to_owned())}</p>
                        {c.course_note.map(|n| view! { <p class="hint">{n}</p> })}
                        <ChoiceList choices=c.courses show_difference=true />
                    </fieldset>
                }).collect_view()}
                <div class="actions">
                    <button type="submit" class="button button--primary">"確認画面へ"</button>
                    <A href="/mypage/apply">"戻る"</A>
                </div>
            </Form>
        })}
    }
}

#[component]
pub fn ApplyDocumentsPage() -> impl IntoView {
    view! {
        <Title text="書類のお取り寄せ" />
        <h1>"書類のお取り寄せ"</h1>
        <p class="hint">"お取り寄せになる書類を選んでください(複数選べます)。"</p>
        {with_options(false, |o| view! {
            <Form method="get" action="/mypage/apply/confirm">
                <input type="hidden" name="kind" value="document_request" />
                <fieldset class="card choices">
                    <legend>"書類"</legend>
                    {o.documents.into_iter().map(|(code, name)| {
                        let id = format!("doc-{code}");
                        view! {
                            <label class="choice" for=id.clone()>
                                <input type="checkbox" name="doc" id=id.clone() value=code />
                                <span class="choice__name">{name}</span>
                            </label>
                        }
                    }).collect_view()}
                </fieldset>
                <section class="card">
                    <h2>"送付先"</h2>
                    <p>{o.address}</p>
                    <p class="hint">"ご登録の住所へお送りします。住所が変わった場合は、先に住所の変更をお願いします。"</p>
                </section>
                <div class="actions">
                    <button type="submit" class="button button--primary">"確認画面へ"</button>
                    <A href="/mypage/apply">"戻る"</A>
                </div>
            </Form>
        })}
    }
}

/// Where each kind's form lives, to go back and change the choice.
fn form_of(kind: &str) -> &'static str {
    match kind {
        "rider_addition" => "/mypage/apply/rider",
        "course_change" => "/mypage/apply/course",
        "document_request" => "/mypage/apply/documents",
        _ => "/mypage/apply",
    }
}

#[component]
pub fn ApplyConfirmPage() -> impl IntoView {
    let query = use_query_map();
    let args = move || {
        let q = query.read();
        (
            q.get("kind").unwrap_or_default(),
            q.get("choice"),
            q.get_all("doc").map(|d| d.join(",")),
        )
    };
    let preview = Resource::new_blocking(args, |(kind, choice, documents)| {
        preview_application(kind, choice, documents)
    });
    let apply = ServerAction::<Apply>::new();
    let error = action_error(apply);
    view! {
        <Title text="お申し込み内容の確認" />
        <h1>"お申し込み内容の確認"</h1>
        <Suspense fallback=|| view! { <p class="loading">"読み込み中です…"</p> }>
            {move || Suspend::new(async move {
                let (kind, choice, documents) = args();
                let back = form_of(&kind);
                match preview.await {
                    Ok(p) => Either::Left(view! {
                        <p class="hint">"内容をご確認のうえ「申し込む」を押してください。"</p>
                        <section class="card" aria-labelledby="confirm-title">
                            <h2 id="confirm-title">{p.kind}</h2>
                            <dl class="details">
                                {p.rows
                                    .into_iter()
                                    .map(|(k, v)| view! { <div class="details__row"><dt>{k}</dt><dd class="pre-line">{v}</dd></div> })
                                    .collect_view()}
                            </dl>
                        </section>
                        <ActionForm action=apply>
                            <input type="hidden" name="kind" value=kind />
                            <input type="hidden" name="choice" value=choice />
                            <input type="hidden" name="documents" value=documents />
                            <FormError error />
                            <div class="actions">
                                <button type="submit" class="button button--primary" disabled=move || apply.pending().get()>
                                    "申し込む"
                                </button>
                                <A href=back>"内容を変更する"</A>
                            </div>
                        </ActionForm>
                    }),
                    Err(error) => Either::Right(view! {
                        <ConfirmError error back />
                    }),
                }
            })}
        </Suspense>
    }
}

/// A choice that cannot be filed: the reason, and the way back to the form.
#[component]
fn ConfirmError(error: crate::error::AppError, back: &'static str) -> impl IntoView {
    use crate::error::AppError;
    match error {
        AppError::Field { .. } | AppError::Conflict(_) | AppError::NotFound => {
            let message = error
                .for_field("choice")
                .or_else(|| error.for_field("documents"))
                .or_else(|| error.for_field("kind"))
                .unwrap_or_else(|| error.to_string());
            Either::Left(view! {
                <p class="form-error" role="alert">{message}</p>
                <p><A href=back>"選び直す"</A></p>
            })
        }
        other => Either::Right(view! { <ShowError error=other /> }),
    }
}
