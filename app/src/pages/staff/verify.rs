//! `/staff/verify` (M10): check a member's デジタル組合員証 — the text the QR
//! code holds, read by the device camera where the browser can, by a
//! scanner into the field, or pasted — and see whether
//! it is valid, expired or revoked, with whose card it is. Every check is
//! in the audit log.

use crate::card::StaffVerifyCard;
use crate::components::{action_error, FormError};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn StaffVerifyPage() -> impl IntoView {
    let check = ServerAction::<StaffVerifyCard>::new();
    let error = action_error(check);
    view! {
        <Title text="組合員証の確認" />
        <h1>"組合員証の確認"</h1>
        <ActionForm action=check attr:class="card form">
            <div class="field">
                <label for="token">"QRコードの内容"</label>
                <p class="hint" id="token-hint">"QRコードリーダーで読み取るか、内容を貼り付けてください。"</p>
                <input id="token" name="token" required maxlength="200" autocomplete="off"
                    aria-describedby="token-hint" />
            </div>
            // Shown by /scan.js where the browser can read QR codes itself.
            <div class="scan" id="scan" hidden>
                <button type="button" class="button" id="scan-start">"カメラで読み取る"</button>
                <video id="scan-video" class="scan__video" playsinline muted hidden></video>
                <p class="hint" id="scan-status" role="status" aria-live="polite"></p>
            </div>
            <FormError error />
            <button type="submit" class="button button--primary" disabled=move || check.pending().get()>
                "確認する"
            </button>
        </ActionForm>
        <script src="/scan.js"></script>
        {move || check.value().get().and_then(Result::ok).map(|c| {
            let ok = c.verdict == crate::domain::card::Verdict::Valid;
            // The offline card's token lives a day: a photo of it would pass,
            // so staff are asked to look closer.
            let class = match (ok, c.offline) {
                (true, false) => "card verdict verdict--ok",
                (true, true) => "card verdict verdict--warn",
                _ => "card verdict verdict--ng",
            };
            let offline = ok && c.offline;
            view! {
                <section class=class
                    aria-labelledby="verdict-title" role="status">
                    <h2 id="verdict-title">{c.label}</h2>
                    {offline.then(|| view! {
                        <p class="notice">"オフライン表示の組合員証は画面の写真でも通るため、ご本人確認書類などで確認してください。"</p>
                    })}
                    {c.name.map(|n| view! {
                        <dl class="details">
                            <div class="details__row"><dt>"氏名"</dt><dd>{n}" 様"</dd></div>
                            <div class="details__row"><dt>"組合員番号"</dt><dd>{c.member_number}</dd></div>
                            <div class="details__row"><dt>"状態"</dt><dd>{c.status}</dd></div>
                            <div class="details__row"><dt>"有効期限"</dt><dd>{c.expires_at}</dd></div>
                        </dl>
                    })}
                </section>
            }
        })}
    }
}
