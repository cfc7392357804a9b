//! The browser's files under `/pkg` (the wasm, its JavaScript, the split-off
//! chunks and the stylesheet): what they are called and how they are served.
//!
//! cargo-leptos names them by their content's hash (`hash-files`) and writes
//! the names to `hash.txt` beside the server binary; a name therefore never
//! changes meaning, so browsers may keep each file for a year without asking
//! again. A release build also writes a brotli and a gzip copy of every file
//! (`--precompress`): they are sent as they are, instead of compressing the
//! wasm again for every request.

use std::{path::PathBuf, sync::OnceLock};

use axum::{
    extract::Request,
    http::{header, HeaderValue, StatusCode},
    middleware::{self, Next},
    response::Response,
    Router,
};
use leptos::config::LeptosOptions;
use tower_http::services::{ServeDir, ServeFile};

/// How long a browser keeps a hashed file: a year, never revalidated.
pub const HASHED_CACHE: &str = "public, max-age=31536000, immutable";
/// Files whose names do not change with their content (a build without
/// `hash-files`): kept, but checked again before each use.
pub const UNHASHED_CACHE: &str = "no-cache";

/// The `/pkg` service: the site's pkg directory, precompressed copies
/// preferred, with the cache policy its names allow.
pub fn pkg_service<S: Clone + Send + Sync + 'static>(options: &LeptosOptions) -> Router<S> {
    let dir = PathBuf::from(options.site_root.as_ref()).join(options.site_pkg_dir.as_ref());
    let files = ServeDir::new(dir).precompressed_br().precompressed_gzip();
    let policy = if options.hash_files {
        HASHED_CACHE
    } else {
        UNHASHED_CACHE
    };
    cached(Router::new().fallback_service(files), policy)
}

/// `files` with the cache policy `policy` on what they send (200 and 304).
fn cached<S: Clone + Send + Sync + 'static>(files: Router<S>, policy: &'static str) -> Router<S> {
    files.layer(middleware::from_fn(
        move |req: Request, next: Next| async move {
            let mut res: Response = next.run(req).await;
            if matches!(res.status(), StatusCode::OK | StatusCode::NOT_MODIFIED) {
                let h = res.headers_mut();
                h.insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
                // The copy sent depends on what the browser accepts: a shared
                // cache must not hand the brotli copy to one that does not.
                h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
            }
            res
        },
    ))
}

/// The files at the site's root (copied from `public/`): names browsers and
/// the installed app ask for by themselves, so not hashed. Each is served
/// straight from disk (never through the app's renderer) and revalidated
/// before each use: unchanged, the answer is a bodiless 304.
pub const ROOT_FILES: &[&str] = &[
    "/sw.js",
    "/manifest.webmanifest",
    "/favicon.svg",
    "/apple-touch-icon.png",
    "/icon-192.png",
    "/icon-512.png",
    "/scan.js",
];

/// Whether `path` names one of [`ROOT_FILES`].
pub fn is_root_file(path: &str) -> bool {
    ROOT_FILES.contains(&path)
}

/// A route for each of [`ROOT_FILES`], from the site directory.
pub fn root_files<S: Clone + Send + Sync + 'static>(options: &LeptosOptions) -> Router<S> {
    let root = PathBuf::from(options.site_root.as_ref());
    let mut router = Router::new();
    for path in ROOT_FILES {
        let file = ServeFile::new(root.join(path.trim_start_matches('/')))
            .precompressed_br()
            .precompressed_gzip();
        router = router.route_service(path, file);
    }
    cached(router, UNHASHED_CACHE)
}

/// The name cargo-leptos gives the site's files (`name` in the workspace's
/// leptos metadata).
pub const OUTPUT_NAME: &str = "mypage";

