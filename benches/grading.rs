//! Grading speed, measured side by side against baselines in one run (`cargo bench`).
//!
//! - whole project: the reference ES6 submission graded end to end, N times (median, min, max);
//! - per check: the same command through this sandbox (`Sandbox::run`: wrapper, limits, output
//!   cap, exit-code inspection), through a bare Engine API exec in the same container, and through
//!   the `docker exec` command line in a running container;
//!
//! Needs Docker and `checker/node:bookworm`. `BENCH_RUNS` sets N (default 5 whole gradings,
//! 30 runs per check).

use std::path::Path;
use std::time::{Duration, Instant};

use checker::spec::Project;
use checker::submission::Submission;
use sandbox::{Engine, RunRequest, SandboxConfig};

const IMAGE: &str = "checker/node:bookworm";

fn stats(mut samples: Vec<Duration>) -> (f64, f64, f64) {
    samples.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    (
        ms(samples[samples.len() / 2]),
        ms(samples[0]),
        ms(*samples.last().unwrap()),
    )
}

fn report(label: &str, samples: Vec<Duration>) -> f64 {
    let (median, min, max) = stats(samples);
    println!("{label:<58} median {median:>8.1} ms  (min {min:.1}, max {max:.1})");
    median
}

#[tokio::main]
async fn main() {
    let runs: usize = std::env::var("BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5);
    let check_runs = runs * 6;
    let engine = Engine::connect().await.expect("Docker is reachable");
    assert!(
        engine.image_exists(IMAGE).await.unwrap(),
        "run `checker images build` first"
    );
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let project = Project::load(&root.join("tasks/es6-data-manipulation")).expect("valid spec");
    let submission = Submission::from_dir(
        &root.join("tests/fixtures/es6-data-manipulation/reference"),
        &project,
    )
    .unwrap();
    let checks: usize = project.tasks.iter().map(|t| t.checks.len()).sum();

    println!("== whole project: reference ES6 submission, {checks} checks, {runs} runs");
    let mut samples = Vec::new();
    for _ in 0..runs {
        let started = Instant::now();
        let report = checker::engine::grade(&engine, &project, &submission, &mut |_| {})
            .await
            .unwrap();
        assert_eq!(report.score, 100.0);
        samples.push(started.elapsed());
    }
    report("grade (open sandbox, upload, 37 checks, remove)", samples);

    for command in ["true", "node -e 0"] {
        println!("\n== per check: `{command}`, {check_runs} runs each");
        let sandbox = engine.open(&SandboxConfig::new(IMAGE)).await.unwrap();
        let request = RunRequest::new(command, Duration::from_secs(10));
        let mut ours = Vec::new();
        for _ in 0..check_runs {
            let started = Instant::now();
            let outcome = sandbox.run(&request).await.unwrap();
            assert_eq!(outcome.exit_code, Some(0));
            ours.push(started.elapsed());
        }
        let docker_cli = |id: String| {
            let command = command.to_owned();
            move || {
                let started = Instant::now();
                let status = std::process::Command::new("docker")
                    .args([
                        "exec",
                        "-u",
                        "65534:65534",
                        "-w",
                        "/work",
                        &id,
                        "/bin/sh",
                        "-c",
                    ])
                    .arg(&command)
                    .status()
                    .unwrap();
                assert!(status.success());
                started.elapsed()
            }
        };
        let mut cli = Vec::new();
        for _ in 0..check_runs {
            let id = sandbox.id().to_owned();
            cli.push(tokio::task::spawn_blocking(docker_cli(id)).await.unwrap());
        }
        let ours = report("this sandbox (Sandbox::run)", ours);
        let floor = report("plain `docker exec` in a running container", cli);
        println!(
            "overhead ratio, sandbox / docker exec: {:.2}x",
            ours / floor
        );
        sandbox.remove().await.unwrap();
    }
}
