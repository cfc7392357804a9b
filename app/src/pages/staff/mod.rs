//! The back-office screens under `/staff`.

mod accounts;
mod audit;
mod login;
mod members;
mod procedure;
mod queue;

pub use accounts::StaffAccountsPage;
pub use audit::StaffAuditPage;
pub use login::StaffLoginPage;
pub use members::{StaffMemberPage, StaffMembersPage};
pub use procedure::StaffProcedurePage;
pub use queue::StaffQueuePage;
