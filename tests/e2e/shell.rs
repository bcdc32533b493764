//! The app shell (issue #2): served correctly, the catalog listed and
//! searchable, the language switch remembered, comfortable on a phone.

use fantoccini::Locator;

use crate::harness::{Intake, count, eventually, http_get, text, with_app};
use crate::steps::title_is;

#[tokio::test]
async fn procedure_list_search_and_language_switch() {
    with_app(
        "procedure_list_search_and_language_switch",
        1280,
        900,
        |client, url| async move {
            client.goto(&url).await.unwrap();
            title_is(&client, "Thủ tục hành chính").await;
            let cards = eventually("the procedure list", || async {
                let n = count(&client, ".mc-card").await;
                (n > 0).then_some(n)
            })
            .await;
            assert!(cards >= 4, "only {cards} procedures listed");
            assert!(
                text(&client, ".mc-card-title")
                    .await
                    .unwrap()
                    .contains("Đăng ký khai sinh")
            );

            // Switch to English; the choice survives a reload.
            client
                .find(Locator::Css(".mc-lang"))
                .await
                .unwrap()
                .click()
                .await
                .unwrap();
            title_is(&client, "Administrative procedures").await;
            assert_eq!(text(&client, ".mc-lang").await.unwrap(), "Tiếng Việt");
            client.refresh().await.unwrap();
            title_is(&client, "Administrative procedures").await;
            let lang = client
                .execute("return document.documentElement.lang", vec![])
                .await
                .unwrap();
            assert_eq!(lang, "en");

            // Search without diacritics finds the Vietnamese name.
            let search = client.find(Locator::Css("#mc-search")).await.unwrap();
            search.send_keys("khai sinh").await.unwrap();
            eventually("one search result", || async {
                (count(&client, ".mc-card").await == 1).then_some(())
            })
            .await;
            assert_eq!(
                text(&client, ".mc-card-title").await.unwrap(),
                "Birth registration"
            );

            // The procedure page lists its dossier components, also on a deep link.
            client
                .find(Locator::Css(".mc-card-link"))
                .await
                .unwrap()
                .click()
                .await
                .unwrap();
            title_is(&client, "Birth registration").await;
            assert!(
                client
                    .current_url()
                    .await
                    .unwrap()
                    .path()
                    .ends_with("/procedure/1.001193")
            );
            client.refresh().await.unwrap();
            title_is(&client, "Birth registration").await;
            let first = eventually("the dossier components", || async {
                text(&client, ".mc-component-name").await
            })
            .await;
            assert_eq!(first, "Birth certificate from the hospital");
        },
    )
    .await;
}

#[tokio::test]
async fn comfortable_on_a_360_px_phone() {
    with_app(
        "comfortable_on_a_360_px_phone",
        360,
        740,
        |client, url| async move {
            client.goto(&url).await.unwrap();
            eventually("the procedure list", || async {
                (count(&client, ".mc-card").await > 0).then_some(())
            })
            .await;
            let metrics = client
                .execute(
                    "const search = document.getElementById('mc-search');
                 const lang = document.querySelector('.mc-lang');
                 return {
                   viewport: document.documentElement.clientWidth,
                   scroll: document.documentElement.scrollWidth,
                   searchFont: parseFloat(getComputedStyle(search).fontSize),
                   searchHeight: search.getBoundingClientRect().height,
                   langHeight: lang.getBoundingClientRect().height,
                 };",
                    vec![],
                )
                .await
                .unwrap();
            let num = |key: &str| metrics[key].as_f64().unwrap();
            assert!(num("viewport") <= 360.0, "{metrics}");
            assert!(
                num("scroll") <= num("viewport"),
                "page scrolls sideways: {metrics}"
            );
            // 16 px keeps phones from zooming into the field; 44 px is a touch target.
            assert!(num("searchFont") >= 16.0, "{metrics}");
            assert!(num("searchHeight") >= 44.0, "{metrics}");
            assert!(num("langHeight") >= 44.0, "{metrics}");
        },
    )
    .await;
}

