//! Fetching one commit of a learner's repository with the `git` command line, bounded in time
//! and size, and reading a project's files out of it without ever checking anything out.
//!
//! Each fetch is a fresh bare repository in a temporary folder (`git init`, then
//! `git fetch --depth 1 URL REV`), run with no user or system configuration, no terminal
//! prompts, hooks pointed at `/dev/null`, no submodules and only network transports allowed
//! (`GIT_ALLOW_PROTOCOL`). Files are read with `git ls-tree` and `git cat-file`: a symbolic
//! link is refused, not followed, and nothing outside the project's folder is read.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use checker::submission::LearnerFile;
use tokio::process::Command;

use super::url::GitUrl;

/// Bounds on one fetch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FetchLimits {
    /// The whole fetch, from connecting to the last object.
    pub timeout: Duration,
    /// Bytes the fetched objects may take on disk.
    pub max_bytes: u64,
    /// Size of one learner file.
    pub max_file: u64,
}

impl Default for FetchLimits {
    fn default() -> Self {
        FetchLimits {
            timeout: Duration::from_secs(60),
            max_bytes: 100 * 1024 * 1024,
            max_file: checker::submission::MAX_FILE_SIZE,
        }
    }
}

/// Why a repository could not be read. Learner-side problems and platform faults differ.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    /// The fetch did not finish in time (the host hangs or is very slow).
    #[error("fetching {url} took longer than {}; is the host reachable and the repository small?", humantime::format_duration(*.timeout))]
    Timeout {
        /// The repository, credentials removed.
        url: String,
        /// The bound.
        timeout: Duration,
    },
    /// The repository is larger than allowed.
    #[error(
        "{url} is larger than the {max} bytes this server fetches; keep generated files and dependencies out of it"
    )]
    TooLarge {
        /// The repository, credentials removed.
        url: String,
        /// The bound.
        max: u64,
    },
    /// git refused: no such repository or revision, access denied.
    #[error("cannot fetch `{rev}` from {url}: {reason}")]
    Refused {
        /// The repository, credentials removed.
        url: String,
        /// The revision.
        rev: String,
        /// git's own words (its last lines).
        reason: String,
    },
    /// A file the project needs is a symbolic link in the repository.
    #[error("`{0}` is a symbolic link in the repository; commit the file itself")]
    Symlink(String),
    /// A file the project needs is too large.
    #[error("`{path}` is {size} bytes in the repository, more than the {max} allowed")]
    FileTooLarge {
        /// The file.
        path: String,
        /// Its size.
        size: u64,
        /// The bound.
        max: u64,
    },
    /// git could not be run, or the temporary folder not made: the platform's fault.
    #[error("the server cannot run git: {0}")]
    Platform(String),
}

impl FetchError {
    /// Whether the learner (their URL, revision or repository) is at fault.
    pub fn is_learners(&self) -> bool {
        !matches!(self, FetchError::Platform(_))
    }
}

/// One fetched commit, in a temporary bare repository removed on drop.
#[derive(Debug)]
pub struct Fetched {
    dir: tempfile::TempDir,
    /// The commit's full id.
    pub commit: String,
}

/// A `git` command with no configuration of the host, no prompts and no hooks.
fn git(dir: &Path) -> Command {
    let mut command = Command::new("git");
    command
        .arg("--git-dir")
        .arg(dir)
        .args([
            "-c",
            "protocol.file.allow=never",
            "-c",
            "protocol.ext.allow=never",
            "-c",
            "core.hooksPath=/dev/null",
            "-c",
            "credential.helper=",
            "-c",
            "submodule.recurse=false",
            "-c",
            "core.symlinks=false",
            // A redirect could lead off the allow-list.
            "-c",
            "http.followRedirects=false",
        ])
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("GIT_ASKPASS", "/bin/false")
        .env("SSH_ASKPASS", "/bin/false")
        .env(
            "GIT_SSH_COMMAND",
            "ssh -o BatchMode=yes -o ConnectTimeout=20",
        )
        .env("GIT_ALLOW_PROTOCOL", "git:http:https:ssh")
        .stdin(Stdio::null())
        .kill_on_drop(true);
    command
}

