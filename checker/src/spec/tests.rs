//! Spec loading and validation: every problem with its exact line and column.

use std::path::Path;

use super::*;
use crate::compare::{Compare, Comparison};

/// Writes `yaml` as a project (plus grader files) into a fresh folder and loads it.
fn load(yaml: &str, files: &[(&str, &str)]) -> (tempfile::TempDir, Result<Project, SpecErrors>) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(SPEC_FILE), yaml).unwrap();
    for (path, contents) in files {
        let full = dir.path().join(path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(full, contents).unwrap();
    }
    let result = Project::load(dir.path());
    (dir, result)
}

/// (line, column, message) of every error.
fn errors(yaml: &str, files: &[(&str, &str)]) -> Vec<(u64, u64, String)> {
    let (_dir, result) = load(yaml, files);
    result
        .expect_err("the spec should be refused")
        .0
        .into_iter()
        .map(|e| (e.line, e.column, e.message))
        .collect()
}

const VALID: &str = "\
id: demo
title: Demo project
runtime: node
limits: { time: 2s, memory: 64MiB, output: 1KiB }
env: { NODE_OPTIONS: --no-warnings }
support: [package.json]
tasks:
  - id: 0-hello
    title: Hello
    files: [0-hello.js]
    checks:
      - name: the file exists
        file: 0-hello.js
        gate: true
      - name: prints hello
        run: node 0-main.js
        with: [harness/0-main.js]
        expect: { stdout: \"hello\\n\" }
        points: 3
        limits: { time: 500ms }
  - id: 1-advanced
    title: Advanced
    mandatory: false
    files: [1-adv.js]
    checks:
      - name: sums
        run: node 1-main.js
        stdin: \"1 2\"
        with: [harness/1-main.js]
        compare: numbers
        tolerance: 0.5
        hidden: true
        expect: { stdout: \"3\", exit: 0 }
";

fn valid_files() -> Vec<(&'static str, &'static str)> {
    vec![
        ("package.json", "{\"type\":\"module\"}"),
        ("harness/0-main.js", "import h from './0-hello.js'; h();"),
        ("harness/1-main.js", "1"),
    ]
}

#[test]
fn a_valid_spec_becomes_a_typed_project() {
    let (_dir, result) = load(VALID, &valid_files());
    let project = result.unwrap();
    assert_eq!(project.id, "demo");
    assert_eq!(project.image, "checker/node:bookworm");
    assert_eq!(project.limits.time, Duration::from_secs(2));
    assert_eq!(project.limits.memory, ByteSize::mib(64));
    assert_eq!(project.limits.output, ByteSize::kib(1));
    assert_eq!(
        project.env,
        vec![("NODE_OPTIONS".into(), "--no-warnings".into())]
    );
    let names: Vec<&str> = project
        .grader_files
        .iter()
        .map(|f| f.name.as_str())
        .collect();
    // The hidden check's harness is placed for that check only.
    assert_eq!(names, ["0-main.js", "package.json"]);
    let hidden = &project.tasks[1].checks[0];
    let own: Vec<&str> = hidden.own_files.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(own, ["1-main.js"]);
    assert!(
        project.tasks[0]
            .checks
            .iter()
            .all(|c| c.own_files.is_empty())
    );
    assert_eq!(project.learner_files(), ["0-hello.js", "1-adv.js"]);
    assert_eq!(project.points(true), 4);
    assert_eq!(project.points(false), 1);
    let hello = &project.tasks[0];
    assert!(hello.mandatory && hello.checks[0].gate);
    assert!(matches!(&hello.checks[0].kind, CheckKind::File(file) if file.path == "0-hello.js"));
    let CheckKind::Run(run) = &hello.checks[1].kind else {
        panic!("a run check")
    };
    assert_eq!(run.time, Duration::from_millis(500));
    assert_eq!(
        run.output,
        ByteSize::kib(1),
        "inherits the project's output limit"
    );
    assert_eq!(run.compare.mode, Comparison::TrailingWhitespace);
    assert_eq!(run.exit, 0);
    let advanced = &project.tasks[1];
    assert!(!advanced.mandatory && advanced.checks[0].hidden);
    let CheckKind::Run(run) = &advanced.checks[0].kind else {
        panic!("a run check")
    };
    assert_eq!(
        run.compare,
        Compare {
            mode: Comparison::Numbers,
            tolerance: 0.5
        }
    );
    assert_eq!(run.stdin.as_deref(), Some("1 2"));
    assert_eq!(project.version.len(), 16);
}

#[test]
fn the_version_changes_with_grader_files() {
    let (_a, a) = load(VALID, &valid_files());
    let mut files = valid_files();
    files[1].1 = "changed";
    let (_b, b) = load(VALID, &files);
    assert_ne!(a.unwrap().version, b.unwrap().version);
}

#[test]
fn unknown_keys_name_their_position() {
    let yaml = VALID.replace("expect: { stdout:", "expect: { stdot:");
    let found = errors(&yaml, &valid_files());
    assert_eq!(found.len(), 1);
    let (line, column, message) = &found[0];
    assert_eq!((*line, *column), (18, 19), "{message}");
    assert!(message.starts_with("unknown field `stdot`"), "{message}");
    assert!(
        !message.contains(" at line "),
        "location is printed once: {message}"
    );
}

#[test]
fn wrong_types_name_their_position() {
    let yaml = VALID.replace("mandatory: false", "mandatory: maybe");
    let found = errors(&yaml, &valid_files());
    assert_eq!((found[0].0, found[0].1), (23, 16), "{:?}", found);
}

#[test]
fn syntax_errors_name_their_position() {
    let found = errors("id: demo\ntitle: [oops\n", &[]);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].0, 2, "{found:?}");
}

