//! The sandbox against a real Docker engine. Needs the `checker/node:bookworm` and
//! `checker/python:bookworm` runtime images (`checker images build`). Under `CI=true` a missing
//! engine or image fails the run.

use std::time::Duration;

use bytesize::ByteSize;
use sandbox::{
    Engine, Readiness, RunRequest, SandboxConfig, SandboxError, SandboxFile, ServiceSpec,
    Termination,
};

const IMAGE: &str = "checker/node:bookworm";
const PYTHON: &str = "checker/python:bookworm";

/// The engine, or `None` (test passes vacuously) when Docker is absent outside CI.
async fn engine() -> Option<Engine> {
    engine_with(&[IMAGE]).await
}

/// The engine once every image in `images` is present; the one gate of this file: outside CI a
/// missing engine or image skips the test, under `CI=true` it fails it.
async fn engine_with(images: &[&str]) -> Option<Engine> {
    let ci = std::env::var("CI").is_ok_and(|v| v == "true");
    let engine = match Engine::connect().await {
        Ok(engine) => engine,
        Err(e) if ci => panic!("CI=true but Docker is unreachable: {e}"),
        Err(_) => {
            println!("Docker unavailable; this test needs it (set CI=true to require)");
            return None;
        }
    };
    for image in images {
        if !engine.image_exists(image).await.unwrap_or(false) {
            assert!(
                !ci,
                "CI=true but image {image} is missing: run `checker images build`"
            );
            println!("{image} unavailable; this test needs it (set CI=true to require)");
            return None;
        }
    }
    Some(engine)
}

/// Whether a container with this id (or name) exists, running or not.
fn container_exists(id: &str) -> bool {
    std::process::Command::new("docker")
        .args(["inspect", id])
        .output()
        .unwrap()
        .status
        .success()
}

fn run(script: &str) -> RunRequest {
    RunRequest::new(script, Duration::from_secs(5))
}

#[tokio::test]
async fn runs_uploaded_files_as_unprivileged_user() {
    let Some(engine) = engine().await else { return };
    let sandbox = engine.open(&SandboxConfig::new(IMAGE)).await.unwrap();
    sandbox
        .upload(&[
            SandboxFile::new("main.js", b"console.log(6 * 7)".to_vec()),
            SandboxFile::new("dir/run.sh", b"#!/bin/sh\necho ok\n".to_vec()).executable(true),
        ])
        .await
        .unwrap();
    let out = sandbox
        .run(&run("node main.js; ./dir/run.sh; id -u; pwd"))
        .await
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "42\nok\n65534\n/work\n",
        "{out:?}"
    );
    assert_eq!(out.exit_code, Some(0));
    assert_eq!(out.termination, Termination::Exited);
    sandbox.remove().await.unwrap();
}

#[tokio::test]
async fn feeds_stdin_and_reports_exit_codes_and_stderr() {
    let Some(engine) = engine().await else { return };
    let sandbox = engine.open(&SandboxConfig::new(IMAGE)).await.unwrap();
    let mut request = run("tr a-z A-Z; echo oops >&2; exit 3");
    request.stdin = Some(b"hello\n".to_vec());
    let out = sandbox.run(&request).await.unwrap();
    assert_eq!(out.stdout, b"HELLO\n");
    assert_eq!(out.stderr, b"oops\n");
    assert_eq!(out.exit_code, Some(3));
    sandbox.remove().await.unwrap();
}

#[tokio::test]
async fn kills_on_time_limit_and_stays_usable() {
    let Some(engine) = engine().await else { return };
    let sandbox = engine.open(&SandboxConfig::new(IMAGE)).await.unwrap();
    let mut request = run("echo started; sleep 30 & while :; do :; done");
    request.time_limit = Duration::from_millis(700);
    let out = sandbox.run(&request).await.unwrap();
    assert_eq!(out.termination, Termination::TimeLimit);
    assert_eq!(out.stdout, b"started\n");
    assert!(out.duration < Duration::from_secs(3), "{:?}", out.duration);
    // Nothing of the killed command survives into the next one.
    // The sandbox user's processes: the wrapper shell, the command's shell, the loop's subshell
    // and `wc`; a surviving `sleep 30` would be one more.
    let ps = sandbox
        .run(&run(
            "for p in /proc/[0-9]*; do [ -O $p ] && echo $p; done | wc -l",
        ))
        .await
        .unwrap();
    let count: u32 = String::from_utf8_lossy(&ps.stdout).trim().parse().unwrap();
    assert!(count <= 4, "leftover processes: {count}");
    sandbox.remove().await.unwrap();
}

