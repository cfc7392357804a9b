//! The browser side: hydrates the server-rendered pages.

use any_spawner::Executor;
use leptos::prelude::document;
use leptos::task::spawn_local;

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // `leptos::mount::hydrate_lazy`, with a mark once it is over. Lazy:
    // screens split off by `cargo leptos build --split` load on demand, and a
    // page that is one of them hydrates only after its chunks arrived.
    let _ = Executor::init_wasm_bindgen();
    spawn_local(async {
        let Some(body) = document().body() else {
            return;
        };
        let owner = leptos::mount::hydrate_from_async(body.clone(), app::App).await;
        owner.forget();
        // The whole page, its lazily loaded screen included, now runs in the
        // browser. The end-to-end tests wait for this mark before they click.
        // It used to be set by an effect in `App`, which runs before a lazy
        // screen's chunks have arrived: tests clicked into pages still
        // hydrating, and one whose hydration had failed went unnoticed.
        let _ = body.set_attribute("data-hydrated", "true");
    });
}