#[test]
fn every_semantic_problem_is_reported_at_once() {
    let yaml = "\
id: Demo!
title: Broken
runtime: cobol
limits: { time: 5 parsecs, memory: 1KiB }
support: [../outside.txt]
tasks:
  - id: t1
    title: T1
    files: [/etc/passwd]
    checks:
      - name: a
        run: echo hi
        with: [harness/missing.js]
        compare: regex
        expect:
          stdout: \"(unclosed\"
      - name: a
        file: x.js
        stdin: x
  - id: t1
    title: Twin
    checks:
      - name: neither
      - name: both
        run: echo
        file: y.js
      - name: fuzzy
        run: echo
        compare: fuzzy
        tolerance: 0.1
      - name: json
        run: echo
        compare: json
        limits: { memory: 1GiB }
        expect: { stdout: \"{not json\" }
";
    let found = errors(yaml, &[]);
    let at: Vec<(u64, u64)> = found.iter().map(|(l, c, _)| (*l, *c)).collect();
    let messages: Vec<&str> = found.iter().map(|(_, _, m)| m.as_str()).collect();
    let expected: Vec<((u64, u64), &str)> = vec![
        ((1, 5), "project id `Demo!` is not a valid identifier"),
        ((3, 10), "unknown runtime `cobol`"),
        ((4, 17), "`5 parsecs` is not a duration"),
        ((4, 36), "size `1KiB` is out of range"),
        ((5, 11), "grader file path is not allowed"),
        ((9, 13), "learner file path is not allowed"),
        ((13, 16), "grader file `harness/missing.js` was not found"),
        ((16, 19), "invalid regular expression: unclosed group"),
        ((17, 15), "check name `a` is used twice"),
        ((17, 15), "`stdin` has no meaning in a `file` check"),
        ((20, 9), "task id `t1` is used twice"),
        ((23, 15), "check `neither` has neither `file` nor `run`"),
        ((26, 15), "a check has either `file` or `run`, not both"),
        ((29, 18), "unknown comparison `fuzzy`"),
        ((30, 20), "`tolerance` only applies with `compare: numbers`"),
        (
            (34, 27),
            "a memory limit can only be set for the whole project",
        ),
        ((35, 27), "expected output is not valid JSON"),
    ];
    for (i, ((position, prefix), (got_at, got))) in
        expected.iter().zip(at.iter().zip(&messages)).enumerate()
    {
        assert!(
            got.starts_with(prefix),
            "#{i}: `{got}` should start with `{prefix}`"
        );
        assert_eq!(position, got_at, "#{i}: {got}");
    }
    assert_eq!(found.len(), expected.len(), "{messages:#?}");
}

#[test]
fn grader_files_may_not_clash() {
    let yaml = "\
id: demo
title: Demo
runtime: node
support: [a/main.js, b/main.js, sol.js]
tasks:
  - id: t
    title: T
    files: [sol.js]
    checks:
      - { name: runs, run: node main.js }
";
    let files = [("a/main.js", "1"), ("b/main.js", "2"), ("sol.js", "3")];
    let found = errors(yaml, &files);
    let messages: Vec<&str> = found.iter().map(|(_, _, m)| m.as_str()).collect();
    assert_eq!(found.len(), 2, "{messages:?}");
    assert!(messages[0].contains("would both be placed as `main.js`"));
    assert!(messages[1].contains("would overwrite the learner file `sol.js`"));
}

#[test]
fn a_project_needs_a_runtime_or_an_image() {
    let yaml = "id: demo\ntitle: D\ntasks:\n  - id: t\n    title: T\n    checks: [{ name: c, run: 'true' }]\n";
    let found = errors(yaml, &[]);
    assert!(found[0].2.contains("names no `runtime`"), "{found:?}");
    let own = yaml.replace("title: D\n", "title: D\nimage: my/image:1\n");
    let (_dir, project) = load(&own, &[]);
    assert_eq!(project.unwrap().image, "my/image:1");
}

#[test]
fn errors_print_as_file_line_column_with_a_hint() {
    let (dir, result) = load("id: demo\ntitle: D\nruntime: nodejs\ntasks: []\n", &[]);
    let text = result.unwrap_err().to_string();
    let path = dir.path().join(SPEC_FILE);
    assert!(
        text.starts_with(&format!(
            "{}:3:10: unknown runtime `nodejs`\n  hint: known runtimes: node, python",
            path.display()
        )),
        "{text}"
    );
}

#[test]
fn the_curriculum_reports_every_broken_project_and_keeps_the_good_ones() {
    let root = tempfile::tempdir().unwrap();
    for (name, yaml) in [
        (
            "good",
            "id: good\ntitle: G\nruntime: node\ntasks:\n  - { id: t, title: T, checks: [{ name: c, run: 'true' }] }\n",
        ),
        (
            "twin",
            "id: good\ntitle: G\nruntime: node\ntasks:\n  - { id: t, title: T, checks: [{ name: c, run: 'true' }] }\n",
        ),
        ("bad", "id: bad\ntitle: B\nruntime: node\ntasks: []\n"),
    ] {
        std::fs::create_dir(root.path().join(name)).unwrap();
        std::fs::write(root.path().join(name).join(SPEC_FILE), yaml).unwrap();
    }
    let (projects, errors) = load_curriculum(root.path());
    assert_eq!(projects.len(), 1);
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(errors.iter().any(|e| e.message.contains("has no tasks")));
    assert!(errors.iter().any(|e| e.message.contains("already used")));
    assert!(resolve(root.path(), "good").is_ok());
    assert!(resolve(Path::new("/nonexistent"), "x").is_err());
}

#[test]
fn the_json_schema_describes_every_key() {
    let schema = json_schema().to_string();
    for key in [
        "runtime",
        "tasks",
        "checks",
        "expect",
        "stdout",
        "compare",
        "hidden",
        "gate",
        "extra_files",
    ] {
        assert!(schema.contains(&format!("\"{key}\"")), "schema lacks {key}");
    }
}

#[test]
fn the_shipped_curriculum_is_valid() {
    let tasks = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tasks");
    let (projects, errors) = load_curriculum(&tasks);
    assert!(errors.is_empty(), "{}", SpecErrors(errors.clone()));
    assert!(projects.iter().any(|p| p.id == "es6-data-manipulation"));
}

#[test]
fn grader_files_are_never_read_through_links() {
    let yaml = "\
id: demo
title: Demo
runtime: node
support: [secrets/passwd, direct.txt]
tasks:
  - { id: t, title: T, checks: [{ name: c, run: 'true' }] }
";
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(SPEC_FILE), yaml).unwrap();
    std::os::unix::fs::symlink("/etc", dir.path().join("secrets")).unwrap();
    std::os::unix::fs::symlink("/etc/hostname", dir.path().join("direct.txt")).unwrap();
    let errors = Project::load(dir.path()).unwrap_err().0;
    let messages: Vec<&str> = errors.iter().map(|e| e.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "grader file `secrets/passwd` is a symbolic link or lies behind one",
            "grader file `direct.txt` is a symbolic link or lies behind one"
        ]
    );
    assert_eq!((errors[0].line, errors[0].column), (4, 11));
}

