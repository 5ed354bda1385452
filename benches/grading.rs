//! Grading speed, measured side by side against baselines in one run (`cargo bench`).
//!
//! The reference ES6 submission (37 checks) is graded:
//! - (a) by this sandbox: cold (a container created per submission), with a warm pool, and with
//!   the warm pool plus two lanes (tasks spread over two sandboxes);
//! - (b) naively: `docker run --rm` per check, files bind-mounted (a common grader design);
//! - (c) as the floor: plain `docker exec` of the same commands in one running container.
//!
//! Per-check overhead compares (a)'s `Sandbox::run` with (c) on the very same commands.
//! Throughput grades 4 submissions at once with the pool. Needs Docker and
//! `checker/node:bookworm`. `BENCH_RUNS` sets the number of whole gradings per variant
//! (default 5).

use std::path::Path;
use std::process::Command;
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
        "{label:<52} median {:>8.1} ms  (min {:.1}, max {:.1}, n={})",
        ms(m),
        ms(*min),
        ms(*max),
        samples.len()
    );
    m
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

#[tokio::main]
async fn main() {
    let runs: usize = std::env::var("BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5);
    let docker_engine = Engine::connect().await.expect("Docker is reachable");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let project = Project::load(&root.join("tasks/es6-data-manipulation")).expect("valid spec");
    assert!(
        docker_engine.image_exists(&project.image).await.unwrap(),
        "run `checker images build` first"
    );
    let submission = Submission::from_dir(
        &root.join("tests/fixtures/es6-data-manipulation/reference"),
        &project,
    )
    .unwrap();
    let commands = commands(&project);
    let env: Vec<String> = project
        .env
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    println!(
        "== reference ES6 submission: {} checks; {} CPU cores\n",
        commands.len(),
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );

    // (a) this sandbox.
    let grade = |grader: Grader, lanes: usize| {
        let (project, submission) = (project.clone(), submission.clone());
        async move {
            let started = Instant::now();
            let report = grader
                .grade(&project, &submission, lanes, &mut |_| {})
                .await
                .unwrap();
            assert_eq!(report.score, 100.0, "{:?}", report.platform_error);
            started.elapsed()
        }
    };
    let mut cold = Vec::new();
    let cold_grader = Grader::connect().await.unwrap();
    for _ in 0..runs {
        cold.push(grade(cold_grader.clone(), 1).await);
    }
    let pooled = Grader::connect().await.unwrap();
    pooled.keep_warm(&project, 2);
    tokio::time::sleep(Duration::from_secs(3)).await;
    let mut warm = Vec::new();
    let mut warm_lanes = Vec::new();
    for _ in 0..runs {
        warm.push(grade(pooled.clone(), 1).await);
        tokio::time::sleep(Duration::from_millis(1500)).await; // let the pool refill
        warm_lanes.push(grade(pooled.clone(), 2).await);
        tokio::time::sleep(Duration::from_millis(1500)).await;
    }
    println!("-- whole project, end to end");
    let cold = line("(a) this sandbox, cold, 1 lane", &cold);
    let warm = line("(a) this sandbox, warm pool, 1 lane", &warm);
    let warm_lanes = line("(a) this sandbox, warm pool, 2 lanes", &warm_lanes);

    // The same files on disk, for the baselines.
    let dir = tempfile::tempdir().unwrap();
    for file in &project.grader_files {
        std::fs::write(dir.path().join(&file.name), &file.contents).unwrap();
    }
    for (path, file) in submission.present() {
        std::fs::write(dir.path().join(path), &file.contents).unwrap();
    }
    let mount = format!("{}:/work:ro", dir.path().display());

    // (b) docker run --rm per check.
    let mut naive = Vec::new();
    for _ in 0..runs.min(3) {
        let started = Instant::now();
        for command in &commands {
            let mut args = vec![
                "run",
                "--rm",
                "--network",
                "none",
                "-v",
                &mount,
                "-w",
                "/work",
            ];
            for e in &env {
                args.extend(["-e", e]);
            }
            args.extend([project.image.as_str(), "/bin/sh", "-c", command]);
            docker(&args);
        }
        naive.push(started.elapsed());
    }
    let naive = line("(b) docker run --rm per check", &naive);

    // (c) docker exec in one running container.
    let container = String::from_utf8(
        docker(&[
            "run",
            "-d",
            "--network",
            "none",
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
    let mut floor = Vec::new();
    let mut floor_checks = Vec::new();
    for _ in 0..runs {
        let started = Instant::now();
        for command in &commands {
            floor_checks.push(exec_command(command));
        }
        floor.push(started.elapsed());
    }
    let floor = line("(c) docker exec per check (floor)", &floor);

    // Per check: the same commands through Sandbox::run, in a sandbox with the same files.
    let sandbox = docker_engine.open(&sandbox_config(&project)).await.unwrap();
    let grader: Vec<SandboxFile> = project
        .grader_files
        .iter()
        .map(|f| SandboxFile::new(&f.name, f.contents.clone()))
        .collect();
    sandbox.upload_protected(&grader).await.unwrap();
    let learner: Vec<SandboxFile> = submission
        .present()
        .map(|(p, f)| SandboxFile::new(p, f.contents.clone()).executable(f.executable))
        .collect();
    sandbox.upload(&learner).await.unwrap();
    let mut ours_checks = Vec::new();
    for _ in 0..runs {
        for command in &commands {
            let mut request = RunRequest::new(command.clone(), Duration::from_secs(10));
            request.env = project.env.clone();
            let started = Instant::now();
            let outcome = sandbox.run(&request).await.unwrap();
            assert_eq!(outcome.exit_code, Some(0), "{command}");
            ours_checks.push(started.elapsed());
        }
    }
    // Pure overhead: a command that does nothing, through each path.
    let mut ours_true = Vec::new();
    let mut exec_true = Vec::new();
    let mut run_true = Vec::new();
    for _ in 0..runs * 6 {
        let started = Instant::now();
        sandbox
            .run(&RunRequest::new("true", Duration::from_secs(10)))
            .await
            .unwrap();
        ours_true.push(started.elapsed());
        exec_true.push(exec_command("true"));
    }
    for _ in 0..runs * 2 {
        let started = Instant::now();
        docker(&[
            "run",
            "--rm",
            "--network",
            "none",
            &project.image,
            "/bin/sh",
            "-c",
            "true",
        ]);
        run_true.push(started.elapsed());
    }
    sandbox.remove().await.unwrap();
    docker(&["rm", "-f", &container]);

    println!("\n-- one check (the same {} commands)", commands.len());
    let ours_check = line("(a) Sandbox::run", &ours_checks);
    let floor_check = line("(c) docker exec", &floor_checks);
    let naive_check = naive / commands.len() as u32;
    println!(
        "{:<52} median {:>8.1} ms  (whole project / checks)",
        "(b) docker run --rm",
        ms(naive_check)
    );

    println!("\n-- overhead alone (`true`)");
    let ours_true = line("(a) Sandbox::run", &ours_true);
    let exec_true = line("(c) docker exec", &exec_true);
    let run_true = line("(b) docker run --rm", &run_true);

    // Throughput: 4 submissions at once, warm pool.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let started = Instant::now();
    let handles: Vec<_> = (0..4)
        .map(|_| tokio::spawn(grade(pooled.clone(), 1)))
        .collect();
    for handle in handles {
        handle.await.unwrap();
    }
    let four = started.elapsed();
    pooled.close().await;
    sandbox::finish_cleanup().await;

    println!("\n-- ratios");
    let ratios = [
        (
            "per-check overhead, (a) / (c)",
            ms(ours_check) / ms(floor_check),
        ),
        (
            "per check, (b) docker run --rm / (a)",
            ms(naive_check) / ms(ours_check),
        ),
        ("overhead alone, (a) / (c)", ms(ours_true) / ms(exec_true)),
        ("overhead alone, (b) / (a)", ms(run_true) / ms(ours_true)),
        (
            "whole project, (b) / (a) warm pool 1 lane",
            ms(naive) / ms(warm),
        ),
        (
            "whole project, cold / warm pool (1 lane)",
            ms(cold) / ms(warm),
        ),
        (
            "whole project, warm 1 lane / warm 2 lanes",
            ms(warm) / ms(warm_lanes),
        ),
        (
            "whole project, (a) warm 2 lanes / (c) floor",
            ms(warm_lanes) / ms(floor),
        ),
    ];
    for (label, ratio) in ratios {
        println!("{label:<45} {ratio:.2}x");
    }
    println!(
        "4 submissions at once (warm pool, 1 lane each): {:.1} s, {:.1} submissions/min",
        four.as_secs_f64(),
        240.0 / four.as_secs_f64()
    );
}