#[tokio::test]
async fn caps_output_without_buffering_it() {
    let Some(engine) = engine().await else { return };
    let sandbox = engine.open(&SandboxConfig::new(IMAGE)).await.unwrap();
    let mut request = run("yes");
    request.output_limit = ByteSize::kib(8);
    let out = sandbox.run(&request).await.unwrap();
    assert_eq!(out.termination, Termination::OutputLimit);
    assert_eq!(out.stdout.len() + out.stderr.len(), 8 * 1024);
    sandbox.remove().await.unwrap();
}

#[tokio::test]
async fn reports_memory_limit() {
    let Some(engine) = engine().await else { return };
    let mut config = SandboxConfig::new(IMAGE);
    config.memory = ByteSize::mib(64);
    let sandbox = engine.open(&config).await.unwrap();
    let script = "node -e 'const a = []; for (;;) a.push(Buffer.alloc(16 << 20, 1))'";
    let out = sandbox.run(&run(script)).await.unwrap();
    assert_eq!(out.termination, Termination::MemoryLimit, "{out:?}");
    let again = sandbox.run(&run("echo fine")).await.unwrap();
    assert_eq!(again.stdout, b"fine\n");
    sandbox.remove().await.unwrap();
}

#[tokio::test]
async fn has_no_network_and_a_read_only_root() {
    let Some(engine) = engine().await else { return };
    let sandbox = engine.open(&SandboxConfig::new(IMAGE)).await.unwrap();
    let out = sandbox
        .run(&run(
            "touch /etc/x 2>/dev/null || echo ro; ls /sys/class/net; env | sort",
        ))
        .await
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("ro\nlo\n"), "{text}");
    assert!(!text.contains("DOCKER"), "{text}");
    sandbox.remove().await.unwrap();
}

#[tokio::test]
async fn a_dropped_sandbox_is_removed() {
    let Some(engine) = engine().await else { return };
    let sandbox = engine.open(&SandboxConfig::new(IMAGE)).await.unwrap();
    let id = sandbox.id().to_owned();
    drop(sandbox);
    sandbox::finish_cleanup().await;
    assert!(!container_exists(&id), "container {id} still exists");
}

#[tokio::test]
async fn a_sandbox_dropped_by_a_panic_is_removed_at_once() {
    let Some(engine) = engine().await else { return };
    let (sender, receiver) = tokio::sync::oneshot::channel();
    let task = tokio::spawn(async move {
        let sandbox = engine.open(&SandboxConfig::new(IMAGE)).await.unwrap();
        sender.send(sandbox.id().to_owned()).unwrap();
        panic!("a bug while grading (expected by this test)");
    });
    let id = receiver.await.unwrap();
    assert!(task.await.unwrap_err().is_panic());
    // No `finish_cleanup`: a panic may tear the runtime down before any spawned removal runs.
    assert!(!container_exists(&id), "container {id} still exists");
}

#[tokio::test]
async fn missing_image_is_a_platform_error() {
    let Some(engine) = engine().await else { return };
    let err = engine
        .open(&SandboxConfig::new("checker/does-not-exist:1"))
        .await
        .unwrap_err();
    assert!(
        matches!(err, sandbox::SandboxError::ImageMissing(_)),
        "{err}"
    );
    assert!(err.to_string().contains("checker images build"));
}

#[tokio::test]
async fn a_slow_leak_that_stalls_at_the_limit_is_memory() {
    let Some(engine) = engine().await else { return };
    let mut config = SandboxConfig::new(IMAGE);
    config.memory = ByteSize::mib(64);
    let sandbox = engine.open(&config).await.unwrap();
    // Small steps: near the limit the kernel may thrash on reclaim instead of killing at once.
    let script = "node -e 'const a = []; for (;;) a.push(Buffer.alloc(256 << 10, 1))'";
    let mut request = run(script);
    request.time_limit = Duration::from_secs(3);
    let out = sandbox.run(&request).await.unwrap();
    assert_eq!(out.termination, Termination::MemoryLimit, "{out:?}");
    // An ordinary time-out after it is still a time-out.
    request.script = "sleep 10".into();
    request.time_limit = Duration::from_millis(300);
    let out = sandbox.run(&request).await.unwrap();
    assert_eq!(out.termination, Termination::TimeLimit);
    sandbox.remove().await.unwrap();
}

#[tokio::test]
async fn the_sandbox_limit_queues_further_opens() {
    let Some(engine) = engine().await else { return };
    let engine = engine.with_max_sandboxes(1);
    let config = SandboxConfig::new(IMAGE);
    let first = engine.open(&config).await.unwrap();
    assert_eq!(engine.free_slots(), 0);
    assert!(engine.try_open(&config).await.is_none());
    first.remove().await.unwrap();
    let second = engine
        .try_open(&config)
        .await
        .expect("a slot is free")
        .unwrap();
    second.remove().await.unwrap();
}

