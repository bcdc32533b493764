//! The official tus client (tus-js-client, npm) uploads a file to our intake
//! server in chunks; the server stores exactly those bytes under their hash.

use std::path::Path;
use std::process::Command;

mod support;

use support::Server;

#[test]
fn tus_js_client_uploads_to_motcua_serve() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let server = Server::start(dir.path(), "127.0.0.1:0");
    let url = format!("{}/", server.url);

    // 700 KB in 64 KB chunks: eleven PATCH requests.
    let bytes: Vec<u8> = (0..700_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
        .collect();
    let file = dir.path().join("giay-chung-sinh.pdf");
    std::fs::write(&file, &bytes).unwrap();
    let sha256: String = ring::digest::digest(&ring::digest::SHA256, &bytes)
        .as_ref()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();

    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/interop/tus_upload.mjs");
    let output = Command::new("node")
        .arg(&script)
        .arg(format!("{url}api/v1/uploads"))
        .arg(&file)
        .arg(&sha256)
        .output()
        .expect("node is needed for this test (cargo xtask setup installs it)");
    drop(server);
    assert!(
        output.status.success(),
        "tus-js-client failed (run `cargo xtask setup` if it is missing):\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let upload_url = String::from_utf8(output.stdout).unwrap();
    assert!(
        upload_url
            .trim()
            .starts_with(&format!("{url}api/v1/uploads/")),
        "{upload_url}"
    );
    let stored = data.join("blobs/sha256").join(&sha256[..2]).join(&sha256);
    assert_eq!(std::fs::read(stored).unwrap(), bytes);
}
