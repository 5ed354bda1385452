//! The sandbox's in-container runner: started once per sandbox, as root, it starts each check's
//! fresh process as the sandbox user when the host asks, streams its output back and reports how
//! it ended. One request at a time, over its standard input and output (framing in
//! `sandbox/src/runner.rs`, which builds and speaks to this program).
//!
//! Built by `sandbox/build.rs` as a static executable with the standard library only (it runs in
//! any image), so the few system calls the standard library lacks are declared here.
//!
//! Learner code cannot touch it: it runs as another user than theirs (root, with no capability
//! but switching users and dropping capabilities) and is not dumpable, so it can be neither
//! signalled, stopped, traced nor read (`/proc/<pid>/mem`, `fd`, `environ`) by them.

use std::ffi::OsStr;
use std::io::{self, Read, Write};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

unsafe extern "C" {
    fn prctl(option: i32, ...) -> i32;
    fn setgroups(size: usize, list: *const u32) -> i32;
    fn setgid(gid: u32) -> i32;
    fn setuid(uid: u32) -> i32;
    fn kill(pid: i32, signal: i32) -> i32;
    fn fcntl(fd: i32, command: i32, ...) -> i32;
    fn syscall(number: i64, ...) -> i64;
    fn _exit(code: i32) -> !;
}

const PR_SET_DUMPABLE: i32 = 4;
const PR_CAPBSET_DROP: i32 = 24;
const SIGKILL: i32 = 9;
const F_SETPIPE_SZ: i32 = 1031;
#[cfg(target_arch = "x86_64")]
const SYS_SETRESUID: i64 = 117;
#[cfg(target_arch = "aarch64")]
const SYS_SETRESUID: i64 = 147;

/// The capacity of the pipes `docker exec` gives a command: what a program that writes faster
/// than it is read (Node's `console.log` queues in memory once a pipe is full) sees.
const PIPE_CAPACITY: i32 = 64 * 1024;

/// The check's command, run by a shell of the sandbox user that kills whatever the command left
/// running once it ends (`kill -1` spares the shell itself), as every check always did.
const WRAPPER: &str = r#"/bin/sh -c "$1"; status=$?; kill -9 -1 2>/dev/null; exit $status"#;
/// The same without the kill, while a background process of the check must keep running.
const KEEPING_WRAPPER: &str = r#"exec /bin/sh -c "$1""#;

/// How long output is still read after the command ended while a background process of the
/// check (kept running) may hold its pipes. Without one, leftovers are killed when the command
/// ends, so its pipes close and everything it wrote is read to the end.
const DRAIN: Duration = Duration::from_secs(1);

struct Request {
    time_limit: Duration,
    output_limit: u64,
    keep: bool,
    /// A housekeeping script of the host's, run as root (with no capability) without the
    /// wrapper: placing and removing a check's own files.
    root: bool,
    script: Vec<u8>,
    stdin: Option<Vec<u8>>,
    env: Vec<(Vec<u8>, Vec<u8>)>,
}

enum Event {
    Output(u8, Vec<u8>),
    Closed,
    Exited(ExitStatus),
}

/// How a command ended, as the host's `Termination` counts it (plus a start that failed).
#[derive(Clone, Copy)]
enum End {
    Exited = 0,
    TimeLimit = 1,
    OutputLimit = 2,
    NotStarted = 3,
}

fn main() {
    // Before anything else: nothing of this process may be read or traced by anyone else.
    unsafe { prctl(PR_SET_DUMPABLE, 0u64, 0u64, 0u64, 0u64) };
    let ids = std::env::args().nth(1).unwrap_or_default();
    let (uid, gid) = ids
        .split_once(':')
        .and_then(|(u, g)| Some((u.parse().ok()?, g.parse().ok()?)))
        .unwrap_or((65534, 65534));
    let mut input = io::stdin().lock();
    let mut output = io::stdout().lock();
    let ready = frame(&mut output, b'R', &std::process::id().to_le_bytes());
    if ready.is_err() {
        return;
    }
    while let Ok(Some(request)) = read_request(&mut input) {
        if serve(&request, uid, gid, &mut output).is_err() {
            return;
        }
    }
}

