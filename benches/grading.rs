//! Grading speed, measured side by side against baselines in one run (`cargo bench --bench
//! grading`). Every figure of one section is taken in the same loop, variants interleaved, so
//! that the machine's load weighs on all of them alike; the load average is printed with them.
//!
//! - Whole projects (the reference ES6 submission, 48 checks (12 of them ESLint), and a Python one): the runner
//!   inside the sandbox (the default) against one `docker exec` per check (`CHECKER_COMMANDS=exec`,
//!   the path before the runner), cold (sandboxes created per submission) and warm (a pool), on
//!   one lane and on two (`--jobs 1`, `--jobs 2`).
//! - The floor: the same commands by plain `docker exec` in one running container.
//! - One command's overhead (`true`) through each path.
//! - Node's start-up, step by step, each variant alone and together, through the runner.
//! - Through `checker serve`: submit to score for the ES6 reference, with and without the runner.
//!
//! Needs Docker and the runtime images. `BENCH_RUNS` sets the runs per variant (default 5).
//!
//! The projects are graded from copies whose time limits are raised to 60 s: on a loaded
//! machine a slow check must stay a slow check, not become a time-out that ends it early.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use checker::grading::Grader;
use checker::spec::{CheckKind, Project};
use checker::submission::Submission;
use sandbox::{Engine, RunRequest, SandboxConfig, SandboxFile};

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn line(label: &str, samples: &[Duration]) -> Duration {
    let m = median(samples.to_vec());
    let min = samples.iter().min().unwrap();
    let max = samples.iter().max().unwrap();
    println!(
        "{label:<56} median {:>8.1} ms  (min {:.1}, max {:.1}, n={})",
        ms(m),
        ms(*min),
        ms(*max),
        samples.len()
    );
    m
}

fn load() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The commands of every run check, in order.
fn commands(project: &Project) -> Vec<String> {
    project
        .tasks
        .iter()
        .flat_map(|t| &t.checks)
        .filter_map(|c| match &c.kind {
            CheckKind::Run(run) => Some(run.command.clone()),
            _ => None,
        })
        .collect()
}

fn sandbox_config(project: &Project) -> SandboxConfig {
    // The same configuration the engine derives, so that raw runs compare like for like.
    let mut config = SandboxConfig::new(project.image.clone());
    config.memory = project.limits.memory;
    config.pids = 128;
    config.work_dir_size = bytesize::ByteSize::mib(64).min(project.limits.memory);
    config
}

