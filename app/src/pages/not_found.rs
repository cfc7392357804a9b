//! Any path without a screen.

use crate::components::PublicLayout;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        res.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text="ページが見つかりません" />
        <PublicLayout>
            <section class="card">
                <h1>"ページが見つかりません"</h1>
                <p>"お探しのページは移動または削除された可能性があります。"</p>
                <p><a href="/">"トップページへ"</a></p>
            </section>
        </PublicLayout>
    }
}