#[test]
fn serves_app_catalog_and_capabilities_with_the_right_headers() {
    let intake = Intake::start();
    let host = intake.authority();

    let index = http_get(host, "/", &[]);
    assert_eq!(index.status, 200);
    assert!(
        index
            .header("content-type")
            .unwrap()
            .starts_with("text/html")
    );
    assert_eq!(index.header("cache-control"), Some("no-cache"));
    let csp = index.header("content-security-policy").unwrap();
    assert!(
        csp.contains("script-src 'self' 'wasm-unsafe-eval'"),
        "{csp}"
    );
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    let html = String::from_utf8(index.body).unwrap();
    assert!(
        !html.contains("<script type=module>"),
        "inline script left in index.html"
    );
    assert!(html.contains("rel=manifest") || html.contains("rel=\"manifest\""));

    // The wasm named in the page is served compressed, typed and immutable.
    let wasm = html
        .split(['"', ' ', '>', '\''])
        .find(|s| s.ends_with("_bg.wasm"))
        .expect("wasm named in index.html")
        .trim_start_matches("href=")
        .to_owned();
    let response = http_get(host, &wasm, &[("Accept-Encoding", "br, gzip")]);
    assert_eq!(response.status, 200, "{wasm}");
    assert_eq!(response.header("content-type"), Some("application/wasm"));
    assert_eq!(response.header("content-encoding"), Some("br"));
    assert_eq!(
        response.header("cache-control"),
        Some("public, max-age=31536000, immutable")
    );
    let gzip = http_get(host, &wasm, &[("Accept-Encoding", "gzip")]);
    assert_eq!(gzip.header("content-encoding"), Some("gzip"));
    assert_eq!(&gzip.body[..2], &[0x1f, 0x8b]);

    let capabilities = http_get(host, "/.well-known/motcua", &[]);
    assert_eq!(
        capabilities.header("content-type"),
        Some("application/json")
    );
    let json: serde_json::Value = serde_json::from_slice(&capabilities.body).unwrap();
    assert_eq!(json["protocol"], "motcua-intake/1");
    assert!(json["limits"]["max_attachment_bytes"].as_u64().unwrap() > 0);

    let catalog = http_get(host, "/procedures/index.json", &[]);
    let json: serde_json::Value = serde_json::from_slice(&catalog.body).unwrap();
    assert!(json["procedures"].as_array().unwrap().len() >= 4);

    let manifest = http_get(host, "/manifest.webmanifest", &[]);
    assert_eq!(manifest.status, 200);
    assert_eq!(
        manifest.header("content-type"),
        Some("application/manifest+json")
    );

    let missing = http_get(host, "/no-such-file.js", &[]);
    assert_eq!(missing.status, 404);
    assert_eq!(
        missing.header("content-type"),
        Some("application/problem+json")
    );
    let deep_link = http_get(host, "/procedure/1.001193", &[("Accept", "text/html")]);
    assert_eq!(deep_link.status, 200);
    assert!(
        deep_link
            .header("content-type")
            .unwrap()
            .starts_with("text/html")
    );
}

#[tokio::test]
async fn the_app_opens_offline_once_visited() {
    let intake = Intake::start();
    let url = intake.url.clone();
    let browser = crate::harness::Browser::start(412, 900).await;
    let client = browser.client.clone();
    client.goto(&url).await.unwrap();
    eventually("the procedure list", || async {
        (count(&client, ".mc-card").await > 0).then_some(())
    })
    .await;
    // Wait until the service worker controls the page (it claims clients).
    eventually("a controlling service worker", || async {
        let controlled = client
            .execute("return navigator.serviceWorker.controller !== null", vec![])
            .await
            .ok()?;
        (controlled == serde_json::Value::Bool(true)).then_some(())
    })
    .await;
    // It kept the worker this browser runs: Chromium has wasm SIMD, so the
    // SIMD build and not the plain one.
    let cached = client
        .execute_async(
            r#"const done = arguments[arguments.length - 1];
            (async () => {
                const paths = [];
                for (const name of await caches.keys()) {
                    for (const request of await (await caches.open(name)).keys()) {
                        paths.push(new URL(request.url).pathname);
                    }
                }
                done(paths);
            })();"#,
            vec![],
        )
        .await
        .unwrap();
    let cached: Vec<String> = serde_json::from_value(cached).unwrap();
    assert!(
        cached.iter().any(|p| p == "/motcua-worker-simd_bg.wasm"),
        "{cached:?}"
    );
    assert!(
        !cached.iter().any(|p| p == "/motcua-worker_bg.wasm"),
        "{cached:?}"
    );
    // The server goes away, as on a phone that lost its network.
    drop(intake);
    client.refresh().await.unwrap();
    title_is(&client, "Thủ tục hành chính").await;
    let cards = eventually("the cached catalog", || async {
        let n = count(&client, ".mc-card").await;
        (n > 0).then_some(n)
    })
    .await;
    assert!(cards >= 4);
    browser.close().await;
}