#[tokio::test]
async fn warm_sandboxes_never_carry_state_between_submissions() {
    let Some(engine) = engine().await else { return };
    let config = SandboxConfig::new(IMAGE);
    engine.keep_warm(&config, 2);
    let a = engine.open(&config).await.unwrap();
    a.run(&run(
        "echo secret > /work/answer.txt; echo tmp > /tmp/left; (sleep 300 &) ; true",
    ))
    .await
    .unwrap();
    let a_id = a.id().to_owned();
    a.remove().await.unwrap();
    // Give the pool time to refill, then take the next one.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let b = engine.open(&config).await.unwrap();
    assert_ne!(b.id(), a_id, "a used container was handed out again");
    let seen = b
        .run(&run(
            "ls -A /work /tmp; for p in /proc/[0-9]*; do tr '\\0' ' ' < $p/cmdline; echo; done \
             | grep -c '^sleep 300 $'",
        ))
        .await
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&seen.stdout),
        "/tmp:\n\n/work:\n0\n"
    );
    b.remove().await.unwrap();
    engine.close_pools().await;
    sandbox::finish_cleanup().await;
}

#[tokio::test]
async fn a_fork_bomb_holding_every_process_slot_is_cleared() {
    let Some(engine) = engine().await else { return };
    let mut config = SandboxConfig::new(IMAGE);
    config.pids = 24;
    let sandbox = engine.open(&config).await.unwrap();
    sandbox
        .upload(&[SandboxFile::new("keep.txt", b"kept\n".to_vec())])
        .await
        .unwrap();
    // bash, unlike dash, keeps looping when fork fails: the slots stay full until killed.
    let mut bomb = run("bash -c 'while :; do sleep 100 & done 2>/dev/null'");
    bomb.time_limit = Duration::from_secs(1);
    let out = sandbox.run(&bomb).await.unwrap();
    assert_eq!(out.termination, Termination::TimeLimit);
    // Whether `kill` could still start or the container had to be restarted, the sandbox is
    // clean and its files are back.
    let after = sandbox
        .run(&run(
            "cat keep.txt; for p in /proc/[0-9]*; do tr '\\0' ' ' < $p/cmdline; echo; done \
             | grep -c '^sleep 100 $'",
        ))
        .await
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&after.stdout), "kept\n0\n");
    sandbox.remove().await.unwrap();
}

/// A pod whose learner runs Python, with one service: Python's HTTP server on port 8000 of the
/// pod's loopback, running as `nobody`.
fn web_pod() -> SandboxConfig {
    let mut web = ServiceSpec::new("web", PYTHON)
        .command([
            "python3",
            "-m",
            "http.server",
            "8000",
            "--bind",
            "127.0.0.1",
        ])
        .ready_when(Readiness::Listening(8000));
    web.user = Some("65534:65534".into());
    SandboxConfig::new(PYTHON).with_service(web)
}

/// A Python script printing the HTTP status of `http://localhost:{port}/`.
fn fetch(port: u16) -> RunRequest {
    run(&format!(
        "python3 -c \"import urllib.request as u; print(u.urlopen('http://localhost:{port}/', \
         timeout=3).status)\""
    ))
}

/// The docker bridge's gateway, the host as seen from an ordinary container: the first
/// address of the bridge's subnet.
fn bridge_gateway() -> String {
    let out = std::process::Command::new("docker")
        .args(["network", "inspect", "bridge", "--format"])
        .arg("{{range .IPAM.Config}}{{.Subnet}}{{end}}")
        .output()
        .unwrap();
    let subnet = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    let network = subnet.split('/').next().unwrap();
    let (prefix, _) = network.rsplit_once('.').expect("an IPv4 subnet");
    format!("{prefix}.1")
}

/// `docker inspect --format` of one container.
fn inspect(id: &str, format: &str) -> String {
    let out = std::process::Command::new("docker")
        .args(["inspect", "--format", format, id])
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

#[tokio::test]
async fn a_service_answers_on_localhost_and_nothing_else_is_reachable() {
    let Some(engine) = engine_with(&[PYTHON]).await else {
        return;
    };
    let pod = engine.open(&web_pod()).await.unwrap();
    let out = pod.run(&fetch(8000)).await.unwrap();
    assert_eq!(out.stdout, b"200\n", "{out:?}");
    let mut probe = run(
        "ls /sys/class/net; for host in 1.1.1.1 $GATEWAY; do python3 -c \"import socket, sys
try:
    socket.create_connection((sys.argv[1], 80), 2); print('reached', sys.argv[1])
except OSError:
    print('unreachable')\" $host; done",
    );
    probe.env = vec![("GATEWAY".into(), bridge_gateway())];
    let out = pod.run(&probe).await.unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "lo\nunreachable\nunreachable\n",
        "{out:?}"
    );
    // The service is locked down like the learner and labelled as part of the pod.
    let (name, service) = pod.services().next().unwrap();
    assert_eq!(name, "web");
    let settings = inspect(
        service,
        "{{.HostConfig.NetworkMode}} {{.HostConfig.CapDrop}} {{.HostConfig.ReadonlyRootfs}} \
         {{.HostConfig.SecurityOpt}} {{.HostConfig.PidsLimit}} {{index .Config.Labels \"org.checker.sandbox\"}}",
    );
    assert_eq!(
        settings,
        format!("container:{} [ALL] true [no-new-privileges] 64 1", pod.id())
    );
    assert_eq!(
        inspect(service, "{{index .Config.Labels \"org.checker.pod\"}}"),
        inspect(pod.id(), "{{.Name}}").trim_start_matches('/')
    );
    pod.remove().await.unwrap();
}