/// A curriculum folder holding project `demo` (with `support`) and the shared folder's files.
fn curriculum_with_shared(support: &str, shared: &[(&str, &str)]) -> tempfile::TempDir {
    let root = tempfile::tempdir().unwrap();
    let project = root.path().join("demo");
    std::fs::create_dir(&project).unwrap();
    let yaml = format!(
        "id: demo\ntitle: Demo\nruntime: node\nsupport: {support}\ntasks:\n  \
         - {{ id: t, title: T, checks: [{{ name: c, run: 'true' }}] }}\n"
    );
    std::fs::write(project.join(SPEC_FILE), yaml).unwrap();
    for (path, contents) in shared {
        let full = root.path().join(SHARED_DIR).join(path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(full, contents).unwrap();
    }
    root
}

#[test]
fn a_shared_grader_file_is_read_from_the_curriculum_folder_and_placed_by_its_name() {
    let root = curriculum_with_shared(
        "[../_shared/hooks/module-hooks.mjs]",
        &[("hooks/module-hooks.mjs", "export {};\n")],
    );
    let (projects, errors) = load_curriculum(root.path());
    assert!(errors.is_empty(), "{}", SpecErrors(errors));
    // The shared folder holds no spec: it is not a project.
    let ids: Vec<&str> = projects.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids, ["demo"]);
    let files: Vec<(&str, &[u8])> = projects[0]
        .grader_files
        .iter()
        .map(|f| (f.name.as_str(), f.contents.as_slice()))
        .collect();
    assert_eq!(files, [("module-hooks.mjs", &b"export {};\n"[..])]);
    // The file's contents are part of the project's version.
    let before = projects[0].version.clone();
    std::fs::write(
        root.path().join("_shared/hooks/module-hooks.mjs"),
        "export const changed = 1;\n",
    )
    .unwrap();
    let after = Project::load(&root.path().join("demo")).unwrap().version;
    assert_ne!(before, after);
}

