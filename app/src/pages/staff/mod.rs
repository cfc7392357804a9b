//! The back-office screens under `/staff`.

mod accounts;
mod audit;
mod certificates;
mod imports;
mod inquiries;
mod letters;
mod login;
mod mails;
mod maintenance;
mod member_new;
mod members;
mod notices;
mod password;
mod procedure;
mod queue;
mod second_factor;
mod setup;
mod verify;

pub use accounts::StaffAccountsPage;
pub use audit::StaffAuditPage;
pub use certificates::StaffCertificatesPage;
pub use imports::{StaffImportPage, StaffImportsPage};
pub use inquiries::{StaffInquiriesPage, StaffInquiryPage};
pub use letters::StaffLettersPage;
pub use login::StaffLoginPage;
pub use mails::StaffMailsPage;
pub use maintenance::StaffMaintenancePage;
pub use member_new::StaffNewMemberPage;
pub use members::{StaffMemberPage, StaffMembersPage};
pub use notices::StaffNoticesPage;
pub use password::StaffPasswordPage;
pub use procedure::StaffProcedurePage;
pub use queue::StaffQueuePage;
pub use second_factor::StaffSecondFactorPage;
pub use setup::StaffSetupPage;
pub use verify::StaffVerifyPage;

/// How many rows a bounded list shows, in which order, and whether more
/// matched than it shows.
#[leptos::component]
fn ListingCount(
    count: usize,
    more: bool,
    /// The order of rows that wait (`受付の古い順`); others are newest first.
    waiting_order: &'static str,
    newest_first: bool,
    /// What narrows it (`種類や状況`).
    narrow_by: &'static str,
) -> impl leptos::IntoView {
    use leptos::prelude::*;
    let order = if newest_first {
        "新しい順"
    } else {
        waiting_order
    };
    view! {
        <p class="hint">{count} "件(" {order} ")"</p>
        {more.then(|| view! {
            <p class="notice" role="note">
                {format!("該当が多いため、{count}件までを表示しています。{narrow_by}で絞り込んでください。")}
            </p>
        })}
    }
}
