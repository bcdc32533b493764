//! `motcua serve` as a process: starts on a free port, creates its data
//! directory, answers, and stops cleanly on Ctrl-C (SIGINT).

#![expect(
    clippy::unwrap_used,
    reason = "test helpers outside #[test] fns: a panic is a test failure"
)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

/// Starts `command` (the binary, or a shell that runs it) as `motcua serve`
/// on a free port with `data` and `dist`: the child, the rest of its
/// stdout, and the `host:port` it serves on.
fn serve(
    mut command: Command,
    data: &Path,
    dist: &Path,
) -> (Child, BufReader<ChildStdout>, String) {
    let mut child = command
        .args(["serve", "--addr", "127.0.0.1:0", "--data-dir"])
        .arg(data)
        .arg("--dist")
        .arg(dist)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    let authority = line
        .trim()
        .strip_prefix("motcua: serving on http://")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .trim_end_matches('/')
        .to_owned();
    (child, stdout, authority)
}

#[test]
fn starts_answers_and_stops_cleanly_on_ctrl_c() {
    let dir = tempfile::tempdir().unwrap();
    let dist = dir.path().join("dist");
    std::fs::create_dir_all(&dist).unwrap();
    std::fs::write(
        dist.join("index.html"),
        "<!doctype html><title>motcua</title>",
    )
    .unwrap();
    let data = dir.path().join("fresh/data");

    let (mut child, mut stdout, authority) =
        serve(Command::new(env!("CARGO_BIN_EXE_motcua")), &data, &dist);
    assert!(
        data.join("motcua.sqlite3").is_file(),
        "database not created"
    );

    let mut stream = TcpStream::connect(&authority).unwrap();
    write!(
        stream,
        "GET /healthz HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.contains("\"status\":\"ok\""), "{response}");

    Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "server did not stop on SIGINT");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success(), "exit status {status}");
    let mut rest = String::new();
    stdout.read_to_string(&mut rest).unwrap();
    assert!(rest.contains("motcua: stopped"), "{rest}");
}

#[test]
fn refuses_to_start_without_a_built_app() {
    let dir = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_motcua"))
        .args(["serve", "--addr", "127.0.0.1:0", "--data-dir"])
        .arg(dir.path().join("data"))
        .arg("--dist")
        .arg(dir.path().join("no-such-dist"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("no built app at"), "{stderr}");
}

/// Issue 12: under the usual umask 022 the data directory, the database,
/// its WAL and the attachment files were world-readable. Everything the
/// server creates in its data directory is its owner's alone.
#[cfg(unix)]
#[test]
fn the_data_directory_is_owner_only_under_umask_022() {
    use std::os::unix::fs::PermissionsExt;

    let dir = tempfile::tempdir().unwrap();
    let dist = dir.path().join("dist");
    std::fs::create_dir_all(&dist).unwrap();
    std::fs::write(dist.join("index.html"), "<!doctype html>").unwrap();
    let data = dir.path().join("data");
    let mut umask = Command::new("sh");
    umask
        .args(["-c", "umask 022 && exec \"$0\" \"$@\""])
        .arg(env!("CARGO_BIN_EXE_motcua"));
    let (mut child, _stdout, authority) = serve(umask, &data, &dist);
    // One finished upload, so that a blob is stored.
    let mut stream = TcpStream::connect(&authority).unwrap();
    write!(
        stream,
        "POST /api/v1/uploads HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\n\
         Tus-Resumable: 1.0.0\r\nUpload-Length: 5\r\n\
         Upload-Metadata: dossier MGI2ZjZjMmUtM2YzNS00ZDdhLTljOGUtNWM4YzJiMWYwYTEx\r\n\
         Content-Type: application/offset+octet-stream\r\nContent-Length: 5\r\n\r\nhello"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    assert!(response.starts_with("HTTP/1.1 201"), "{response}");

    let mut seen = Vec::new();
    let mut stack = vec![data.clone()];
    while let Some(path) = stack.pop() {
        let meta = std::fs::symlink_metadata(&path).unwrap();
        let mode = meta.permissions().mode() & 0o777;
        if meta.is_dir() {
            assert_eq!(mode, 0o700, "{}", path.display());
            stack.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
        } else {
            assert_eq!(mode, 0o600, "{}", path.display());
        }
        seen.push(path.strip_prefix(&data).unwrap().display().to_string());
    }
    let _ = child.kill();
    let _ = child.wait();
    for name in ["motcua.sqlite3", "motcua.sqlite3-wal"] {
        assert!(seen.iter().any(|s| s == name), "no {name} in {seen:?}");
    }
    assert!(
        seen.iter()
            .any(|s| s.starts_with("blobs/sha256/") && s.len() > 60),
        "no blob in {seen:?}"
    );
}
