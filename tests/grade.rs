//! `checker grade` end to end: the real binary, a real Docker engine, the shipped curriculum
//! and its fixtures (a reference solution and broken ones with the verdicts they must get).

mod common;

use std::collections::BTreeMap;

use common::*;
use serde_json::Value;

const PROJECT: &str = "es6-data-manipulation";

/// What a fixture must get, from its `verdicts.json`.
#[derive(serde::Deserialize)]
struct Expected {
    exit: i32,
    score: f64,
    bonus: f64,
    not_passed: BTreeMap<String, String>,
}

/// Grades a fixture with `--json --show-hidden` and checks exit code, scores, and that exactly
/// the listed checks did not pass, each with its verdict.
fn grade_fixture(name: &str) -> Value {
    let dir = fixture(&format!("{PROJECT}/{name}"));
    let expected: Expected =
        serde_json::from_str(&std::fs::read_to_string(format!("{dir}/verdicts.json")).unwrap())
            .unwrap();
    let output = run(&["grade", PROJECT, &dir, "--json", "--show-hidden"]);
    let report: Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", stdout(&output), stderr(&output)));
    assert_eq!(
        output.status.code(),
        Some(expected.exit),
        "{}",
        stderr(&output)
    );
    assert_eq!(report["project"], PROJECT);
    assert_eq!(
        report["score"].as_f64(),
        Some(expected.score),
        "score of {name}"
    );
    assert_eq!(
        report["bonus"].as_f64(),
        Some(expected.bonus),
        "bonus of {name}"
    );
    let mut not_passed = BTreeMap::new();
    for task in report["tasks"].as_array().unwrap() {
        for check in task["checks"].as_array().unwrap() {
            let verdict = check["verdict"].as_str().unwrap();
            if verdict != "passed" {
                let key = format!(
                    "{}/{}",
                    task["id"].as_str().unwrap(),
                    check["name"].as_str().unwrap()
                );
                not_passed.insert(key, verdict.to_owned());
            }
        }
    }
    assert_eq!(not_passed, expected.not_passed, "verdicts of {name}");
    report
}

#[test]
fn the_reference_solution_scores_100() {
    if !docker_ready() {
        return;
    }
    let report = grade_fixture("reference");
    assert_eq!(report["passed_tasks"], 12);
    assert_eq!(report["total_tasks"], 12);
    assert_eq!(report["platform_error"], Value::Null);
    // The JSON contract other tools rely on.
    let task = &report["tasks"][0];
    for key in ["id", "mandatory", "score", "checks"] {
        assert!(!task[key].is_null(), "task lacks {key}");
    }
    let check = &task["checks"][0];
    for key in [
        "name",
        "verdict",
        "points",
        "expected",
        "actual",
        "diff",
        "duration_ms",
    ] {
        assert!(check.get(key).is_some(), "check lacks {key}");
    }
}

#[test]
fn wrong_output_is_diffed() {
    if !docker_ready() {
        return;
    }
    let report = grade_fixture("wrong-output");
    let check = &report["tasks"][3]["checks"][0];
    assert_eq!(check["verdict"], "wrong_output");
    let diff = check["diff"].as_str().unwrap();
    assert!(diff.starts_with("--- expected\n+++ actual\n"), "{diff}");
}

#[test]
fn a_missing_file_fails_only_its_task() {
    if docker_ready() {
        grade_fixture("missing-file");
    }
}

#[test]
fn a_crash_is_a_runtime_error() {
    if docker_ready() {
        grade_fixture("runtime-error");
    }
}

#[test]
fn a_misspelled_export_is_a_runtime_error() {
    if docker_ready() {
        grade_fixture("export-typo");
    }
}

#[test]
fn the_advanced_task_only_affects_the_bonus() {
    if docker_ready() {
        grade_fixture("advanced-missing");
    }
}

#[test]
fn hidden_checks_keep_their_secrets_from_learners() {
    if !docker_ready() {
        return;
    }
    let dir = fixture(&format!("{PROJECT}/wrong-output"));
    let output = run(&["grade", PROJECT, &dir, "--json"]);
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let checks = report["tasks"][3]["checks"].as_array().unwrap();
    let hidden: Vec<&Value> = checks.iter().filter(|c| c["hidden"] == true).collect();
    assert!(!hidden.is_empty());
    for check in hidden {
        assert_eq!(check["verdict"], "wrong_output");
        assert_eq!(check["expected"], Value::Null, "{check}");
        assert_eq!(check["actual"], Value::Null, "{check}");
        assert_eq!(check["diff"], Value::Null, "{check}");
    }
}

#[test]
fn the_terminal_report_reads_well_without_color() {
    if !docker_ready() {
        return;
    }
    let dir = fixture(&format!("{PROJECT}/wrong-output"));
    let output = run(&["grade", PROJECT, &dir]);
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(1));
    assert!(!text.contains('\x1b'), "colors with NO_COLOR:\n{text}");
    assert!(
        text.contains("✘ wrong output sums the ids of the students"),
        "{text}"
    );
    assert!(text.contains("      -8\n      +9\n"), "{text}");
    assert!(
        text.trim_end()
            .ends_with("ES6 data manipulation: 91.18% (11/12 tasks), bonus 100%"),
        "{text}"
    );
}

