//! Background processes that live for one check: a learner's server started before the
//! check's probes and ended, with everything it started, when the check ends. While one runs,
//! commands of the check leave other processes running (see [`Sandbox::run`]).

use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bollard::container::LogOutput;
use bollard::exec::StartExecResults;
use futures_util::StreamExt;
use tokio::io::AsyncWriteExt;
use tokio::task::JoinHandle;

use crate::pod::Sandbox;
use crate::run::{self, RunRequest};
use crate::{SANDBOX_USER, SandboxError, lock};

/// What a background process printed so far, and whether it still runs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BackgroundOutput {
    /// Standard output, at most the request's output cap.
    pub stdout: Vec<u8>,
    /// Standard error, at most what the cap left after standard output.
    pub stderr: Vec<u8>,
    /// Whether output beyond the cap was dropped (the process kept running: a server must not
    /// block on a full pipe).
    pub truncated: bool,
    /// Whether it was still running when this was read.
    pub running: bool,
    /// Its exit code once ended (128 + N when killed by signal N), `None` while running.
    pub exit_code: Option<i64>,
    /// Whether it ran into the request's time limit and was killed for it.
    pub timed_out: bool,
}

/// A process started by [`Sandbox::start_background`]. Its output is read all along; read it
/// with [`BackgroundHandle::output`], or with [`BackgroundHandle::finish`] once the check has
/// ended.
#[derive(Debug)]
pub struct BackgroundHandle {
    captured: Arc<Mutex<BackgroundOutput>>,
    reader: Option<JoinHandle<()>>,
}

impl BackgroundHandle {
    /// What it printed so far, and whether it still runs.
    pub fn output(&self) -> BackgroundOutput {
        lock(&self.captured).clone()
    }

    /// Whether it still runs.
    pub fn is_running(&self) -> bool {
        lock(&self.captured).running
    }

    /// Waits (at most 10 s) for its output to end, then returns all of it. Call after
    /// [`Sandbox::end_check`], which ends the process.
    pub async fn finish(mut self) -> BackgroundOutput {
        if let Some(reader) = self.reader.take() {
            let abort = reader.abort_handle();
            if tokio::time::timeout(Duration::from_secs(10), reader)
                .await
                .is_err()
            {
                abort.abort();
            }
        }
        self.output()
    }
}

impl Drop for BackgroundHandle {
    fn drop(&mut self) {
        // The process itself ends with the check; only the reading stops here.
        if let Some(reader) = self.reader.take() {
            reader.abort();
        }
    }
}

impl Sandbox {
    /// Starts `request.script` as the sandbox user in the background and returns at once. It
    /// lives until [`Sandbox::end_check`] (or until `request.time_limit`, whichever comes
    /// first), and until then commands run by [`Sandbox::run`] leave it, and whatever else
    /// they start, running. Its standard output and error are kept up to
    /// `request.output_limit` together; more is read and dropped.
    pub async fn start_background(
        &self,
        request: &RunRequest,
    ) -> Result<BackgroundHandle, SandboxError> {
        // Set first: from now on no command of this check may end the process.
        self.background.store(true, Ordering::SeqCst);
        // `timeout` kills the whole process group it leads, so a server's children end too.
        let seconds = request.time_limit.as_secs_f64().max(0.1);
        let argv = vec![
            "/bin/sh".to_owned(),
            "-c".to_owned(),
            format!(r#"exec timeout -s KILL {seconds:.1} /bin/sh -c "$1""#),
            "checker-background".to_owned(),
            request.script.clone(),
        ];
        let exec = run::create_exec_argv(
            self,
            argv,
            &request.env,
            request.stdin.is_some(),
            SANDBOX_USER,
        )
        .await?;
        let started_at = Instant::now();
        let started = self
            .docker
            .start_exec(&exec, None)
            .await
            .map_err(SandboxError::docker("start a background command"))?;
        let StartExecResults::Attached { mut output, input } = started else {
            return Err(SandboxError::Lost(
                "the background command started detached".into(),
            ));
        };
        if let Some(bytes) = request.stdin.clone() {
            let mut input = input;
            tokio::spawn(async move {
                let _ = input.write_all(&bytes).await;
                let _ = input.shutdown().await;
            });
        }
        let captured = Arc::new(Mutex::new(BackgroundOutput {
            running: true,
            ..BackgroundOutput::default()
        }));
        let cap = usize::try_from(request.output_limit.as_u64()).unwrap_or(usize::MAX);
        let (docker, shared, time_limit) =
            (self.docker.clone(), captured.clone(), request.time_limit);
        let reader = tokio::spawn(async move {
            while let Some(chunk) = output.next().await {
                let mut out = lock(&shared);
                let room = cap.saturating_sub(out.stdout.len() + out.stderr.len());
                let (target, message) = match chunk {
                    Ok(LogOutput::StdOut { message }) | Ok(LogOutput::Console { message }) => {
                        (&mut out.stdout, message)
                    }
                    Ok(LogOutput::StdErr { message }) => (&mut out.stderr, message),
                    Ok(LogOutput::StdIn { .. }) => continue,
                    Err(_) => break,
                };
                let take = message.len().min(room);
                target.extend_from_slice(&message[..take]);
                if take < message.len() {
                    out.truncated = true;
                }
            }
            let exit_code = run::exit_code(&docker, &exec).await.ok().flatten();
            let mut out = lock(&shared);
            out.running = false;
            out.exit_code = exit_code;
            out.timed_out = started_at.elapsed() >= time_limit && exit_code == Some(128 + 9);
        });
        Ok(BackgroundHandle {
            captured,
            reader: Some(reader),
        })
    }

    /// Ends the current check: when background processes were started in it, kills every
    /// process of the sandbox user (restarting the pod if that is impossible), so the next
    /// check starts with nothing left running. Cheap when none was started.
    pub async fn end_check(&self) -> Result<(), SandboxError> {
        if !self.background.swap(false, Ordering::SeqCst) {
            return Ok(());
        }
        self.kill_all_or_restart().await?;
        let counters = self.read_memory_counters().await?;
        *lock(&self.memory) = counters;
        Ok(())
    }
}

/// A TCP connection opened from inside the sandbox (in its network namespace, as the sandbox
/// user) to a port on its loopback, relayed to the host through the standard streams of a
/// command. Write the request, read the answer; bytes the relay printed on standard error
/// (why it could not connect) are kept apart, see [`Connection::diagnostics`].
pub struct Connection {
    reader: tokio_util::io::StreamReader<
        std::pin::Pin<Box<dyn futures_util::Stream<Item = std::io::Result<bytes::Bytes>> + Send>>,
        bytes::Bytes,
    >,
    writer: std::pin::Pin<Box<dyn tokio::io::AsyncWrite + Send>>,
    diagnostics: Arc<Mutex<Vec<u8>>>,
}

impl std::fmt::Debug for Connection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connection").finish_non_exhaustive()
    }
}

