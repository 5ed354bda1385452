//! The `style` kind and the `file` kind's executable/first_line/final_newline end to end: the
//! real binary grades the test project `tests/fixtures/python-style/project` in the real
//! `python` image (pycodestyle 2.5.0, pep8 1.7.1, mypy, our docstring and annotation script).
//! Cases: `reference/` (everything passes), `flawed/` and `broken/` (a `0-add.py` replacing the
//! reference's), and the reference with `0-main.py` not executable.

mod support;

use std::collections::BTreeMap;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use serde_json::Value;
use support::fixtures::copy_dir;
use support::*;

const PROJECT: &str = "tests/fixtures/python-style/project";

/// Whether Docker and the python image are here (see [`available`]).
fn python_ready() -> bool {
    let ready = std::process::Command::new("docker")
        .args(["image", "inspect", "checker/python:bookworm"])
        .output()
        .is_ok_and(|o| o.status.success());
    available(
        "Docker or checker/python:bookworm",
        ready,
        "run `checker images build python`",
    )
}

/// The reference in a temporary folder, with `0-main.py` of mode `mode` and the case's
/// `0-add.py` (if any) over the reference's.
fn submission(case: Option<&str>, mode: u32) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let fixtures = root().join("tests/fixtures/python-style");
    copy_dir(&fixtures.join("reference"), dir.path());
    if let Some(case) = case {
        std::fs::copy(
            fixtures.join(case).join("0-add.py"),
            dir.path().join("0-add.py"),
        )
        .unwrap();
    }
    let main = dir.path().join("0-main.py");
    std::fs::set_permissions(&main, std::fs::Permissions::from_mode(mode)).unwrap();
    dir
}

/// Each check's verdict and its `actual` (the findings of a style check), by check name.
fn grade(dir: &Path) -> (i32, BTreeMap<String, (String, Value)>) {
    let output = run(&["grade", PROJECT, &dir.display().to_string(), "--json"]);
    let report: Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", stderr(&output)));
    let checks = report["tasks"][0]["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let verdict = c["verdict"].as_str().unwrap().to_owned();
            (c["name"].as_str().unwrap().to_owned(), (verdict, c.clone()))
        })
        .collect();
    (output.status.code().unwrap_or(-1), checks)
}

fn verdict(checks: &BTreeMap<String, (String, Value)>, name: &str) -> String {
    checks[name].0.clone()
}

/// The findings of a failed style check, one per line.
fn findings(checks: &BTreeMap<String, (String, Value)>, name: &str) -> Vec<String> {
    let actual = checks[name].1["actual"].as_str().unwrap_or("");
    actual.lines().map(str::to_owned).collect()
}

const FILE: &str = "0-main.py is executable, starts with the shebang and ends with a newline";
const RUN: &str = "runs as ./0-main.py";
const PYCODESTYLE: &str = "follows pycodestyle 2.5";
const PEP8: &str = "follows pep8 1.7";
const DOCSTRINGS: &str = "everything is documented";
const ANNOTATIONS: &str = "every function is annotated";
const MYPY: &str = "mypy finds nothing";

#[test]
fn the_reference_passes_every_tool_and_runs_as_a_script() {
    if !python_ready() {
        return;
    }
    let dir = submission(None, 0o755);
    let (exit, checks) = grade(dir.path());
    let failed: Vec<_> = checks.iter().filter(|(_, (v, _))| v != "passed").collect();
    assert!(failed.is_empty(), "{failed:#?}");
    assert_eq!((exit, checks.len()), (0, 7));
}

#[test]
fn each_tool_reports_its_own_findings() {
    if !python_ready() {
        return;
    }
    let dir = submission(Some("flawed"), 0o755);
    let (exit, checks) = grade(dir.path());
    assert_eq!(exit, 1);
    assert_eq!(verdict(&checks, FILE), "passed");
    // pycodestyle 2.5 knows E741 and W605; pep8 1.7 predates both.
    assert_eq!(
        findings(&checks, PYCODESTYLE),
        [
            "0-add.py:3:1 E741 ambiguous variable name 'l'",
            "0-add.py:4:23 W605 invalid escape sequence '\\d'",
            "0-add.py:5:1 E302 expected 2 blank lines, found 0",
        ]
    );
    assert_eq!(
        findings(&checks, PEP8),
        ["0-add.py:5:1 E302 expected 2 blank lines, found 0"]
    );
    assert_eq!(
        findings(&checks, DOCSTRINGS),
        [
            "0-add.py:1:1 D100 the module has no docstring",
            "0-add.py:5:1 D103 function `add` has no docstring",
        ]
    );
    assert_eq!(
        findings(&checks, ANNOTATIONS),
        ["0-add.py:5:9 ANN001 parameter `a` of `add` has no type annotation"]
    );
    assert_eq!(
        findings(&checks, MYPY),
        [
            "0-add.py:6:12 return-value Incompatible return value type (got \"float\", \
             expected \"str\")"
        ]
    );
    for tool in [PYCODESTYLE, PEP8, DOCSTRINGS, ANNOTATIONS, MYPY] {
        assert_eq!(verdict(&checks, tool), "wrong_output", "{tool}");
        let reason = checks[tool].1["reason"].as_str().unwrap();
        // The reason names the tool and lists the findings, for the terminal and JUnit.
        assert!(
            reason.contains(" found ") && reason.contains("\n0-add.py:"),
            "{tool}: {reason}"
        );
    }
}