/// Completes the options the environment left unset, then checks that the
/// site directory holds this build's files, so a misplaced deployment stops
/// at start instead of serving pages whose scripts and styles are missing:
/// - the output name (cargo-leptos compiles it in, and so does every build
///   in this workspace through `.cargo/config.toml`; a build without either
///   would have Leptos ask for files named `.wasm`);
/// - hashed names: on when `hash.txt` lies beside the binary, unless
///   `LEPTOS_HASH_FILES` says otherwise.
pub fn settle(options: &mut LeptosOptions) -> Result<(), String> {
    if options.output_name.is_empty() {
        options.output_name = OUTPUT_NAME.into();
    }
    if std::env::var_os("LEPTOS_HASH_FILES").is_none() {
        options.hash_files = hash_file(options).is_some_and(|path| path.exists());
    }
    let css = PathBuf::from(options.site_root.as_ref())
        .join(stylesheet_href(options).trim_start_matches('/'));
    if !css.exists() {
        return Err(format!(
            "{} is missing: build the site with `cargo leptos build --release`, \
             keep hash.txt beside the server binary and set LEPTOS_SITE_ROOT to the site directory",
            css.display()
        ));
    }
    Ok(())
}

/// `hash.txt`, where Leptos looks for it: beside the running binary.
fn hash_file(options: &LeptosOptions) -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    Some(exe.parent()?.join(options.hash_file.as_ref()))
}

/// The stylesheet's address, e.g. `/pkg/mypage.Zk3….css`: read from
/// `hash.txt` once, not at every page.
pub fn stylesheet_href(options: &LeptosOptions) -> &'static str {
    static HREF: OnceLock<String> = OnceLock::new();
    HREF.get_or_init(|| {
        let name = pkg_name(options, "css", &options.output_name, "css");
        format!("/{}/{name}", options.site_pkg_dir)
    })
}

/// Names, in the page's head, the wasm chunks a lazily loaded screen needs
/// (`screen` is its route type in `crate::lazy`, e.g. `ProcedureDetail`), so
/// a browser opening that screen directly fetches them beside the main wasm
/// instead of after it. They are named in a `<meta>` that [`HydrationScripts`]
/// reads once the page is painted, not as `<link rel="preload">`: those start
/// at once and take the bandwidth the stylesheet needs for the first paint.
/// (Leptos means to list them itself, but in 0.8 reads the manifest outside
/// the page's context and finds none.)
pub fn preload_screen(screen: &str) {
    let Ok(state) = crate::ssr::AppState::current() else {
        return;
    };
    let Some(split) = split_manifest(&state.leptos_options) else {
        return;
    };
    let key = format!("__{}_view_", snake_case(screen));
    let Some(chunks) = split.chunks.iter().find_map(|(name, chunks)| {
        let hash = name.strip_prefix(&key)?;
        hash.bytes().all(|b| b.is_ascii_digit()).then_some(chunks)
    }) else {
        return;
    };
    let pkg = &state.leptos_options.site_pkg_dir;
    let mut files = format!("/{pkg}/{}", split.loader);
    for chunk in chunks {
        files.push_str(&format!(" /{pkg}/{chunk}.wasm"));
    }
    use leptos::prelude::*;
    use leptos_meta::Meta;
    // `to_html` on a leptos_meta component registers it for the head.
    let _ = view! { <Meta name=PRELOAD_META content=files /> }.to_html();
}

/// The `<meta name>` listing a screen's files for [`HydrationScripts`].
pub const PRELOAD_META: &str = "mypage-preload";

