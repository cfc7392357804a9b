//! 加入申込書 and 脱退届 (M14): public PDFs with real text, the FAX number and
//! the postal address from the configuration.

use crate::helpers::*;
use axum::body::Body;
use tower::ServiceExt;

async fn the_forms_are_pdfs_with_where_to_send_them(app: TestApp) {
    let router = app::ssr::routes::router(app.state());
    for (path, title) in [
        ("/forms/kanyu-moushikomisho.pdf", "加入申込書"),
        ("/forms/dattai-todoke.pdf", "脱退届"),
    ] {
        let res = router
            .clone()
            .oneshot(http::Request::get(path).body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "{path}");
        assert_eq!(res.headers()["content-type"], "application/pdf");
        let pdf = axum::body::to_bytes(res.into_body(), 1 << 24)
            .await
            .unwrap();
        let text = crate::letters::pdf_text(&pdf);
        let cfg = config();
        for expected in [
            title,
            "氏名(自署)",
            &format!("FAX {}", cfg.coop_fax),
            "東京都千代田区丸の内1-1-1",
        ] {
            assert!(
                text.contains(expected),
                "{expected:?} missing in {path}:\n{text}"
            );
        }
    }
}
on_both!(forms_pdfs, the_forms_are_pdfs_with_where_to_send_them);