#[test]
fn shared_grader_files_are_never_read_through_links_nor_outside_the_shared_folder() {
    let outside = |support: &str| {
        let root = curriculum_with_shared(support, &[("real.mjs", "")]);
        let errors = Project::load(&root.path().join("demo")).unwrap_err().0;
        errors.into_iter().map(|e| e.message).collect::<Vec<_>>()
    };
    assert_eq!(
        outside("[../_shared/../demo/project.yaml, ../other/x.js, ../_shared/missing.mjs]"),
        [
            "grader file path `../_shared/../demo/project.yaml` is not allowed: \
             `../demo/project.yaml` leaves its directory (`..`) in `_shared`",
            "grader file path is not allowed: `../other/x.js` leaves its directory (`..`)",
            "grader file `../_shared/missing.mjs` was not found",
        ]
    );
    // A link inside the shared folder, and the shared folder itself a link.
    let root = curriculum_with_shared("[../_shared/passwd]", &[]);
    std::fs::create_dir(root.path().join(SHARED_DIR)).unwrap();
    std::os::unix::fs::symlink("/etc/passwd", root.path().join("_shared/passwd")).unwrap();
    let errors = Project::load(&root.path().join("demo")).unwrap_err().0;
    assert_eq!(
        errors[0].message,
        "grader file `../_shared/passwd` is a symbolic link or lies behind one"
    );
    let root = curriculum_with_shared("[../_shared/hostname]", &[]);
    std::os::unix::fs::symlink("/etc", root.path().join(SHARED_DIR)).unwrap();
    let errors = Project::load(&root.path().join("demo")).unwrap_err().0;
    assert_eq!(
        errors[0].message,
        "grader file `../_shared/hostname` is a symbolic link or lies behind one"
    );
}

