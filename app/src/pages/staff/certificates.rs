//! `/staff/certificates` (M8): check an electronic 掛金払込証明書 by its
//! verification code — genuine, with the amounts it was issued with, or
//! not — so staff can compare it with the printed one. Every check is in
//! the audit log.

use crate::components::{action_error, FormError};
use crate::money::{CertificateCheck, StaffCheckCertificate};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn StaffCertificatesPage() -> impl IntoView {
    let check = ServerAction::<StaffCheckCertificate>::new();
    let error = action_error(check);
    view! {
        <Title text="払込証明書の検証" />
        <h1>"掛金払込証明書の検証"</h1>
        <ActionForm action=check attr:class="card form">
            <div class="field">
                <label for="code">"検証コード"</label>
                <p class="hint" id="code-hint">"証明書の下の16文字(例:ABCD-EFGH-JKMN-PQRS)。"</p>
                <input id="code" name="code" required maxlength="40" autocomplete="off"
                    aria-describedby="code-hint" />
            </div>
            <FormError error />
            <button type="submit" class="button button--primary" disabled=move || check.pending().get()>
                "検証する"
            </button>
        </ActionForm>
        {move || check.value().get().and_then(Result::ok).map(|answer| match answer {
            CertificateCheck::Genuine(c) => view! {
                <section class="card verdict verdict--ok" aria-labelledby="verdict-title" role="status">
                    <h2 id="verdict-title">"当組合が発行した証明書です"</h2>
                    <p>"下の金額が証明書と同じであることを確認してください。違う場合は書き換えられています。"</p>
                    <dl class="details">
                        <div class="details__row"><dt>"氏名"</dt><dd>{c.member_name}" 様"</dd></div>
                        <div class="details__row"><dt>"組合員番号"</dt><dd>{c.member_number}</dd></div>
                        <div class="details__row"><dt>"対象年"</dt><dd>{format!("{}年分", c.year)}</dd></div>
                        <div class="details__row"><dt>"発行日時"</dt><dd>{c.issued_at}</dd></div>
                        <div class="details__row"><dt>"証明額の合計"</dt><dd>{c.certified}</dd></div>
                        <div class="details__row"><dt>"申告予定額の合計"</dt><dd>{c.expected}</dd></div>
                    </dl>
                    <table class="table" aria-label="契約ごとの金額">
                        <thead><tr><th scope="col">"契約番号"</th><th scope="col">"控除の種類"</th><th scope="col" class="num">"証明額"</th><th scope="col" class="num">"申告予定額"</th></tr></thead>
                        <tbody>
                            {c.lines.into_iter().map(|l| view! {
                                <tr>
                                    <td>{l.contract_number}</td>
                                    <td>{l.deduction}</td>
                                    <td class="num">{crate::domain::money::yen(l.certified)}</td>
                                    <td class="num">{crate::domain::money::yen(l.expected)}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </section>
            }.into_any(),
            other => {
                let (title, text) = match other {
                    CertificateCheck::Mistyped => ("入力に誤りがあります", "1文字違っているようです。証明書のコードをもう一度ご確認ください。"),
                    CertificateCheck::Malformed => ("検証コードの形ではありません", "英数字16文字(ハイフンは省略できます)を入力してください。"),
                    _ => ("当組合が発行した証明書ではありません", "このコードの証明書は発行されていません。偽造や書き換えのおそれがあります。"),
                };
                view! {
                    <section class="card verdict verdict--ng" aria-labelledby="verdict-title" role="status">
                        <h2 id="verdict-title">{title}</h2>
                        <p>{text}</p>
                    </section>
                }.into_any()
            }
        })}
    }
}
