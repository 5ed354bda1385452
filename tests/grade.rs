//! `checker grade` end to end: the real binary, a real Docker engine, the shipped curriculum
//! and every project's fixtures (a reference solution and broken ones as overlays on it, each
//! with the verdicts it must get; see `support::fixtures`).

mod support;

use std::collections::BTreeMap;

use serde_json::Value;
use support::docker::{containers_of, docker_ready};
use support::fixtures::{self, Expected};
use support::*;

const PROJECT: &str = "es6-data-manipulation";

/// Grades one case with `--json --show-hidden`; what differs from its `verdicts.json` and from
/// the report's JSON contract, one line each.
fn grade_case(project: &str, case: &str) -> Vec<String> {
    let expected = fixtures::expected(project, case);
    let submission = fixtures::submission(project, case);
    let output = run(&[
        "grade",
        project,
        &submission.arg(),
        "--json",
        "--show-hidden",
    ]);
    let report: Value = match serde_json::from_slice(&output.stdout) {
        Ok(report) => report,
        Err(e) => return vec![format!("not JSON ({e}): {}", stderr(&output))],
    };
    let mut problems = Vec::new();
    let tasks = report["tasks"].as_array().cloned().unwrap_or_default();
    let mut not_passed = BTreeMap::new();
    let mut reasons = BTreeMap::new();
    for task in &tasks {
        // The JSON contract other tools rely on.
        for key in ["id", "mandatory", "score", "checks"] {
            if task[key].is_null() {
                problems.push(format!("task {} lacks {key}", task["id"]));
            }
        }
        for check in task["checks"].as_array().into_iter().flatten() {
            let keys = [
                "name",
                "verdict",
                "points",
                "expected",
                "actual",
                "diff",
                "duration_ms",
            ];
            for key in keys.into_iter().filter(|key| check.get(key).is_none()) {
                problems.push(format!("check {} lacks {key}", check["name"]));
            }
            let verdict = check["verdict"].as_str().unwrap_or("?");
            let key = format!(
                "{}/{}",
                task["id"].as_str().unwrap_or("?"),
                check["name"].as_str().unwrap_or("?")
            );
            // Shown in full (--show-hidden), a wrong output against an expected text carries its
            // unified diff (a style check's findings, a missing executable bit and a pattern,
            // which shows itself beside the output, have none).
            let diff = check["diff"].as_str().unwrap_or("");
            let pattern = check["reason"]
                .as_str()
                .is_some_and(|r| r.contains("against a pattern"));
            if verdict == "wrong_output"
                && check["expected"].is_string()
                && !pattern
                && !diff.starts_with("--- expected\n+++ actual\n")
            {
                problems.push(format!("{key}: wrong output without a diff: {check}"));
            }
            if let Some(fragment) = expected.reasons.get(&key) {
                let reason = check["reason"].as_str().unwrap_or("");
                if reason.contains(fragment.as_str()) {
                    reasons.insert(key.clone(), fragment.clone());
                } else {
                    problems.push(format!("{key}: reason {reason:?} lacks {fragment:?}"));
                }
            }
            if verdict != "passed" {
                not_passed.insert(key, verdict.to_owned());
            }
        }
    }
    let got = Expected {
        exit: output.status.code().unwrap_or(-1),
        score: report["score"].as_f64().unwrap_or(f64::NAN),
        bonus: report["bonus"].as_f64().unwrap_or(f64::NAN),
        not_passed,
        reasons,
    };
    if got != expected {
        problems.push(format!("got {got:#?}\nwant {expected:#?}"));
    }
    let passed_all = tasks.len() as u64;
    let counts = (
        report["passed_tasks"].as_u64(),
        report["total_tasks"].as_u64(),
    );
    if counts.1 != Some(passed_all)
        || (expected.not_passed.is_empty() && counts.0 != Some(passed_all))
    {
        problems.push(format!(
            "(passed_tasks, total_tasks) = {counts:?} of {passed_all} tasks"
        ));
    }
    if report["project"] != project || !report["platform_error"].is_null() {
        problems.push(format!(
            "project {}, platform_error {}",
            report["project"], report["platform_error"]
        ));
    }
    if !problems.is_empty() {
        problems.push(format!("stderr: {}", stderr(&output)));
    }
    problems
}

/// Every case of every project with fixtures gets exactly its `verdicts.json`: exit code,
/// score, bonus and the verdict of every check that does not pass.
#[test]
fn every_fixture_of_every_project_gets_its_verdicts() {
    if !docker_ready() {
        return;
    }
    let projects = fixtures::projects();
    assert!(projects.contains(&PROJECT.to_owned()), "{projects:?}");
    // `CHECKER_FIXTURE_PROJECTS=a,b` grades only those projects' fixtures (while working on them).
    let only = std::env::var("CHECKER_FIXTURE_PROJECTS").ok();
    let cases: Vec<(String, String)> = projects
        .iter()
        .filter(|p| {
            only.as_deref()
                .is_none_or(|o| o.split(',').any(|n| n == p.as_str()))
        })
        .flat_map(|p| fixtures::cases(p).into_iter().map(move |c| (p.clone(), c)))
        .collect();
    // Two gradings at a time, as two tests would run: each case is independent.
    let next = std::sync::atomic::AtomicUsize::new(0);
    let failures = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..2 {
            scope.spawn(|| {
                while let Some((project, case)) =
                    cases.get(next.fetch_add(1, std::sync::atomic::Ordering::SeqCst))
                {
                    let problems = grade_case(project, case);
                    if !problems.is_empty() {
                        failures
                            .lock()
                            .unwrap()
                            .push(format!("{project}/{case}:\n  {}", problems.join("\n  ")));
                    }
                }
            });
        }
    });
    let failures = failures.into_inner().unwrap();
    let graded = cases.len();
    assert!(graded >= 6, "only {graded} fixtures");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Every shipped project has fixtures: a reference that scores 100 and broken solutions.