#[test]
fn the_json_schema_lists_every_comparison_mode() {
    let schema = json_schema();
    let compare = &schema["$defs"]["RawCheck"]["properties"]["compare"];
    assert!(
        compare.to_string().contains("#/$defs/Comparison"),
        "{compare}"
    );
    let modes: Vec<&str> = schema["$defs"]["Comparison"]["oneOf"]
        .as_array()
        .expect("the modes are listed")
        .iter()
        .map(|mode| mode["const"].as_str().unwrap())
        .collect();
    assert_eq!(modes, Comparison::names());
    assert!(modes.contains(&"unordered_lines"), "{modes:?}");
}

#[test]
fn a_check_of_one_kind_refuses_the_keys_of_another_and_unknown_keys() {
    let check = |keys: &str| {
        format!(
            "id: d\ntitle: D\nruntime: node\ntasks:\n  - id: t\n    title: T\n    checks:\n      - {{ name: c, {keys} }}\n"
        )
    };
    let found = errors(
        &check("file: a.js, expect: { stdout: x }, compare: json"),
        &[],
    );
    let messages: Vec<&str> = found.iter().map(|(_, _, m)| m.as_str()).collect();
    assert_eq!(
        messages,
        [
            "`expect` has no meaning in a `file` check",
            "`compare` has no meaning in a `file` check"
        ]
    );
    let found = errors(&check("run: x, colour: red"), &[]);
    assert!(
        found[0].2.starts_with("unknown field `colour`"),
        "{found:?}"
    );
    assert_eq!(found[0].0, 8, "{found:?}");
}

const TESTS_KIND: &str = "\
id: d
title: D
runtime: python
tasks:
  - id: t
    title: T
    files: [test_utils.py]
    checks:
      - name: the tests catch broken versions
        tests: python3 -m unittest test_utils.py
        correct: [harness/utils.py]
        limits: { time: 3s }
        mutants:
          - name: returns the mapping itself
            with: [mutants/self/utils.py]
            caught_by: TestAccessNestedMap
          - name: never raises
            with: [mutants/quiet/utils.py]
";

fn tests_kind_files() -> Vec<(&'static str, &'static str)> {
    vec![
        ("harness/utils.py", "good"),
        ("mutants/self/utils.py", "self"),
        ("mutants/quiet/utils.py", "quiet"),
    ]
}

#[test]
fn a_tests_check_keeps_its_files_to_itself() {
    let (_dir, result) = load(TESTS_KIND, &tests_kind_files());
    let project = result.unwrap();
    // Correct and broken versions share a name: they are placed run by run, never for all.
    assert!(
        project.grader_files.is_empty(),
        "{:?}",
        project.grader_files
    );
    let CheckKind::Tests(tests) = &project.tasks[0].checks[0].kind else {
        panic!("not a tests check");
    };
    assert_eq!(tests.command, "python3 -m unittest test_utils.py");
    assert_eq!(tests.correct[0].name, "utils.py");
    assert_eq!(tests.correct[0].contents, b"good");
    assert_eq!(tests.mutants.len(), 2);
    assert_eq!(tests.mutants[0].files[0].contents, b"self");
    assert_eq!(
        tests.mutants[0].caught_by.as_deref(),
        Some("TestAccessNestedMap")
    );
    assert_eq!(tests.mutants[1].caught_by, None);
    assert_eq!(tests.time, Duration::from_secs(3));
}

