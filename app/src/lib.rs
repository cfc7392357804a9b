//! 組合員マイページ: pages, components and server functions shared by the
//! server (SSR) and the browser (hydration).

pub mod account;
pub mod auth;
pub mod card;
pub mod components;
pub mod contract;
pub mod dev_mail;
pub mod domain;
pub mod error;
pub mod faq;
pub mod forms;
pub mod member;
pub mod money;
pub mod pages;
pub mod procedure;
pub mod registration;
pub mod site;
#[cfg(feature = "ssr")]
pub mod ssr;
pub mod staff;

use leptos::prelude::*;
#[cfg(feature = "ssr")]
use leptos_meta::MetaTags;
use leptos_meta::{provide_meta_context, Title};
use leptos_router::{
    components::{ParentRoute, Route, Router, Routes},
    path, SsrMode,
};

/// The HTML document around the app, rendered on the server only. Its CSP
/// header comes from `ssr::security::guard`, which also supplies the nonce.
#[cfg(feature = "ssr")]
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="ja">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="format-detection" content="telephone=no" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                // Installable: members add the card to their home screen (M10).
                <link rel="manifest" href="/manifest.webmanifest" />
                <link rel="apple-touch-icon" href="/apple-touch-icon.png" />
                <meta name="theme-color" content="#0b6e4f" />
                <AutoReload options=options.clone() />
                <link id="leptos" rel="stylesheet" href=ssr::assets::stylesheet_href(&options) />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    site::provide_site();
    // Effects run only in the browser, after hydration: tests wait for this mark.
    Effect::new(|| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
    view! {
        <Title formatter=|text: String| format!("{text} | 組合員マイページ") />
        <a class="skip-link" href="#main">"本文へ移動"</a>
        <Router>
            <Routes fallback=pages::NotFound>
                // Async: every page is sent complete, so it reads (and the FAQ
                // searches) without JavaScript, and redirects happen before any HTML.
                <Route path=path!("/") view=pages::TopPage ssr=SsrMode::Async />
                <Route path=path!("/faq") view=pages::FaqPage ssr=SsrMode::Async />
                <Route path=path!("/forms") view=pages::FormsPage ssr=SsrMode::Async />
                <Route path=path!("/forgot-id") view=pages::ForgotIdPage ssr=SsrMode::Async />
                <Route path=path!("/login/code") view=pages::LoginCodePage ssr=SsrMode::Async />
                <Route path=path!("/password/forgot") view=pages::PasswordForgotPage ssr=SsrMode::Async />
                <Route path=path!("/password/reset") view=pages::PasswordResetPage ssr=SsrMode::Async />
                <Route path=path!("/register") view=pages::RegisterPage ssr=SsrMode::Async />
                <Route path=path!("/dev/mails") view=pages::DevMailsPage ssr=SsrMode::Async />
                <ParentRoute path=path!("/mypage") view=components::MemberShell ssr=SsrMode::Async>
                    <Route path=path!("") view=pages::MyPageHome />
                    <Route path=path!("card") view=pages::CardPage />
                    <Route path=path!("contracts") view=pages::ContractsPage />
                    <Route path=path!("statements") view=pages::StatementsPage />
                    <Route path=path!("statements/:month") view=pages::StatementPage />
                    <Route path=path!("certificate") view=pages::CertificatePage />
                    <Route path=path!("capital") view=pages::CapitalPage />
                    <Route path=path!("apply") view=pages::ApplyMenuPage />
                    <Route path=path!("apply/rider") view=pages::ApplyRiderPage />
                    <Route path=path!("apply/course") view=pages::ApplyCoursePage />
                    <Route path=path!("apply/documents") view=pages::ApplyDocumentsPage />
                    <Route path=path!("apply/confirm") view=pages::ApplyConfirmPage />
                    <Route path=path!("procedures") view=pages::ProceduresPage />
                    <Route path=path!("procedures/:id") view=pages::ProcedureDetailPage />
                    <Route path=path!("security") view=pages::SecurityPage />
                    <Route path=path!("account") view=pages::AccountPage />
                    <Route path=path!("profile") view=pages::ProfilePage />
                    <Route path=path!("profile/address") view=pages::AddressChangePage />
                    <Route path=path!("profile/phone") view=pages::PhoneChangePage />
                    <Route path=path!("profile/name") view=pages::NameChangePage />
                    <Route path=path!("password") view=pages::ForcedPasswordPage />
                </ParentRoute>
                <Route path=path!("/staff/login") view=pages::StaffLoginPage ssr=SsrMode::Async />
                <Route path=path!("/staff/login/second") view=pages::StaffSecondFactorPage ssr=SsrMode::Async />
                <Route path=path!("/staff/setup") view=pages::StaffSetupPage ssr=SsrMode::Async />
                <ParentRoute path=path!("/staff") view=components::StaffShell ssr=SsrMode::Async>
                    <Route path=path!("") view=pages::StaffQueuePage />
                    <Route path=path!("procedures/:id") view=pages::StaffProcedurePage />
                    <Route path=path!("members") view=pages::StaffMembersPage />
                    <Route path=path!("members/new") view=pages::StaffNewMemberPage />
                    <Route path=path!("members/:id") view=pages::StaffMemberPage />
                    <Route path=path!("audit") view=pages::StaffAuditPage />
                    <Route path=path!("verify") view=pages::StaffVerifyPage />
                    <Route path=path!("certificates") view=pages::StaffCertificatesPage />
                    <Route path=path!("imports") view=pages::StaffImportsPage />
                    <Route path=path!("imports/:id") view=pages::StaffImportPage />
                    <Route path=path!("accounts") view=pages::StaffAccountsPage />
                    <Route path=path!("password") view=pages::StaffPasswordPage />
                </ParentRoute>
            </Routes>
        </Router>
    }
}