#[test]
fn every_limit_gets_its_own_verdict() {
    if !docker_ready() {
        return;
    }
    let project = fixture("sandbox-limits/project");
    let submission = fixture("sandbox-limits/submission");
    let output = run(&["grade", &project, &submission, "--json"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let verdicts: Vec<(String, String)> = report["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|t| t["checks"].as_array().unwrap().iter())
        .map(|c| {
            (
                c["name"].as_str().unwrap().to_owned(),
                c["verdict"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let expected = [
        ("loops forever", "time_limit"),
        ("floods standard output", "output_limit"),
        ("allocates without end", "memory_limit"),
        ("exits with 3 quietly", "nonzero_exit"),
        ("crashes with a signal", "runtime_error"),
        ("throws an error", "runtime_error"),
        ("prints the wrong number", "wrong_output"),
        ("prints the right number", "passed"),
        ("leaves a background child", "passed"),
        ("must pass first", "wrong_output"),
        ("never runs", "skipped"),
        ("the file exists", "missing_file"),
        ("runs it", "missing_file"),
    ];
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect();
    assert_eq!(verdicts, expected);
    let time = &report["tasks"][0]["checks"][0];
    assert_eq!(time["limit"], "2s");
    assert!(time["duration_ms"].as_u64().unwrap() < 4000, "{time}");
    let output_limit = &report["tasks"][0]["checks"][1];
    assert!(output_limit["actual"].as_str().unwrap().len() <= 16 * 1024);
    let hint = &report["tasks"][0]["checks"][6];
    assert_eq!(hint["message"], "The answer is 42.");
}

#[test]
fn interrupting_removes_the_sandbox() {
    if !docker_ready() {
        return;
    }
    let project = fixture("sandbox-limits/project");
    let submission = fixture("sandbox-limits/submission");
    let mut child = checker()
        .args(["grade", &project, &submission, "--quiet"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    // Wait until its sandbox exists, then press Ctrl-C.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while containers_of(pid).is_empty() {
        assert!(std::time::Instant::now() < deadline, "no sandbox appeared");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let killed = std::process::Command::new("kill")
        .args(["-INT", &pid.to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(130));
    assert_eq!(
        containers_of(pid),
        Vec::<String>::new(),
        "sandbox left behind"
    );
}

#[test]
fn a_missing_submission_folder_is_bad_input() {
    let output = run(&["grade", PROJECT, "/nonexistent/submission"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("/nonexistent/submission does not exist"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn an_unknown_project_is_bad_input_with_the_known_ones() {
    let output = run(&["grade", "es7", "."]);
    assert_eq!(output.status.code(), Some(2));
    let text = stderr(&output);
    assert!(
        text.contains("no project `es7`") && text.contains("known projects: es6-data-manipulation"),
        "{text}"
    );
}

#[test]
fn an_unreachable_docker_is_a_platform_fault() {
    let dir = fixture(&format!("{PROJECT}/reference"));
    let output = checker()
        .args(["grade", PROJECT, &dir])
        .env("DOCKER_HOST", "unix:///nonexistent/docker.sock")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(3));
    let text = stderr(&output);
    assert!(text.contains("cannot reach the Docker engine"), "{text}");
    assert!(!text.contains("%"), "no score for a platform fault: {text}");
}

#[test]
fn a_missing_image_is_a_platform_fault_that_says_what_to_do() {
    if !docker_ready() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("project.yaml"),
        "id: x\ntitle: X\nimage: checker/not-built:1\ntasks:\n  - { id: t, title: T, checks: [{ name: c, run: 'true' }] }\n",
    )
    .unwrap();
    let output = run(&["grade", &dir.path().display().to_string(), "."]);
    assert_eq!(output.status.code(), Some(3));
    assert!(
        stderr(&output).contains("run `checker images build`"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_sandbox_lost_mid_grading_is_the_platforms_fault() {
    if !docker_ready() {
        return;
    }
    let dir = fixture(&format!("{PROJECT}/reference"));
    let child = checker()
        .args(["grade", PROJECT, &dir, "--json"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let container = loop {
        if let Some(id) = containers_of(pid).pop() {
            break id;
        }
        assert!(std::time::Instant::now() < deadline, "no sandbox appeared");
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    // Let a few checks pass, then pull the container away as a crashing engine would.
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let removed = std::process::Command::new("docker")
        .args(["rm", "-f", &container])
        .output()
        .unwrap();
    assert!(removed.status.success());
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(3), "{}", stderr(&output));
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert!(report["platform_error"].is_string(), "{report}");
    let verdicts: Vec<&str> = report["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|t| t["checks"].as_array().unwrap())
        .map(|c| c["verdict"].as_str().unwrap())
        .collect();
    let lost: Vec<&Value> = report["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|t| t["checks"].as_array().unwrap())
        .filter(|c| c["verdict"] == "runtime_error")
        .collect();
    assert!(lost.is_empty(), "{lost:?}");
    assert!(verdicts.contains(&"internal_error"), "{verdicts:?}");
    // Nothing is scored against the learner: every check either passed or was the platform's.
    assert!(
        verdicts
            .iter()
            .all(|v| *v == "passed" || *v == "internal_error"),
        "{verdicts:?}"
    );
}