#[test]
fn a_tests_check_may_stand_in_for_the_learners_code_and_serve_it() {
    // The learner writes utils.py too: the correct and broken versions take its place run by
    // run, and a server started from them answers the tests.
    let yaml = TESTS_KIND
        .replace("files: [test_utils.py]", "files: [utils.py, test_utils.py]")
        .replace(
            "        limits: { time: 3s }\n",
            "        serve: { command: python3 utils.py, port: 7865 }\n",
        );
    let (_dir, result) = load(&yaml, &tests_kind_files());
    let project = result.unwrap();
    let CheckKind::Tests(tests) = &project.tasks[0].checks[0].kind else {
        panic!("not a tests check");
    };
    let serve = tests.serve.as_ref().unwrap();
    assert_eq!(
        (serve.command.as_str(), serve.port),
        ("python3 utils.py", 7865)
    );
    // A file placed for every check still may not take a learner file's name.
    let shared = yaml.replace(
        "runtime: python\n",
        "runtime: python\nsupport: [harness/utils.py]\n",
    );
    let found = errors(&shared, &tests_kind_files());
    assert!(
        found[0]
            .2
            .contains("would overwrite the learner file `utils.py`"),
        "{found:?}"
    );
}

#[test]
fn a_server_needs_a_command_and_a_real_port() {
    let yaml = TESTS_KIND.replace(
        "        limits: { time: 3s }\n",
        "        serve: { command: ' ', port: 0 }\n",
    );
    let found = errors(&yaml, &tests_kind_files());
    let messages: Vec<&str> = found.iter().map(|(_, _, m)| m.as_str()).collect();
    assert_eq!(found.len(), 2, "{messages:?}");
    assert_eq!((found[0].0, found[0].1), (12, 27), "{found:?}");
    assert!(messages[0].contains("the server's command is empty"));
    assert_eq!((found[1].0, found[1].1), (12, 38), "{found:?}");
    assert!(messages[1].contains("port 0"));
    let unknown = TESTS_KIND.replace(
        "        limits: { time: 3s }\n",
        "        serve: { command: node api.js, port: 1, host: x }\n",
    );
    let found = errors(&unknown, &tests_kind_files());
    assert!(found[0].2.contains("unknown field `host`"), "{found:?}");
}

#[test]
fn a_tests_check_names_its_problems_where_they_are() {
    let no_correct = TESTS_KIND.replace("        correct: [harness/utils.py]\n", "");
    let found = errors(&no_correct, &tests_kind_files());
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!((found[0].0, found[0].1), (10, 16), "{found:?}");
    assert!(found[0].2.contains("needs `correct`"), "{found:?}");

    let no_mutants = format!(
        "{}        mutants: []\n",
        TESTS_KIND.split("        mutants:\n").next().unwrap()
    );
    let found = errors(&no_mutants, &tests_kind_files());
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!((found[0].0, found[0].1), (13, 18), "{found:?}");
    assert!(found[0].2.contains("`mutants` is empty"), "{found:?}");

    let missing = TESTS_KIND.replace("mutants/quiet/utils.py", "mutants/gone/utils.py");
    let found = errors(&missing, &tests_kind_files());
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!((found[0].0, found[0].1), (18, 20), "{found:?}");
    assert!(
        found[0].2.contains("`mutants/gone/utils.py` was not found"),
        "{found:?}"
    );

    let unknown = TESTS_KIND.replace("caught_by:", "caught:");
    let found = errors(&unknown, &tests_kind_files());
    assert_eq!(found[0].0, 16, "{found:?}");
    assert!(
        found[0].2.starts_with("unknown field `caught`"),
        "{found:?}"
    );

    let unknown = TESTS_KIND.replace("correct:", "corect:");
    let found = errors(&unknown, &tests_kind_files());
    assert_eq!(found[0].0, 11, "{found:?}");
    assert!(
        found[0].2.starts_with("unknown field `corect`"),
        "{found:?}"
    );

    let foreign = TESTS_KIND.replace("limits:", "expect: { stdout: x }\n        limits:");
    let found = errors(&foreign, &tests_kind_files());
    assert_eq!(found[0].2, "`expect` has no meaning in a `tests` check");
}

