//! `/mypage`: the member's registered details.

use crate::components::ShowError;
use crate::member::{my_profile, Profile};
use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

#[component]
pub fn MyPageHome() -> impl IntoView {
    let profile = Resource::new_blocking(|| (), |_| my_profile());
    view! {
        <Title text="マイページトップ" />
        <h1>"マイページトップ"</h1>
        <crate::pages::MaintenanceBanner />
        <crate::pages::HomeNotices />
        <Suspense fallback=|| view! { <p class="loading">"読み込み中です…"</p> }>
            {move || Suspend::new(async move {
                match profile.await {
                    Ok(p) => Either::Left(view! { <ProfileCard p /> }),
                    Err(error) => Either::Right(view! { <ShowError error /> }),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ProfileCard(p: Profile) -> impl IntoView {
    let substituted = p.spelling_substituted;
    let pending = p.pending_name.clone();
    let undeliverable = p
        .mail_undeliverable_since
        .clone()
        .map(|since| (since, p.email.clone()));
    let rows = [
        ("氏名", p.name),
        ("フリガナ", p.name_kana),
        ("組合員番号", p.member_number),
        ("生年月日", p.birth_date),
        ("郵便番号", p.postal_code),
        ("住所", p.address),
        ("電話番号", p.phone),
        (
            "携帯電話番号",
            p.mobile_phone.unwrap_or_else(|| "(未登録)".to_owned()),
        ),
        ("メールアドレス", p.email),
        ("ユーザーID", p.user_id),
        (
            "勤務先",
            p.workplace.unwrap_or_else(|| "(未登録)".to_owned()),
        ),
    ];
    view! {
        {undeliverable.map(|(since, email)| view! {
            <p class="notice" role="note">
                "ご登録のメールアドレス(" {email} ")に、" {since}
                " にお送りしたメールをお届けできませんでした。アドレスに誤りがないか、迷惑メール設定などで受信を制限していないかご確認ください。アドレスに誤りがある場合は、"
                <A href="/mypage/account">"メールアドレスの変更"</A>
                "をお願いします。"
            </p>
        })}
        <section class="card" aria-labelledby="profile-title">
            <h2 id="profile-title">"ご登録内容"</h2>
            <dl class="details">
                {rows
                    .into_iter()
                    .map(|(k, v)| view! { <div class="details__row"><dt>{k}</dt><dd>{v}</dd></div> })
                    .collect_view()}
            </dl>
            {pending.map(|n| view! {
                <p class="notice" role="note">
                    "氏名の変更をお手続き中です(反映の目安:" {n.expected_on} ")。反映までは現在の氏名を表示します。"
                </p>
            })}
            {substituted.then(|| view! {
                <p class="hint">
                    "システムで表示できない文字は、異なる漢字に置き換えて表示しています(ご登録の内容は変わりません)。"
                </p>
            })}
            <p>
                <A href="/mypage/profile">"住所・電話番号・氏名の変更はこちら"</A>
            </p>
            <p class="hint">
                "勤務先が変わった場合は、"
                <A href=format!("/mypage/inquiries/new?category={}", crate::domain::inquiry::WORKPLACE_CATEGORY)>"連絡・お問い合わせ"</A>
                "からお知らせください。ご登録内容に覚えのない変更がある場合は、お電話でご連絡ください。"
            </p>
        </section>
    }
}
