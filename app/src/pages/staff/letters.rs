//! `/staff/letters` (M12, S2): the next batch of registration letters —
//! everyone registered with the co-op, their 出資金 payment recorded,
//! without a My Page account and without a usable code, one PDF. A page of its own, not a part of the member
//! search: counting them reads every member (0.5 s at 1,000,000 members,
//! measured), too much for a page staff open all day.

use crate::components::StaffError;
use crate::staff::staff_letters_waiting;
use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

#[component]
pub fn StaffLettersPage() -> impl IntoView {
    let waiting = Resource::new_blocking(|| (), |()| staff_letters_waiting());
    view! {
        <Title text="登録案内書の一括印刷" />
        <p><A href="/staff/members">"← 組合員検索"</A></p>
        <h1>"登録案内書の一括印刷"</h1>
        <section class="card" aria-labelledby="letters-title">
            <h2 id="letters-title">"未登録の組合員"</h2>
            <Suspense fallback=|| view! { <p class="loading">"読み込み中です…"</p> }>
                {move || Suspend::new(async move {
                    match waiting.await {
                        Ok(w) => Either::Left(view! {
                            {if w.ready == 0 {
                                Either::Left(view! { <p>"登録案内書を待っている組合員はいません。"</p> })
                            } else {
                                Either::Right(view! {
                                    <form method="post" action="/staff/letters" target="_blank">
                                        <p>
                                            "マイページ未登録で、使える登録コードがない組合員: "
                                            <strong class="letters-waiting">{w.ready} "名"</strong>
                                        </p>
                                        <p class="hint">
                                            {format!("組合員番号の順に最大{}名分の登録コードを発行し、1つのPDFにまとめて開きます。残りは続けて印刷できます。", crate::domain::policy::LETTER_BATCH_MAX)}
                                        </p>
                                        <button type="submit" class="button">"登録案内書をまとめて印刷する(PDF)"</button>
                                    </form>
                                })
                            }}
                            {(w.unpaid > 0).then(|| view! {
                                <p class="notice" role="note">
                                    "このほか、出資金の入金が記録されていない組合員 "
                                    <strong class="letters-unpaid">{w.unpaid} "名"</strong>
                                    " には、登録案内書を作成しません。入金を確認したら、組合員の画面で記録してください(組合員の取込で払込日が届いたときも記録されます)。"
                                </p>
                            })}
                        }.into_any()),
                        Err(error) => Either::Right(view! { <StaffError error /> }),
                    }
                })}
            </Suspense>
        </section>
    }
}
