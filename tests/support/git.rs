//! Helpers of the git tests: a real `git daemon` serving bare repositories on 127.0.0.1, a
//! learner's working copy that commits and pushes over git://, signed webhook deliveries, and a
//! host that accepts connections and never answers.

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode, Uri};

use super::http::{Body, send};
use super::{available, root, text};

/// The curriculum of the git tests: `git-sum` in `0x01-sum`, `git-greet` in `0x02-greet` (of
/// any repository), `git-double` in `0x03-double` of a repository named
/// `alx-backend-javascript`.
pub fn git_tasks() -> String {
    root()
        .join("tests/fixtures/git/tasks")
        .display()
        .to_string()
}

/// Whether git is here (see [`available`]).
pub fn git_ready() -> bool {
    let ready = Command::new("git")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    available("git", ready, "install git")
}

/// A git command isolated from the host's configuration.
pub fn git(dir: &Path) -> Command {
    let mut command = Command::new("git");
    command
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_AUTHOR_NAME", "Ada")
        .env("GIT_AUTHOR_EMAIL", "ada@example.org")
        .env("GIT_COMMITTER_NAME", "Ada")
        .env("GIT_COMMITTER_EMAIL", "ada@example.org")
        .env("GIT_TERMINAL_PROMPT", "0");
    command
}

/// Runs git in `dir`; panics with its error output when it fails. Returns standard output.
pub fn run_git(dir: &Path, args: &[&str]) -> String {
    let output = git(dir).args(args).output().expect("git runs");
    assert!(
        output.status.success(),
        "git {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// `git daemon` serving every bare repository under its base folder, pushes allowed; killed
/// when dropped.
pub struct GitDaemon {
    child: Child,
    pub base: PathBuf,
    pub port: u16,
}

impl GitDaemon {
    pub fn start(base: &Path) -> GitDaemon {
        std::fs::create_dir_all(base).unwrap();
        let port = free_port();
        let child = git(base)
            .args([
                "daemon",
                "--export-all",
                "--reuseaddr",
                "--enable=receive-pack",
                "--listen=127.0.0.1",
            ])
            .arg(format!("--port={port}"))
            .arg(format!("--base-path={}", base.display()))
            .arg(base)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("git daemon starts");
        let deadline = Instant::now() + Duration::from_secs(10);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "git daemon did not listen");
            std::thread::sleep(Duration::from_millis(50));
        }
        GitDaemon {
            child,
            base: base.to_owned(),
            port,
        }
    }

    /// A new empty bare repository `name`; its git:// URL.
    pub fn bare(&self, name: &str) -> String {
        run_git(
            &self.base,
            &["init", "--bare", "--quiet", "-b", "main", name],
        );
        self.url(name)
    }

    pub fn url(&self, name: &str) -> String {
        format!("git://127.0.0.1:{}/{name}", self.port)
    }
}

impl Drop for GitDaemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A learner's working copy pushing to `remote`.
pub struct WorkingCopy {
    pub dir: PathBuf,
}

impl WorkingCopy {
    pub fn new(dir: &Path, remote: &str) -> WorkingCopy {
        std::fs::create_dir_all(dir).unwrap();
        run_git(dir, &["init", "--quiet", "-b", "main"]);
        run_git(dir, &["remote", "add", "origin", remote]);
        WorkingCopy {
            dir: dir.to_owned(),
        }
    }

    /// Writes files and commits them; returns the commit id.
    pub fn commit(&self, files: &[(&str, &str)], message: &str) -> String {
        for (path, contents) in files {
            let path = self.dir.join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, contents).unwrap();
        }
        run_git(&self.dir, &["add", "-A"]);
        run_git(&self.dir, &["commit", "--quiet", "-m", message]);
        run_git(&self.dir, &["rev-parse", "HEAD"])
    }

    /// `git push` (over git://) of `refspec`; with `force`, a forced push.
    pub fn push(&self, refspec: &str, force: bool) {
        let mut args = vec!["push", "--quiet"];
        if force {
            args.push("--force");
        }
        args.extend(["origin", refspec]);
        run_git(&self.dir, &args);
    }
}

/// Posts a webhook delivery with extra `headers`; returns (status, JSON body or null).
pub fn deliver(base: &str, headers: &[(&str, String)], body: &[u8]) -> (u16, serde_json::Value) {
    let headers: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let reply = send(
        "POST",
        &format!("{base}/api/hooks/git"),
        &headers,
        Some(Body::Bytes("application/json".to_owned(), body.to_vec())),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let json = serde_json::from_str(reply.body.trim()).unwrap_or(serde_json::Value::Null);
    (reply.status, json)
}

/// A host that accepts connections and never answers: a clone from it hangs.
pub struct SilentHost {
    pub port: u16,
    _listener: std::thread::JoinHandle<()>,
}

impl SilentHost {
    pub fn start() -> SilentHost {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let handle = std::thread::spawn(move || {
            let mut held = Vec::new();
            for stream in listener.incoming().flatten() {
                held.push(stream);
            }
        });
        SilentHost {
            port,
            _listener: handle,
        }
    }
}

/// One request a [`CallbackReceiver`] got.
#[derive(Debug, Clone)]
pub struct Received {
    pub path: String,
    pub headers: std::collections::BTreeMap<String, String>,
    pub body: Vec<u8>,
    pub at: Instant,
}

/// An HTTP receiver of result callbacks on 127.0.0.1 (axum, on a thread of its own): answers 500
/// to the first `failures` requests, 200 after.
pub struct CallbackReceiver {
    pub port: u16,
    pub received: Arc<Mutex<Vec<Received>>>,
}

impl CallbackReceiver {
    pub fn start(failures: usize) -> CallbackReceiver {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let port = listener.local_addr().unwrap().port();
        let received = Arc::new(Mutex::new(Vec::new()));
        let log = received.clone();
        let receive = move |uri: Uri, headers: HeaderMap, body: Bytes| async move {
            let mut log = log.lock().unwrap();
            log.push(Received {
                path: uri.path_and_query().map_or("", |p| p.as_str()).to_owned(),
                headers: headers
                    .iter()
                    .map(|(k, v)| (k.as_str().to_owned(), text(v.as_bytes())))
                    .collect(),
                body: body.to_vec(),
                at: Instant::now(),
            });
            if log.len() <= failures {
                StatusCode::INTERNAL_SERVER_ERROR
            } else {
                StatusCode::OK
            }
        };
        std::thread::spawn(move || {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap()
                .block_on(async move {
                    let listener = tokio::net::TcpListener::from_std(listener).unwrap();
                    axum::serve(listener, axum::Router::new().fallback(receive))
                        .await
                        .unwrap();
                });
        });
        CallbackReceiver { port, received }
    }

    pub fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }
}
