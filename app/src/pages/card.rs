//! `/mypage/card` (M10): the デジタル組合員証 to hold up at a counter — large
//! text, high contrast, at 320 px — with a QR code whose signed token is
//! fetched again every minute while the page is open, so a screenshot goes
//! stale.

use crate::card::{my_card, Card};
use crate::components::ShowError;
use crate::domain::card::REFRESH_SECONDS;
use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn CardPage() -> impl IntoView {
    let tick = RwSignal::new(0u32);
    // The first load is the member's; the minutely ones are the page's own
    // and do not keep the login alive.
    let card = Resource::new_blocking(move || tick.get(), |n| my_card(n > 0));
    // In the browser only: a fresh token every minute.
    Effect::new(move || {
        tick.track();
        set_timeout(
            move || {
                // The page may be gone by then.
                tick.try_update(|n| *n += 1);
            },
            std::time::Duration::from_secs(REFRESH_SECONDS),
        );
    });
    view! {
        <Title text="デジタル組合員証" />
        <h1>"デジタル組合員証"</h1>
        <Transition fallback=|| view! { <p class="loading">"読み込み中です…"</p> }>
            {move || Suspend::new(async move {
                match card.await {
                    Ok(c) => Either::Left(view! { <MemberCard c /> }),
                    Err(error) => Either::Right(view! { <ShowError error /> }),
                }
            })}
        </Transition>
        <p class="hint">
            "窓口でこの画面をご提示ください。QRコードは1分ごとに新しくなり、画面の写真(スクリーンショット)は数分で使えなくなります。"
        </p>
        <p class="hint">
            "通信できない場所では、最後に表示した組合員証を表示します(そのQRコードは表示した時から"
            {crate::domain::card::OFFLINE_TOKEN_HOURS} "時間有効で、窓口ではご本人確認をお願いする場合があります)。スマートフォンのホーム画面に追加すると、アプリのように開けます。"
        </p>
    }
}

#[component]
fn MemberCard(c: Card) -> impl IntoView {
    view! {
        <section class="member-card" aria-labelledby="card-name">
            <p class="member-card__coop">{c.coop_name}</p>
            <p class="member-card__title">"組合員証"</p>
            <p class="member-card__name" id="card-name">{c.name} " 様"</p>
            <dl class="member-card__facts">
                <div><dt>"組合員番号"</dt><dd>{c.member_number}</dd></div>
                <div><dt>"加入日"</dt><dd>{c.member_since}</dd></div>
                <div><dt>"状態"</dt><dd>{c.status}</dd></div>
            </dl>
            <div class="member-card__qr" role="img" aria-label="確認用QRコード" data-token=c.token inner_html=c.qr_svg></div>
            <p class="member-card__time" role="status">{format!("{} 更新", c.refreshed_at)}</p>
            {c.name_note.map(|n| view! { <p class="member-card__note">{n}</p> })}
        </section>
    }
}
