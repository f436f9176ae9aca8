//! wasm tests of the console in headless Chromium (`cargo test -p vigil-web --target wasm32-unknown-unknown`).

use std::time::Duration;

use vigil_core::detect::Engine;
use vigil_core::scan::Scanner;
use vigil_web::view::table::Filter;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const ROOT_CALL: &str = r#"{"Records":[{"eventTime":"2024-01-01T00:00:00Z","eventSource":"s3.amazonaws.com","eventName":"ListBuckets","awsRegion":"us-east-1","sourceIPAddress":"198.51.100.7","userIdentity":{"type":"Root","principalId":"111122223333","arn":"arn:aws:iam::111122223333:root","accountId":"111122223333","accessKeyId":"AKIAROOT"},"recipientAccountId":"111122223333"}]}"#;

#[wasm_bindgen_test]
fn the_core_scans_in_wasm() {
    let mut scanner = Scanner::new(Engine::default());
    let id = scanner.begin_file("a.json");
    // Byte by byte: the streaming framing must not care where chunks end.
    for b in ROOT_CALL.as_bytes().chunks(7) {
        scanner.push(id, b);
    }
    scanner.end_file(id);
    let report = scanner.finish();
    assert_eq!(report.files[0].events, 1);
    assert!(report.findings.iter().any(|f| f.finding_type == "Policy:IAMUser/RootCredentialUsage"));
    // The table filter sees it too.
    let shown = Filter::default().apply(&report.findings);
    assert_eq!(shown.len(), report.findings.len());
}

#[wasm_bindgen_test]
async fn the_console_renders_its_inputs() {
    let document = gloo::utils::document();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    yew::Renderer::<vigil_web::App>::with_root(root.clone()).render();
    gloo::timers::future::sleep(Duration::from_millis(50)).await;
    assert!(root.query_selector("[data-testid=drop-input]").unwrap().is_some());
    assert!(root.query_selector("[data-testid=url-input]").unwrap().is_some());
    let status = root.query_selector("[data-testid=analyze-status]").unwrap().unwrap();
    assert!(status.text_content().unwrap().contains("Ready"));
}
