//! The frame of public pages: header with the co-op's name, and the footer.

use crate::site::site;
use leptos::prelude::*;

#[component]
pub fn PublicLayout(children: Children) -> impl IntoView {
    view! {
        <header class="site-header">
            <div class="site-header__inner">
                <Brand />
                <nav class="site-nav" aria-label="サイト">
                    <a href="/faq">"よくある質問"</a>
                </nav>
            </div>
        </header>
        <main class="page" id="main">
            {children()}
        </main>
        <SiteFooter />
    }
}

/// Co-op name and product name, linking home.
#[component]
pub fn Brand() -> impl IntoView {
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move { view! { <BrandName coop=site().await.coop_name /> } })}
        </Suspense>
    }
}

/// [`Brand`] where the co-op's name is already at hand (inside another
/// suspense, where a nested one would be rendered out of order).
#[component]
pub fn BrandName(coop: String) -> impl IntoView {
    view! {
        <a class="brand" href="/">
            <span class="brand__coop">{coop}</span>
            <span class="brand__product">"組合員マイページ"</span>
        </a>
    }
}

#[component]
pub fn SiteFooter() -> impl IntoView {
    view! {
        <footer class="site-footer">
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let s = site().await;
                    view! {
                        <p>
                            "お問い合わせ:" {s.coop_name.clone()} " "
                            <a href=format!("tel:{}", s.coop_phone)>{s.coop_phone.clone()}</a>
                            " (" {s.coop_phone_hours.clone()} ")"
                        </p>
                        <p class="site-footer__copy">"© " {s.coop_name}</p>
                    }
                })}
            </Suspense>
        </footer>
    }
}