#[test]
fn every_shipped_project_has_a_reference_and_broken_fixtures() {
    for project in fixtures::shipped_projects() {
        let cases = fixtures::cases(&project);
        assert_eq!(
            cases.first().map(String::as_str),
            Some("reference"),
            "tests/fixtures/{project}/reference is missing"
        );
        let reference = fixtures::expected(&project, "reference");
        assert_eq!(
            (reference.exit, reference.score, reference.not_passed.len()),
            (0, 100.0, 0),
            "{project}'s reference must score 100"
        );
        assert!(cases.len() > 1, "{project} has no broken fixture");
        for case in &cases {
            fixtures::expected(&project, case);
        }
    }
}

#[test]
fn hidden_checks_keep_their_secrets_from_learners() {
    if !docker_ready() {
        return;
    }
    let submission = fixtures::submission(PROJECT, "wrong-output");
    let output = run(&["grade", PROJECT, &submission.arg(), "--json"]);
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
    let submission = fixtures::submission(PROJECT, "wrong-output");
    let output = run(&["grade", PROJECT, &submission.arg()]);
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
            .ends_with("ES6 data manipulation: 93.18% (11/12 tasks), bonus 100%"),
        "{text}"
    );
}

/// Copies a fixture folder (files and sub-folders) to `to`.
fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

#[test]
fn a_repository_root_is_graded_in_the_projects_folder() {
    if !docker_ready() {
        return;
    }
    // The school's repository: the project in its folder, another project beside it.
    let repository = tempfile::tempdir().unwrap();
    let root = repository.path();
    copy_dir(
        &support::root().join("tests/fixtures/es6-data-manipulation/reference"),
        &root.join("0x03-ES6_data_manipulation"),
    );
    std::fs::create_dir(root.join("0x02-ES6_classes")).unwrap();
    std::fs::write(root.join("0x02-ES6_classes/0-classroom.js"), "x\n").unwrap();
    std::fs::write(root.join("README.md"), "# alx-backend-javascript\n").unwrap();
    let output = run(&["grade", PROJECT, &root.display().to_string(), "--json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["score"], 100.0);
    let said = stderr(&output);
    assert!(
        said.contains(
            "0x03-ES6_data_manipulation: the folder of `es6-data-manipulation` in this repository"
        ),
        "{said}"
    );

    // Neither the root nor a folder holds the files: graded where it was asked, and every
    // task says which file is missing.
    std::fs::remove_dir_all(root.join("0x03-ES6_data_manipulation")).unwrap();
    let output = run(&["grade", PROJECT, &root.display().to_string(), "--json"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(
        !stderr(&output).contains("the folder of"),
        "{}",
        stderr(&output)
    );
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["score"], 0.0);
    let first = &report["tasks"][0]["checks"][0];
    assert_eq!(first["verdict"], "missing_file", "{first}");
    assert!(
        first["reason"]
            .as_str()
            .unwrap()
            .contains("0-get_list_students.js"),
        "{first}"
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

/// Starts grading `0x02-redis_basic`'s reference and waits until its pod (the learner's
/// container and Redis's) exists.
fn grading_with_a_service() -> std::process::Child {
    let submission = fixture("0x02-redis_basic/reference");
    let child = checker()
        .args(["grade", "0x02-redis_basic", &submission, "--quiet"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while containers_of(child.id()).len() < 2 {
        assert!(
            std::time::Instant::now() < deadline,
            "no pod with its service appeared"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    child
}

#[test]
fn interrupting_or_killing_the_grader_leaves_no_service_behind() {
    if !support::docker::services_ready() {
        return;
    }
    // Ctrl-C: the grader removes its pod, services included, before it exits.
    let mut child = grading_with_a_service();
    let pid = child.id();
    let interrupted = std::process::Command::new("kill")
        .args(["-INT", &pid.to_string()])
        .status()
        .unwrap();
    assert!(interrupted.success());
    assert_eq!(child.wait().unwrap().code(), Some(130));
    assert_eq!(
        containers_of(pid),
        Vec::<String>::new(),
        "a pod survived Ctrl-C"
    );

    // kill -9: nothing runs to clean up; the next grader's start-up sweep removes the pod.
    let mut child = grading_with_a_service();
    let pid = child.id();
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(
        containers_of(pid).len() >= 2,
        "the killed grader's pod is gone already"
    );
    let output = run(&[
        "grade",
        "es6-data-manipulation",
        &fixture("es6-data-manipulation/reference"),
        "--quiet",
    ]);
    // Graded (the score itself is another test's business), not a platform fault.
    assert!(
        matches!(output.status.code(), Some(0 | 1)),
        "{}",
        stderr(&output)
    );
    assert_eq!(
        containers_of(pid),
        Vec::<String>::new(),
        "the sweep left the pod of a dead grader"
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
        text.contains("no project `es7`")
            && text.contains("known projects: ")
            && text.contains("es6-data-manipulation"),
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
        // One sandbox, so the one pulled away is the one grading.
        .args(["grade", PROJECT, &dir, "--json", "--jobs", "1"])
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
    // Wait until a check is running (the files are in and grading has begun, however loaded
    // the machine), then pull the container away as a crashing engine would.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        let top = std::process::Command::new("docker")
            .args(["top", &container])
            .output()
            .unwrap();
        if String::from_utf8_lossy(&top.stdout).contains("node") {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "no check started");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
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