#[test]
fn configuration_files_written_by_the_learners_program_silence_no_tool() {
    if !python_ready() {
        return;
    }
    // 0-main.py runs before the style checks and writes setup.cfg, tox.ini, mypy.ini and the
    // user configurations, each ignoring everything.
    let dir = submission(Some("flawed"), 0o755);
    let fixtures = root().join("tests/fixtures/python-style");
    std::fs::copy(
        fixtures.join("config-writer/0-main.py"),
        dir.path().join("0-main.py"),
    )
    .unwrap();
    let (_, checks) = grade(dir.path());
    // The program ran to its end (the flawed add gives 3, not 3.5), its files written.
    assert_eq!(checks[RUN].1["actual"], "3\n");
    assert_eq!(findings(&checks, PYCODESTYLE).len(), 3);
    assert_eq!(findings(&checks, PEP8).len(), 1);
    assert_eq!(
        findings(&checks, MYPY),
        [
            "0-add.py:6:12 return-value Incompatible return value type (got \"float\", \
             expected \"str\")"
        ]
    );
}

#[test]
fn a_file_that_does_not_parse_is_a_finding() {
    if !python_ready() {
        return;
    }
    let dir = submission(Some("broken"), 0o755);
    let (_, checks) = grade(dir.path());
    let token = "0-add.py:8:1 E901 TokenError: EOF in multi-line statement";
    assert_eq!(findings(&checks, PYCODESTYLE), [token]);
    assert_eq!(findings(&checks, PEP8), [token]);
    let syntax = "0-add.py:7:12 E999 SyntaxError: '(' was never closed";
    assert_eq!(findings(&checks, DOCSTRINGS), [syntax]);
    assert_eq!(findings(&checks, ANNOTATIONS), [syntax]);
    assert_eq!(
        findings(&checks, MYPY),
        ["0-add.py:7:13 syntax '(' was never closed"]
    );
    for tool in [PYCODESTYLE, PEP8, DOCSTRINGS, ANNOTATIONS, MYPY] {
        assert_eq!(verdict(&checks, tool), "wrong_output", "{tool}");
    }
}

#[test]
fn without_its_executable_bit_the_script_fails_with_the_hint() {
    if !python_ready() {
        return;
    }
    let dir = submission(None, 0o644);
    let (exit, checks) = grade(dir.path());
    assert_eq!(exit, 1);
    assert_eq!(verdict(&checks, FILE), "wrong_output");
    let reason = checks[FILE].1["reason"].as_str().unwrap();
    assert!(
        reason.contains("`chmod +x 0-main.py`")
            && reason.contains("`git update-index --chmod=+x 0-main.py`"),
        "{reason}"
    );
    assert_eq!(verdict(&checks, RUN), "runtime_error");
    let stderr = checks[RUN].1["stderr"].as_str().unwrap_or("");
    assert!(stderr.contains("Permission denied"), "{stderr}");
    assert_eq!(verdict(&checks, PYCODESTYLE), "passed");
}

#[test]
fn the_spec_names_unknown_tools_and_foreign_paths_with_their_place() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("bad-style");
    std::fs::create_dir(&project).unwrap();
    std::fs::write(
        project.join("project.yaml"),
        "id: bad-style\ntitle: Bad\nruntime: python\ntasks:\n  - id: t\n    title: T\n    \
         files: [a.py, notes.txt]\n    checks:\n      - name: lint\n        style: pylint\n      \
         - name: outside\n        style: pep8\n        paths: [b.py, notes.txt]\n      \
         - name: shebang\n        file: a.py\n        first_line: \"a\\nb\"\n      \
         - name: words\n        style: pep8\n        min_words: 2\n",
    )
    .unwrap();
    let output = run(&["tasks", "validate", &dir.path().display().to_string()]);
    let text = stdout(&output) + &stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{text}");
    for expected in [
        "project.yaml:10:16: unknown style tool `pylint`",
        "use one of: pycodestyle, pep8, docstrings, annotations, mypy",
        "project.yaml:13:17: `b.py` is not a file of this task",
        "project.yaml:13:23: `notes.txt` is not a Python file (.py)",
        "project.yaml:16:21: `first_line` is one line",
        "project.yaml:19:20: `min_words` applies to `style: docstrings` only",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
}

