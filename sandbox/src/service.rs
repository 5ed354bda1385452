//! Service containers of a pod (a database, a cache): what the school asks for in a
//! [`ServiceSpec`], how each is locked down like the learner's container and joined to its
//! network namespace, and how to tell that one is ready.

use std::collections::HashMap;
use std::time::Duration;

use bollard::exec::CreateExecOptions;
use bollard::models::{ContainerCreateBody, HostConfig};
use bollard::query_parameters::{CreateContainerOptionsBuilder, LogsOptionsBuilder};
use bytesize::ByteSize;
use futures_util::StreamExt;

use crate::pod::{PendingCreation, Sandbox, pod_labels};
use crate::run::{self, RunRequest};
use crate::{SERVICE_LABEL, SandboxError};

/// Most of a service's log shown in an error.
const LOG_TAIL: usize = 4096;

/// One service container of a pod. It shares the learner container's network namespace
/// (Docker's `container:<id>` network mode), so it answers on `localhost` and reaches nothing
/// else; it is locked down like the learner's container (capabilities dropped, no new
/// privileges, read-only root with tmpfs where it writes, memory, process and CPU limits).
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceSpec {
    /// Short name, unique in the pod: lowercase letters, digits and `-` (e.g. `redis`).
    pub name: String,
    /// Image reference; must exist locally like the learner's image.
    pub image: String,
    /// Command and arguments; empty keeps the image's own.
    pub command: Vec<String>,
    /// Environment variables on top of the image's.
    pub env: Vec<(String, String)>,
    /// User to run as (`uid:gid` or a name of the image); `None` keeps the image's.
    pub user: Option<String>,
    /// Memory for the service, swap and tmpfs included.
    pub memory: ByteSize,
    /// Maximum number of processes and threads at once.
    pub pids: u32,
    /// CPU share, in cores.
    pub cpus: f64,
    /// Whether the root file system is read-only (some images cannot run so).
    pub read_only: bool,
    /// Writable tmpfs directories and their sizes (counted in `memory`).
    pub writable: Vec<(String, ByteSize)>,
    /// Capabilities granted back after all are dropped, for images whose entrypoint needs
    /// them (e.g. `CHOWN`, `SETUID`, `SETGID` to step down to their own user).
    pub cap_add: Vec<String>,
    /// How to tell that the service is ready; `None` means as soon as it runs.
    pub ready: Option<Readiness>,
    /// Longest wait for readiness when the pod is created or restarted.
    pub ready_timeout: Duration,
    /// Run inside the service once it is ready (after creation, a restart or a reset): puts
    /// the grader's data in (a database and its seed). `None` runs nothing.
    pub setup: Option<ServiceSetup>,
    /// A `/bin/sh` script run inside the service by [`Sandbox::reset_services`] before
    /// `setup`, taking it back to its state when it was ready (every client disconnected,
    /// every key or database gone). `None`: the service cannot be reset in place, so a reset
    /// restarts the pod.
    pub reset: Option<String>,
    /// Host names the learner's container resolves to the pod's loopback (its `/etc/hosts`,
    /// which learner code cannot change), for a service standing in for a public host that
    /// the school's code names in a hard-coded URL.
    pub hosts: Vec<String>,
    /// Whether the service listens on ports below 1024 (80 and 443 of the host it stands in
    /// for): the pod's network namespace then lets unprivileged users bind them, so the
    /// service needs no capability.
    pub low_ports: bool,
    /// A file of the service's image copied, once it is ready, into the learner's work
    /// directory (owned by root, read-only) under a relative name: (path in the service,
    /// name for the learner), e.g. the certificate of the authority that signed its own.
    pub share: Option<(String, String)>,
}

/// What a service runs once ready: a `/bin/sh` script inside its container, fed `stdin`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceSetup {
    /// The script, e.g. `mariadb -uroot`.
    pub script: String,
    /// Its standard input, e.g. the seed's SQL.
    pub stdin: Vec<u8>,
    /// Longest it may take.
    pub timeout: Duration,
}

