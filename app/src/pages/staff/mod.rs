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
