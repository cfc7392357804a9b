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
pub mod inquiry;
mod lazy;
pub mod mails;
pub mod maintenance;
pub mod member;
pub mod money;
pub mod notice;
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
    path, Lazy, SsrMode,
};
#[cfg(feature = "ssr")]
use ssr::assets::HydrationScripts;

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
    view! {
        <Title formatter=|text: String| format!("{text} | 組合員マイページ") />
        <a class="skip-link" href="#main">"本文へ移動"</a>
        <Router>
            <Routes fallback=pages::NotFound>
                // Async: every page is sent complete, so it reads (and the FAQ
                // searches) without JavaScript, and redirects happen before any HTML.
                <Route path=path!("/") view=pages::TopPage ssr=SsrMode::Async />
                <Route path=path!("/faq") view={Lazy::<lazy::Faq>::new()} ssr=SsrMode::Async />
                <Route path=path!("/forms") view={Lazy::<lazy::Forms>::new()} ssr=SsrMode::Async />
                <Route path=path!("/forgot-id") view={Lazy::<lazy::ForgotId>::new()} ssr=SsrMode::Async />
                <Route path=path!("/login/code") view={Lazy::<lazy::LoginCode>::new()} ssr=SsrMode::Async />
                <Route path=path!("/password/forgot") view={Lazy::<lazy::PasswordForgot>::new()} ssr=SsrMode::Async />
                <Route path=path!("/password/reset") view={Lazy::<lazy::PasswordReset>::new()} ssr=SsrMode::Async />
                <Route path=path!("/register") view={Lazy::<lazy::Register>::new()} ssr=SsrMode::Async />
                <Route path=path!("/dev/mails") view={Lazy::<lazy::DevMails>::new()} ssr=SsrMode::Async />
                <ParentRoute path=path!("/mypage") view=components::MemberShell ssr=SsrMode::Async>
                    <Route path=path!("") view=pages::MyPageHome />
                    <Route path=path!("card") view={Lazy::<lazy::Card>::new()} />
                    <Route path=path!("contracts") view={Lazy::<lazy::Contracts>::new()} />
                    <Route path=path!("statements") view={Lazy::<lazy::Statements>::new()} />
                    <Route path=path!("statements/:month") view={Lazy::<lazy::Statement>::new()} />
                    <Route path=path!("certificate") view={Lazy::<lazy::Certificate>::new()} />
                    <Route path=path!("capital") view={Lazy::<lazy::Capital>::new()} />
                    <Route path=path!("apply") view={Lazy::<lazy::ApplyMenu>::new()} />
                    <Route path=path!("apply/rider") view={Lazy::<lazy::ApplyRider>::new()} />
                    <Route path=path!("apply/course") view={Lazy::<lazy::ApplyCourse>::new()} />
                    <Route path=path!("apply/documents") view={Lazy::<lazy::ApplyDocuments>::new()} />
                    <Route path=path!("apply/confirm") view={Lazy::<lazy::ApplyConfirm>::new()} />
                    <Route path=path!("procedures") view={Lazy::<lazy::Procedures>::new()} />
                    <Route path=path!("procedures/:id") view={Lazy::<lazy::ProcedureDetail>::new()} />
                    <Route path=path!("notices") view={Lazy::<lazy::Notices>::new()} />
                    <Route path=path!("notices/:id") view={Lazy::<lazy::Notice>::new()} />
                    <Route path=path!("inquiries") view={Lazy::<lazy::Inquiries>::new()} />
                    <Route path=path!("inquiries/new") view={Lazy::<lazy::InquiryNew>::new()} />
                    <Route path=path!("inquiries/:id") view={Lazy::<lazy::InquiryThread>::new()} />
                    <Route path=path!("security") view={Lazy::<lazy::Security>::new()} />
                    <Route path=path!("account") view={Lazy::<lazy::Account>::new()} />
                    <Route path=path!("profile") view={Lazy::<lazy::Profile>::new()} />
                    <Route path=path!("profile/address") view={Lazy::<lazy::AddressChange>::new()} />
                    <Route path=path!("profile/phone") view={Lazy::<lazy::PhoneChange>::new()} />
                    <Route path=path!("profile/name") view={Lazy::<lazy::NameChange>::new()} />
                    <Route path=path!("password") view={Lazy::<lazy::ForcedPassword>::new()} />
                </ParentRoute>
                <Route path=path!("/staff/login") view={Lazy::<lazy::StaffLogin>::new()} ssr=SsrMode::Async />
                <Route path=path!("/staff/login/second") view={Lazy::<lazy::StaffSecondFactor>::new()} ssr=SsrMode::Async />
                <Route path=path!("/staff/setup") view={Lazy::<lazy::StaffSetup>::new()} ssr=SsrMode::Async />
                <ParentRoute path=path!("/staff") view=components::StaffShell ssr=SsrMode::Async>
                    <Route path=path!("") view={Lazy::<lazy::StaffQueue>::new()} />
                    <Route path=path!("procedures/:id") view={Lazy::<lazy::StaffProcedure>::new()} />
                    <Route path=path!("inquiries") view={Lazy::<lazy::StaffInquiries>::new()} />
                    <Route path=path!("notices") view={Lazy::<lazy::StaffNotices>::new()} />
                    <Route path=path!("maintenance") view={Lazy::<lazy::StaffMaintenance>::new()} />
                    <Route path=path!("mails") view={Lazy::<lazy::StaffMails>::new()} />
                    <Route path=path!("inquiries/:id") view={Lazy::<lazy::StaffInquiry>::new()} />
                    <Route path=path!("members") view={Lazy::<lazy::StaffMembers>::new()} />
                    <Route path=path!("letters") view={Lazy::<lazy::StaffLetters>::new()} />
                    <Route path=path!("members/new") view={Lazy::<lazy::StaffNewMember>::new()} />
                    <Route path=path!("members/:id") view={Lazy::<lazy::StaffMember>::new()} />
                    <Route path=path!("audit") view={Lazy::<lazy::StaffAudit>::new()} />
                    <Route path=path!("verify") view={Lazy::<lazy::StaffVerify>::new()} />
                    <Route path=path!("certificates") view={Lazy::<lazy::StaffCertificates>::new()} />
                    <Route path=path!("imports") view={Lazy::<lazy::StaffImports>::new()} />
                    <Route path=path!("imports/:id") view={Lazy::<lazy::StaffImport>::new()} />
                    <Route path=path!("accounts") view={Lazy::<lazy::StaffAccounts>::new()} />
                    <Route path=path!("password") view={Lazy::<lazy::StaffPassword>::new()} />
                </ParentRoute>
            </Routes>
        </Router>
    }
}
