//! `/mypage/certificate` (掛金払込証明書, M8): the electronic PDF in its
//! period and the paper reissue by the year rule; `/mypage/capital`
//! (出資金・割戻金, P2).

use crate::components::{action_error, FieldError, FormError, Loaded};
use crate::money::{
    load_certificate_options, my_capital, CapitalView, CertificateOptions, RequestPaperCertificate,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_navigate;

#[component]
pub fn CertificatePage() -> impl IntoView {
    let options = Resource::new_blocking(|| (), |_| load_certificate_options());
    view! {
        <Title text="掛金払込証明書" />
        <h1>"掛金払込証明書(控除証明書)"</h1>
        <p class="hint">"年末調整や確定申告の生命保険料控除にお使いいただけます。"</p>
        <Loaded resource=options view=|o: CertificateOptions| view! { <Electronic o=o.clone() /> <Paper o /> } />
    }
}

#[component]
fn Electronic(o: CertificateOptions) -> impl IntoView {
    let body = match (o.electronic_year, o.electronic_until, o.electronic_opens) {
        (Some(year), Some(until), _) => view! {
            <p>{format!("{year}年分の証明書を、{until}まで電子発行できます。")}</p>
            <form method="post" action="/mypage/certificate/pdf" target="_blank">
                <button type="submit" class="button button--primary">{format!("{year}年分をPDFで発行する")}</button>
            </form>
            <p class="hint">"PDFには、発行日までに払い込まれた掛金(証明額)と、年間の見込額(申告予定額)を記載します。証明書の検証コードで、当組合が内容を確認できます。"</p>
        }
        .into_any(),
        (_, _, Some((opens, year))) => view! {
            <p class="notice">{format!("電子発行の受付期間外です。{year}年分の証明書は、{opens}から発行できます。")}</p>
        }
        .into_any(),
        _ => ().into_any(),
    };
    view! {
        <section class="card" aria-labelledby="electronic-title">
            <h2 id="electronic-title">"電子発行(PDF)"</h2>
            <p class="hint">"電子発行は当年分のみで、10月1日から翌年3月31日までが発行期間です。"</p>
            {body}
        </section>
    }
}

#[component]
fn Paper(o: CertificateOptions) -> impl IntoView {
    let action = ServerAction::<RequestPaperCertificate>::new();
    let error = action_error(action);
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(id)) = action.value().get() {
            navigate(
                &format!("/mypage/procedures/{id}?filed=1"),
                Default::default(),
            );
        }
    });
    let choose = o.paper_years.len() > 1;
    let years = o.paper_years.clone();
    let waiting = o.paper_waiting.clone();
    let only = years.first().copied();
    view! {
        <section class="card" aria-labelledby="paper-title">
            <h2 id="paper-title">"書面での再発行(郵送)"</h2>
            <p>
                "いつでもご依頼いただけます。1月〜5月のご依頼は前年分、7月〜12月のご依頼は当年分です。"
                "6月は対象年が前年から当年に切り替わるため、この画面で対象年をお選びください。"
            </p>
            {waiting.iter().map(|y| view! {
                <p class="notice">{format!("{y}年分の再発行はお手続き中です。状況は「手続き照会」でご確認いただけます。")}</p>
            }).collect_view()}
            <ActionForm action=action>
                {if choose {
                    view! {
                        <fieldset>
                            <legend>"証明書の対象年"</legend>
                            {years.iter().map(|y| {
                                let id = format!("year-{y}");
                                view! {
                                    <p class="choice">
                                        <input type="radio" name="year" id=id.clone() value=y.to_string() required />
                                        <label for=id>{format!("{y}年分")}</label>
                                    </p>
                                }
                            }).collect_view()}
                        </fieldset>
                    }
                    .into_any()
                } else {
                    view! {
                        <p>"対象年:" <strong>{only.map(|y| format!("{y}年分"))}</strong></p>
                        <input type="hidden" name="year" value=only.map(|y| y.to_string()).unwrap_or_default() />
                    }
                    .into_any()
                }}
                <FieldError error field="year" />
                <FormError error />
                <button type="submit" class="button button--primary">"再発行を申し込む"</button>
            </ActionForm>
            <p class="hint">
                "ご登録の住所へお送りします。「手続き照会」の状況が「発送済」になった日から、およそ1週間でお届けします。"
                {format!("ほかの年の証明書が必要な場合は、お電話({})でお問い合わせください。", o.coop_phone)}
            </p>
        </section>
    }
}

#[component]
pub fn CapitalPage() -> impl IntoView {
    let capital = Resource::new_blocking(|| (), |_| my_capital());
    view! {
        <Title text="出資金・割戻金" />
        <h1>"出資金・割戻金"</h1>
        <Loaded resource=capital view=|c: CapitalView| view! { <Capital c /> } />
    }
}

#[component]
fn Capital(c: CapitalView) -> impl IntoView {
    view! {
        <section class="card" aria-labelledby="capital-title">
            <h2 id="capital-title">"出資金"</h2>
            <dl class="details">
                <div class="details__row"><dt>"出資金の合計"</dt><dd><strong>{c.total.clone()}</strong></dd></div>
                <div class="details__row"><dt>"口数"</dt><dd>{format!("{}口(1口 {})", c.shares, c.share_price)}</dd></div>
            </dl>
            <table class="table" aria-label="出資金の払込">
                <thead><tr><th scope="col">"日付"</th><th scope="col">"内容"</th><th scope="col" class="num">"金額"</th></tr></thead>
                <tbody>
                    {c.payments.into_iter().map(|p| view! {
                        <tr>
                            <td>{p.on}</td>
                            <td>{p.what}{p.pending.map(|s| format!("({s})"))}</td>
                            <td class="num">{p.amount}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            {match c.refund_on {
                Some(day) => view! {
                    <p class="notice">
                        {format!("出資金({})は、{day}に返還します。マイページはこの日までご利用いただけます。", c.total)}
                    </p>
                }
                .into_any(),
                None => view! { <p class="hint">"出資金は脱退の際に返還します。"</p> }.into_any(),
            }}
        </section>
        <section class="card" aria-labelledby="rebate-title">
            <h2 id="rebate-title">"割戻金"</h2>
            {if c.rebates.is_empty() {
                view! { <p>"割戻金のお知らせはまだありません。"</p> }.into_any()
            } else {
                view! {
                    <table class="table" aria-label="割戻金">
                        <thead><tr><th scope="col">"年度"</th><th scope="col" class="num">"割戻率"</th><th scope="col" class="num">"金額"</th><th scope="col">"お支払い日"</th></tr></thead>
                        <tbody>
                            {c.rebates.into_iter().map(|r| view! {
                                <tr>
                                    <td>{r.year}</td>
                                    <td class="num">{r.rate}</td>
                                    <td class="num">{r.amount}</td>
                                    <td>{r.paid_on.unwrap_or_else(|| "お支払い前".into())}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
        </section>
    }
}