/// How a service shows that it is ready.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Readiness {
    /// Something listens on this TCP port of the pod's loopback.
    Listening(u16),
    /// This `/bin/sh` script exits 0 when run inside the service's container (e.g.
    /// `redis-cli ping`).
    Command(String),
}

impl ServiceSpec {
    /// A service with the image's own command and user, 256 MiB, 64 processes, one core, a
    /// read-only root with a 16 MiB `/tmp`, ready as soon as it runs (30 s at most).
    pub fn new(name: impl Into<String>, image: impl Into<String>) -> Self {
        ServiceSpec {
            name: name.into(),
            image: image.into(),
            command: Vec::new(),
            env: Vec::new(),
            user: None,
            memory: ByteSize::mib(256),
            pids: 64,
            cpus: 1.0,
            read_only: true,
            writable: vec![("/tmp".into(), ByteSize::mib(16))],
            cap_add: Vec::new(),
            ready: None,
            ready_timeout: Duration::from_secs(30),
            setup: None,
            reset: None,
            hosts: Vec::new(),
            low_ports: false,
            share: None,
        }
    }

    /// The same service running `command` (program and arguments).
    pub fn command<S: Into<String>>(mut self, command: impl IntoIterator<Item = S>) -> Self {
        self.command = command.into_iter().map(Into::into).collect();
        self
    }

    /// The same service, ready when `ready` says so.
    pub fn ready_when(mut self, ready: Readiness) -> Self {
        self.ready = Some(ready);
        self
    }

    pub(crate) fn validate(&self) -> Result<(), SandboxError> {
        let fine = !self.name.is_empty()
            && self.name.len() <= 32
            && self
                .name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        let hosts_fine = self.hosts.iter().all(|host| {
            !host.is_empty()
                && host.len() <= 253
                && host
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
        });
        if !hosts_fine {
            return Err(SandboxError::Service {
                service: self.name.clone(),
                reason: "a host name is letters, digits, `-` and `.`".into(),
                logs: String::new(),
            });
        }
        if fine {
            Ok(())
        } else {
            Err(SandboxError::Service {
                service: self.name.clone(),
                reason: "a service name is 1 to 32 lowercase letters, digits or `-`".into(),
                logs: String::new(),
            })
        }
    }
}

/// A created service container of a pod.
#[derive(Debug)]
pub(crate) struct Service {
    pub(crate) spec: ServiceSpec,
    pub(crate) id: String,
}

impl Sandbox {
    /// Creates and starts one service in the pod's network namespace. The pod owns the
    /// container from its creation on, so a failure later removes it with the pod.
    pub(crate) async fn add_service(
        &mut self,
        spec: &ServiceSpec,
        owner: &str,
    ) -> Result<(), SandboxError> {
        let memory = i64::try_from(spec.memory.as_u64()).unwrap_or(i64::MAX);
        let tmpfs: HashMap<String, String> = spec
            .writable
            .iter()
            .map(|(path, size)| {
                let options = format!("rw,exec,nosuid,nodev,size={},mode=1777", size.as_u64());
                (path.clone(), options)
            })
            .collect();
        let host_config = HostConfig {
            network_mode: Some(format!("container:{}", self.id)),
            readonly_rootfs: Some(spec.read_only),
            cap_drop: Some(vec!["ALL".into()]),
            cap_add: (!spec.cap_add.is_empty()).then(|| spec.cap_add.clone()),
            security_opt: Some(vec!["no-new-privileges".into()]),
            memory: Some(memory),
            memory_swap: Some(memory),
            pids_limit: Some(i64::from(spec.pids)),
            nano_cpus: Some((spec.cpus * 1e9) as i64),
            tmpfs: Some(tmpfs),
            init: Some(true),
            ipc_mode: Some("private".into()),
            shm_size: Some(8 * 1024 * 1024),
            ..Default::default()
        };
        let mut labels = pod_labels(owner, &self.name);
        labels.insert(SERVICE_LABEL.to_owned(), spec.name.clone());
        let body = ContainerCreateBody {
            image: Some(spec.image.clone()),
            user: spec.user.clone(),
            cmd: (!spec.command.is_empty()).then(|| spec.command.clone()),
            env: Some(spec.env.iter().map(|(k, v)| format!("{k}={v}")).collect()),
            labels: Some(labels),
            host_config: Some(host_config),
            ..Default::default()
        };
        let name = format!("{}-{}", self.name, spec.name);
        let pending = PendingCreation::new(&self.docker, &name);
        let created = self
            .docker
            .create_container(
                Some(CreateContainerOptionsBuilder::default().name(&name).build()),
                body,
            )
            .await;
        pending.settled();
        let created = created.map_err(SandboxError::docker("create a service container"))?;
        self.services.push(Service {
            spec: spec.clone(),
            id: created.id.clone(),
        });
        self.docker
            .start_container(&created.id, None)
            .await
            .map_err(SandboxError::docker("start a service container"))
    }

