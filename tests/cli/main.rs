//! The one integration-test binary: drives the real `obs` executable in a clean environment.

#![allow(clippy::unwrap_used, clippy::new_without_default, missing_docs)]

mod aggregate;
mod commit;
mod docs;
mod errors;
mod es_bulk;
mod grep;
mod input;
mod output;
mod parallel;
mod parse;
mod trace;
mod trace_findings;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// Result of one run.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    pub raw_stdout: Vec<u8>,
}

impl Run {
    /// The result of a command run with its own settings (an environment variable, say).
    pub fn from_output(out: Output) -> Run {
        Run::from(out)
    }

    fn from(out: Output) -> Run {
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            raw_stdout: out.stdout,
        }
    }

    /// Stdout lines.
    pub fn lines(&self) -> Vec<&str> {
        self.stdout.lines().collect()
    }
}

/// The `obs` command with no inherited environment (no NO_COLOR, no locale surprises).
pub fn obs_cmd(dir: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_obs"));
    c.env_clear().current_dir(dir).stdin(Stdio::null());
    c
}

/// Runs `obs args…` in `dir`.
pub fn obs(dir: &Path, args: &[&str]) -> Run {
    Run::from(obs_cmd(dir).args(args).output().unwrap())
}

/// Runs `obs args…` with `input` on stdin.
pub fn obs_stdin(dir: &Path, args: &[&str], input: &[u8]) -> Run {
    let mut child = obs_cmd(dir)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    Run::from(out)
}

/// Runs `bash -o pipefail -c script` in `dir` with the built `obs` as `$OBS` and a clean
/// environment: for pipes, redirections, FIFOs and process substitutions.
pub fn shell(dir: &Path, script: &str) -> Run {
    Run::from(
        Command::new("bash")
            .args(["-o", "pipefail", "-c", script])
            .env_clear()
            .env("OBS", env!("CARGO_BIN_EXE_obs"))
            .env("PATH", "/usr/bin:/bin")
            .current_dir(dir)
            .stdin(Stdio::null())
            .output()
            .unwrap(),
    )
}

/// A scratch directory with files.
pub struct Scratch {
    pub dir: tempfile::TempDir,
}

impl Scratch {
    pub fn new() -> Scratch {
        Scratch {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes `name` with `content` and returns its path.
    pub fn file(&self, name: &str, content: impl AsRef<[u8]>) -> PathBuf {
        let p = self.dir.path().join(name);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(&p, content).unwrap();
        p
    }

    pub fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.dir.path().join(name)).unwrap()
    }

    pub fn run(&self, args: &[&str]) -> Run {
        obs(self.path(), args)
    }
}

/// gzip of `data`.
pub fn gzip(data: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(data).unwrap();
    enc.finish().unwrap()
}

/// A small payment log used across tests.
pub const PAYMENTS: &str = r#"{"ts":"2024-05-01T10:00:00+05:30","level":"ERROR","service":"payment-service","message":"gateway timeout","amount":15000,"payment_method":"UPI","payment_id":"pay_1","http":{"status":504}}
{"ts":"2024-05-01T10:00:01+05:30","level":"INFO","service":"payment-service","message":"captured","amount":200,"payment_method":"CARD","payment_id":"pay_2","http":{"status":200}}
{"ts":"2024-05-01T10:00:02+05:30","level":"ERR\u004fR","service":"order-service","message":"stock","amount":"2999.00","payment_id":"pay_3"}
{"ts":"2024-05-01T23:59:59+05:30","level":"WARN","service":"payment-service","message":"slow gateway","amount":12000,"payment_method":"UPI","payment_id":"pay_4","http":{"status":503}}
{"ts":"2024-05-02T00:00:00+05:30","level":"INFO","service":"upi-switch","message":"collect sent","amount":99.5,"payment_method":"UPI","payment_id":"pay_5","tags":["upi","collect"]}
"#;