#[tokio::test]
async fn removing_or_dropping_a_pod_leaves_no_service_container() {
    let Some(engine) = engine_with(&[PYTHON]).await else {
        return;
    };
    let removed = engine.open(&web_pod()).await.unwrap();
    let dropped = engine.open(&web_pod()).await.unwrap();
    let mut ids: Vec<String> = Vec::new();
    for pod in [&removed, &dropped] {
        ids.push(pod.id().to_owned());
        ids.extend(pod.services().map(|(_, id)| id.to_owned()));
    }
    assert_eq!(ids.len(), 4);
    removed.remove().await.unwrap();
    drop(dropped);
    sandbox::finish_cleanup().await;
    for id in ids {
        assert!(!container_exists(&id), "container {id} still exists");
    }
}

#[tokio::test]
async fn the_orphan_sweep_removes_services_of_dead_processes() {
    let Some(engine) = engine_with(&[PYTHON]).await else {
        return;
    };
    // A process that has ended: its pid is free (and not reused within the test).
    let mut child = std::process::Command::new("true").spawn().unwrap();
    let dead = child.id();
    child.wait().unwrap();
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap();
    let owner = format!("org.checker.owner={}/{dead}", host.trim());
    let pod = format!("checker-{dead}-orphan");
    // A learner container and its service as a crashed process would have left them.
    let learner = std::process::Command::new("docker")
        .args([
            "run",
            "-d",
            "--network",
            "none",
            "--label",
            "org.checker.sandbox=1",
        ])
        .args([
            "--label",
            &owner,
            "--label",
            &format!("org.checker.pod={pod}"),
        ])
        .args([PYTHON, "sleep", "300"])
        .output()
        .unwrap();
    let learner = String::from_utf8_lossy(&learner.stdout).trim().to_owned();
    let service = std::process::Command::new("docker")
        .args(["run", "-d", "--network", &format!("container:{learner}")])
        .args(["--label", "org.checker.sandbox=1", "--label", &owner])
        .args(["--label", &format!("org.checker.pod={pod}")])
        .args(["--label", "org.checker.service=web", PYTHON, "sleep", "300"])
        .output()
        .unwrap();
    let service = String::from_utf8_lossy(&service.stdout).trim().to_owned();
    assert!(
        !learner.is_empty() && !service.is_empty(),
        "docker run failed"
    );
    // Another process on this host may sweep them first, so the count is not asserted: only
    // that both are gone once this sweep has run.
    engine.sweep_orphans().await.unwrap();
    assert!(
        !container_exists(&service),
        "the service survived the sweep"
    );
    assert!(
        !container_exists(&learner),
        "the learner survived the sweep"
    );
}

#[tokio::test]
async fn a_fork_bomb_leaves_the_services_reachable() {
    let Some(engine) = engine_with(&[PYTHON]).await else {
        return;
    };
    let mut config = web_pod();
    config.pids = 24;
    let pod = engine.open(&config).await.unwrap();
    let mut bomb = run("bash -c 'while :; do sleep 100 & done 2>/dev/null'");
    bomb.time_limit = Duration::from_secs(1);
    assert_eq!(
        pod.run(&bomb).await.unwrap().termination,
        Termination::TimeLimit
    );
    // Whether `kill` could still start or the pod was restarted (see the next test), the
    // service answers on the learner's loopback.
    let out = pod.run(&fetch(8000)).await.unwrap();
    assert_eq!(out.stdout, b"200\n", "{out:?}");
    pod.remove().await.unwrap();
}

