//! The in-container runner: one long-lived process per sandbox (`runner/main.rs`, built by
//! `build.rs` and embedded here) that starts each command's fresh process when asked, so that a
//! command costs a process instead of a `docker exec`.
//!
//! It is copied into a tmpfs of its own (`/run/checker`, root's only) and started as root with
//! no capability but switching users (`SETUID`, `SETGID`) and dropping capabilities for good
//! (`SETPCAP`): each command runs as the sandbox user with an empty bounding set, as under
//! `docker exec`. Being another user and not dumpable, it can be neither signalled, stopped,
//! traced nor read by learner code, and it holds nothing but the command at hand.
//!
//! Every command keeps today's semantics: the same wrapper shell (whatever it leaves running is
//! killed when it ends), the fixed environment, the output cap while streaming, the exit code
//! (128 + N for signal N), the memory counters before and after. The runner enforces the time
//! limit itself; the host keeps its own deadline a little later, and whenever the runner fails
//! (it stopped answering, died, or could not start a process), the sandbox falls back to
//! `docker exec` and, as before, to a restart of the container.

use std::collections::HashMap;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use bollard::container::LogOutput;
use bollard::exec::StartExecResults;
use futures_util::{Stream, StreamExt};
use tokio::io::{AsyncWrite, AsyncWriteExt};

use crate::memory::MemoryCounters;
use crate::pod::{Cleanup, Sandbox};
use crate::run::{self, RunOutcome, RunRequest, Termination};
use crate::{SANDBOX_USER, SandboxError, lock};

/// The runner executable, static so that it runs in any image.
const BINARY: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/checker-runner"));

/// The runner's own tmpfs inside the learner's container, readable by root only.
pub(crate) const DIR: &str = "/run/checker";

/// The capabilities the learner's container keeps for the runner (root's only: the sandbox user
/// has none, and the runner empties the bounding set of every process it starts).
pub(crate) const CAPABILITIES: [&str; 3] = ["SETUID", "SETGID", "SETPCAP"];

/// The learner container's tmpfs mounts and added capabilities: with the runner, its own
/// tmpfs and the capabilities it needs; without, none.
pub(crate) fn container_options(
    enabled: bool,
    mut tmpfs: HashMap<String, String>,
) -> (Option<HashMap<String, String>>, Option<Vec<String>>) {
    if !enabled {
        return (Some(tmpfs), None);
    }
    tmpfs.insert(
        DIR.to_owned(),
        "rw,exec,nosuid,nodev,size=4m,mode=700".to_owned(),
    );
    let capabilities = CAPABILITIES.iter().map(|c| (*c).to_owned()).collect();
    (Some(tmpfs), Some(capabilities))
}

/// How long after a command's time limit the host waits for the runner's answer before it
/// gives up on the runner and clears the sandbox itself.
const GRACE: Duration = Duration::from_secs(3);

/// How long the runner may take to start.
const START_LIMIT: Duration = Duration::from_secs(10);

/// Frames the runner sends: ready, standard output, standard error, end of a command.
const READY: u8 = b'R';
const STDOUT: u8 = b'1';
const STDERR: u8 = b'2';
const END: u8 = b'E';

/// How a command ended, as the runner says it.
const NOT_STARTED: u8 = 3;

/// A sandbox's runner: its session once started, and the restarts of the container it
/// belongs to (a restart ends it).
pub(crate) struct RunnerSlot {
    enabled: bool,
    /// Incremented by every restart of the container.
    generation: AtomicU64,
    slot: tokio::sync::Mutex<Slot>,
}

#[derive(Default)]
struct Slot {
    session: Option<Session>,
    /// The generation in which the runner could not be started: not tried again until the next
    /// restart, commands go through `docker exec` meanwhile.
    failed: Option<u64>,
}

impl RunnerSlot {
    pub(crate) fn new(enabled: bool) -> RunnerSlot {
        RunnerSlot {
            enabled,
            generation: AtomicU64::new(0),
            slot: tokio::sync::Mutex::default(),
        }
    }

    /// Forgets the runner: the container was restarted, which ended it.
    pub(crate) fn invalidate(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
    }

