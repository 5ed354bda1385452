//! Running one command in a sandbox: limits enforced from the host, output capped while read.

use std::time::{Duration, Instant};

use bollard::Docker;
use bollard::container::LogOutput;
use bollard::exec::{CreateExecOptions, StartExecResults};
use bytesize::ByteSize;
use futures_util::StreamExt;
use tokio::io::AsyncWriteExt;

use crate::memory::MemoryCounters;
use crate::pod::{Cleanup, Sandbox};
use crate::runner;
use crate::{SANDBOX_USER, SandboxError, WORK_DIR, lock};

/// Runs the command in a shell, then kills whatever it left running (daemonized children,
/// background jobs) so nothing leaks into the next command. `kill -1` spares the shell itself.
///
/// Before the command starts, the wrapper writes the container's memory counters as the first
/// line of standard error (after [`MEMORY_MARKER`]); the host strips that line. It tells which
/// out-of-memory kills happen during this command without an extra exec per command.
static WRAPPER: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!(
        r#"{{ printf '\036checker-memory '; {MEMORY_COUNTERS}; echo; }} >&2; /bin/sh -c "$1"; status=$?; kill -9 -1 2>/dev/null; exit $status"#
    )
});

/// [`WRAPPER`] without the final kill, for commands run while a background process of the
/// check must keep running (a probe against a learner's server).
static KEEPING_WRAPPER: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!(
        r#"{{ printf '\036checker-memory '; {MEMORY_COUNTERS}; echo; }} >&2; exec /bin/sh -c "$1""#
    )
});

/// Prints the container's memory counters as `key value` pairs on one line: cgroup v2
/// `memory.events`, or cgroup v1 `memory.oom_control` plus `memory.failcnt` as `max`.
pub(crate) const MEMORY_COUNTERS: &str = r#"c=/sys/fs/cgroup; for f in $c/memory.events $c/memory/memory.oom_control; do [ -r $f ] && tr '\n' ' ' < $f; done; [ -r $c/memory/memory.failcnt ] && printf 'max %s' "$(cat $c/memory/memory.failcnt)"; true"#;

/// Starts the wrapper's line of memory counters on standard error.
const MEMORY_MARKER: &[u8] = b"\x1echecker-memory ";

/// Longest marker line accepted; anything longer is the command's own output.
const MARKER_MAX: usize = 1024;

/// The environment every command starts from; nothing of the host's leaks in.
const BASE_ENV: [&str; 5] = [
    "PATH=/usr/local/bin:/usr/bin:/bin",
    "HOME=/work",
    "TMPDIR=/tmp",
    "LANG=C.UTF-8",
    "LC_ALL=C.UTF-8",
];

/// One command to run in a sandbox.
#[derive(Debug, Clone, PartialEq)]
pub struct RunRequest {
    /// A `/bin/sh` script, run in the work directory.
    pub script: String,
    /// Bytes fed to the command's standard input; `None` gives it an empty one.
    pub stdin: Option<Vec<u8>>,
    /// Extra environment variables, on top of a minimal fixed environment.
    pub env: Vec<(String, String)>,
    /// Wall-clock limit, measured and enforced from the host.
    pub time_limit: Duration,
    /// Cap on standard output and standard error together; the command is killed beyond it.
    pub output_limit: ByteSize,
}

impl RunRequest {
    /// A request with no input, no extra environment and a 64 KiB output cap.
    pub fn new(script: impl Into<String>, time_limit: Duration) -> Self {
        RunRequest {
            script: script.into(),
            stdin: None,
            env: Vec::new(),
            time_limit,
            output_limit: ByteSize::kib(64),
        }
    }
}

/// How a command ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Termination {
    /// It exited by itself (with any exit code, or killed by a signal of its own doing).
    Exited,
    /// It ran past its wall-clock limit and was killed.
    TimeLimit,
    /// It printed more than its output cap and was killed.
    OutputLimit,
    /// The kernel killed a process of it for exceeding the container's memory.
    MemoryLimit,
}

/// What came back from one command.
#[derive(Debug, Clone, PartialEq)]
pub struct RunOutcome {
    /// Exit code; 128 + N when killed by signal N; `None` when it could not be read.
    pub exit_code: Option<i64>,
    /// Standard output, at most the output cap.
    pub stdout: Vec<u8>,
    /// Standard error, at most what the cap left after standard output.
    pub stderr: Vec<u8>,
    /// Wall-clock time from start to end (or to the kill).
    pub duration: Duration,
    /// Why it ended.
    pub termination: Termination,
}

