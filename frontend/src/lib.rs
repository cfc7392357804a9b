//! The browser side: hydrates the server-rendered pages.

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // Lazy: screens split off by `cargo leptos build --split` load on demand.
    leptos::mount::hydrate_lazy(app::App);
}
