//! `checker tasks ...` end to end.

mod support;

use support::*;

#[test]
fn validate_accepts_the_shipped_curriculum() {
    let output = run(&["tasks", "validate"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stdout(&output).contains("ok: es6-data-manipulation (12 tasks"));
}

#[test]
fn validate_reports_every_problem_with_its_position_and_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("broken");
    std::fs::create_dir(&project).unwrap();
    std::fs::write(
        project.join("project.yaml"),
        "id: broken\ntitle: B\nruntime: nodejs\ntasks:\n  - id: t\n    title: T\n    checks:\n      - name: c\n        run: x\n        compare: fuzzy\n",
    )
    .unwrap();
    let output = run(&["tasks", "validate", &dir.path().display().to_string()]);
    assert_eq!(output.status.code(), Some(2));
    let text = stderr(&output);
    let spec = project.join("project.yaml").display().to_string();
    assert!(
        text.contains(&format!("{spec}:3:10: unknown runtime `nodejs`")),
        "{text}"
    );
    assert!(
        text.contains(&format!("{spec}:10:18: unknown comparison `fuzzy`")),
        "{text}"
    );
    assert!(text.contains("hint: "), "{text}");
    assert!(text.contains("2 problem(s) found"), "{text}");
}

#[test]
fn list_shows_projects_and_tasks() {
    let output = run(&["tasks", "list", "--json"]);
    assert_eq!(output.status.code(), Some(0));
    let list: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let es6 = list
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == "es6-data-manipulation")
        .expect("the ES6 project is listed");
    assert_eq!(es6["tasks"].as_array().unwrap().len(), 12);
    assert_eq!(es6["tasks"][11]["mandatory"], false);
    // Where the project lives in the school's repository.
    assert_eq!(es6["repository"], "alx-backend-javascript");
    assert_eq!(es6["folder"], "0x03-ES6_data_manipulation");
}

#[test]
fn schema_is_json_schema() {
    let output = run(&["tasks", "schema"]);
    assert_eq!(output.status.code(), Some(0));
    let schema: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert!(
        schema["$schema"]
            .as_str()
            .unwrap()
            .contains("json-schema.org")
    );
    assert!(schema["properties"]["tasks"].is_object());
    for key in ["repository", "folder"] {
        assert!(schema["properties"][key].is_object(), "{key}");
    }
    let check = schema["$defs"]["RawCheck"]["properties"].clone();
    for key in ["tests", "correct", "mutants"] {
        assert!(check[key].is_object(), "{key}: {check}");
    }
}

#[test]
fn help_documents_exit_codes() {
    let output = run(&["grade", "--help"]);
    let text = stdout(&output);
    assert!(
        text.contains("Exit codes:") && text.contains("3  platform fault"),
        "{text}"
    );
}