pub(crate) async fn create_exec(
    sandbox: &Sandbox,
    script: &str,
    env: &[(String, String)],
    attach_stdin: bool,
    keep_processes: bool,
) -> Result<String, SandboxError> {
    let wrapper = if keep_processes {
        &*KEEPING_WRAPPER
    } else {
        &*WRAPPER
    };
    let argv = vec![
        "/bin/sh".to_owned(),
        "-c".to_owned(),
        wrapper.clone(),
        "checker-run".to_owned(),
        script.to_owned(),
    ];
    create_exec_argv(sandbox, argv, env, attach_stdin, SANDBOX_USER).await
}

pub(crate) async fn create_exec_argv(
    sandbox: &Sandbox,
    argv: Vec<String>,
    env: &[(String, String)],
    attach_stdin: bool,
    user: &str,
) -> Result<String, SandboxError> {
    let env: Vec<String> = BASE_ENV
        .iter()
        .map(|s| (*s).to_owned())
        .chain(env.iter().map(|(k, v)| format!("{k}={v}")))
        .collect();
    let options = CreateExecOptions {
        attach_stdin: Some(attach_stdin),
        attach_stdout: Some(true),
        attach_stderr: Some(true),
        tty: Some(false),
        env: Some(env),
        cmd: Some(argv),
        privileged: Some(false),
        user: Some(user.to_owned()),
        working_dir: Some(WORK_DIR.to_owned()),
        ..Default::default()
    };
    let created = sandbox
        .docker
        .create_exec(&sandbox.id, options)
        .await
        .map_err(SandboxError::docker("create a command"))?;
    Ok(created.id)
}