/// Runs a short local git command and returns its standard output.
async fn run_local(mut command: Command, what: &str) -> Result<Vec<u8>, FetchError> {
    let output = tokio::time::timeout(Duration::from_secs(30), command.output())
        .await
        .map_err(|_| FetchError::Platform(format!("`git {what}` hung")))?
        .map_err(|e| FetchError::Platform(format!("cannot run git: {e}")))?;
    if !output.status.success() {
        return Err(FetchError::Platform(format!(
            "`git {what}` failed: {}",
            last_lines(&output.stderr)
        )));
    }
    Ok(output.stdout)
}

fn last_lines(stderr: &[u8]) -> String {
    let text = String::from_utf8_lossy(stderr);
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    lines[lines.len().saturating_sub(2)..].join(" / ")
}

/// Bytes under `path`, counted without following links.
fn disk_usage(path: &Path) -> u64 {
    let mut total = 0;
    let mut stack = vec![path.to_owned()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            match entry.metadata() {
                Ok(meta) if meta.is_dir() => stack.push(entry.path()),
                Ok(meta) => total += meta.len(),
                Err(_) => {}
            }
        }
    }
    total
}

/// Fetches exactly `rev` (a branch, a tag, a commit) of `url`, shallow.
pub async fn fetch(url: &GitUrl, rev: &str, limits: &FetchLimits) -> Result<Fetched, FetchError> {
    super::url::check_rev(rev).map_err(|e| FetchError::Refused {
        url: url.redacted(),
        rev: rev.to_owned(),
        reason: e.to_string(),
    })?;
    let dir = tempfile::Builder::new()
        .prefix("checker-git-")
        .tempdir()
        .map_err(|e| FetchError::Platform(format!("cannot make a temporary folder: {e}")))?;
    let mut init = git(dir.path());
    init.args(["init", "--bare", "--quiet"]).arg(dir.path());
    run_local(init, "init").await?;

    let mut fetch = git(dir.path());
    fetch
        .args([
            "fetch",
            "--quiet",
            "--depth",
            "1",
            "--no-tags",
            "--no-recurse-submodules",
            "--no-write-fetch-head",
        ])
        .arg("--")
        .arg(url.expose())
        .arg(format!("+{rev}:refs/checker/fetched"))
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let mut child = fetch
        .spawn()
        .map_err(|e| FetchError::Platform(format!("cannot run git: {e}")))?;
    let stderr = child.stderr.take();
    let read_stderr = tokio::spawn(async move {
        let mut buffer = Vec::new();
        if let Some(stderr) = stderr {
            use tokio::io::AsyncReadExt;
            let _ = stderr.take(64 * 1024).read_to_end(&mut buffer).await;
        }
        buffer
    });
    let deadline = tokio::time::Instant::now() + limits.timeout;
    let status = loop {
        tokio::select! {
            status = child.wait() => {
                break status.map_err(|e| FetchError::Platform(format!("git failed: {e}")))?;
            }
            () = tokio::time::sleep_until(deadline) => {
                let _ = child.kill().await;
                return Err(FetchError::Timeout { url: url.redacted(), timeout: limits.timeout });
            }
            () = tokio::time::sleep(Duration::from_millis(200)) => {
                let path = dir.path().to_owned();
                let used = tokio::task::spawn_blocking(move || disk_usage(&path))
                    .await
                    .unwrap_or(0);
                if used > limits.max_bytes {
                    let _ = child.kill().await;
                    return Err(FetchError::TooLarge { url: url.redacted(), max: limits.max_bytes });
                }
            }
        }
    };
    let stderr = read_stderr.await.unwrap_or_default();
    if !status.success() {
        return Err(FetchError::Refused {
            url: url.redacted(),
            rev: rev.to_owned(),
            reason: url.scrub(&last_lines(&stderr)),
        });
    }
    if disk_usage(dir.path()) > limits.max_bytes {
        return Err(FetchError::TooLarge {
            url: url.redacted(),
            max: limits.max_bytes,
        });
    }
    let mut parse = git(dir.path());
    parse.args(["rev-parse", "--verify", "refs/checker/fetched^{commit}"]);
    let commit = String::from_utf8_lossy(&run_local(parse, "rev-parse").await?)
        .trim()
        .to_owned();
    Ok(Fetched { dir, commit })
}