#[tokio::test]
async fn a_restarted_pod_restarts_its_services_in_the_new_network_namespace() {
    let Some(engine) = engine_with(&[PYTHON]).await else {
        return;
    };
    let pod = engine.open(&web_pod()).await.unwrap();
    pod.upload(&[SandboxFile::new("keep.txt", b"kept\n".to_vec())])
        .await
        .unwrap();
    pod.run(&run("echo gone > /tmp/state")).await.unwrap();
    let (_, service) = pod.services().next().unwrap();
    let service = service.to_owned();
    let before = [pod.id(), &service].map(|id| inspect(id, "{{.State.StartedAt}}"));
    pod.restart().await.unwrap();
    let after = [pod.id(), &service].map(|id| inspect(id, "{{.State.StartedAt}}"));
    assert!(
        before[0] != after[0] && before[1] != after[1],
        "{before:?} {after:?}"
    );
    let out = pod
        .run(&run("cat keep.txt; ls -A /tmp; ls /sys/class/net"))
        .await
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "kept\nlo\n");
    let out = pod.run(&fetch(8000)).await.unwrap();
    assert_eq!(out.stdout, b"200\n", "{out:?}");
    pod.remove().await.unwrap();
}

#[tokio::test]
async fn warm_pods_are_only_reused_for_the_same_services() {
    let Some(engine) = engine_with(&[PYTHON]).await else {
        return;
    };
    let with = web_pod();
    engine.keep_warm(&with, 1);
    tokio::time::sleep(Duration::from_secs(3)).await;
    let plain = engine.open(&SandboxConfig::new(PYTHON)).await.unwrap();
    assert_eq!(plain.services().count(), 0);
    let pod = engine.open(&with).await.unwrap();
    assert_eq!(pod.services().count(), 1);
    assert_eq!(pod.run(&fetch(8000)).await.unwrap().stdout, b"200\n");
    plain.remove().await.unwrap();
    pod.remove().await.unwrap();
    engine.close_pools().await;
    sandbox::finish_cleanup().await;
}

#[tokio::test]
async fn a_service_that_never_gets_ready_fails_with_its_log() {
    let Some(engine) = engine_with(&[PYTHON]).await else {
        return;
    };
    let mut crashing = ServiceSpec::new("crashing", PYTHON)
        .command(["sh", "-c", "echo booting the cache; exit 3"])
        .ready_when(Readiness::Listening(6379));
    crashing.ready_timeout = Duration::from_secs(5);
    let err = engine
        .open(&SandboxConfig::new(PYTHON).with_service(crashing))
        .await
        .unwrap_err();
    let SandboxError::Service { service, logs, .. } = &err else {
        panic!("{err}")
    };
    assert_eq!(service, "crashing");
    assert!(logs.contains("booting the cache"), "{err}");
    let mut silent = ServiceSpec::new("silent", PYTHON)
        .command(["sh", "-c", "echo waiting forever; sleep 300"])
        .ready_when(Readiness::Command("test -e /tmp/never".into()));
    silent.ready_timeout = Duration::from_secs(1);
    let err = engine
        .open(&SandboxConfig::new(PYTHON).with_service(silent))
        .await
        .unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("not ready within 1 s") && text.contains("waiting forever"),
        "{text}"
    );
    // The half-made pods are removed, their services included.
    sandbox::finish_cleanup().await;
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap();
    let owner = format!(
        "label=org.checker.owner={}/{}",
        host.trim(),
        std::process::id()
    );
    for service in ["crashing", "silent"] {
        let left = std::process::Command::new("docker")
            .args(["ps", "-aq", "--filter", &owner, "--filter"])
            .arg(format!("label=org.checker.service={service}"))
            .output()
            .unwrap();
        assert!(left.stdout.is_empty(), "{service} was left behind");
    }
}

#[tokio::test]
async fn a_background_server_lives_for_one_check() {
    let Some(engine) = engine_with(&[PYTHON]).await else {
        return;
    };
    let sandbox = engine.open(&SandboxConfig::new(PYTHON)).await.unwrap();
    let mut server = run("sleep 300 & exec python3 -m http.server 8000 --bind 127.0.0.1");
    server.time_limit = Duration::from_secs(60);
    let handle = sandbox.start_background(&server).await.unwrap();
    assert!(
        sandbox
            .wait_until_listening(8000, Duration::from_secs(10))
            .await
            .unwrap()
    );
    // Two probes with a failing command between them: no command of the check, ending well
    // or not, ends the server.
    let out = sandbox.run(&fetch(8000)).await.unwrap();
    assert_eq!(out.stdout, b"200\n", "{out:?}");
    let failed = sandbox.run(&run("exit 3")).await.unwrap();
    assert_eq!(failed.exit_code, Some(3));
    let out = sandbox.run(&fetch(8000)).await.unwrap();
    assert_eq!(out.stdout, b"200\n", "{out:?}");
    assert!(handle.is_running());
    sandbox.end_check().await.unwrap();
    let output = handle.finish().await;
    assert!(!output.running);
    assert!(!output.timed_out);
    let log = String::from_utf8_lossy(&output.stderr);
    assert_eq!(log.matches("\"GET / HTTP/1.1\" 200").count(), 2, "{log}");
    // Nothing of the check is left: no server, no child of it, nothing listening.
    assert!(!sandbox.is_listening(8000).await.unwrap());
    let seen = sandbox
        .run(&run(
            "for p in /proc/[0-9]*; do tr '\\0' ' ' < $p/cmdline; echo; done \
             | grep -c -e '^sleep 300 $' -e 'http[.]server'",
        ))
        .await
        .unwrap();
    assert_eq!(seen.stdout, b"0\n");
    sandbox.remove().await.unwrap();
}