#[test]
fn a_hidden_harness_that_a_visible_check_also_names_is_shared() {
    let yaml = VALID.replace(
        "with: [harness/1-main.js]",
        "with: [harness/1-main.js, harness/0-main.js]",
    );
    let (_dir, result) = load(&yaml, &valid_files());
    let project = result.unwrap();
    let names: Vec<&str> = project
        .grader_files
        .iter()
        .map(|f| f.name.as_str())
        .collect();
    assert_eq!(names, ["0-main.js", "package.json"]);
    let own: Vec<&str> = project.tasks[1].checks[0]
        .own_files
        .iter()
        .map(|f| f.name.as_str())
        .collect();
    assert_eq!(own, ["1-main.js"]);
}

#[test]
fn repository_and_folder_say_where_the_project_lives() {
    let yaml = VALID.replace(
        "runtime: node\n",
        "runtime: node\nrepository: alx-backend-javascript\nfolder: 0x03-ES6_data_manipulation/\n",
    );
    let (_dir, result) = load(&yaml, &valid_files());
    let project = result.unwrap();
    assert_eq!(
        project.repository.as_deref(),
        Some("alx-backend-javascript")
    );
    assert_eq!(
        project.folder.as_deref(),
        Some("0x03-ES6_data_manipulation")
    );
    for name in [
        "alx-backend-javascript",
        "Alx-Backend-JavaScript.git",
        "https://github.com/ada/alx-backend-javascript.git",
        "alx-backend-javascript/",
    ] {
        assert!(project.is_repository(name), "{name}");
    }
    for name in ["alx-backend", "alx-backend-javascript-2", ""] {
        assert!(!project.is_repository(name), "{name}");
    }

    let yaml = VALID.replace(
        "runtime: node\n",
        "runtime: node\nrepository: github.com/ada/alx\nfolder: ../up\n",
    );
    let found = errors(&yaml, &valid_files());
    let at: Vec<(u64, u64)> = found.iter().map(|(l, c, _)| (*l, *c)).collect();
    assert_eq!(at, [(4, 13), (5, 9)], "{found:?}");
    assert!(found[0].2.contains("is not a repository name"), "{found:?}");
    assert!(found[1].2.starts_with("folder is not allowed"), "{found:?}");
}

const WITH_SERVICES: &str = "\
id: demo
title: Demo project
runtime: python
env: { MYSQL_HOST: db.local }
services:
  - redis
  - name: mariadb
    database: holberton
    seed: [sql/a.sql, sql/b.sql]
    fresh: task
tasks:
  - id: 0-hello
    title: Hello
    files: [0-hello.py]
    checks:
      - name: the file exists
        file: 0-hello.py
";

#[test]
fn services_are_named_or_configured() {
    let files = [
        ("sql/a.sql", "CREATE TABLE a (id INT);"),
        ("sql/b.sql", "INSERT INTO a VALUES (1);\n"),
    ];
    let (_dir, result) = load(WITH_SERVICES, &files);
    let project = result.unwrap();
    let names: Vec<&str> = project.services.iter().map(|s| s.service.name).collect();
    assert_eq!(names, ["redis", "mariadb"]);
    let mariadb = &project.services[1];
    assert_eq!(mariadb.database.as_deref(), Some("holberton"));
    assert_eq!(mariadb.fresh, crate::services::Fresh::Task);
    // Seed files in order, each ending its line; they are never placed in the work directory.
    assert_eq!(
        mariadb.seed,
        b"CREATE TABLE a (id INT);\nINSERT INTO a VALUES (1);\n".to_vec()
    );
    assert!(
        project
            .grader_files
            .iter()
            .all(|f| !f.name.ends_with(".sql"))
    );
    assert_eq!(
        project.services[0].fresh,
        crate::services::Fresh::Submission
    );
    // A service's environment comes after the spec's own, which wins.
    assert!(
        project
            .env
            .contains(&("MYSQL_HOST".into(), "db.local".into()))
    );
    assert_eq!(
        project
            .env
            .iter()
            .filter(|(k, _)| k == "MYSQL_HOST")
            .count(),
        1
    );
    // The seed is part of the version: results stay tied to the data they were graded on.
    let changed = [("sql/a.sql", "CREATE TABLE a (id BIGINT);"), files[1]];
    let (_dir, other) = load(WITH_SERVICES, &changed);
    assert_ne!(other.unwrap().version, project.version);
}

