//! The `tests` kind end to end: the real binary and Docker grade learner-written Python tests
//! (`tests/fixtures/learner-tests/`) against the grader's correct `utils.py` and its mutants.

mod support;

use std::process::Command;

use serde_json::Value;
use support::*;

fn python_ready() -> bool {
    let ready = Command::new("docker")
        .args(["image", "inspect", "checker/python:bookworm"])
        .output()
        .is_ok_and(|o| o.status.success());
    available(
        "Docker or checker/python:bookworm",
        ready,
        "run `checker images build python`",
    )
}

/// Grades the case folder `case` with `--json --show-hidden`: the exit code and the two
/// checks of the only task (the tests, then the listing of what is left).
fn grade(case: &str) -> (i32, Value, Value) {
    let output = run(&[
        "grade",
        &fixture("learner-tests/project"),
        &fixture(&format!("learner-tests/{case}")),
        "--json",
        "--show-hidden",
    ]);
    let report: Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", stderr(&output)));
    let checks = &report["tasks"][0]["checks"];
    // Whatever the suite did, no run's grader file outlives the check.
    assert_eq!(checks[1]["verdict"], "passed", "{case}: {}", checks[1]);
    (
        output.status.code().unwrap_or(-1),
        checks[0].clone(),
        report,
    )
}

#[test]
fn a_suite_that_catches_every_mutant_passes() {
    if !python_ready() {
        return;
    }
    let (exit, check, report) = grade("good");
    assert_eq!(exit, 0, "{report}");
    assert_eq!(check["verdict"], "passed", "{check}");
    // The mutant that hangs the suite is caught by the time limit (3s).
    assert!(check["duration_ms"].as_u64().unwrap() >= 3000, "{check}");
}

#[test]
fn a_weak_suite_names_the_mutant_that_survived_and_its_test() {
    if !python_ready() {
        return;
    }
    let (exit, check, _) = grade("weak");
    assert_eq!(exit, 1);
    assert_eq!(check["verdict"], "wrong_output", "{check}");
    let reason = check["reason"].as_str().unwrap();
    assert!(
        reason.contains(
            "1 of 3 broken versions of the code: `access_nested_map returns None for a missing \
             key` (expected to be caught by TestAccessNestedMap.test_access_nested_map_exception)"
        ),
        "{reason}"
    );
    assert!(!reason.contains("returns the mapping itself"), "{reason}");
    let diff = check["diff"].as_str().unwrap();
    assert!(
        diff.contains("+passes on: access_nested_map returns None for a missing key"),
        "{diff}"
    );
}

#[test]
fn a_suite_failing_on_correct_code_fails_and_shows_its_output() {
    if !python_ready() {
        return;
    }
    let (exit, check, _) = grade("fails-on-correct");
    assert_eq!(exit, 1);
    assert_eq!(check["verdict"], "nonzero_exit", "{check}");
    assert!(
        check["reason"]
            .as_str()
            .unwrap()
            .contains("fail on the correct code"),
        "{check}"
    );
    let output = check["stderr"].as_str().unwrap();
    assert!(output.contains("AssertionError: 1 != 2"), "{output}");
    assert!(output.contains("FAILED (failures=1)"), "{output}");
}

#[test]
fn a_suite_hanging_on_correct_code_fails_by_the_time_limit() {
    if !python_ready() {
        return;
    }
    let (exit, check, _) = grade("hangs-on-correct");
    assert_eq!(exit, 1);
    assert_eq!(check["verdict"], "time_limit", "{check}");
    assert_eq!(check["limit"], "3s", "{check}");
    assert!(
        check["reason"]
            .as_str()
            .unwrap()
            .contains("did not finish within 3s on the correct code"),
        "{check}"
    );
}
