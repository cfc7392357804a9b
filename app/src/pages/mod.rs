//! One module per screen.

mod account;
mod apply;
mod card;
mod contracts;
mod dev_mails;
mod faq;
mod forced_password;
mod forgot_id;
mod forms;
mod inquiries;
mod login_code;
mod money;
mod mypage_home;
mod not_found;
mod notices;
mod password_forgot;
mod password_reset;
mod procedures;
mod profile;
mod register;
mod security;
mod staff;
mod statements;
mod top;

pub use account::AccountPage;
pub use apply::{
    ApplyConfirmPage, ApplyCoursePage, ApplyDocumentsPage, ApplyMenuPage, ApplyRiderPage,
};
pub use card::CardPage;
pub use contracts::{ContractCard, ContractsPage};
pub use dev_mails::DevMailsPage;
pub use faq::FaqPage;
pub use forced_password::ForcedPasswordPage;
pub use forgot_id::ForgotIdPage;
pub use forms::FormsPage;
pub use inquiries::{InquiriesPage, InquiryNewPage, InquiryStatus, InquiryThreadPage, MessageList};
pub use login_code::LoginCodePage;
pub use money::{CapitalPage, CertificatePage};
pub use mypage_home::MyPageHome;
pub use not_found::NotFound;
pub use notices::{HomeNotices, MaintenanceBanner, NoticePage, NoticesPage, PublicNotices};
pub use password_forgot::PasswordForgotPage;
pub use password_reset::PasswordResetPage;
pub use procedures::{use_id_param, ProcedureDetailPage, ProceduresPage, StatusBadge, Timeline};
pub use profile::{AddressChangePage, NameChangePage, PhoneChangePage, ProfilePage};
pub use register::RegisterPage;
pub use security::SecurityPage;
pub use staff::{
    StaffAccountsPage, StaffAuditPage, StaffCertificatesPage, StaffImportPage, StaffImportsPage,
    StaffInquiriesPage, StaffInquiryPage, StaffLettersPage, StaffLoginPage, StaffMailsPage,
    StaffMaintenancePage, StaffMemberPage, StaffMembersPage, StaffNewMemberPage, StaffNoticesPage,
    StaffPasswordPage, StaffProcedurePage, StaffQueuePage, StaffSecondFactorPage, StaffSetupPage,
    StaffVerifyPage,
};
pub use statements::{StatementPage, StatementsPage};
pub use top::TopPage;