/// One entry of `git ls-tree`.
struct TreeEntry {
    mode: String,
    kind: String,
    object: String,
    size: Option<u64>,
    path: String,
}

impl Fetched {
    async fn ls_tree(
        &self,
        args: &[&str],
        under: Option<&str>,
    ) -> Result<Vec<TreeEntry>, FetchError> {
        let mut command = git(self.dir.path());
        command
            .args(["ls-tree", "-z", "--full-tree"])
            .args(args)
            .arg(&self.commit);
        if let Some(under) = under {
            command
                .arg("--")
                .arg(format!("{}/", under.trim_end_matches('/')));
        }
        let out = run_local(command, "ls-tree").await?;
        let mut entries = Vec::new();
        for record in out.split(|b| *b == 0).filter(|r| !r.is_empty()) {
            let record = String::from_utf8_lossy(record);
            let Some((meta, path)) = record.split_once('\t') else {
                continue;
            };
            let mut fields = meta.split_whitespace();
            let (Some(mode), Some(kind), Some(object)) =
                (fields.next(), fields.next(), fields.next())
            else {
                continue;
            };
            entries.push(TreeEntry {
                mode: mode.to_owned(),
                kind: kind.to_owned(),
                object: object.to_owned(),
                size: fields.next().and_then(|s| s.parse().ok()),
                path: path.to_owned(),
            });
        }
        Ok(entries)
    }

    /// The folders at the top of the commit's tree.
    pub async fn top_folders(&self) -> Result<Vec<String>, FetchError> {
        Ok(self
            .ls_tree(&[], None)
            .await?
            .into_iter()
            .filter(|e| e.kind == "tree")
            .map(|e| e.path)
            .collect())
    }

    /// Reads the files named `wanted` (paths relative to `dir`, or to the top without one).
    /// Files the commit lacks are left out (the grading reports them missing); a symbolic
    /// link or an oversized file is refused. A blob of mode 100755 is executable.
    pub async fn read_files(
        &self,
        dir: Option<&str>,
        wanted: &[&str],
        extra: &checker::extra_files::ExtraFiles,
        limits: &FetchLimits,
    ) -> Result<BTreeMap<String, LearnerFile>, FetchError> {
        let prefix = dir
            .map(|d| format!("{}/", d.trim_matches('/')))
            .filter(|p| p != "/")
            .unwrap_or_default();
        let entries = self
            .ls_tree(
                &["-r", "-l"],
                dir.filter(|d| !d.trim_matches('/').is_empty()),
            )
            .await?;
        let mut files = BTreeMap::new();
        for entry in entries {
            let Some(relative) = entry.path.strip_prefix(&prefix) else {
                continue;
            };
            if !wanted.contains(&relative) {
                // An optional extra file is taken only when it is a plain file within bounds
                // (`ExtraFiles::select` applies the rest); otherwise it is left, unread.
                let size = entry.size.unwrap_or(0);
                let plain = entry.kind == "blob" && entry.mode != "120000";
                if !extra.wants(relative) || !plain || size > limits.max_file {
                    continue;
                }
            }
            if entry.mode == "120000" {
                return Err(FetchError::Symlink(relative.to_owned()));
            }
            if entry.kind != "blob" {
                continue;
            }
            let size = entry.size.unwrap_or(0);
            if size > limits.max_file {
                return Err(FetchError::FileTooLarge {
                    path: relative.to_owned(),
                    size,
                    max: limits.max_file,
                });
            }
            let mut cat = git(self.dir.path());
            cat.args(["cat-file", "blob", &entry.object]);
            let contents = run_local(cat, "cat-file").await?;
            let file = LearnerFile::new(contents).executable(entry.mode == "100755");
            files.insert(relative.to_owned(), file);
        }
        Ok(files)
    }
}