#[tokio::test]
async fn background_output_is_capped_and_its_time_limit_kills_it() {
    let Some(engine) = engine_with(&[PYTHON]).await else {
        return;
    };
    let sandbox = engine.open(&SandboxConfig::new(PYTHON)).await.unwrap();
    let mut noisy = run("yes");
    noisy.output_limit = ByteSize::kib(4);
    noisy.time_limit = Duration::from_secs(1);
    let handle = sandbox.start_background(&noisy).await.unwrap();
    tokio::time::sleep(Duration::from_secs(2)).await;
    let output = handle.output();
    assert_eq!(output.stdout.len(), 4096);
    assert!(output.truncated);
    assert!(!output.running, "{:?}", output.exit_code);
    assert!(output.timed_out);
    sandbox.end_check().await.unwrap();
    sandbox.remove().await.unwrap();
}

/// A check's clean-up removes what changed since its mark, which lies a little early: files
/// uploaded just before a check (the runner makes a lane's first check follow its upload within
/// milliseconds) must not count as the check's.
#[tokio::test]
async fn files_uploaded_just_before_a_check_survive_its_clean_up() {
    let Some(engine) = engine().await else { return };
    let pod = engine.open(&SandboxConfig::new(IMAGE)).await.unwrap();
    for round in 0..3 {
        let name = format!("learner-{round}.js");
        pod.upload(&[SandboxFile::new(&name, b"1\n".to_vec())])
            .await
            .unwrap();
        let mark = pod
            .place_for_check(&[SandboxFile::new("hidden.js", b"h\n".to_vec())])
            .await
            .unwrap();
        pod.run(&run("cp hidden.js copy.js")).await.unwrap();
        pod.remove_changes_since(&mark, &["hidden.js"], &[])
            .await
            .unwrap();
        let out = pod.run(&run("ls")).await.unwrap();
        let listed = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(listed.contains(&name), "round {round}: {listed}");
        assert!(
            !listed.contains("hidden.js") && !listed.contains("copy.js"),
            "{listed}"
        );
    }
    pod.remove().await.unwrap();
}

#[tokio::test]
async fn files_placed_for_one_check_are_protected_gone_when_removed_and_never_restored() {
    let Some(engine) = engine().await else { return };
    let pod = engine.open(&SandboxConfig::new(IMAGE)).await.unwrap();
    pod.upload(&[SandboxFile::new("learner.js", b"1\n".to_vec())])
        .await
        .unwrap();
    pod.place_for_check(&[SandboxFile::new("secret.js", b"v1\n".to_vec())])
        .await
        .unwrap();
    // Read-only for the sandbox user, and replaced whole by the next placement.
    let out = pod
        .run(&run(
            "cat secret.js; echo x > secret.js || echo denied; rm -f secret.js; ls",
        ))
        .await
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "v1\ndenied\nlearner.js\nsecret.js\n",
        "{out:?}"
    );
    pod.place_for_check(&[SandboxFile::new("secret.js", b"v2\n".to_vec())])
        .await
        .unwrap();
    let out = pod
        .run(&run("cat secret.js; mkdir -p cache/deep"))
        .await
        .unwrap();
    assert_eq!(out.stdout, b"v2\n", "{out:?}");
    // Removed as root, whoever owns them; a path that is not there is fine.
    pod.remove_check_files(&["secret.js", "cache", "never-there"])
        .await
        .unwrap();
    let out = pod.run(&run("ls")).await.unwrap();
    assert_eq!(out.stdout, b"learner.js\n", "{out:?}");
    assert!(pod.remove_check_files(&["../etc"]).await.is_err());
    // A folder of the sandbox user's in the way of a placement is cleared first.
    pod.run(&run("mkdir -p secret.js/inside && chmod 500 secret.js"))
        .await
        .unwrap();
    pod.place_for_check(&[SandboxFile::new("secret.js", b"v4\n".to_vec())])
        .await
        .unwrap();
    let out = pod.run(&run("cat secret.js")).await.unwrap();
    assert_eq!(out.stdout, b"v4\n", "{out:?}");
    // A restart puts back the uploads, never a check's own files.
    pod.place_for_check(&[SandboxFile::new("secret.js", b"v3\n".to_vec())])
        .await
        .unwrap();
    pod.restart().await.unwrap();
    let out = pod.run(&run("ls")).await.unwrap();
    assert_eq!(out.stdout, b"learner.js\n", "{out:?}");
    pod.remove().await.unwrap();
}