    /// Waits for every service to be ready, each within its own `ready_timeout`, then runs
    /// each one's setup.
    pub(crate) async fn wait_services_ready(&self) -> Result<(), SandboxError> {
        for service in &self.services {
            self.wait_for_service(&service.spec.name, service.spec.ready_timeout)
                .await?;
        }
        for service in &self.services {
            if let Some(setup) = &service.spec.setup {
                self.exec_in_service(service, "set up", &setup.script, setup)
                    .await?;
            }
        }
        Ok(())
    }

    /// Takes every service back to the state it had when the pod was opened: each runs its
    /// reset script then its setup again, so that what one task left behind (tables, keys, a
    /// query still running) cannot change what the next one sees. A service without a reset
    /// script, or one whose reset fails (the learner's code shut it down or broke it), is
    /// brought back by restarting the whole pod, which also ends every process and restores
    /// the uploads. Does nothing for a pod without services.
    pub async fn reset_services(&self) -> Result<(), SandboxError> {
        let mut restart = false;
        for service in &self.services {
            let Some(reset) = &service.spec.reset else {
                restart = true;
                continue;
            };
            let setup = service.spec.setup.clone().unwrap_or(ServiceSetup {
                script: "true".into(),
                stdin: Vec::new(),
                timeout: Duration::from_secs(30),
            });
            let script = format!("{reset}\n{}", setup.script);
            if self
                .exec_in_service(service, "reset", &script, &setup)
                .await
                .is_err()
            {
                restart = true;
            }
        }
        if restart {
            self.restart().await?;
        }
        Ok(())
    }

    /// Runs `script` inside `service`'s container (its own user and environment) with
    /// `setup`'s standard input and time limit; anything but exit code 0 is an error that
    /// carries what it printed.
    async fn exec_in_service(
        &self,
        service: &Service,
        what: &str,
        script: &str,
        setup: &ServiceSetup,
    ) -> Result<(), SandboxError> {
        let exec = self
            .shell_exec(service, script, true, "create a service's setup")
            .await?;
        let mut request = RunRequest::new(script, setup.timeout);
        request.stdin = Some(setup.stdin.clone());
        let (outcome, _) = run::stream_exec(&self.docker, &exec, &request, false).await?;
        let code = if outcome.termination == crate::Termination::Exited {
            run::exit_code(&self.docker, &exec).await?
        } else {
            None
        };
        if code == Some(0) {
            return Ok(());
        }
        let printed = String::from_utf8_lossy(&[outcome.stdout, outcome.stderr].concat())
            .chars()
            .take(LOG_TAIL)
            .collect::<String>();
        Err(SandboxError::Service {
            service: service.spec.name.clone(),
            reason: format!(
                "its {what} script ended with {:?} (exit code {code:?})",
                outcome.termination
            ),
            logs: printed,
        })
    }