fn serve(request: &Request, uid: u32, gid: u32, out: &mut impl Write) -> io::Result<()> {
    let before = memory_counters();
    let started = Instant::now();
    let mut command = Command::new("/bin/sh");
    command.arg("-c");
    // A root script runs as it is: `kill -9 -1` as root would end the runner too; what it leaves
    // is killed by process group instead.
    let (uid, gid) = if request.root {
        command.arg(OsStr::from_bytes(&request.script));
        (0, 0)
    } else {
        let wrapper = if request.keep {
            KEEPING_WRAPPER
        } else {
            WRAPPER
        };
        command
            .arg(wrapper)
            .arg("checker-run")
            .arg(OsStr::from_bytes(&request.script));
        (uid, gid)
    };
    command
        .current_dir("/work")
        .stdin(if request.stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .process_group(0);
    let ((out_reader, out_writer), (err_reader, err_writer)) = match output_pipes(uid) {
        Ok(pipes) => pipes,
        Err(error) => {
            let took = started.elapsed();
            return end(out, End::NotStarted, None, took, &before, false, true, &error.to_string());
        }
    };
    command.stdout(out_writer).stderr(err_writer);
    for (key, value) in &request.env {
        command.env(OsStr::from_bytes(key), OsStr::from_bytes(value));
    }
    // SAFETY: only async-signal-safe system calls between fork and exec.
    unsafe { command.pre_exec(move || become_user(uid, gid, true)) };
    let spawned = command.spawn();
    // The command holds the write ends now; without these copies gone, no pipe would close.
    drop(command);
    let mut child = match spawned {
        Ok(child) => child,
        Err(error) => {
            let message = error.to_string();
            let took = started.elapsed();
            return end(out, End::NotStarted, None, took, &before, false, true, &message);
        }
    };
    let group = child.id() as i32;
    let clear = || {
        if request.root {
            // Root's processes are no learner's: only this script's group is killed.
            unsafe { kill(-group, SIGKILL) };
            true
        } else {
            kill_all(uid, gid)
        }
    };
    let (events, received) = mpsc::channel();
    let mut readers = 0;
    for (tag, mut pipe) in [(b'1', out_reader), (b'2', err_reader)] {
        let events = events.clone();
        readers += 1;
        std::thread::spawn(move || {
            let mut buffer = vec![0; 64 * 1024];
            while let Ok(n @ 1..) = pipe.read(&mut buffer) {
                if events.send(Event::Output(tag, buffer[..n].to_vec())).is_err() {
                    return;
                }
            }
            let _ = events.send(Event::Closed);
        });
    }
    if let (Some(mut stdin), Some(bytes)) = (child.stdin.take(), request.stdin.clone()) {
        // A command that never reads its input must not block anything: a closed pipe or the
        // kill at the end ends this writer.
        std::thread::spawn(move || {
            let _ = stdin.write_all(&bytes);
        });
    }
    {
        let events = events.clone();
        std::thread::spawn(move || {
            if let Ok(status) = child.wait() {
                let _ = events.send(Event::Exited(status));
            }
        });
    }
    drop(events);

    let deadline = started + request.time_limit;
    let cap = request.output_limit;
    let mut written = 0u64;
    let mut status: Option<(ExitStatus, Instant)> = None;
    let mut ending = End::Exited;
    let mut pinned = false;
    let mut cleaned = true;
    let mut duration = None;
    loop {
        if readers == 0 && status.is_some() {
            break;
        }
        let until = match status {
            Some((_, at)) if request.keep => deadline.min(at + DRAIN),
            _ => deadline,
        };
        match received.recv_timeout(until.saturating_duration_since(Instant::now())) {
            Ok(Event::Output(tag, bytes)) => {
                let room = cap.saturating_sub(written);
                let room = usize::try_from(room).unwrap_or(usize::MAX);
                if bytes.len() > room {
                    frame(out, tag, &bytes[..room])?;
                    ending = End::OutputLimit;
                    duration = Some(started.elapsed());
                    break;
                }
                written += bytes.len() as u64;
                frame(out, tag, &bytes)?;
            }
            Ok(Event::Closed) => readers -= 1,
            Ok(Event::Exited(exit)) => {
                duration = Some(started.elapsed());
                status = Some((exit, Instant::now()));
                // The wrapper kills leftovers only when it ends by itself with success; when the
                // command failed or the wrapper was killed, leftovers are killed here.
                if !request.keep && exit.code() != Some(0) {
                    cleaned = clear();
                }
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {
                if status.is_none() {
                    ending = End::TimeLimit;
                    duration = Some(started.elapsed());
                    // Near the memory limit the kernel can thrash on reclaim for seconds before
                    // it kills: looked at before the kill frees the memory.
                    pinned = at_memory_limit();
                }
                break;
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        }
    }
    if !matches!(ending, End::Exited) && !request.keep {
        cleaned = clear();
    }
    if matches!(ending, End::TimeLimit) {
        // What the command wrote before its deadline may still sit in the pipes: read it, now
        // that the kill closes them (briefly: with a background process they stay open).
        let until = Instant::now() + Duration::from_millis(500);
        while readers > 0 {
            match received.recv_timeout(until.saturating_duration_since(Instant::now())) {
                Ok(Event::Output(tag, bytes)) => {
                    let room = usize::try_from(cap.saturating_sub(written)).unwrap_or(usize::MAX);
                    let kept = &bytes[..bytes.len().min(room)];
                    written += kept.len() as u64;
                    frame(out, tag, kept)?;
                }
                Ok(Event::Closed) => readers -= 1,
                Ok(Event::Exited(_)) => {}
                Err(_) => break,
            }
        }
    }
    let code = match ending {
        End::Exited => status.map(|(exit, _)| {
            exit.code()
                .map_or_else(|| 128 + i64::from(exit.signal().unwrap_or(0)), i64::from)
        }),
        _ => None,
    };
    let took = duration.unwrap_or_else(|| started.elapsed());
    end(out, ending, code, took, &before, pinned, cleaned, "")
}

type Pipe = (std::io::PipeReader, std::io::PipeWriter);

/// Pipes for a command's standard output and error, as large as `docker exec`'s (64 KiB): how a
/// program that writes faster than it is read behaves depends on it (Node queues in memory once
/// a pipe is full). The kernel makes new pipes small for a user who holds many already, as root
/// does on a busy host (every container's count), and only `CAP_SYS_RESOURCE` may grow them then:
/// so they are made by a short-lived thread whose real user is the sandbox user's (they count as
/// theirs, as the pipes of the program itself do). Its effective user stays root: nothing of
/// the runner becomes reachable.
fn output_pipes(uid: u32) -> io::Result<(Pipe, Pipe)> {
    use std::os::fd::AsRawFd;
    let make = move || -> io::Result<(Pipe, Pipe)> {
        // Credentials are per thread under Linux: the raw call changes this thread's alone.
        unsafe { syscall(SYS_SETRESUID, i64::from(uid), -1i64, -1i64) };
        let pipes = (std::io::pipe()?, std::io::pipe()?);
        for reader in [&pipes.0.0, &pipes.1.0] {
            // Best effort: a kernel that refuses keeps the size it gave.
            unsafe { fcntl(reader.as_raw_fd(), F_SETPIPE_SZ, PIPE_CAPACITY) };
        }
        Ok(pipes)
    };
    std::thread::scope(|scope| scope.spawn(make).join())
        .map_err(|_| io::Error::other("the pipe maker panicked"))?
}

/// In the child, between fork and exec: gives up every capability for good (the bounding set
/// too, so that nothing of root's can come back), then becomes the sandbox user.
fn become_user(uid: u32, gid: u32, drop_bounding: bool) -> io::Result<()> {
    unsafe {
        if drop_bounding {
            for capability in 0..64u64 {
                // Fails for numbers beyond the kernel's last capability: nothing to drop.
                prctl(PR_CAPBSET_DROP, capability, 0u64, 0u64, 0u64);
            }
        }
        // The group list `docker exec --user uid:gid` gives: the group alone.
        let groups = [gid];
        if setgroups(1, groups.as_ptr()) != 0 || setgid(gid) != 0 || setuid(uid) != 0 {
            return Err(io::Error::last_os_error());
        }
    }
    Ok(())
}

/// Kills every process of the sandbox user, from a child that becomes that user: `kill -1`
/// reaches every process the caller may signal but itself. False when that child cannot start
/// (no process slot left).
fn kill_all(uid: u32, gid: u32) -> bool {
    let mut command = Command::new("/");
    // SAFETY: only async-signal-safe system calls in the child, which never returns.
    unsafe {
        command.pre_exec(move || {
            become_user(uid, gid, false)?;
            kill(-1, SIGKILL);
            _exit(0)
        })
    };
    match command.spawn() {
        Ok(mut child) => matches!(child.wait(), Ok(status) if status.success()),
        Err(_) => false,
    }
}

/// The container's memory counters as `key value` pairs, as the host's
/// `MemoryCounters::parse` reads them: cgroup v2 `memory.events`, or cgroup v1
/// `memory.oom_control` plus `memory.failcnt` as `max`.
fn memory_counters() -> Vec<u8> {
    let mut text = Vec::new();
    for file in [
        "/sys/fs/cgroup/memory.events",
        "/sys/fs/cgroup/memory/memory.oom_control",
    ] {
        if let Ok(bytes) = std::fs::read(file) {
            text.extend(bytes.iter().map(|&b| if b == b'\n' { b' ' } else { b }));
        }
    }
    if let Ok(count) = std::fs::read_to_string("/sys/fs/cgroup/memory/memory.failcnt") {
        text.extend_from_slice(format!("max {}", count.trim()).as_bytes());
    }
    text
}

/// Whether the container's working set (use less inactive file cache) is within 10% of its
/// limit.
fn at_memory_limit() -> bool {
    let number = |file: &str| {
        std::fs::read_to_string(file)
            .ok()
            .and_then(|t| t.trim().parse::<u64>().ok())
    };
    let stat = |file: &str, key: &str| {
        std::fs::read_to_string(file).ok().and_then(|text| {
            text.lines().find_map(|line| {
                let (name, value) = line.split_once(' ')?;
                (name == key).then(|| value.trim().parse::<u64>().ok())?
            })
        })
    };
    let (usage, limit, cache) = if let Some(usage) = number("/sys/fs/cgroup/memory.current") {
        (
            Some(usage),
            number("/sys/fs/cgroup/memory.max"),
            stat("/sys/fs/cgroup/memory.stat", "inactive_file"),
        )
    } else {
        let v1 = "/sys/fs/cgroup/memory";
        (
            number(&format!("{v1}/memory.usage_in_bytes")),
            number(&format!("{v1}/memory.limit_in_bytes")),
            stat(&format!("{v1}/memory.stat"), "total_inactive_file"),
        )
    };
    match (usage, limit) {
        (Some(usage), Some(limit)) if limit > 0 => {
            usage.saturating_sub(cache.unwrap_or(0)).saturating_mul(10) >= limit.saturating_mul(9)
        }
        _ => false,
    }
}

/// Reports the end of a command (frame `E`): how it ended (u8), its exit code (i64,
/// `i64::MIN` for none), its duration in microseconds (u64), whether memory was pinned at the
/// limit at a time-out (u8), whether leftovers were killed (u8), then the memory counters before
/// and after, and a message, as length-prefixed fields.
#[allow(clippy::too_many_arguments)]
fn end(
    out: &mut impl Write,
    ending: End,
    code: Option<i64>,
    took: Duration,
    before: &[u8],
    pinned: bool,
    cleaned: bool,
    message: &str,
) -> io::Result<()> {
    let mut payload = Vec::new();
    payload.push(ending as u8);
    payload.extend_from_slice(&code.unwrap_or(i64::MIN).to_le_bytes());
    payload.extend_from_slice(&(took.as_micros() as u64).to_le_bytes());
    payload.push(u8::from(pinned));
    payload.push(u8::from(cleaned));
    field(&mut payload, before);
    field(&mut payload, &memory_counters());
    field(&mut payload, message.as_bytes());
    frame(out, b'E', &payload)
}

fn field(buffer: &mut Vec<u8>, bytes: &[u8]) {
    buffer.extend_from_slice(&(bytes.len() as u32).to_le_bytes());
    buffer.extend_from_slice(bytes);
}

fn frame(out: &mut impl Write, tag: u8, bytes: &[u8]) -> io::Result<()> {
    out.write_all(&[tag])?;
    out.write_all(&(bytes.len() as u32).to_le_bytes())?;
    out.write_all(bytes)?;
    out.flush()
}

/// One request: its length (u32), then the time limit in milliseconds (u64), the output cap
/// (u64), flags (bit 0: keep processes, bit 1: stdin given, bit 2: as root), then the script, the standard
/// input and each `KEY=VALUE` of the environment as length-prefixed fields. `None` at the end of
/// the input.
fn read_request(input: &mut impl Read) -> io::Result<Option<Request>> {
    let mut length = [0u8; 4];
    match input.read_exact(&mut length) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(e) => return Err(e),
    }
    let mut body = vec![0; u32::from_le_bytes(length) as usize];
    input.read_exact(&mut body)?;
    let mut fields = Fields(&body);
    let time = fields.u64()?;
    let output_limit = fields.u64()?;
    let flags = fields.take(1)?[0];
    let script = fields.bytes()?.to_vec();
    let stdin = fields.bytes()?.to_vec();
    let count = fields.u32()?;
    let mut env = Vec::new();
    for _ in 0..count {
        let pair = fields.bytes()?;
        let split = pair.iter().position(|&b| b == b'=').ok_or_else(invalid)?;
        env.push((pair[..split].to_vec(), pair[split + 1..].to_vec()));
    }
    Ok(Some(Request {
        time_limit: Duration::from_millis(time),
        output_limit,
        keep: flags & 1 != 0,
        root: flags & 4 != 0,
        script,
        stdin: (flags & 2 != 0).then_some(stdin),
        env,
    }))
}

fn invalid() -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, "malformed request")
}

/// Reads little-endian numbers and length-prefixed fields off a request's body.
struct Fields<'a>(&'a [u8]);

impl<'a> Fields<'a> {
    fn take(&mut self, n: usize) -> io::Result<&'a [u8]> {
        if self.0.len() < n {
            return Err(invalid());
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Ok(head)
    }

    fn u32(&mut self) -> io::Result<u32> {
        Ok(u32::from_le_bytes(self.take(4)?.try_into().map_err(|_| invalid())?))
    }

    fn u64(&mut self) -> io::Result<u64> {
        Ok(u64::from_le_bytes(self.take(8)?.try_into().map_err(|_| invalid())?))
    }

    fn bytes(&mut self) -> io::Result<&'a [u8]> {
        let n = self.u32()? as usize;
        self.take(n)
    }
}