    /// Starts the runner ahead of the first command (a warm pod is ready at once). A runner
    /// that cannot start is not an error: commands then go through `docker exec`.
    pub(crate) async fn start(&self, sandbox: &Sandbox) {
        if !self.enabled {
            return;
        }
        let mut slot = self.slot.lock().await;
        let generation = self.generation.load(Ordering::SeqCst);
        if slot.session.is_none() {
            match Session::start(sandbox, generation).await {
                Ok(session) => slot.session = Some(session),
                Err(_) => slot.failed = Some(generation),
            }
        }
    }
}

/// The connection to a started runner: its standard input, and its standard output read as
/// frames.
struct Session {
    generation: u64,
    input: Pin<Box<dyn AsyncWrite + Send>>,
    output: Pin<Box<dyn Stream<Item = Result<LogOutput, bollard::errors::Error>> + Send>>,
    buffer: Vec<u8>,
}

/// The runner's report of one command.
struct Ended {
    how: u8,
    exit_code: Option<i64>,
    duration: Duration,
    pinned: bool,
    cleaned: bool,
    before: MemoryCounters,
    after: MemoryCounters,
}

/// What was read of one command before the runner failed.
struct Partial {
    stdout: Vec<u8>,
    stderr: Vec<u8>,
    duration: Duration,
}

enum Fault {
    /// The runner is gone (its stream ended or broke, or it said something unreadable).
    Broken(Partial),
    /// No answer by the host's deadline.
    Stuck(Partial),
}

impl Session {
    async fn start(sandbox: &Sandbox, generation: u64) -> Result<Session, SandboxError> {
        let path = format!("{DIR}/runner");
        let install = format!(
            "chmod 700 {DIR} && rm -f {path} && cat > {path} && chmod 500 {path} && echo ok"
        );
        let argv = vec!["/bin/sh".to_owned(), "-c".to_owned(), install];
        let exec = run::create_exec_argv(sandbox, argv, &[], true, "0:0").await?;
        let mut request = RunRequest::new("install the runner", Duration::from_secs(30));
        request.stdin = Some(BINARY.to_vec());
        let (outcome, _) = run::stream_exec(&sandbox.docker, &exec, &request, false).await?;
        if outcome.stdout != b"ok\n" {
            return Err(SandboxError::Lost(format!(
                "the runner could not be installed: {}",
                String::from_utf8_lossy(&outcome.stderr).trim()
            )));
        }
        let exec =
            run::create_exec_argv(sandbox, vec![path, SANDBOX_USER.into()], &[], true, "0:0")
                .await?;
        let started = sandbox
            .docker
            .start_exec(&exec, None)
            .await
            .map_err(SandboxError::docker("start the runner"))?;
        let StartExecResults::Attached { output, input } = started else {
            return Err(SandboxError::Lost("the runner started detached".into()));
        };
        let mut session = Session {
            generation,
            input,
            output,
            buffer: Vec::new(),
        };
        let deadline = tokio::time::Instant::now() + START_LIMIT;
        match session.frame(deadline).await {
            Some((READY, _)) => Ok(session),
            _ => Err(SandboxError::Lost("the runner did not start".into())),
        }
    }

    /// The next frame, `None` when the stream ended, broke, or the deadline passed.
    async fn frame(&mut self, deadline: tokio::time::Instant) -> Option<(u8, Vec<u8>)> {
        loop {
            if self.buffer.len() >= 5 {
                let length = u32::from_le_bytes(self.buffer[1..5].try_into().ok()?) as usize;
                if self.buffer.len() >= 5 + length {
                    let tag = self.buffer[0];
                    let payload = self.buffer[5..5 + length].to_vec();
                    self.buffer.drain(..5 + length);
                    return Some((tag, payload));
                }
            }
            match tokio::time::timeout_at(deadline, self.output.next()).await {
                Ok(Some(Ok(LogOutput::StdOut { message }))) => {
                    self.buffer.extend_from_slice(&message)
                }
                // The runner's own diagnostics; nothing the host acts on.
                Ok(Some(Ok(_))) => {}
                _ => return None,
            }
        }
    }