#[tokio::test]
async fn a_check_that_ends_takes_what_it_changed_with_its_files() {
    let Some(engine) = engine().await else { return };
    let pod = engine.open(&SandboxConfig::new(IMAGE)).await.unwrap();
    pod.upload(&[SandboxFile::new("lib/learner.js", b"1\n".to_vec())])
        .await
        .unwrap();
    // The mark is taken up to 0.2 s early (files are stamped by a coarse clock): what comes
    // before it must come earlier than that to count as older.
    pod.run(&run(
        "mkdir -p old/inside; echo kept > /tmp/before; sleep 0.3",
    ))
    .await
    .unwrap();
    let mark = pod
        .place_for_check(&[SandboxFile::new("secret.js", b"s\n".to_vec())])
        .await
        .unwrap();
    // The check's code copies the file everywhere it can, under new names.
    pod.run(&run(
        "cp secret.js /tmp/copy; cp secret.js lib/copy; cp secret.js old/inside/copy; \
         mkdir -p new/deep && cp secret.js new/deep/copy && chmod 500 new/deep; mv old renamed",
    ))
    .await
    .unwrap();
    pod.remove_changes_since(&mark, &["secret.js"], &["lib"])
        .await
        .unwrap();
    let out = pod
        .run(&run("find /work /tmp -mindepth 1 | sort"))
        .await
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "/tmp/before\n/work/lib\n/work/lib/learner.js\n",
        "{out:?}"
    );
    pod.remove().await.unwrap();
}

#[tokio::test]
async fn a_connection_opened_in_the_pod_reaches_its_server_and_tells_why_it_cannot() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let Some(engine) = engine_with(&[PYTHON]).await else {
        return;
    };
    let sandbox = engine.open(&SandboxConfig::new(PYTHON)).await.unwrap();
    let mut server = run("exec python3 -m http.server 8000 --bind 127.0.0.1");
    server.time_limit = Duration::from_secs(60);
    let handle = sandbox.start_background(&server).await.unwrap();
    assert!(
        sandbox
            .wait_until_listening(8000, Duration::from_secs(30))
            .await
            .unwrap()
    );
    let mut connection = sandbox.connect(8000).await.unwrap();
    connection
        .write_all(b"GET / HTTP/1.0\r\nHost: localhost\r\n\r\n")
        .await
        .unwrap();
    connection.flush().await.unwrap();
    let mut answer = Vec::new();
    connection.read_to_end(&mut answer).await.unwrap();
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.0 200 OK\r\n"), "{answer}");
    // Nothing listens on 8001: the answer is empty and the relay says why.
    let mut refused = sandbox.connect(8001).await.unwrap();
    let mut nothing = Vec::new();
    refused.read_to_end(&mut nothing).await.unwrap();
    assert!(nothing.is_empty());
    assert!(
        refused.diagnostics().contains("Connection refused"),
        "{}",
        refused.diagnostics()
    );
    sandbox.end_check().await.unwrap();
    let log = handle.finish().await;
    assert!(String::from_utf8_lossy(&log.stderr).contains("\"GET / HTTP/1.0\" 200"));
    sandbox.remove().await.unwrap();
}

/// What a command shows of its process and environment, and how it ends, through the runner
/// and through `docker exec`, side by side: the same for both.
#[tokio::test]
async fn the_runner_starts_commands_exactly_as_docker_exec_does() {
    let Some(engine) = engine().await else { return };
    let exec = engine.clone().with_runner(false);
    let with_runner = engine.open(&SandboxConfig::new(IMAGE)).await.unwrap();
    let without = exec.open(&SandboxConfig::new(IMAGE)).await.unwrap();
    let scripts = [
        // Each container has a host name of its own.
        "env | grep -v ^HOSTNAME= | sort; id; umask; pwd; echo $0 $#",
        "grep -E '^(Cap|NoNewPrivs|Seccomp|Groups)' /proc/self/status; ulimit -a",
        // The parent is the sandbox user's wrapper shell, which the command may kill.
        "stat -c %U /proc/$PPID/exe; readlink /proc/$PPID/exe",
        // The output pipes' capacity (F_GETPIPE_SZ): a program writing faster than it is read
        // (Node queues in memory once a pipe is full) behaves by it.
        "perl -e 'print fcntl(STDOUT, 1032, 0) + 0, \" \", fcntl(STDERR, 1032, 0) + 0, \"\\n\"'",
        "echo out; echo err >&2; exit 7",
        "kill -TERM $$",
        "kill -9 $PPID",
        "kill -9 -1",
        "cat; cat",
        "sleep 30 & echo detached",
        "(sleep 30; echo late) & echo held; exit 0",
        "node -e 'process.kill(process.pid, \"SIGSEGV\")'",
    ];
    for script in scripts {
        // Generous: this compares what commands see, not how fast they start.
        let mut request = RunRequest::new(script, Duration::from_secs(20));
        request.stdin = Some(b"input".to_vec());
        request.env = vec![("NODE_OPTIONS".into(), "--no-warnings".into())];
        let a = with_runner.run(&request).await.unwrap();
        let b = without.run(&request).await.unwrap();
        let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
        assert_eq!(
            (a.exit_code, a.termination, text(&a.stdout), text(&a.stderr)),
            (b.exit_code, b.termination, text(&b.stdout), text(&b.stderr)),
            "`{script}`"
        );
        // A daemon holding the output open (30 s) does not hold the command.
        assert!(a.duration < Duration::from_secs(15), "`{script}`: {a:?}");
    }
    with_runner.remove().await.unwrap();
    without.remove().await.unwrap();
}

