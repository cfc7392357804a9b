//! `/forms` (M14): 加入申込書 and 脱退届 to download, and where to send them.
//! Linked from the login page and the FAQ.

use crate::components::PublicLayout;
use crate::forms::FORMS;
use crate::site::site;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn FormsPage() -> impl IntoView {
    view! {
        <Title text="加入申込書・脱退届" />
        <PublicLayout>
            <h1>"加入申込書・脱退届"</h1>
            <p>
                "生協への加入と脱退には、ご本人の自署による書類の提出が必要なため、マイページではお手続きできません。"
                "用紙を印刷してご記入のうえ、FAXまたは郵送でご提出ください。"
            </p>
            <section class="card" aria-labelledby="forms-title">
                <h2 id="forms-title">"用紙(PDF)"</h2>
                <ul class="plain-list">
                    {FORMS.iter().map(|(name, href)| view! {
                        <li><a href=*href target="_blank" rel="noopener">{format!("{name}(PDF)")}</a></li>
                    }).collect_view()}
                </ul>
                <p class="hint">"印刷できない場合は、お電話でご連絡いただければ郵送します。"</p>
            </section>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let s = site().await;
                    view! {
                        <section class="card" aria-labelledby="send-title">
                            <h2 id="send-title">"提出先"</h2>
                            <dl class="details">
                                <div class="details__row"><dt>"FAX"</dt><dd>{s.coop_fax.clone()}</dd></div>
                                <div class="details__row"><dt>"郵送"</dt><dd>{format!("{} {}", s.coop_address, s.coop_name)}</dd></div>
                                <div class="details__row"><dt>"お問い合わせ"</dt><dd>{format!("{}({})", s.coop_phone, s.coop_phone_hours)}</dd></div>
                            </dl>
                        </section>
                        <section class="card" aria-labelledby="leave-title">
                            <h2 id="leave-title">"脱退される方へ"</h2>
                            <p>
                                "出資金は脱退届の受理後に返還します。年度末に退職される方は7月末の返還です。"
                                "マイページは出資金の返還日までご利用いただけます。返還後は閲覧できなくなりますので、請求明細などはお早めにご確認ください。"
                            </p>
                        </section>
                    }
                })}
            </Suspense>
        </PublicLayout>
    }
}