/// Starts the browser side once the page has been painted: fetches the main
/// wasm and its JavaScript, and the chunks [`preload_screen`] named, then
/// hydrates. In place of Leptos' `HydrationScripts`, which preloads the wasm
/// from the head at high priority (on a slow mobile network the ~350 KB
/// compete with the stylesheet, and the first paint waits; Lighthouse's
/// mobile run put the largest paint at 2.9–4.9 s, after the wasm, instead of
/// with the first one) and reads `hash.txt` from disk at every page.
///
/// "Painted" is the browser's first-contentful-paint entry, reported once the
/// frame is on screen (the next animation frame where the browser has no such
/// entry; a second after `load`, or three seconds in, if it never comes):
/// starting on the next frame raced the paint, and Lighthouse still counted
/// the wasm against the largest paint in 2 of 7 runs of the login page (0 of 7
/// on the entry). A page that is not visible (opened in a background tab) has
/// nothing to paint and starts at once.
#[leptos::component]
pub fn HydrationScripts(options: LeptosOptions) -> impl leptos::IntoView {
    use leptos::prelude::*;
    let script = start_script(&options);
    view! { <script type="module" nonce=leptos::nonce::use_nonce()>{script}</script> }
}

/// The function [`HydrationScripts`] calls with the files' addresses.
const START: &str = r#"(js, wasm, meta) => {
  const start = () => {
    for (const m of document.querySelectorAll(`meta[name="${meta}"]`)) {
      for (const href of m.content.split(" ").filter(Boolean)) {
        const link = document.createElement("link");
        link.href = href;
        link.crossOrigin = "anonymous";
        if (href.endsWith(".js")) {
          link.rel = "modulepreload";
        } else {
          link.rel = "preload";
          link.as = "fetch";
          link.type = "application/wasm";
        }
        document.head.append(link);
      }
    }
    const module = fetch(wasm);
    import(js)
      .then((mod) => mod.default({ module_or_path: module }).then(() => mod.hydrate()))
      .catch((error) => console.error("mypage: the page could not start", error));
  };
  let started = false;
  const once = () => {
    if (!started) {
      started = true;
      start();
    }
  };
  if (document.visibilityState === "hidden") {
    once();
    return;
  }
  // Whatever happens to the paint entry, the page starts: a second after
  // `load`, and three seconds after this script at the latest.
  addEventListener("load", () => setTimeout(once, 1000));
  setTimeout(once, 3000);
  try {
    const types = (typeof PerformanceObserver === "function" && PerformanceObserver.supportedEntryTypes) || [];
    if (!types.includes("paint")) {
      throw new Error("no paint entries");
    }
    new PerformanceObserver((list, observer) => {
      if (list.getEntriesByName("first-contentful-paint").length) {
        observer.disconnect();
        once();
      }
    }).observe({ type: "paint", buffered: true });
  } catch {
    requestAnimationFrame(() => setTimeout(once, 0));
  }
}"#;

/// [`START`] called with the main wasm's and its JavaScript's addresses,
/// written once per process (every page used to format it anew).
fn start_script(options: &LeptosOptions) -> &'static str {
    static SCRIPT: OnceLock<String> = OnceLock::new();
    SCRIPT.get_or_init(|| {
        let (js, wasm) = browser_files(options);
        format!(
            "({START})({}, {}, {});",
            js_string(&js),
            js_string(&wasm),
            js_string(PRELOAD_META)
        )
    })
}

/// `text` as a JavaScript string literal that can stand inside a `<script>`
/// element: JSON, with `<` escaped so that no `</script>` can end it early.
fn js_string(text: &str) -> String {
    serde_json::Value::from(text)
        .to_string()
        .replace('<', "\\u003c")
}

/// The main JavaScript's and wasm's addresses, from `hash.txt` (names as
/// Leptos gives them: hashed with `hash-files`; otherwise the wasm is
/// `<name>_bg.wasm` unless cargo-leptos named the output).
fn browser_files(options: &LeptosOptions) -> (String, String) {
    let name = &options.output_name;
    let js = pkg_name(options, "js", name, "js");
    let wasm = match hashed_name(options, "wasm", name, "wasm") {
        Some(hashed) => hashed,
        None if option_env!("LEPTOS_OUTPUT_NAME").is_some() => format!("{name}.wasm"),
        None => format!("{name}_bg.wasm"),
    };
    let pkg = &options.site_pkg_dir;
    (format!("/{pkg}/{js}"), format!("/{pkg}/{wasm}"))
}