/// Learner code cannot stop, kill, trace or read the runner; the commands after its attempts
/// run as before.
#[tokio::test]
async fn learner_code_cannot_touch_the_runner() {
    let Some(engine) = engine().await else { return };
    let sandbox = engine.open(&SandboxConfig::new(IMAGE)).await.unwrap();
    sandbox.run(&run("true")).await.unwrap();
    let before = runner_pids(&sandbox);
    assert_eq!(before.lines().count(), 1, "{before}");
    // Every process that is not the sandbox user's (init, the keep-alive, the runner): signals,
    // ptrace (perl's syscall: 101 is ptrace on x86-64, 16 PTRACE_ATTACH) and its files.
    let attack = r#"
        for p in /proc/[0-9]*; do
            [ -O $p ] && continue
            pid=${p#/proc/}
            kill -STOP $pid 2>/dev/null && echo "stopped $pid"
            kill -9 $pid 2>/dev/null && echo "killed $pid"
            perl -e 'exit(syscall(101, 16, $ARGV[0], 0, 0) == 0 ? 0 : 1)' $pid && echo "traced $pid"
            head -c1 $p/mem >/dev/null 2>&1 && echo "read mem of $pid"
            cat $p/environ >/dev/null 2>&1 && echo "read environ of $pid"
            ls $p/fd >/dev/null 2>&1 && echo "listed fds of $pid"
            ls /run/checker >/dev/null 2>&1 && echo "listed the runner's folder"
        done
        echo done"#;
    let out = sandbox
        .run(&RunRequest::new(attack, Duration::from_secs(60)))
        .await
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "done\n", "{out:?}");
    let killed = sandbox.run(&run("kill -9 -1")).await.unwrap();
    assert_eq!(killed.exit_code, Some(137));
    for _ in 0..3 {
        let out = sandbox.run(&run("echo fine")).await.unwrap();
        assert_eq!(out.stdout, b"fine\n");
    }
    // The very runner of the first command still starts them: none was replaced.
    assert_eq!(runner_pids(&sandbox), before);
    sandbox.remove().await.unwrap();
}

/// The pids of the runners in the sandbox's container, seen by root.
fn runner_pids(sandbox: &sandbox::Sandbox) -> String {
    let output = std::process::Command::new("docker")
        .args(["exec", "-u", "0", sandbox.id(), "sh", "-c"])
        .arg("grep -l '^/run/checker/runner' /proc/[0-9]*/cmdline")
        .output()
        .unwrap();
    String::from_utf8(output.stdout).unwrap()
}

/// A runner that dies (here killed from outside, as the kernel's out-of-memory killer could)
/// costs nothing but speed: the command runs through `docker exec`, the next one gets a new
/// runner.
#[tokio::test]
async fn a_dead_runner_is_replaced() {
    let Some(engine) = engine().await else { return };
    let sandbox = engine.open(&SandboxConfig::new(IMAGE)).await.unwrap();
    assert_eq!(sandbox.run(&run("echo 1")).await.unwrap().stdout, b"1\n");
    let kill = "for p in /proc/[0-9]*; do grep -q '^/run/checker/runner' $p/cmdline 2>/dev/null \
                && kill -9 ${p#/proc/} && echo killed; done";
    let output = std::process::Command::new("docker")
        .args(["exec", "-u", "0", sandbox.id(), "sh", "-c", kill])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&output.stdout), "killed\n");
    for n in 2..5 {
        let out = sandbox.run(&run(&format!("echo {n}"))).await.unwrap();
        assert_eq!(out.stdout, format!("{n}\n").into_bytes(), "{out:?}");
        assert_eq!(out.exit_code, Some(0));
    }
    assert_eq!(runner_pids(&sandbox).lines().count(), 1);
    sandbox.remove().await.unwrap();
}