/// A project whose script must run as `./hello.py`: what the bit does after an upload and a git
/// push through the real server.
const EXEC_PROJECT: &str = "id: exec-bit\ntitle: Executable bit\nruntime: python\ntasks:\n  \
    - id: hello\n    title: Hello\n    files: [hello.py]\n    checks:\n      \
    - name: is executable\n        file: hello.py\n        executable: true\n      \
    - name: runs as a script\n        run: ./hello.py\n        expect: { stdout: \"hi\\n\" }\n";

const HELLO: &str = "#!/usr/bin/python3\nprint('hi')\n";

/// The verdicts of `checker submit ... --wait --json`'s report, in check order.
fn submitted_verdicts(
    sandbox: &support::server::Sandbox,
    args: &[&str],
    token: &str,
) -> Vec<String> {
    let output = sandbox
        .checker()
        .args(["submit", "exec-bit"])
        .args(args)
        .args(["--wait", "--json", "--quiet"])
        .env("CHECKER_TOKEN", token)
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", stderr(&output)));
    report["tasks"][0]["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["verdict"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn the_bit_survives_the_upload_the_storage_and_git() {
    if !python_ready() || !support::git::git_ready() {
        return;
    }
    let sandbox = support::server::Sandbox::new();
    let tasks = sandbox.path("tasks");
    std::fs::create_dir_all(tasks.join("exec-bit")).unwrap();
    std::fs::write(tasks.join("exec-bit/project.yaml"), EXEC_PROJECT).unwrap();
    let db = sandbox.sqlite();
    sandbox.add_user(&db, "ada", "learner");
    let token = sandbox.token(&db, "ada", "1h");
    let tasks_arg = tasks.display().to_string();
    let server = sandbox.serve(
        &db,
        &["--tasks-dir", &tasks_arg, "--git-allow-host", "127.0.0.1"],
        &[],
    );
    let base = server.url.clone();

    // Uploaded by `checker submit` from a folder, stored, unpacked into the sandbox.
    for (mode, expected) in [
        (0o755, ["passed", "passed"]),
        (0o644, ["wrong_output", "runtime_error"]),
    ] {
        let dir = sandbox.path(&format!("upload-{mode:o}"));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("hello.py"), HELLO).unwrap();
        std::fs::set_permissions(dir.join("hello.py"), std::fs::Permissions::from_mode(mode))
            .unwrap();
        let folder = dir.display().to_string();
        assert_eq!(
            submitted_verdicts(&sandbox, &[&folder, "--server", &base], &token),
            expected,
            "mode {mode:o}"
        );
    }

    // Committed with mode 100755 (and then without it), fetched by the server from git.
    let daemon = support::git::GitDaemon::start(&sandbox.path("repos"));
    let url = daemon.bare("learner.git");
    let work = support::git::WorkingCopy::new(&sandbox.path("work"), &url);
    std::fs::write(work.dir.join("hello.py"), HELLO).unwrap();
    support::git::run_git(&work.dir, &["add", "hello.py"]);
    support::git::run_git(&work.dir, &["update-index", "--chmod=+x", "hello.py"]);
    support::git::run_git(&work.dir, &["commit", "--quiet", "-m", "executable"]);
    let executable = support::git::run_git(&work.dir, &["rev-parse", "HEAD"]);
    support::git::run_git(&work.dir, &["update-index", "--chmod=-x", "hello.py"]);
    support::git::run_git(&work.dir, &["commit", "--quiet", "-m", "plain"]);
    let plain = support::git::run_git(&work.dir, &["rev-parse", "HEAD"]);
    work.push("main", false);
    for (commit, expected) in [
        (executable, ["passed", "passed"]),
        (plain, ["wrong_output", "runtime_error"]),
    ] {
        let target = format!("{url}@{commit}");
        assert_eq!(
            submitted_verdicts(&sandbox, &["--git", &target, "--server", &base], &token),
            expected,
            "commit {commit}"
        );
    }
}