    /// Sends one command and reads its output and end.
    async fn exchange(
        &mut self,
        request: &RunRequest,
        mode: Mode,
    ) -> Result<(Partial, Ended), Fault> {
        let started = Instant::now();
        let cap = usize::try_from(request.output_limit.as_u64()).unwrap_or(usize::MAX);
        let mut partial = Partial {
            stdout: Vec::new(),
            stderr: Vec::new(),
            duration: Duration::ZERO,
        };
        let sent = async {
            self.input.write_all(&encode(request, mode)).await?;
            self.input.flush().await
        };
        if sent.await.is_err() {
            return Err(Fault::Broken(partial));
        }
        let deadline = tokio::time::Instant::now() + request.time_limit + GRACE;
        loop {
            let frame = self.frame(deadline).await;
            partial.duration = started.elapsed();
            let Some((tag, payload)) = frame else {
                return Err(if tokio::time::Instant::now() >= deadline {
                    Fault::Stuck(partial)
                } else {
                    Fault::Broken(partial)
                });
            };
            match tag {
                STDOUT | STDERR => {
                    // The runner caps the output; this only guards the host's memory.
                    let room = cap.saturating_sub(partial.stdout.len() + partial.stderr.len());
                    let target = if tag == STDOUT {
                        &mut partial.stdout
                    } else {
                        &mut partial.stderr
                    };
                    target.extend_from_slice(&payload[..payload.len().min(room)]);
                }
                END => {
                    return match parse_end(&payload) {
                        Some(ended) => Ok((partial, ended)),
                        None => Err(Fault::Broken(partial)),
                    };
                }
                _ => return Err(Fault::Broken(partial)),
            }
        }
    }
}

/// Whose command the runner starts.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// A check's command, as the sandbox user in the wrapper; `keep`: leftovers live on (a
    /// background process of the check runs).
    Check { keep: bool },
    /// The host's own housekeeping, as root without any capability.
    Root,
}

/// One request as the runner reads it (see `read_request` in `runner/main.rs`).
fn encode(request: &RunRequest, mode: Mode) -> Vec<u8> {
    let mut body = Vec::new();
    let millis = u64::try_from(request.time_limit.as_millis()).unwrap_or(u64::MAX);
    body.extend_from_slice(&millis.to_le_bytes());
    body.extend_from_slice(&request.output_limit.as_u64().to_le_bytes());
    let keep = mode == Mode::Check { keep: true };
    let root = mode == Mode::Root;
    body.push(u8::from(keep) | (u8::from(request.stdin.is_some()) << 1) | (u8::from(root) << 2));
    field(&mut body, request.script.as_bytes());
    field(&mut body, request.stdin.as_deref().unwrap_or_default());
    body.extend_from_slice(&(request.env.len() as u32).to_le_bytes());
    for (key, value) in &request.env {
        field(&mut body, format!("{key}={value}").as_bytes());
    }
    let mut message = (body.len() as u32).to_le_bytes().to_vec();
    message.extend_from_slice(&body);
    message
}

fn field(buffer: &mut Vec<u8>, bytes: &[u8]) {
    buffer.extend_from_slice(&(bytes.len() as u32).to_le_bytes());
    buffer.extend_from_slice(bytes);
}

/// Reads an end frame (see `end` in `runner/main.rs`).
fn parse_end(payload: &[u8]) -> Option<Ended> {
    fn take<'a>(rest: &mut &'a [u8], n: usize) -> Option<&'a [u8]> {
        let (head, tail) = rest.split_at_checked(n)?;
        *rest = tail;
        Some(head)
    }
    fn text<'a>(rest: &mut &'a [u8]) -> Option<&'a [u8]> {
        let n = u32::from_le_bytes(take(rest, 4)?.try_into().ok()?) as usize;
        take(rest, n)
    }
    let rest = &mut &payload[..];
    let how = take(rest, 1)?[0];
    let code = i64::from_le_bytes(take(rest, 8)?.try_into().ok()?);
    let micros = u64::from_le_bytes(take(rest, 8)?.try_into().ok()?);
    let pinned = take(rest, 1)?[0] != 0;
    let cleaned = take(rest, 1)?[0] != 0;
    let before = MemoryCounters::parse(text(rest)?);
    let after = MemoryCounters::parse(text(rest)?);
    text(rest)?;
    Some(Ended {
        how,
        exit_code: (code != i64::MIN).then_some(code),
        duration: Duration::from_micros(micros),
        pinned,
        cleaned,
        before,
        after,
    })
}

