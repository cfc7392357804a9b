//! `/staff/notices` (S5): publish a notice (importance, audience, publish and
//! expiry times in JST, also on the login page) and end one; every notice
//! with its state.

use crate::components::{action_error, invalid, successes, FieldError, FormError, Loaded};
use crate::domain::notice::{BODY_MAX_CHARS, TITLE_MAX_CHARS};
use crate::notice::{
    staff_notices, NoticeAdmin, StaffEndNotice, StaffNoticeRow, StaffPublishNotice,
};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn StaffNoticesPage() -> impl IntoView {
    let publish = ServerAction::<StaffPublishNotice>::new();
    let end = ServerAction::<StaffEndNotice>::new();
    // Reloaded after a change only: a refused form keeps what was typed.
    let changed = successes([publish.value(), end.value()]);
    let data = Resource::new_blocking(move || changed.get(), |_| staff_notices());
    view! {
        <Title text="お知らせの管理" />
        <h1>"お知らせの管理"</h1>
        <Loaded resource=data view=move |d: NoticeAdmin| view! {
            <PublishForm d=d.clone() publish />
            <NoticeTable rows=d.rows end />
        } />
    }
}

#[component]
fn PublishForm(d: NoticeAdmin, publish: ServerAction<StaffPublishNotice>) -> impl IntoView {
    let error = action_error(publish);
    let published = move || matches!(publish.value().get(), Some(Ok(())));
    view! {
        <section class="card" aria-labelledby="publish-title">
            <h2 id="publish-title">"お知らせを掲載する"</h2>
            <Show when=published>
                <p class="notice" role="status">"お知らせを登録しました。"</p>
            </Show>
            <ActionForm action=publish attr:novalidate=true>
                <div class="field">
                    <label for="title">"件名"</label>
                    <input id="title" name="title" type="text" maxlength=TITLE_MAX_CHARS
                        aria-describedby="title-error" aria-invalid=invalid(error, "title") />
                    <FieldError error field="title" />
                </div>
                <div class="field">
                    <label for="body">"本文"</label>
                    <textarea id="body" name="body" rows="6" maxlength=BODY_MAX_CHARS
                        aria-describedby="body-error" aria-invalid=invalid(error, "body")></textarea>
                    <FieldError error field="body" />
                </div>
                <fieldset class="field">
                    <legend>"重要度"</legend>
                    <label class="choice choice--inline"><input type="radio" name="importance" value="normal" checked=true />" 通常"</label>
                    <label class="choice choice--inline"><input type="radio" name="importance" value="important" />" 重要(一覧の先頭に表示)"</label>
                    <FieldError error field="importance" />
                </fieldset>
                <div class="field">
                    <label for="audience">"対象"</label>
                    <select id="audience" name="audience" aria-describedby="audience-error">
                        <option value="all">"全組合員"</option>
                        <option value="course">"特定のコースのご契約者"</option>
                        <option value="active">"加入中の組合員"</option>
                        <option value="withdrawn">"脱退された組合員"</option>
                    </select>
                    <FieldError error field="audience" />
                </div>
                <div class="field">
                    <label for="course">"コース(対象が特定のコースのとき)"</label>
                    <select id="course" name="course" aria-describedby="course-error" aria-invalid=invalid(error, "course")>
                        <option value="">"—"</option>
                        {d.courses.into_iter().map(|(code, name)| view! { <option value=code>{name}</option> }).collect_view()}
                    </select>
                    <FieldError error field="course" />
                </div>
                <div class="field">
                    <label class="choice choice--inline">
                        <input type="checkbox" name="public" value="on" aria-describedby="public-error" />
                        " ログイン画面にも表示する(全組合員向けのみ)"
                    </label>
                    <FieldError error field="public" />
                </div>
                <div class="field">
                    <label for="publish_at">"掲載開始日時"</label>
                    <input id="publish_at" name="publish_at" type="datetime-local" value=d.now_local
                        aria-describedby="publish_at-error" aria-invalid=invalid(error, "publish_at") />
                    <FieldError error field="publish_at" />
                </div>
                <div class="field">
                    <label for="expire_at">"掲載終了日時(任意)"</label>
                    <input id="expire_at" name="expire_at" type="datetime-local"
                        aria-describedby="expire_at-error" aria-invalid=invalid(error, "expire_at") />
                    <FieldError error field="expire_at" />
                </div>
                <FormError error />
                <button type="submit" class="button button--primary" disabled=move || publish.pending().get()>
                    "掲載する"
                </button>
            </ActionForm>
        </section>
    }
}

#[component]
fn NoticeTable(rows: Vec<StaffNoticeRow>, end: ServerAction<StaffEndNotice>) -> impl IntoView {
    let error = action_error(end);
    if rows.is_empty() {
        return view! { <p class="card">"お知らせはまだありません。"</p> }.into_any();
    }
    view! {
        <FormError error />
        <div class="table-wrap">
            <table class="table" aria-label="お知らせの一覧">
                <thead>
                    <tr>
                        <th scope="col">"状態"</th>
                        <th scope="col">"件名"</th>
                        <th scope="col">"対象"</th>
                        <th scope="col">"掲載期間"</th>
                        <th scope="col">"操作"</th>
                    </tr>
                </thead>
                <tbody>
                    {rows.into_iter().map(|r| {
                        let label = if r.state == "掲載予定" { "取り消す" } else { "掲載を終える" };
                        view! {
                        <tr>
                            <td>{r.state}</td>
                            <td>
                                {r.important.then(|| view! { <span class="badge badge--important">"重要"</span> " " })}
                                {r.title}
                            </td>
                            <td>{r.audience} {r.public.then_some("(ログイン画面にも表示)")}</td>
                            <td>{r.publish_at} "〜" {r.expire_at.unwrap_or_default()}</td>
                            <td>
                                {r.can_end.then(|| view! {
                                    <ActionForm action=end>
                                        <input type="hidden" name="id" value=r.id />
                                        <button type="submit" class="button button--small">{label}</button>
                                    </ActionForm>
                                })}
                            </td>
                        </tr>
                    }}).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}
