//! `/forgot-id` (M4): email addresses and user IDs are told only by phone.

use crate::components::PublicLayout;
use crate::site::site;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn ForgotIdPage() -> impl IntoView {
    view! {
        <Title text="メールアドレス・ユーザーIDをお忘れの方" />
        <PublicLayout>
            <section class="card">
                <h1>"メールアドレス・ユーザーIDをお忘れの方"</h1>
                <p>
                    "ご登録のメールアドレスやユーザーIDは個人情報に関わるため、画面やメールではお知らせしておりません。"
                    "恐れ入りますが、ご本人様からお電話をいただき、ご本人様確認のうえでご案内いたします。"
                </p>
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        let s = site().await;
                        view! {
                            <div class="contact-box">
                                <p class="contact-box__name">{s.coop_name}</p>
                                <p class="contact-box__phone">
                                    "電話 " <a href=format!("tel:{}", s.coop_phone)>{s.coop_phone.clone()}</a>
                                </p>
                                <p>"受付時間:" {s.coop_phone_hours}</p>
                            </div>
                        }
                    })}
                </Suspense>
                <p>"お電話の際は、組合員番号・お名前・生年月日がわかるものをお手元にご用意ください。"</p>
                <p>"なお、パスワードはお電話でお答えすることはできません。"</p>
                <p><a href="/">"ログイン画面に戻る"</a></p>
            </section>
        </PublicLayout>
    }
}