impl Connection {
    /// What the relay printed on standard error so far, e.g. `connect: Connection refused`
    /// when nothing listened on the port.
    pub fn diagnostics(&self) -> String {
        String::from_utf8_lossy(&lock(&self.diagnostics)).into_owned()
    }

    /// Reads [`Connection::diagnostics`] after the connection was handed to a client.
    pub fn diagnostics_source(&self) -> impl Fn() -> String + Send + Sync + 'static {
        let diagnostics = self.diagnostics.clone();
        move || String::from_utf8_lossy(&lock(&diagnostics)).into_owned()
    }
}

impl tokio::io::AsyncRead for Connection {
    fn poll_read(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.reader).poll_read(cx, buf)
    }
}

impl tokio::io::AsyncWrite for Connection {
    fn poll_write(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &[u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        self.writer.as_mut().poll_write(cx, buf)
    }

    fn poll_flush(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        self.writer.as_mut().poll_flush(cx)
    }

    fn poll_shutdown(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        self.writer.as_mut().poll_shutdown(cx)
    }
}

/// Bash's `/dev/tcp` opens the connection to `localhost` as a client in the pod would: IPv4
/// first (its error is the one told), then IPv6; one `cat` copies standard input into it, the other
/// copies its answer to standard output and ends the relay when the server closes. Standard
/// input goes to the background `cat` through fd 4: a non-interactive shell gives background
/// commands /dev/null as their standard input.
const RELAY: &str = r#"exec 3<>"/dev/tcp/127.0.0.1/$1" || { exec 3<>"/dev/tcp/::1/$1"; } 2>/dev/null || exit 111; exec 4<&0; cat <&4 >&3 2>/dev/null 4<&- & exec cat <&3 4<&-"#;

impl Sandbox {
    /// Opens a TCP connection to `port` on the pod's loopback from inside the learner's
    /// container, so the connection comes from where the learner's own clients would: the
    /// pod's network namespace, which has no route out. The relay is a process of the sandbox
    /// user and ends with the connection (or at [`Sandbox::end_check`] at the latest).
    pub async fn connect(&self, port: u16) -> Result<Connection, SandboxError> {
        let argv = vec![
            "/bin/bash".to_owned(),
            "-c".to_owned(),
            RELAY.to_owned(),
            "checker-relay".to_owned(),
            port.to_string(),
        ];
        let exec = run::create_exec_argv(self, argv, &[], true, SANDBOX_USER).await?;
        let started = self
            .docker
            .start_exec(&exec, None)
            .await
            .map_err(SandboxError::docker("start a connection relay"))?;
        let StartExecResults::Attached { output, input } = started else {
            return Err(SandboxError::Lost(
                "the connection relay started detached".into(),
            ));
        };
        let diagnostics = Arc::new(Mutex::new(Vec::new()));
        let errors = diagnostics.clone();
        let answers = output.filter_map(move |chunk| {
            let item = match chunk {
                Ok(LogOutput::StdOut { message }) | Ok(LogOutput::Console { message }) => {
                    Some(Ok(message))
                }
                Ok(LogOutput::StdErr { message }) => {
                    let mut kept = lock(&errors);
                    if kept.len() < 4096 {
                        kept.extend_from_slice(&message);
                    }
                    None
                }
                Ok(LogOutput::StdIn { .. }) => None,
                Err(error) => Some(Err(std::io::Error::other(error))),
            };
            std::future::ready(item)
        });
        Ok(Connection {
            reader: tokio_util::io::StreamReader::new(Box::pin(answers)),
            writer: input,
            diagnostics,
        })
    }
}