/// `cargo leptos build --split`'s manifest: which chunks each lazily loaded
/// function needs, and the loader script's name.
struct SplitManifest {
    chunks: std::collections::HashMap<String, Vec<String>>,
    loader: String,
}

/// Read once; `None` for a build without `--split`.
fn split_manifest(options: &LeptosOptions) -> Option<&'static SplitManifest> {
    static MANIFEST: OnceLock<Option<SplitManifest>> = OnceLock::new();
    MANIFEST
        .get_or_init(|| {
            let manifest = pkg_name(options, "manifest", "__wasm_split_manifest", "json");
            let path = PathBuf::from(options.site_root.as_ref())
                .join(options.site_pkg_dir.as_ref())
                .join(manifest);
            let text = std::fs::read_to_string(path).ok()?;
            let chunks = match serde_json::from_str(&text) {
                Ok(chunks) => chunks,
                Err(e) => {
                    tracing::error!(error = %e, "the split manifest is not readable");
                    return None;
                }
            };
            let loader = if options.hash_files {
                pkg_name(options, "split", "__wasm_split", "js")
            } else {
                "__wasm_split.______________________.js".to_owned()
            };
            Some(SplitManifest { chunks, loader })
        })
        .as_ref()
}

/// `ProcedureDetail` → `procedure_detail`, as Leptos names a lazy route's view.
fn snake_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

/// `{stem}.{hash}.{ext}`, with the hash `hash.txt` gives `kind`, when names
/// are hashed (`hash-files`); `None` otherwise, for the caller's plain name.
fn hashed_name(options: &LeptosOptions, kind: &str, stem: &str, ext: &str) -> Option<String> {
    let hash = options
        .hash_files
        .then(|| hash_of(options, kind))
        .flatten()?;
    Some(format!("{stem}.{hash}.{ext}"))
}

/// [`hashed_name`], or `{stem}.{ext}` when names are not hashed.
fn pkg_name(options: &LeptosOptions, kind: &str, stem: &str, ext: &str) -> String {
    hashed_name(options, kind, stem, ext).unwrap_or_else(|| format!("{stem}.{ext}"))
}

/// One file's hash from `hash.txt` (lines like `css: Zk3…`).
fn hash_of(options: &LeptosOptions, kind: &str) -> Option<String> {
    let path = hash_file(options)?;
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) => {
            tracing::error!(path = %path.display(), error = %e, "hash-files is on but its hash file is missing");
            return None;
        }
    };
    parse_hash(&text, kind)
}

fn parse_hash(text: &str, kind: &str) -> Option<String> {
    text.lines().find_map(|line| {
        let (k, hash) = line.split_once(':')?;
        (k.trim() == kind).then(|| hash.trim().to_owned())
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn names_a_route_as_leptos_does() {
        assert_eq!(super::snake_case("ProcedureDetail"), "procedure_detail");
        assert_eq!(super::snake_case("Faq"), "faq");
        assert_eq!(super::snake_case("StaffNewMember"), "staff_new_member");
    }

    #[test]
    fn file_names_become_string_literals_no_script_element_can_end_early() {
        assert_eq!(
            super::js_string("/pkg/mypage.x-Y_z.js"),
            r#""/pkg/mypage.x-Y_z.js""#
        );
        assert_eq!(
            super::js_string("a\"b\\c</script><script>"),
            r#""a\"b\\c\u003c/script>\u003cscript>""#
        );
    }

    #[test]
    fn reads_a_hash_line() {
        let text = "js: AbC\nwasm: dEf\ncss: Zk3-_x\nmanifest: q\n";
        assert_eq!(super::parse_hash(text, "css").as_deref(), Some("Zk3-_x"));
        assert_eq!(super::parse_hash(text, "wasm").as_deref(), Some("dEf"));
        assert_eq!(super::parse_hash(text, "split"), None);
    }
}