fn docker(args: &[&str]) -> std::process::Output {
    let output = Command::new("docker")
        .args(args)
        .output()
        .expect("docker runs");
    assert!(
        output.status.success(),
        "docker {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// One project and its reference submission.
struct Subject {
    project: Project,
    submission: Submission,
}

/// Copies of the projects named, their time limits raised to 60 s, in a folder of projects.
fn loosened(projects: &[&str]) -> tempfile::TempDir {
    fn copy(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            let target = to.join(entry.file_name());
            if entry.file_type().unwrap().is_dir() {
                copy(&entry.path(), &target);
            } else {
                std::fs::copy(entry.path(), &target).unwrap();
            }
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let limit = regex::Regex::new(r"time: \d+s").unwrap();
    for project in projects {
        let to = dir.path().join(project);
        copy(&root().join("tasks").join(project), &to);
        let spec = to.join("project.yaml");
        let text = std::fs::read_to_string(&spec).unwrap();
        std::fs::write(&spec, limit.replace_all(&text, "time: 60s").as_ref()).unwrap();
    }
    dir
}

impl Subject {
    fn load(tasks: &Path, project: &str) -> Subject {
        let project = Project::load(&tasks.join(project)).expect("valid spec");
        let submission = Submission::from_dir(
            &root()
                .join("tests/fixtures")
                .join(&project.id)
                .join("reference"),
            &project,
        )
        .unwrap();
        Subject {
            project,
            submission,
        }
    }

    async fn grade(&self, grader: &Grader, lanes: usize) -> Duration {
        let started = Instant::now();
        let report = grader
            .grade(&self.project, &self.submission, lanes, &mut |_| {})
            .await
            .unwrap();
        assert_eq!(
            report.score, 100.0,
            "{}: {:?}",
            self.project.id, report.platform_error
        );
        started.elapsed()
    }
}

/// Whole projects: runner against `docker exec`, cold and warm, one lane and two, interleaved.
async fn whole_projects(subjects: &[Subject], runs: usize) -> Vec<(String, Duration)> {
    let cold = [
        Grader::connect().await.unwrap(),
        Grader::connect().await.unwrap().with_runner(false),
    ];
    let warm = [
        Grader::connect().await.unwrap(),
        Grader::connect().await.unwrap().with_runner(false),
    ];
    for grader in &warm {
        for subject in subjects {
            grader.keep_warm(&subject.project, 2);
        }
    }
    let paths = ["runner", "docker exec"];
    let mut medians = Vec::new();
    for subject in subjects {
        println!(
            "\n-- {}: whole project, end to end (load {})",
            subject.project.id,
            load()
        );
        // [path][cold 1, cold 2, warm 1, warm 2]
        let mut samples = vec![vec![Vec::new(); 4]; 2];
        for run in 0..runs {
            for path in 0..2 {
                samples[path][0].push(subject.grade(&cold[path], 1).await);
                samples[path][1].push(subject.grade(&cold[path], 2).await);
            }
            // Let the pools refill before each warm grading.
            for path in 0..2 {
                tokio::time::sleep(Duration::from_secs(2)).await;
                samples[path][2].push(subject.grade(&warm[path], 1).await);
                tokio::time::sleep(Duration::from_secs(2)).await;
                samples[path][3].push(subject.grade(&warm[path], 2).await);
            }
            // Each run as it ends, so that a run cut short still tells something.
            let seconds = |path: usize| {
                samples[path]
                    .iter()
                    .map(|s: &Vec<Duration>| format!("{:.2}", s[run].as_secs_f64()))
                    .collect::<Vec<_>>()
                    .join(" ")
            };
            println!(
                "run {}: runner {} | docker exec {} (s; cold 1, cold 2, warm 1, warm 2; load {})",
                run + 1,
                seconds(0),
                seconds(1),
                load()
            );
        }
        let kinds = [
            "cold, --jobs 1",
            "cold, --jobs 2",
            "warm, --jobs 1",
            "warm, --jobs 2",
        ];
        for (kind_index, kind) in kinds.iter().enumerate() {
            let mut pair = Vec::new();
            for (path, name) in paths.iter().enumerate() {
                let label = format!("{name}, {kind}");
                let m = line(&label, &samples[path][kind_index]);
                medians.push((format!("{}: {label}", subject.project.id), m));
                pair.push(m);
            }
            println!(
                "{:<56} {:.2}x faster",
                format!("  runner vs docker exec, {kind}"),
                ms(pair[1]) / ms(pair[0])
            );
        }
        println!("(load after: {})", load());
    }
    for grader in warm {
        grader.close().await;
    }
    medians
}

/// The same commands by plain `docker exec` (the CLI) in one running container, and one
/// command's overhead through each path.
async fn floor_and_overhead(subject: &Subject, runs: usize) {
    let project = &subject.project;
    let commands = commands(project);
    let env: Vec<String> = project
        .env
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    // Every grader file, hidden checks' own too: the commands run here one after another.
    let grader_files: Vec<&checker::spec::GraderFile> = project
        .grader_files
        .iter()
        .chain(
            project
                .tasks
                .iter()
                .flat_map(|t| &t.checks)
                .flat_map(|c| &c.own_files),
        )
        .collect();
    let dir = tempfile::tempdir().unwrap();
    for file in &grader_files {
        let path = dir.path().join(&file.name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, &file.contents).unwrap();
    }
    for (path, file) in subject.submission.present() {
        std::fs::write(dir.path().join(path), &file.contents).unwrap();
    }
    // Labelled like the sandbox's own containers, so that a bench killed midway leaves nothing
    // the next sweep would not remove.
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap_or_default();
    let owner = format!(
        "{}={}/{}",
        sandbox::OWNER_LABEL,
        host.trim(),
        std::process::id()
    );
    let container = String::from_utf8(
        docker(&[
            "run",
            "-d",
            "--network",
            "none",
            "--label",
            sandbox::LABEL,
            "--label",
            &owner,
            &project.image,
            "sleep",
            "infinity",
        ])
        .stdout,
    )
    .unwrap()
    .trim()
    .to_owned();
    docker(&[
        "cp",
        &format!("{}/.", dir.path().display()),
        &format!("{container}:/work"),
    ]);
    let exec_command = |command: &str| {
        let mut args = vec!["exec", "-w", "/work"];
        for e in &env {
            args.extend(["-e", e]);
        }
        args.extend([container.as_str(), "/bin/sh", "-c", command]);
        let started = Instant::now();
        docker(&args);
        started.elapsed()
    };
    let engines = [
        Engine::connect().await.unwrap(),
        Engine::connect().await.unwrap().with_runner(false),
    ];
    let mut sandboxes = Vec::new();
    for engine in &engines {
        let sandbox = engine.open(&sandbox_config(project)).await.unwrap();
        let grader: Vec<SandboxFile> = grader_files.iter().map(|f| f.to_sandbox()).collect();
        sandbox.upload_protected(&grader).await.unwrap();
        let learner: Vec<SandboxFile> = subject
            .submission
            .present()
            .map(|(p, f)| SandboxFile::new(p, f.contents.clone()).executable(f.executable))
            .collect();
        sandbox.upload(&learner).await.unwrap();
        sandboxes.push(sandbox);
    }
    let names = [
        "Sandbox::run, runner",
        "Sandbox::run, docker exec",
        "plain `docker exec` (CLI)",
    ];
    println!("\n-- overhead alone: `true` (load {})", load());
    let mut overhead = vec![Vec::new(); 3];
    for _ in 0..runs * 6 {
        for (path, sandbox) in sandboxes.iter().enumerate() {
            let started = Instant::now();
            sandbox
                .run(&RunRequest::new("true", Duration::from_secs(10)))
                .await
                .unwrap();
            overhead[path].push(started.elapsed());
        }
        overhead[2].push(exec_command("true"));
    }
    let medians: Vec<Duration> = names
        .iter()
        .zip(&overhead)
        .map(|(name, samples)| line(&format!("`true`, {name}"), samples))
        .collect();
    println!(
        "{:<56} {:.1}x",
        "  docker exec / runner",
        ms(medians[1]) / ms(medians[0])
    );
    if project.image.contains("node") {
        node_steps(&sandboxes[0], runs).await;
    }
    println!(
        "\n-- {}: the {} commands alone, one after another (load {})",
        project.id,
        commands.len(),
        load()
    );
    let mut whole = vec![Vec::new(); 3];
    let mut single = vec![Vec::new(); 3];
    // Once: every command is a sample of its own already.
    {
        for (path, sandbox) in sandboxes.iter().enumerate() {
            let started = Instant::now();
            for command in &commands {
                let mut request = RunRequest::new(command.clone(), Duration::from_secs(30));
                request.env = project.env.clone();
                let one = Instant::now();
                let outcome = sandbox.run(&request).await.unwrap();
                assert_eq!(outcome.exit_code, Some(0), "{command}: {outcome:?}");
                single[path].push(one.elapsed());
            }
            whole[path].push(started.elapsed());
        }
        let started = Instant::now();
        for command in &commands {
            single[2].push(exec_command(command));
        }
        whole[2].push(started.elapsed());
    }
    for (name, samples) in names.iter().zip(&whole) {
        line(&format!("all commands, {name}"), samples);
    }
    for (name, samples) in names.iter().zip(&single) {
        line(&format!("one command, {name}"), samples);
    }
    for sandbox in sandboxes {
        sandbox.remove().await.unwrap();
    }
    docker(&["rm", "-f", &container]);
}

/// Node's start-up, each step alone and together, through the runner (a process each), in
/// the ES6 sandbox: the module hooks the ES6 projects used before (kept under
/// `benches/baseline/node-hooks/`: a second thread bootstraps for them), the node image's Babel
/// snapshot that replaced them, and what Node costs with neither.
async fn node_steps(sandbox: &sandbox::Sandbox, runs: usize) {
    let baseline = root().join("benches/baseline/node-hooks");
    let files: Vec<SandboxFile> = ["module-hooks.mjs", "register.mjs", "package.json"]
        .iter()
        .map(|name| {
            let contents = std::fs::read(baseline.join(name)).unwrap();
            SandboxFile::new(name, contents)
        })
        .collect();
    sandbox.upload_protected(&files).await.unwrap();
    let hooks = ("NODE_OPTIONS", "--import=./register.mjs");
    let snapshot = (
        "NODE_OPTIONS",
        "--snapshot-blob /usr/lib/checker/node/babel.blob",
    );
    // (label, command, extra environment)
    type Step = (
        &'static str,
        &'static str,
        Option<(&'static str, &'static str)>,
    );
    let steps: Vec<Step> = vec![
        (
            "before: module hooks, ES6 check (8-main.js)",
            "node 8-main.js",
            Some(hooks),
        ),
        (
            "now: Babel snapshot, ES6 check (8-main.js)",
            "node 8-main.js",
            Some(snapshot),
        ),
        ("module hooks, `node -e 0`", "node -e 0", Some(hooks)),
        ("neither, `node -e 0`", "node -e 0", None),
    ];
    println!("\n-- Node start-up, step by step (load {})", load());
    let mut samples = vec![Vec::new(); steps.len()];
    for _ in 0..runs * 2 {
        for (i, (_, script, env)) in steps.iter().enumerate() {
            let mut request = RunRequest::new(*script, Duration::from_secs(30));
            request.env = env
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect();
            let started = Instant::now();
            let outcome = sandbox.run(&request).await.unwrap();
            assert_eq!(outcome.exit_code, Some(0), "{script}: {outcome:?}");
            samples[i].push(started.elapsed());
        }
    }
    let before = median(samples[0].clone());
    for ((label, _, _), samples) in steps.iter().zip(&samples) {
        let m = line(label, samples);
        println!("{:<56} {:.2} of before", "", ms(m) / ms(before));
    }
}

/// `checker serve` with its worker, and one user's token; killed when dropped.
struct Server {
    child: std::process::Child,
    url: String,
    token: String,
    _dir: tempfile::TempDir,
}

impl Server {
    fn start(tasks: &Path, runner: bool) -> Server {
        let dir = tempfile::tempdir().unwrap();
        let db = format!("sqlite://{}", dir.path().join("bench.db").display());
        let checker = |args: &[&str], stdin: &str| {
            let mut child = Command::new(env!("CARGO_BIN_EXE_checker"))
                .args(args)
                .current_dir(root())
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap();
            use std::io::Write;
            child
                .stdin
                .take()
                .unwrap()
                .write_all(stdin.as_bytes())
                .unwrap();
            let output = child.wait_with_output().unwrap();
            assert!(output.status.success(), "{args:?}: {output:?}");
            String::from_utf8(output.stdout).unwrap()
        };
        checker(&["user", "add", "bench", "--db", &db], "password123\n");
        let token = checker(&["token", "create", "bench", "--db", &db], "")
            .trim()
            .to_owned();
        let mut command = Command::new(env!("CARGO_BIN_EXE_checker"));
        command
            .args([
                "serve",
                "--db",
                &db,
                "--listen",
                "127.0.0.1:0",
                "--poll",
                "200ms",
            ])
            .arg("--tasks-dir")
            .arg(tasks)
            .current_dir(root())
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        if !runner {
            command.env(sandbox::RUNNER_SWITCH, "exec");
        }
        let mut child = command.spawn().unwrap();
        let stdout = child.stdout.take().unwrap();
        let mut lines = std::io::BufRead::lines(std::io::BufReader::new(stdout));
        let url = loop {
            let line = lines
                .next()
                .expect("the server prints its address")
                .unwrap();
            if let Some(at) = line.find("http://") {
                break line[at..].split_whitespace().next().unwrap().to_owned();
            }
        };
        // Keep reading its output so that it never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        Server {
            child,
            url,
            token,
            _dir: dir,
        }
    }

    fn submit(&self, project: &str, dir: &Path) -> Duration {
        let started = Instant::now();
        let output = Command::new(env!("CARGO_BIN_EXE_checker"))
            .args(["submit", project])
            .arg(dir)
            .args(["--wait", "--quiet", "--server", &self.url])
            .env("CHECKER_TOKEN", &self.token)
            .output()
            .unwrap();
        let took = started.elapsed();
        assert!(output.status.success(), "{output:?}");
        took
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        // SIGTERM, so that the server removes its warm sandboxes.
        let _ = Command::new("kill")
            .arg(self.child.id().to_string())
            .status();
        let _ = self.child.wait();
    }
}

/// Submit to score through `checker serve` (its worker keeps a warm pool and uses lanes).
fn through_the_server(tasks: &Path, runs: usize) {
    let dir = root().join("tests/fixtures/es6-data-manipulation/reference");
    let servers = [Server::start(tasks, true), Server::start(tasks, false)];
    // The first submission of each warms its pool.
    for server in &servers {
        server.submit("es6-data-manipulation", &dir);
    }
    println!(
        "\n-- es6-data-manipulation through `checker serve`: submit to score (load {})",
        load()
    );
    let mut samples = vec![Vec::new(); 2];
    for _ in 0..runs {
        for (path, server) in servers.iter().enumerate() {
            std::thread::sleep(Duration::from_secs(2));
            samples[path].push(server.submit("es6-data-manipulation", &dir));
        }
    }
    let runner = line("`checker submit --wait`, runner", &samples[0]);
    let exec = line("`checker submit --wait`, docker exec", &samples[1]);
    println!(
        "{:<56} {:.2}x faster",
        "  runner vs docker exec",
        ms(exec) / ms(runner)
    );
}

#[tokio::main]
async fn main() {
    let runs: usize = std::env::var("BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5);
    let engine = Engine::connect().await.expect("Docker is reachable");
    let names = ["es6-data-manipulation", "0x00-python_variable_annotations"];
    let tasks = loosened(&names);
    let subjects = names.map(|name| Subject::load(tasks.path(), name));
    for subject in &subjects {
        assert!(
            engine.image_exists(&subject.project.image).await.unwrap(),
            "run `checker images build` first"
        );
    }
    println!(
        "== {} CPU cores, load average {} at the start; {runs} runs per variant",
        std::thread::available_parallelism().map_or(1, |n| n.get()),
        load()
    );
    // Quickest first, so that a run cut short by a loaded machine still tells the most.
    floor_and_overhead(&subjects[0], runs).await;
    whole_projects(&subjects[..1], runs).await;
    through_the_server(tasks.path(), runs);
    floor_and_overhead(&subjects[1], runs).await;
    whole_projects(&subjects[1..], runs).await;
    sandbox::finish_cleanup().await;
    println!("\n== load average {} at the end", load());
}
