//! Screens loaded on demand. The wasm a member's phone fetches first holds
//! only what the login page and the My Page home need (and the frames of My
//! Page and the back office, see below); every other screen (the back
//! office's included) is a route whose code `cargo leptos build
//! --split` cuts into a chunk of its own, fetched the first time the screen
//! opens. On a full page load the server lists the chunks the screen needs
//! (a `<meta>` that `ssr::assets::HydrationScripts` turns into preloads once
//! the page is painted, see `ssr::assets::preload_screen`), so the browser
//! fetches them beside the main wasm.
//!
//! Each lazy screen is a [`LazyRoute`] with no data of its own: its
//! component loads its data itself, as it did before it became lazy.

use leptos::prelude::*;
use leptos_router::{lazy_route, LazyRoute};

use crate::pages;

/// `lazy_screens! { Route => component, … }`: a unit struct per screen whose
/// view is the component, split off.
macro_rules! lazy_screens {
    ($($(#[$doc:meta])* $route:ident => $component:path,)*) => {
        $(
            $(#[$doc])*
            #[derive(Clone, Copy, Debug)]
            pub struct $route;

            #[lazy_route]
            impl LazyRoute for $route {
                fn data() -> Self {
                    $route
                }

                fn view(this: Self) -> AnyView {
                    let _ = this;
                    #[cfg(feature = "ssr")]
                    crate::ssr::assets::preload_screen(stringify!($route));
                    $component().into_any()
                }
            }
        )*
    };
}

lazy_screens! {
    // Public screens other than the login page.
    Faq => pages::FaqPage,
    Forms => pages::FormsPage,
    ForgotId => pages::ForgotIdPage,
    LoginCode => pages::LoginCodePage,
    PasswordForgot => pages::PasswordForgotPage,
    PasswordReset => pages::PasswordResetPage,
    Register => pages::RegisterPage,
    DevMails => pages::DevMailsPage,
    // My Page, but for its home.
    Card => pages::CardPage,
    Contracts => pages::ContractsPage,
    Statements => pages::StatementsPage,
    Statement => pages::StatementPage,
    Certificate => pages::CertificatePage,
    Capital => pages::CapitalPage,
    ApplyMenu => pages::ApplyMenuPage,
    ApplyRider => pages::ApplyRiderPage,
    ApplyCourse => pages::ApplyCoursePage,
    ApplyDocuments => pages::ApplyDocumentsPage,
    ApplyConfirm => pages::ApplyConfirmPage,
    Procedures => pages::ProceduresPage,
    ProcedureDetail => pages::ProcedureDetailPage,
    Notices => pages::NoticesPage,
    Notice => pages::NoticePage,
    Inquiries => pages::InquiriesPage,
    InquiryNew => pages::InquiryNewPage,
    InquiryThread => pages::InquiryThreadPage,
    Security => pages::SecurityPage,
    Account => pages::AccountPage,
    Profile => pages::ProfilePage,
    AddressChange => pages::AddressChangePage,
    PhoneChange => pages::PhoneChangePage,
    NameChange => pages::NameChangePage,
    ForcedPassword => pages::ForcedPasswordPage,
    // The back office. Its frame (`components::StaffShell`) is not lazy: a
    // parent route and its child that both load on demand are created in
    // the browser in the order their chunks arrive, which need not be the
    // order the server created their data in, and data read under another
    // resource's id fails hydration. A frame in the main wasm comes first,
    // as on the server.
    StaffLogin => pages::StaffLoginPage,
    StaffSecondFactor => pages::StaffSecondFactorPage,
    StaffSetup => pages::StaffSetupPage,
    StaffQueue => pages::StaffQueuePage,
    StaffProcedure => pages::StaffProcedurePage,
    StaffInquiries => pages::StaffInquiriesPage,
    StaffNotices => pages::StaffNoticesPage,
    StaffMaintenance => pages::StaffMaintenancePage,
    StaffMails => pages::StaffMailsPage,
    StaffInquiry => pages::StaffInquiryPage,
    StaffMembers => pages::StaffMembersPage,
    StaffLetters => pages::StaffLettersPage,
    StaffNewMember => pages::StaffNewMemberPage,
    StaffMember => pages::StaffMemberPage,
    StaffAudit => pages::StaffAuditPage,
    StaffVerify => pages::StaffVerifyPage,
    StaffCertificates => pages::StaffCertificatesPage,
    StaffImports => pages::StaffImportsPage,
    StaffImport => pages::StaffImportPage,
    StaffAccounts => pages::StaffAccountsPage,
    StaffPassword => pages::StaffPasswordPage,
}