/// Runs a command through the sandbox's runner. `None` when the runner cannot take it (switched
/// off, busy with another command, not startable, or it could not start the process): the
/// caller runs it through `docker exec` instead.
pub(crate) async fn run(
    sandbox: &Sandbox,
    request: &RunRequest,
    keep: bool,
) -> Option<Result<RunOutcome, SandboxError>> {
    let mut slot = session(sandbox).await?;
    let session = slot.session.as_mut()?;
    match session.exchange(request, Mode::Check { keep }).await {
        Ok((_, ended)) if ended.how == NOT_STARTED => None,
        Ok((partial, ended)) => Some(finish(sandbox, keep, partial, ended).await),
        Err(Fault::Stuck(partial)) => {
            slot.session = None;
            Some(stuck(sandbox, keep, partial).await)
        }
        Err(Fault::Broken(partial)) => {
            slot.session = None;
            broken(sandbox, partial).await
        }
    }
}

/// The runner's slot with a started session, `None` when the runner cannot take a command
/// (switched off, busy with another command, or not startable in this generation).
async fn session(sandbox: &Sandbox) -> Option<tokio::sync::MutexGuard<'_, Slot>> {
    let runner = &sandbox.runner;
    if !runner.enabled {
        return None;
    }
    let mut slot = runner.slot.try_lock().ok()?;
    let generation = runner.generation.load(Ordering::SeqCst);
    if slot
        .session
        .as_ref()
        .is_some_and(|s| s.generation != generation)
    {
        slot.session = None;
    }
    if slot.session.is_none() {
        if slot.failed == Some(generation) {
            return None;
        }
        match Session::start(sandbox, generation).await {
            Ok(session) => slot.session = Some(session),
            Err(_) => {
                slot.failed = Some(generation);
                return None;
            }
        }
    }
    Some(slot)
}

/// Runs a housekeeping script of the host's as root (with no capability, like a `docker exec`
/// as root here, less the runner's own three) through the runner: a hidden check's files are
/// placed and removed for the price of two processes instead of two `docker exec`s. `None`
/// when the runner cannot take it or failed during it: the caller uses `docker exec`.
pub(crate) async fn run_as_root(sandbox: &Sandbox, request: &RunRequest) -> Option<RunOutcome> {
    let mut slot = session(sandbox).await?;
    let session = slot.session.as_mut()?;
    match session.exchange(request, Mode::Root).await {
        Ok((_, ended)) if ended.how == NOT_STARTED => None,
        Ok((partial, ended)) => Some(RunOutcome {
            exit_code: ended.exit_code,
            stdout: partial.stdout,
            stderr: partial.stderr,
            duration: ended.duration,
            termination: termination(ended.how),
        }),
        Err(_) => {
            // Whatever state the runner is in, it is not trusted again: the next command starts
            // a new one, and this script runs through `docker exec`.
            slot.session = None;
            None
        }
    }
}

/// How a command ended, from the runner's code for it.
fn termination(how: u8) -> Termination {
    match how {
        1 => Termination::TimeLimit,
        2 => Termination::OutputLimit,
        _ => Termination::Exited,
    }
}