#[test]
fn service_problems_name_their_position() {
    let yaml = WITH_SERVICES
        .replace("  - redis", "  - mongodb\n  - redis\n  - redis")
        .replace("database: holberton", "database: hol-berton")
        .replace("fresh: task", "fresh: always")
        .replace("sql/b.sql", "../b.sql");
    let found = errors(&yaml, &[("sql/a.sql", "")]);
    let messages: Vec<(u64, u64, &str)> =
        found.iter().map(|(l, c, m)| (*l, *c, m.as_str())).collect();
    assert_eq!(messages[0], (6, 5, "unknown service `mongodb`"));
    assert_eq!(messages[1], (8, 5, "service `redis` is named twice"));
    // Inside an entry with options, problems are reported where the entry starts.
    assert_eq!(messages[2].0, 9);
    assert!(
        messages[2]
            .2
            .contains("`hol-berton` is not a database name")
    );
    assert_eq!(messages[3].0, 9);
    assert!(
        messages[3].2.contains("grader file path is not allowed"),
        "{messages:?}"
    );
    assert_eq!(messages[4], (9, 5, "`fresh: always` is not known"));
    let redis_database = WITH_SERVICES.replace("  - redis", "  - name: redis\n    database: x");
    let found = errors(&redis_database, &[("sql/a.sql", ""), ("sql/b.sql", "")]);
    assert_eq!((found[0].0, found[0].1), (6, 5));
    assert_eq!(found[0].2, "service `redis` holds no databases");
    let unknown_key = WITH_SERVICES.replace("fresh: task", "freshness: task");
    let found = errors(&unknown_key, &[("sql/a.sql", ""), ("sql/b.sql", "")]);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].0 >= 7 && found[0].0 <= 12, "{found:?}");
}

#[test]
fn extra_files_take_globs_beside_the_named_files_but_never_a_grader_file() {
    let yaml = VALID.replace(
        "support: [package.json]",
        "support: [package.json]\nextra_files: [\"lib/**/*.js\", \"*.js\"]",
    );
    let (_dir, project) = load(&yaml, &valid_files());
    let project = project.unwrap();
    assert_eq!(project.extra_files.patterns(), ["lib/**/*.js", "*.js"]);
    assert!(project.extra_files.wants("lib/a/b.js"));
    assert!(project.extra_files.wants("helpers.js"));
    // Grader files keep their names: a learner's `0-main.js` never replaces the harness.
    assert!(!project.extra_files.wants("0-main.js"));
    assert!(!project.extra_files.wants("package.json"));
    assert!(!project.extra_files.wants("lib/a.ts"));
    let (_dir, plain) = load(VALID, &valid_files());
    assert!(plain.unwrap().extra_files.is_empty());
}

#[test]
fn extra_files_patterns_that_leave_the_folder_name_their_position() {
    for (pattern, why) in [
        ("../other/*.py", "`..`"),
        ("/etc/*", "absolute path"),
        ("api/[x.py", "extra_files pattern is not allowed"),
    ] {
        let yaml = VALID.replace(
            "support: [package.json]",
            &format!("support: [package.json]\nextra_files:\n  - api/*.py\n  - \"{pattern}\""),
        );
        let found = errors(&yaml, &valid_files());
        assert_eq!(found.len(), 1, "{pattern}: {found:?}");
        let (line, column, message) = &found[0];
        assert_eq!((*line, *column), (9, 5), "{pattern}: {message}");
        assert!(message.contains(why), "{pattern}: {message}");
    }
}
