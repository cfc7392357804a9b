//! `/staff/members/new` (S2): a new member, after staff confirmed the
//! 出資金 payment. The same rules as the members CSV; the registration
//! letter is printed from the member's page next.

use crate::components::{action_error, invalid, FieldError, FormError};
use crate::domain::member_fields::{Field, PREFECTURES};
use crate::staff::StaffCreateMember;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

#[component]
pub fn StaffNewMemberPage() -> impl IntoView {
    let create = ServerAction::<StaffCreateMember>::new();
    let error = action_error(create);
    let input =
        move |field: Field, kind: &'static str, hint: Option<&'static str>, required: bool| {
            let key = field.key();
            let hint_id = format!("{key}-hint");
            let described = match hint {
                Some(_) => format!("{hint_id} {key}-error"),
                None => format!("{key}-error"),
            };
            view! {
                <div class="field">
                    <label for=key>{field.column()}{(!required).then_some("(任意)")}</label>
                    {hint.map(|h| view! { <p class="hint" id=hint_id.clone()>{h}</p> })}
                    <input id=key name=format!("member[{key}]") type=kind required=required
                        aria-describedby=described aria-invalid=invalid(error, key) />
                    <FieldError error field=key />
                </div>
            }
        };
    view! {
        <Title text="組合員の登録" />
        <p><A href="/staff/members">"← 組合員検索"</A></p>
        <h1>"組合員の登録"</h1>
        <p>"加入申込書と出資金の払込を確認してから登録してください。登録後、組合員の画面から「マイページ登録のご案内」を印刷できます。"</p>
        <ActionForm action=create attr:class="card form" attr:novalidate=true>
            {input(Field::Number, "text", Some("9桁(例:0123-45678)"), true)}
            {input(Field::Name, "text", Some("加入申込書のとおりに(姓と名の間に空白)"), true)}
            {input(Field::Kana, "text", Some("全角カタカナ"), true)}
            {input(Field::BirthDate, "date", None, true)}
            {input(Field::PostalCode, "text", Some("7桁(例:330-0064)"), true)}
            <div class="field">
                <label for="prefecture">"都道府県"</label>
                <select id="prefecture" name="member[prefecture]" required
                    aria-describedby="prefecture-error" aria-invalid=invalid(error, "prefecture")>
                    <option value="">"選んでください"</option>
                    {PREFECTURES.iter().map(|p| view! { <option value=*p>{*p}</option> }).collect_view()}
                </select>
                <FieldError error field="prefecture" />
            </div>
            {input(Field::Address1, "text", Some("市区町村・番地"), true)}
            {input(Field::Address2, "text", Some("建物名・部屋番号"), false)}
            {input(Field::Phone, "tel", None, false)}
            {input(Field::Workplace, "text", None, false)}
            {input(Field::CapitalPaidOn, "date", Some("出資金の払込を確認した日"), true)}
            {input(Field::CapitalAmount, "text", Some("円(例:1000)"), true)}
            <FormError error />
            <button type="submit" class="button button--primary" disabled=move || create.pending().get()>
                "登録する"
            </button>
        </ActionForm>
        {move || create.value().get().and_then(Result::ok).map(|c| view! {
            <div class="notice" role="status">
                <p>
                    {format!("{} {}様を登録しました。", c.number, c.name)}
                    <A href=format!("/staff/members/{}", c.id)>"組合員の画面へ(登録案内書の印刷)"</A>
                </p>
                {c.warnings.into_iter().map(|w| view! { <p class="hint">{w}</p> }).collect_view()}
            </div>
        })}
    }
}