    /// Copies each service's shared file (see [`ServiceSpec::share`]) into the learner's work
    /// directory, owned by root and read-only; restored like every upload after a restart.
    pub(crate) async fn share_service_files(&self) -> Result<(), SandboxError> {
        for service in &self.services {
            let Some((path, name)) = &service.spec.share else {
                continue;
            };
            let script = format!("cat '{}'", path.replace('\'', "'\\''"));
            let exec = self
                .shell_exec(service, &script, false, "read a service's shared file")
                .await?;
            let request = RunRequest::new(&script, Duration::from_secs(10));
            let (outcome, _) = run::stream_exec(&self.docker, &exec, &request, false).await?;
            let code = if outcome.termination == crate::Termination::Exited {
                run::exit_code(&self.docker, &exec).await?
            } else {
                None
            };
            if code != Some(0) {
                return Err(SandboxError::Service {
                    service: service.spec.name.clone(),
                    reason: format!("its shared file {path} could not be read"),
                    logs: String::from_utf8_lossy(&outcome.stderr).into_owned(),
                });
            }
            let file = crate::archive::SandboxFile::try_new(name, outcome.stdout).map_err(|e| {
                SandboxError::Service {
                    service: service.spec.name.clone(),
                    reason: format!("its shared file's name {name:?} is {e}"),
                    logs: String::new(),
                }
            })?;
            self.upload_protected(&[file]).await?;
        }
        Ok(())
    }

    /// The pod's services as (name, container id), in configuration order.
    pub fn services(&self) -> impl Iterator<Item = (&str, &str)> {
        self.services
            .iter()
            .map(|s| (s.spec.name.as_str(), s.id.as_str()))
    }

    fn service(&self, name: &str) -> Result<&Service, SandboxError> {
        self.services
            .iter()
            .find(|s| s.spec.name == name)
            .ok_or_else(|| SandboxError::Service {
                service: name.to_owned(),
                reason: "the pod has no such service".into(),
                logs: String::new(),
            })
    }

    /// Waits until service `name` is ready by its [`Readiness`], for at most `timeout`. Fails
    /// with [`SandboxError::Service`], carrying the end of the service's log, when it stops or
    /// the time runs out.
    pub async fn wait_for_service(
        &self,
        name: &str,
        timeout: Duration,
    ) -> Result<(), SandboxError> {
        let service = self.service(name)?;
        let deadline = tokio::time::Instant::now() + timeout;
        let mut pause = Duration::from_millis(50);
        loop {
            let state = self
                .docker
                .inspect_container(&service.id, None)
                .await
                .map_err(SandboxError::docker("inspect a service"))?
                .state;
            let running = state.as_ref().and_then(|s| s.running).unwrap_or(false);
            if !running {
                let code = state.and_then(|s| s.exit_code);
                return Err(self
                    .service_failure(service, format!("it stopped (exit code {code:?})"))
                    .await);
            }
            let ready = match &service.spec.ready {
                None => true,
                Some(Readiness::Listening(port)) => self.is_listening(*port).await?,
                Some(Readiness::Command(script)) => {
                    match self.probe_in_service(service, script, deadline).await {
                        Ok(ready) => ready,
                        // It stopped between the inspection and the probe: say so next turn.
                        Err(SandboxError::Docker { .. }) => false,
                        Err(other) => return Err(other),
                    }
                }
            };
            if ready {
                return Ok(());
            }
            if tokio::time::Instant::now() + pause >= deadline {
                let reason = format!("not ready within {} s", timeout.as_secs_f32());
                return Err(self.service_failure(service, reason).await);
            }
            tokio::time::sleep(pause).await;
            pause = (pause * 2).min(Duration::from_millis(500));
        }
    }

