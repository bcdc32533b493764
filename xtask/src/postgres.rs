//! A throwaway PostgreSQL server for the storage tests, under `target/tools/pg`.
//!
//! PostgreSQL refuses to run as root, so when the tests run as root (CI
//! containers do) the cluster belongs to the `postgres` user that Debian's
//! package creates.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};

use crate::sh::{output, root, run, step};

/// A running server; stopped on drop.
pub(crate) struct Postgres {
    bin: PathBuf,
    data: PathBuf,
    as_postgres: bool,
    /// `postgres://…` URL of its `postgres` database.
    pub(crate) url: String,
}

fn bin_dir() -> anyhow::Result<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .context("PostgreSQL is not installed (Debian package postgresql)")?
        .filter_map(Result::ok)
        .map(|e| e.path().join("bin"))
        .filter(|p| p.join("initdb").is_file())
        .collect();
    dirs.sort_by_key(|p| {
        p.parent()
            .and_then(Path::file_name)
            .and_then(|v| v.to_str())
            .and_then(|v| v.parse::<u32>().ok())
            .unwrap_or(0)
    });
    dirs.pop()
        .context("no PostgreSQL server binaries under /usr/lib/postgresql")
}

fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

impl Postgres {
    /// Creates the cluster if needed and starts it on a free port.
    pub(crate) fn start() -> anyhow::Result<Self> {
        step("starting a local PostgreSQL for the storage tests");
        let bin = bin_dir()?;
        let data = root().join("target/tools/pg");
        let as_postgres = output(Command::new("id").arg("-u")).is_some_and(|u| u.trim() == "0");
        let mut this = Self {
            bin,
            data: data.clone(),
            as_postgres,
            url: String::new(),
        };
        if !data.join("PG_VERSION").is_file() {
            std::fs::create_dir_all(&data)?;
            if as_postgres {
                run(Command::new("chown").arg("postgres:postgres").arg(&data))?;
            }
            run(this
                .command("initdb")
                .args([
                    "--auth=trust",
                    "--username=postgres",
                    "--encoding=UTF8",
                    "-D",
                ])
                .arg(&data))?;
        }
        // A stale server from an interrupted run would hold the directory.
        let _ = this
            .command("pg_ctl")
            .arg("-D")
            .arg(&data)
            .args(["-m", "immediate", "stop"])
            .output();
        let port = free_port()?;
        let options = format!(
            "-p {port} -c listen_addresses=127.0.0.1 -k {}",
            data.display()
        );
        run(this
            .command("pg_ctl")
            .arg("-D")
            .arg(&data)
            .arg("-l")
            .arg(data.join("server.log"))
            .args(["-w", "-o", &options, "start"]))?;
        this.url = format!("postgres://postgres@127.0.0.1:{port}/postgres");
        Ok(this)
    }

    fn command(&self, program: &str) -> Command {
        let path = self.bin.join(program);
        if self.as_postgres {
            let mut cmd = Command::new("runuser");
            cmd.args(["-u", "postgres", "--"]).arg(path);
            cmd
        } else {
            Command::new(path)
        }
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let stopped = self
            .command("pg_ctl")
            .arg("-D")
            .arg(&self.data)
            .args(["-m", "fast", "-w", "stop"])
            .output();
        if !stopped.is_ok_and(|o| o.status.success()) {
            eprintln!(
                "warning: could not stop the test PostgreSQL in {}",
                self.data.display()
            );
        }
    }
}

/// Fails early with a clear message when the server cannot be used.
pub(crate) fn check(pg: &Postgres) -> anyhow::Result<()> {
    if pg.url.is_empty() {
        bail!("PostgreSQL did not start");
    }
    Ok(())
}
