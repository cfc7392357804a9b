//! 登録内容の確認・変更 (M5): the registered details with a way to change
//! each, every change through a confirmation step before anything is saved.
//! Address and phone change at once; a name change (改姓) is filed for staff
//! to apply; the workplace is changed by telling the co-op.

use crate::components::{action_error, invalid, FieldError, FormError, ShowError};
use crate::domain::inquiry::WORKPLACE_CATEGORY;
use crate::domain::member_fields::PREFECTURES;
use crate::error::AppError;
use crate::member::{
    lookup_postal, my_profile, AddressParts, ChangeAddress, ChangePhones, ChangePreview,
    FileNameChange, PreviewAddress, PreviewName, PreviewPhones, Profile,
};
use crate::site::site;
use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

/// Loads the member's details and hands them to `body`.
fn with_profile<V: IntoView + 'static>(
    body: impl Fn(Profile) -> V + Send + Sync + Copy + 'static,
) -> impl IntoView {
    let profile = Resource::new_blocking(|| (), |_| my_profile());
    view! {
        <Suspense fallback=|| view! { <p class="loading">"読み込み中です…"</p> }>
            {move || Suspend::new(async move {
                match profile.await {
                    Ok(p) => Either::Left(body(p)),
                    Err(error) => Either::Right(view! { <ShowError error /> }),
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn ProfilePage() -> impl IntoView {
    let query = use_query_map();
    let done = move || match query.read().get("done").as_deref() {
        Some("address") => {
            Some("住所を変更しました。ご登録のメールアドレスにお知らせをお送りしました。")
        }
        Some("phone") => {
            Some("電話番号を変更しました。ご登録のメールアドレスにお知らせをお送りしました。")
        }
        _ => None,
    };
    view! {
        <Title text="登録内容の確認・変更" />
        <h1>"登録内容の確認・変更"</h1>
        {move || done().map(|message| view! { <p class="notice" role="status">{message}</p> })}
        {with_profile(|p| view! { <ProfileDetails p /> })}
    }
}

#[component]
fn ProfileDetails(p: Profile) -> impl IntoView {
    let pending = p.pending_name.clone();
    let can_change_name = pending.is_none();
    view! {
        <section class="card" aria-labelledby="name-title">
            <h2 id="name-title">"氏名"</h2>
            <dl class="details">
                <div class="details__row"><dt>"氏名"</dt><dd>{p.name}</dd></div>
                <div class="details__row"><dt>"フリガナ"</dt><dd>{p.name_kana}</dd></div>
            </dl>
            {pending.map(|n| view! {
                <p class="notice" role="note">
                    "氏名の変更(" {n.name} "/" {n.name_kana} ")をお手続き中です。反映の目安は"
                    <strong>{n.expected_on}</strong> "ごろです。反映までは現在の氏名を表示します。"
                    <A href=format!("/mypage/procedures/{}", n.procedure_id)>"受付番号 " {n.receipt}</A>
                </p>
            })}
            {can_change_name.then(|| view! {
                <p><A href="/mypage/profile/name" attr:class="button">"氏名を変更する(改姓)"</A></p>
            })}
        </section>
        <section class="card" aria-labelledby="address-title">
            <h2 id="address-title">"住所"</h2>
            <dl class="details">
                <div class="details__row"><dt>"郵便番号"</dt><dd>{p.postal_code}</dd></div>
                <div class="details__row"><dt>"住所"</dt><dd class="address">{p.address}</dd></div>
            </dl>
            <p><A href="/mypage/profile/address" attr:class="button">"住所を変更する"</A></p>
        </section>
        <section class="card" aria-labelledby="phone-title">
            <h2 id="phone-title">"電話番号"</h2>
            <dl class="details">
                <div class="details__row"><dt>"電話番号"</dt><dd>{p.phone}</dd></div>
                <div class="details__row">
                    <dt>"携帯電話番号"</dt>
                    <dd>{p.mobile_phone.unwrap_or_else(|| "(未登録)".to_owned())}</dd>
                </div>
            </dl>
            <p><A href="/mypage/profile/phone" attr:class="button">"電話番号を変更する"</A></p>
        </section>
        <WorkplaceCard workplace=p.workplace />
        <section class="card" aria-labelledby="login-title">
            <h2 id="login-title">"メールアドレス・ユーザーID・パスワード"</h2>
            <dl class="details">
                <div class="details__row"><dt>"メールアドレス"</dt><dd>{p.email}</dd></div>
                <div class="details__row"><dt>"ユーザーID"</dt><dd>{p.user_id}</dd></div>
            </dl>
            <p><A href="/mypage/account">"ログイン情報の変更へ"</A></p>
        </section>
    }
}

/// 勤務先 is not changed here: the co-op confirms it with the member.
#[component]
fn WorkplaceCard(workplace: Option<String>) -> impl IntoView {
    view! {
        <section class="card" aria-labelledby="workplace-title">
            <h2 id="workplace-title">"勤務先"</h2>
            <p>{workplace.unwrap_or_else(|| "(未登録)".to_owned())}</p>
            <p>
                <A href=format!("/mypage/inquiries/new?category={WORKPLACE_CATEGORY}") attr:class="button">
                    "勤務先の変更を連絡する"
                </A>
            </p>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let s = site().await;
                    view! {
                        <p class="hint">
                            "勤務先の変更は自動では受け付けできないため、「連絡・お問い合わせ」からお知らせください。"
                            "お電話でも承ります(" {s.coop_name} " 電話 " <a href=format!("tel:{}", s.coop_phone)>{s.coop_phone.clone()}</a>
                            "、" {s.coop_phone_hours} ")。"
                        </p>
                    }
                })}
            </Suspense>
        </section>
    }
}

/// The confirmation step: each item before and after, what happens next,
/// and the commit form (`children`).
#[component]
fn ConfirmChange(preview: ChangePreview, children: Children) -> impl IntoView {
    view! {
        <section class="card" aria-labelledby="confirm-title">
            <h2 id="confirm-title">{preview.title} "の確認"</h2>
            <p class="hint">"まだ変更は完了していません。内容をご確認のうえ、下のボタンを押してください。"</p>
            <dl class="details compare">
                {preview.rows.into_iter().map(|(label, before, after)| view! {
                    <div class="details__row">
                        <dt>{label}</dt>
                        <dd>
                            <span class="compare__before">"変更前:" {before}</span>
                            <span class="compare__after">"変更後:" <strong>{after}</strong></span>
                        </dd>
                    </div>
                }).collect_view()}
            </dl>
            <ul class="notes">
                {preview.notes.into_iter().map(|n| view! { <li>{n}</li> }).collect_view()}
            </ul>
            {children()}
        </section>
    }
}

/// A failed commit (another tab changed the record meanwhile, a lost session…).
fn commit_error<I, O>(action: ServerAction<I>) -> impl IntoView
where
    I: leptos::server_fn::ServerFn<Output = O, Error = AppError> + Clone + Send + Sync + 'static,
    O: Clone + Send + Sync + 'static,
{
    let error = action_error(action);
    view! { <FormError error /> {move || error.get().and_then(|e| match e {
        AppError::Field { message, .. } => Some(view! { <p class="form-error" role="alert">{message}</p> }),
        _ => None,
    })} }
}

#[component]
pub fn AddressChangePage() -> impl IntoView {
    view! {
        <Title text="住所の変更" />
        <h1>"住所の変更"</h1>
        {with_profile(|p| view! { <AddressForm current=p.address_parts /> })}
    }
}

#[component]
fn AddressForm(current: AddressParts) -> impl IntoView {
    let postal = RwSignal::new(current.postal_code);
    let prefecture = RwSignal::new(current.prefecture);
    let address1 = RwSignal::new(current.address1);
    let address2 = RwSignal::new(current.address2);
    let lookup_note = RwSignal::new(None::<String>);
    let preview = ServerAction::<PreviewAddress>::new();
    let commit = ServerAction::<ChangeAddress>::new();
    let error = action_error(preview);
    let confirming = move || matches!(preview.value().get(), Some(Ok(_)));
    // The lookup only fills fields: whatever it answers, the member may type
    // the address and save it.
    let look_up = move || {
        let code = postal.get_untracked();
        leptos::task::spawn_local(async move {
            let answer = lookup_postal(code.clone()).await;
            // An answer for a code the member has since changed is dropped.
            if postal.get_untracked() != code {
                return;
            }
            let note = match answer {
                Ok(Some(found)) => {
                    postal.set(found.postal_code);
                    prefecture.set(found.prefecture);
                    address1.set(found.address1);
                    if found.town_filled {
                        "住所を入力しました。続けて丁目・番地を入力してください。"
                    } else if found.city_filled {
                        "市区町村までを入力しました。この郵便番号では町名が決まらないため、町域(町名)から入力してください。"
                    } else {
                        "都道府県までを入力しました。この郵便番号は複数の市区町村にまたがるため、市区町村から入力してください。"
                    }
                    .to_owned()
                }
                Ok(None) => {
                    "この郵便番号は見つかりませんでした。住所を直接入力してください。".to_owned()
                }
                Err(e) => e.for_field("postal_code").unwrap_or_else(|| e.to_string()),
            };
            lookup_note.set(Some(note));
        });
    };
    view! {
        <div hidden=confirming>
            <p class="hint">
                "郵便番号を入力すると、住所の一部を自動で入力します。番地・建物名はご自身で入力してください。"
            </p>
            <ActionForm action=preview attr:novalidate=true attr:class="card">
                <div class="field">
                    <label for="postal_code">"郵便番号"</label>
                    <div class="field__inline">
                        <input
                            id="postal_code"
                            name="postal_code"
                            inputmode="numeric"
                            autocomplete="postal-code"
                            maxlength="10"
                            class="input--short"
                            aria-describedby="postal_code-error postal-lookup"
                            aria-invalid=invalid(error, "postal_code")
                            prop:value=postal
                            on:input=move |ev| {
                                let typed = event_target_value(&ev);
                                let complete = crate::domain::postal::PostalCode::parse(&typed).is_ok();
                                postal.set(typed);
                                if complete {
                                    look_up();
                                }
                            }
                        />
                        <button type="button" class="button" on:click=move |_| look_up()>
                            "住所を検索"
                        </button>
                    </div>
                    <p class="hint" id="postal-lookup" role="status">{move || lookup_note.get()}</p>
                    <FieldError error field="postal_code" />
                </div>
                <div class="field">
                    <label for="prefecture">"都道府県"</label>
                    <select
                        id="prefecture"
                        name="prefecture"
                        autocomplete="address-level1"
                        aria-describedby="prefecture-error"
                        aria-invalid=invalid(error, "prefecture")
                        prop:value=prefecture
                        on:change=move |ev| prefecture.set(event_target_value(&ev))
                    >
                        <option value="">"選んでください"</option>
                        {PREFECTURES.iter().map(|p| view! {
                            <option value=*p selected=move || prefecture.get() == *p>{*p}</option>
                        }).collect_view()}
                    </select>
                    <FieldError error field="prefecture" />
                </div>
                <div class="field">
                    <label for="address1">"市区町村・町域・番地"</label>
                    <input
                        id="address1"
                        name="address1"
                        autocomplete="address-line1"
                        aria-describedby="address1-error"
                        aria-invalid=invalid(error, "address1")
                        prop:value=address1
                        on:input=move |ev| address1.set(event_target_value(&ev))
                    />
                    <FieldError error field="address1" />
                </div>
                <div class="field">
                    <label for="address2">"建物名・部屋番号(任意)"</label>
                    <input
                        id="address2"
                        name="address2"
                        autocomplete="address-line2"
                        aria-describedby="address2-error"
                        aria-invalid=invalid(error, "address2")
                        prop:value=address2
                        on:input=move |ev| address2.set(event_target_value(&ev))
                    />
                    <FieldError error field="address2" />
                </div>
                <FormError error />
                <div class="actions">
                    <button type="submit" class="button button--primary" disabled=move || preview.pending().get()>
                        "確認画面へ"
                    </button>
                    <A href="/mypage/profile">"戻る"</A>
                </div>
            </ActionForm>
        </div>
        {move || preview.value().get().and_then(Result::ok).map(|p| view! {
            <ConfirmChange preview=p>
                <ActionForm action=commit>
                    <input type="hidden" name="postal_code" value=postal.get_untracked() />
                    <input type="hidden" name="prefecture" value=prefecture.get_untracked() />
                    <input type="hidden" name="address1" value=address1.get_untracked() />
                    <input type="hidden" name="address2" value=address2.get_untracked() />
                    {commit_error(commit)}
                    <div class="actions">
                        <button type="submit" class="button button--primary" disabled=move || commit.pending().get()>
                            "この内容で変更する"
                        </button>
                        <button type="button" class="button" on:click=move |_| preview.value().set(None)>
                            "修正する"
                        </button>
                    </div>
                </ActionForm>
            </ConfirmChange>
        })}
    }
}

#[component]
pub fn PhoneChangePage() -> impl IntoView {
    view! {
        <Title text="電話番号の変更" />
        <h1>"電話番号の変更"</h1>
        {with_profile(|p| view! { <PhoneForm phone=p.phone mobile=p.mobile_phone.unwrap_or_default() /> })}
    }
}

#[component]
fn PhoneForm(phone: String, mobile: String) -> impl IntoView {
    let phone = RwSignal::new(phone);
    let mobile = RwSignal::new(mobile);
    let preview = ServerAction::<PreviewPhones>::new();
    let commit = ServerAction::<ChangePhones>::new();
    let error = action_error(preview);
    let confirming = move || matches!(preview.value().get(), Some(Ok(_)));
    view! {
        <div hidden=confirming>
            <ActionForm action=preview attr:novalidate=true attr:class="card">
                <div class="field">
                    <label for="phone">"電話番号"</label>
                    <p class="hint" id="phone-hint">"日中にご連絡のつく番号(ご自宅・携帯電話など)。例:048-123-4567"</p>
                    <input
                        id="phone"
                        name="phone"
                        type="tel"
                        autocomplete="tel"
                        aria-describedby="phone-hint phone-error"
                        aria-invalid=invalid(error, "phone")
                        prop:value=phone
                        on:input=move |ev| phone.set(event_target_value(&ev))
                    />
                    <FieldError error field="phone" />
                </div>
                <div class="field">
                    <label for="mobile_phone">"携帯電話番号(任意)"</label>
                    <p class="hint" id="mobile-hint">"070・080・090から始まる番号。例:090-1234-5678"</p>
                    <input
                        id="mobile_phone"
                        name="mobile_phone"
                        type="tel"
                        autocomplete="tel"
                        aria-describedby="mobile-hint mobile_phone-error"
                        aria-invalid=invalid(error, "mobile_phone")
                        prop:value=mobile
                        on:input=move |ev| mobile.set(event_target_value(&ev))
                    />
                    <FieldError error field="mobile_phone" />
                </div>
                <FormError error />
                <div class="actions">
                    <button type="submit" class="button button--primary" disabled=move || preview.pending().get()>
                        "確認画面へ"
                    </button>
                    <A href="/mypage/profile">"戻る"</A>
                </div>
            </ActionForm>
        </div>
        {move || preview.value().get().and_then(Result::ok).map(|p| view! {
            <ConfirmChange preview=p>
                <ActionForm action=commit>
                    <input type="hidden" name="phone" value=phone.get_untracked() />
                    <input type="hidden" name="mobile_phone" value=mobile.get_untracked() />
                    {commit_error(commit)}
                    <div class="actions">
                        <button type="submit" class="button button--primary" disabled=move || commit.pending().get()>
                            "この内容で変更する"
                        </button>
                        <button type="button" class="button" on:click=move |_| preview.value().set(None)>
                            "修正する"
                        </button>
                    </div>
                </ActionForm>
            </ConfirmChange>
        })}
    }
}

#[component]
pub fn NameChangePage() -> impl IntoView {
    view! {
        <Title text="氏名の変更(改姓)" />
        <h1>"氏名の変更(改姓)"</h1>
        <p class="hint">
            "ご結婚などで氏名が変わった場合にお届けください。当組合で確認のうえ、およそ3営業日で登録します。"
            "旧字体など一部の漢字は、新字体で入力してください。"
        </p>
        {with_profile(|p| match p.pending_name {
            Some(n) => Either::Left(view! {
                <p class="notice" role="note">
                    "氏名の変更はお手続き中です(反映の目安:" {n.expected_on} ")。"
                    <A href=format!("/mypage/procedures/{}", n.procedure_id)>"手続き照会で見る"</A>
                </p>
            }),
            None => Either::Right(view! { <NameForm name=p.name kana=p.name_kana /> }),
        })}
    }
}

#[component]
fn NameForm(name: String, kana: String) -> impl IntoView {
    let name = RwSignal::new(name);
    let kana = RwSignal::new(kana);
    let preview = ServerAction::<PreviewName>::new();
    let commit = ServerAction::<FileNameChange>::new();
    let error = action_error(preview);
    let confirming = move || matches!(preview.value().get(), Some(Ok(_)));
    view! {
        <div hidden=confirming>
            <ActionForm action=preview attr:novalidate=true attr:class="card">
                <div class="field">
                    <label for="name">"新しい氏名"</label>
                    <p class="hint" id="name-hint">"姓と名の間に空白を入れてください。例:共済 花子"</p>
                    <input
                        id="name"
                        name="name"
                        autocomplete="name"
                        aria-describedby="name-hint name-error"
                        aria-invalid=invalid(error, "name")
                        prop:value=name
                        on:input=move |ev| name.set(event_target_value(&ev))
                    />
                    <FieldError error field="name" />
                </div>
                <div class="field">
                    <label for="name_kana">"新しいフリガナ"</label>
                    <input
                        id="name_kana"
                        name="name_kana"
                        aria-describedby="name_kana-error"
                        aria-invalid=invalid(error, "name_kana")
                        prop:value=kana
                        on:input=move |ev| kana.set(event_target_value(&ev))
                    />
                    <FieldError error field="name_kana" />
                </div>
                <FormError error />
                <div class="actions">
                    <button type="submit" class="button button--primary" disabled=move || preview.pending().get()>
                        "確認画面へ"
                    </button>
                    <A href="/mypage/profile">"戻る"</A>
                </div>
            </ActionForm>
        </div>
        {move || preview.value().get().and_then(Result::ok).map(|p| view! {
            <ConfirmChange preview=p>
                <ActionForm action=commit>
                    <input type="hidden" name="name" value=name.get_untracked() />
                    <input type="hidden" name="name_kana" value=kana.get_untracked() />
                    {commit_error(commit)}
                    <div class="actions">
                        <button type="submit" class="button button--primary" disabled=move || commit.pending().get()>
                            "届け出る"
                        </button>
                        <button type="button" class="button" on:click=move |_| preview.value().set(None)>
                            "修正する"
                        </button>
                    </div>
                </ActionForm>
            </ConfirmChange>
        })}
    }
}
