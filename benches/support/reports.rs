//! What the dashboard benches store: graded reports of made-up projects.

use serde_json::{Value, json};

/// A stored report of `project` with `passed` of its 4 tasks passed: failed checks carry their
/// expected and actual output and a diff, one of each task's two checks is hidden.
pub fn report(project: &str, passed: usize) -> String {
    let tasks: Vec<Value> = (0..4)
        .map(|t| {
            let pass = t < passed;
            let check = |name: &str, hidden: bool| {
                if pass {
                    json!({"name": name, "verdict": "passed", "points": 1, "max_points": 1,
                           "hidden": hidden, "duration_ms": 30})
                } else {
                    json!({"name": name, "verdict": "wrong_output", "points": 0, "max_points": 1,
                           "hidden": hidden, "reason": "the output differs",
                           "expected": format!("EXPECTED-{name}"),
                           "actual": format!("ACTUAL-{name}"),
                           "diff": format!("--- expected\n+++ actual\n-EXPECTED-{name}\n+ACTUAL-{name}"),
                           "duration_ms": 30})
                }
            };
            json!({
                "id": format!("{t}-task"), "title": format!("Task {t}"), "mandatory": t < 3,
                "score": if pass { 100.0 } else { 0.0 }, "passed": pass,
                "checks": [check("prints the list", false), check("handles an empty list", true)],
            })
        })
        .collect();
    let score = [0.0, 33.33, 66.67, 100.0, 100.0][passed];
    json!({
        "project": project, "title": project, "spec_version": "v1", "score": score,
        "bonus": if passed == 4 { 100.0 } else { 0.0 }, "passed_tasks": passed, "total_tasks": 4,
        "duration_ms": 1200, "platform_error": null, "tasks": tasks,
    })
    .to_string()
}

pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}