/// A command the runner saw to its end.
async fn finish(
    sandbox: &Sandbox,
    keep: bool,
    partial: Partial,
    ended: Ended,
) -> Result<RunOutcome, SandboxError> {
    let termination = termination(ended.how);
    let outcome = RunOutcome {
        exit_code: ended.exit_code,
        stdout: partial.stdout,
        stderr: partial.stderr,
        duration: ended.duration,
        termination,
    };
    if termination == Termination::Exited && outcome.exit_code == Some(0) {
        // The wrapper ran to its end, so its own clean-up ran too.
        *lock(&sandbox.memory) = ended.after;
        return Ok(outcome);
    }
    let cleanup = if keep {
        Cleanup::Deferred
    } else if ended.cleaned {
        Cleanup::Killed
    } else {
        // The runner could not start its killer (no process slot left): as before, the
        // sandbox kills from outside or restarts.
        sandbox.kill_all_or_restart().await?
    };
    let now = if cleanup == Cleanup::Restarted {
        sandbox.read_memory_counters().await?
    } else {
        ended.after
    };
    *lock(&sandbox.memory) = now;
    Ok(run::judge(
        outcome,
        ended.before,
        now,
        ended.pinned,
        cleanup,
    ))
}

/// The runner did not answer by the host's deadline: the command ran out of time, and the
/// sandbox is cleared from outside, as without a runner.
async fn stuck(
    sandbox: &Sandbox,
    keep: bool,
    partial: Partial,
) -> Result<RunOutcome, SandboxError> {
    let outcome = RunOutcome {
        exit_code: None,
        stdout: partial.stdout,
        stderr: partial.stderr,
        duration: partial.duration,
        termination: Termination::TimeLimit,
    };
    let pinned = sandbox.at_memory_limit().await;
    let cleanup = if keep {
        Cleanup::Deferred
    } else {
        sandbox.kill_all_or_restart().await?
    };
    let now = sandbox.read_memory_counters().await?;
    let before = std::mem::replace(&mut *lock(&sandbox.memory), now);
    Ok(run::judge(outcome, before, now, pinned, cleanup))
}

/// The runner died during the command. Learner code cannot end it (another user), but the
/// kernel's out-of-memory killer can: then the command ran out of memory. Otherwise the
/// platform failed, and the command is run again through `docker exec` (`None`) in a cleared
/// sandbox.
async fn broken(sandbox: &Sandbox, partial: Partial) -> Option<Result<RunOutcome, SandboxError>> {
    let cleared = async {
        sandbox.kill_all_or_restart().await?;
        let now = sandbox.read_memory_counters().await?;
        Ok::<_, SandboxError>((now, std::mem::replace(&mut *lock(&sandbox.memory), now)))
    };
    match cleared.await {
        Ok((now, before)) if now.oom_kills > before.oom_kills => Some(Ok(RunOutcome {
            exit_code: None,
            stdout: partial.stdout,
            stderr: partial.stderr,
            duration: partial.duration,
            termination: Termination::MemoryLimit,
        })),
        Ok(_) => None,
        Err(error) => Some(Err(error)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_end_frame_reads_back() {
        let mut payload = vec![1];
        payload.extend_from_slice(&137i64.to_le_bytes());
        payload.extend_from_slice(&1500u64.to_le_bytes());
        payload.extend_from_slice(&[1, 0]);
        field(&mut payload, b"oom_kill 2 max 7");
        field(&mut payload, b"oom_kill 3 max 9");
        field(&mut payload, b"");
        let ended = parse_end(&payload).unwrap();
        assert_eq!(ended.how, 1);
        assert_eq!(ended.exit_code, Some(137));
        assert_eq!(ended.duration, Duration::from_micros(1500));
        assert!(ended.pinned && !ended.cleaned);
        assert_eq!(ended.before.oom_kills, 2);
        assert_eq!(ended.after.limit_hits, 9);
        assert!(parse_end(&payload[..payload.len() - 5]).is_none());
    }

    #[test]
    fn a_request_is_length_prefixed() {
        let mut request = RunRequest::new("echo hi", Duration::from_millis(2500));
        request.env = vec![("A".into(), "b=c".into())];
        let message = encode(&request, Mode::Check { keep: true });
        let length = u32::from_le_bytes(message[..4].try_into().unwrap()) as usize;
        assert_eq!(length, message.len() - 4);
        assert_eq!(u64::from_le_bytes(message[4..12].try_into().unwrap()), 2500);
        assert_eq!(message[20], 1, "keep, no stdin");
        assert!(message.ends_with(b"A=b=c"));
    }
}