/// Reads an exec's exit code once its output stream has ended. The engine may take a moment
/// to record it, so this polls briefly.
pub(crate) async fn exit_code(docker: &Docker, exec: &str) -> Result<Option<i64>, SandboxError> {
    for _ in 0..50 {
        let inspected = docker
            .inspect_exec(exec)
            .await
            .map_err(SandboxError::docker("inspect a command"))?;
        if inspected.running != Some(true) {
            return Ok(inspected.exit_code);
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    Ok(None)
}

impl Sandbox {
    /// Runs one command; see [`RunRequest`] for limits and [`RunOutcome`] for what comes back.
    ///
    /// Whatever the command leaves running is killed when it ends, unless a background process
    /// runs for the current check ([`Sandbox::start_background`]): then leftovers live until
    /// [`Sandbox::end_check`], so that a probe cannot end the server it probes.
    pub async fn run(&self, request: &RunRequest) -> Result<RunOutcome, SandboxError> {
        run(self, request).await
    }
}

/// Runs a learner-facing command as the sandbox user, with all limits.
async fn run(sandbox: &Sandbox, request: &RunRequest) -> Result<RunOutcome, SandboxError> {
    // While a background process runs for the check, a command must not end it.
    let keep = sandbox.background.load(std::sync::atomic::Ordering::SeqCst);
    if let Some(outcome) = runner::run(sandbox, request, keep).await {
        return outcome;
    }
    let exec = create_exec(
        sandbox,
        &request.script,
        &request.env,
        request.stdin.is_some(),
        keep,
    )
    .await?;
    let (mut outcome, marker) = stream_exec(&sandbox.docker, &exec, request, true).await?;
    if matches!(
        outcome.termination,
        Termination::Exited | Termination::MemoryLimit
    ) {
        // Without an exit code nothing can be said about the command: the platform's fault.
        let code = exit_code(&sandbox.docker, &exec).await?;
        outcome.exit_code =
            Some(code.ok_or_else(|| SandboxError::Lost("no exit code was recorded".into()))?);
    }
    if outcome.termination == Termination::Exited && outcome.exit_code == Some(0) {
        // The wrapper ran to its end, so its own clean-up ran too.
        return Ok(outcome);
    }
    // A time-out while the sandbox's memory is full is the memory limit: near the limit the
    // kernel can thrash on reclaim for seconds before it kills. Looked at before the clean-up
    // frees it.
    let pinned = outcome.termination == Termination::TimeLimit && sandbox.at_memory_limit().await;
    // The command failed, timed out, or killed the wrapper: kill whatever it left, which also
    // proves the sandbox is still alive (a SIGKILL seen while it was being torn down is the
    // platform's doing, not the learner's).
    let cleanup = if keep {
        Cleanup::Deferred
    } else {
        sandbox.kill_all_or_restart().await?
    };
    let now = sandbox.read_memory_counters().await?;
    let stored = std::mem::replace(&mut *lock(&sandbox.memory), now);
    let before = marker.as_deref().map_or(stored, MemoryCounters::parse);
    Ok(judge(outcome, before, now, pinned, cleanup))
}

/// Tells a command that ran out of memory from one that failed, timed out or flooded on its
/// own, from the container's memory counters before and after it (`before`, `now`), whether
/// memory was pinned at the limit when it timed out, and how its leftovers were cleared.
pub(crate) fn judge(
    mut outcome: RunOutcome,
    before: MemoryCounters,
    now: MemoryCounters,
    pinned: bool,
    cleanup: Cleanup,
) -> RunOutcome {
    if outcome.termination == Termination::OutputLimit {
        return outcome;
    }
    if pinned {
        outcome.termination = Termination::MemoryLimit;
    }
    if matches!(cleanup, Cleanup::Restarted) {
        // The counters started afresh with the container.
        return outcome;
    }
    let killed = now.oom_kills > before.oom_kills;
    let starved = now.limit_hits > before.limit_hits;
    // A SIGKILL the platform did not send is the kernel's OOM killer when the kill count went
    // up during this command. A time-out while the container was pinned at its memory limit
    // is memory too: near the limit the kernel can thrash on reclaim for a long time first.
    match outcome.termination {
        Termination::Exited if outcome.exit_code == Some(128 + 9) && killed => {
            outcome.termination = Termination::MemoryLimit;
        }
        Termination::TimeLimit if killed || starved => {
            outcome.termination = Termination::MemoryLimit;
        }
        _ => {}
    }
    outcome
}

/// Runs a platform command (no wrapper) as `user`; used for housekeeping inside the sandbox.
pub(crate) async fn run_raw(
    sandbox: &Sandbox,
    request: &RunRequest,
    user: &str,
) -> Result<RunOutcome, SandboxError> {
    let argv = vec!["/bin/sh".into(), "-c".into(), request.script.clone()];
    let exec = create_exec_argv(sandbox, argv, &request.env, false, user).await?;
    let (mut outcome, _) = stream_exec(&sandbox.docker, &exec, request, false).await?;
    if outcome.termination == Termination::Exited {
        outcome.exit_code = exit_code(&sandbox.docker, &exec).await?;
    }
    Ok(outcome)
}

/// Starts an exec, feeds its standard input and reads its output until it ends, the deadline
/// passes or the output cap is exceeded. Output beyond the cap is never buffered. With
/// `marked`, the wrapper's first line of standard error is returned apart, uncounted.
pub(crate) async fn stream_exec(
    docker: &Docker,
    exec: &str,
    request: &RunRequest,
    marked: bool,
) -> Result<(RunOutcome, Option<Vec<u8>>), SandboxError> {
    let started_at = Instant::now();
    let deadline = tokio::time::Instant::now() + request.time_limit;
    let started = docker
        .start_exec(exec, None)
        .await
        .map_err(SandboxError::docker("start a command"))?;
    let StartExecResults::Attached { mut output, input } = started else {
        return Err(SandboxError::Upload("the command started detached".into()));
    };
    // Feed stdin concurrently; a command that never reads it must not block us. Errors such
    // as a closed pipe are the command's business.
    let feeder = request.stdin.clone().map(|bytes| {
        let mut input = input;
        tokio::spawn(async move {
            let _ = input.write_all(&bytes).await;
            let _ = input.shutdown().await;
        })
    });
    let cap = usize::try_from(request.output_limit.as_u64()).unwrap_or(usize::MAX);
    let mut stdout = Vec::new();
    let mut stderr = Vec::new();
    let mut termination = Termination::Exited;
    let mut marker = marked.then(Vec::new);
    let mut marker_done = !marked;
    loop {
        let next = match tokio::time::timeout_at(deadline, output.next()).await {
            Err(_elapsed) => {
                termination = Termination::TimeLimit;
                break;
            }
            Ok(None) => break,
            Ok(Some(chunk)) => chunk,
        };
        let room = cap.saturating_sub(stdout.len() + stderr.len());
        let (target, message) = match next {
            Ok(LogOutput::StdOut { message }) | Ok(LogOutput::Console { message }) => {
                (&mut stdout, message)
            }
            Ok(LogOutput::StdErr { mut message }) => {
                if !marker_done && let Some(line) = marker.as_mut() {
                    let end = message.iter().position(|&b| b == b'\n');
                    let take = end.map_or(message.len(), |i| i + 1);
                    line.extend_from_slice(&message[..take]);
                    marker_done = end.is_some() || line.len() > MARKER_MAX;
                    message = message.slice(take..);
                }
                (&mut stderr, message)
            }
            Ok(LogOutput::StdIn { .. }) => continue,
            // The stream broke: the command's end is read from the exit code below.
            Err(_) => break,
        };
        if message.len() > room {
            target.extend_from_slice(&message[..room]);
            termination = Termination::OutputLimit;
            break;
        }
        target.extend_from_slice(&message);
    }
    let duration = started_at.elapsed();
    if let Some(feeder) = feeder {
        feeder.abort();
    }
    // A "marker" that is not one came from somewhere else: give it back as output.
    if let Some(line) = marker.take_if(|line| !line.starts_with(MEMORY_MARKER)) {
        stderr.splice(0..0, line);
    }
    let outcome = RunOutcome {
        exit_code: None,
        stdout,
        stderr,
        duration,
        termination,
    };
    Ok((outcome, marker))
}