    async fn service_failure(&self, service: &Service, reason: String) -> SandboxError {
        let logs = self
            .service_logs(&service.spec.name)
            .await
            .unwrap_or_else(|e| format!("(its log could not be read: {e})"));
        SandboxError::Service {
            service: service.spec.name.clone(),
            reason,
            logs,
        }
    }

    /// The end of service `name`'s output (standard output and error interleaved), at most
    /// 4 KiB, for error messages and verdicts.
    pub async fn service_logs(&self, name: &str) -> Result<String, SandboxError> {
        let service = self.service(name)?;
        let options = LogsOptionsBuilder::default()
            .stdout(true)
            .stderr(true)
            .tail("100")
            .build();
        let mut stream = self.docker.logs(&service.id, Some(options));
        let mut text = Vec::new();
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(SandboxError::docker("read a service's log"))?;
            text.extend_from_slice(&chunk.into_bytes());
            if text.len() > 2 * LOG_TAIL {
                text.drain(..text.len() - LOG_TAIL);
            }
        }
        if text.len() > LOG_TAIL {
            text.drain(..text.len() - LOG_TAIL);
        }
        Ok(String::from_utf8_lossy(&text).into_owned())
    }

    /// Creates (not starts) `/bin/sh -c script` in a service's container, as its own user and
    /// environment, with standard input attached when `stdin`; the exec's id.
    async fn shell_exec(
        &self,
        service: &Service,
        script: &str,
        stdin: bool,
        action: &'static str,
    ) -> Result<String, SandboxError> {
        let options = CreateExecOptions {
            attach_stdin: stdin.then_some(true),
            attach_stdout: Some(true),
            attach_stderr: Some(true),
            cmd: Some(vec![
                "/bin/sh".to_owned(),
                "-c".to_owned(),
                script.to_owned(),
            ]),
            ..Default::default()
        };
        Ok(self
            .docker
            .create_exec(&service.id, options)
            .await
            .map_err(SandboxError::docker(action))?
            .id)
    }

    /// Runs a readiness script inside a service's container (its own environment and user)
    /// and tells whether it exited 0 before `deadline`.
    async fn probe_in_service(
        &self,
        service: &Service,
        script: &str,
        deadline: tokio::time::Instant,
    ) -> Result<bool, SandboxError> {
        let exec = self
            .shell_exec(service, script, false, "create a readiness probe")
            .await?;
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        let request = RunRequest::new(script, left.max(Duration::from_millis(100)));
        let (outcome, _) = run::stream_exec(&self.docker, &exec, &request, false).await?;
        if outcome.termination != crate::Termination::Exited {
            return Ok(false);
        }
        Ok(run::exit_code(&self.docker, &exec).await? == Some(0))
    }

    /// Whether something listens on TCP `port` of the pod's loopback right now, read from the
    /// kernel's socket table inside the pod (needs nothing but `/bin/sh` in the image).
    pub async fn is_listening(&self, port: u16) -> Result<bool, SandboxError> {
        // State 0A is LISTEN; the local address ends in the port in hexadecimal.
        let script = format!(
            "for f in /proc/net/tcp /proc/net/tcp6; do [ -r $f ] || continue; \
             while read -r _ local _ state _; do case \"$local $state\" in \
             *:{port:04X}' 0A') exit 0;; esac; done < $f; done; exit 1"
        );
        let request = RunRequest::new(script, Duration::from_secs(5));
        let outcome = run::run_raw(self, &request, "0:0").await?;
        Ok(outcome.exit_code == Some(0))
    }

    /// Waits until something listens on TCP `port` of the pod's loopback, for at most
    /// `timeout`; `false` when nothing did (a learner's server that never came up is the
    /// learner's fault, not an error).
    pub async fn wait_until_listening(
        &self,
        port: u16,
        timeout: Duration,
    ) -> Result<bool, SandboxError> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            if self.is_listening(port).await? {
                return Ok(true);
            }
            if tokio::time::Instant::now() >= deadline {
                return Ok(false);
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}
