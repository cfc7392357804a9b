//! `/staff/maintenance` (S5): schedule a maintenance window (JST) with the
//! message members read; any staff member cancels one to come, an admin
//! ends one under way early. The back office itself stays up during a window.

use crate::components::{action_error, invalid, successes, FieldError, FormError, Loaded};
use crate::maintenance::{
    staff_maintenance, MaintenanceAdmin, StaffEndMaintenance, StaffScheduleMaintenance, WindowRow,
};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn StaffMaintenancePage() -> impl IntoView {
    let schedule = ServerAction::<StaffScheduleMaintenance>::new();
    let end = ServerAction::<StaffEndMaintenance>::new();
    // Reloaded after a change only: a refused form keeps what was typed.
    let changed = successes([schedule.value(), end.value()]);
    let data = Resource::new_blocking(move || changed.get(), |_| staff_maintenance());
    view! {
        <Title text="メンテナンスの予定" />
        <h1>"メンテナンスの予定"</h1>
        <p class="hint">
            "メンテナンス中は、組合員向けの画面とログイン画面が「メンテナンス中」の表示になります(管理画面は使えます)。"
            "開始の7日前から、ログイン画面とマイページトップに予告を表示します。"
        </p>
        <Loaded resource=data view=move |d: MaintenanceAdmin| view! {
            <ScheduleForm suggested=d.suggested_start.clone() schedule />
            {(!d.admin).then(|| view! {
                <p class="hint">
                    "今から" {crate::domain::policy::MAINTENANCE_OPERATOR_LEAD_MINUTES} "分以内に始まるメンテナンスの登録と、実施中のメンテナンスを予定より早く終えるのは、管理者が行います。"
                </p>
            })}
            <WindowTable rows=d.rows end />
        } />
    }
}

#[component]
fn ScheduleForm(
    suggested: String,
    schedule: ServerAction<StaffScheduleMaintenance>,
) -> impl IntoView {
    let error = action_error(schedule);
    view! {
        <section class="card" aria-labelledby="schedule-title">
            <h2 id="schedule-title">"メンテナンスを予定する"</h2>
            <ActionForm action=schedule attr:novalidate=true>
                <div class="field">
                    <label for="starts_at">"開始日時"</label>
                    <input id="starts_at" name="starts_at" type="datetime-local" value=suggested
                        aria-describedby="starts_at-error" aria-invalid=invalid(error, "starts_at") />
                    <FieldError error field="starts_at" />
                </div>
                <div class="field">
                    <label for="ends_at">"終了日時"</label>
                    <input id="ends_at" name="ends_at" type="datetime-local"
                        aria-describedby="ends_at-error" aria-invalid=invalid(error, "ends_at") />
                    <FieldError error field="ends_at" />
                </div>
                <div class="field">
                    <label for="message">"組合員へのお知らせ文"</label>
                    <textarea id="message" name="message" rows="3" maxlength="500"
                        aria-describedby="message-error" aria-invalid=invalid(error, "message")>
                        "システムの定期メンテナンスを行います。ご不便をおかけしますが、ご理解のほどよろしくお願いいたします。"
                    </textarea>
                    <FieldError error field="message" />
                </div>
                <FormError error />
                <button type="submit" class="button button--primary" disabled=move || schedule.pending().get()>
                    "予定する"
                </button>
            </ActionForm>
        </section>
    }
}

#[component]
fn WindowTable(rows: Vec<WindowRow>, end: ServerAction<StaffEndMaintenance>) -> impl IntoView {
    let error = action_error(end);
    if rows.is_empty() {
        return view! { <p class="card">"予定されたメンテナンスはありません。"</p> }.into_any();
    }
    view! {
        <FormError error />
        <div class="table-wrap">
            <table class="table" aria-label="メンテナンスの一覧">
                <thead>
                    <tr>
                        <th scope="col">"状態"</th>
                        <th scope="col">"期間"</th>
                        <th scope="col">"お知らせ文"</th>
                        <th scope="col">"操作"</th>
                    </tr>
                </thead>
                <tbody>
                    {rows.into_iter().map(|r| {
                        let label = if r.state == "実施中" { "今すぐ終了する" } else { "取り消す" };
                        view! {
                            <tr>
                                <td>{r.state}</td>
                                <td>{r.starts} "〜" {r.ends}</td>
                                <td class="message__body">{r.message}</td>
                                <td>
                                    {r.can_end.then(|| view! {
                                        <ActionForm action=end>
                                            <input type="hidden" name="id" value=r.id />
                                            <button type="submit" class="button button--small">{label}</button>
                                        </ActionForm>
                                    })}
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}
