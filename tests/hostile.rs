//! Hostile submissions end to end: code that attacks the sandbox, the grader or the host (bombs,
//! floods, escapes, secrets, daemons, tampering) and files that try to smuggle the host's files
//! in. Every attack must get a truthful verdict, and the platform must be unharmed afterwards:
//! the next submission still grades correctly, no container and no temporary folder is left.

mod support;

use std::collections::BTreeSet;
use std::process::{Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use support::docker::{containers_of, docker_ready};
use support::*;

/// Every check of `tests/fixtures/hostile/project`, in order: task, check, the verdict that tells
/// the truth about what the code did (`a|b`: either is true, the kernel decides).
const HOSTILE_VERDICTS: &[(&str, &str, &str)] = &[
    ("time", "loops forever", "time_limit"),
    ("time", "sleeps past the limit", "time_limit"),
    ("time", "sleeps in the shell", "time_limit"),
    // The bomb keeps forking in the background while the command waits: it never ends.
    ("processes", "fork bomb in the background", "time_limit"),
    // Recursion in the foreground: at the pids limit `fork` fails, the shell says
    // "Cannot fork" and exits 2.
    ("processes", "fork bomb in the foreground", "runtime_error"),
    // Spawn errors (EAGAIN at 128 processes) are ignored and retried: it never ends.
    ("processes", "fork bomb with child_process", "time_limit"),
    // Every worker is a V8 isolate: memory runs out long before 128 threads.
    (
        "processes",
        "thread bomb with worker_threads",
        "memory_limit",
    ),
    // The platform killed every bomb when its check ended: 128 processes are free again.
    ("processes", "runs fine after the bombs", "passed"),
    ("processes", "leaves daemons behind", "passed"),
    // Whatever a check leaves running is killed when it ends, so nothing leaks into the next
    // check, however the check ended (README, "The sandbox").
    ("processes", "no daemon survives its check", "passed"),
    // The shell survives the kernel's kill of its child and says so.
    ("processes", "outlives a child killed for memory", "passed"),
    // The command's own shell is killed by signal 9: by the program, not by the platform, and
    // not for memory (the out-of-memory kill of the check before is not this one's).
    ("processes", "kills its parent shell", "runtime_error"),
    ("processes", "kills every process it can", "runtime_error"),
    (
        "processes",
        "leaves a daemon and kills its parent shell",
        "runtime_error",
    ),
    ("processes", "no daemon survives a killed shell", "passed"),
    (
        "processes",
        "leaves a daemon and kills every shell above it",
        "runtime_error",
    ),
    ("processes", "no daemon survives killed shells", "passed"),
    ("memory", "hoards heap arrays", "memory_limit"),
    ("memory", "hoards buffers", "memory_limit"),
    // The 64 MiB work directory is full before the 96 MiB of memory are: the program sees
    // ENOSPC, gives the space back and says so.
    ("memory", "fills the work directory", "passed"),
    ("memory", "runs fine after the hoarding", "passed"),
    ("output", "floods standard output", "output_limit"),
    ("output", "floods standard error", "output_limit"),
    ("output", "prints one endless line", "output_limit"),
    ("output", "closes its output early", "passed"),
    ("output", "closes its output and hangs", "time_limit"),
    (
        "output",
        "prints invalid UTF-8 and terminal escapes",
        "wrong_output",
    ),
    ("output", "prints NUL bytes", "passed"),
    ("escape", "writes outside the work directory", "passed"),
    ("escape", "connects to the internet", "passed"),
    ("escape", "connects to the Docker API of the host", "passed"),
    ("escape", "connects to localhost", "passed"),
    ("escape", "resolves a name", "passed"),
    ("escape", "looks for the Docker socket", "passed"),
    ("escape", "reads its environment", "passed"),
    ("escape", "reads the environment of pid 1", "passed"),
    ("escape", "reads other processes", "passed"),
    ("escape", "reads /etc/shadow", "passed"),
    ("escape", "becomes root", "passed"),
    ("escape", "becomes root with su", "passed"),
    ("escape", "opens a user namespace", "passed"),
    ("harness", "tampers with the harness", "passed"),
    ("harness", "the harness still runs", "passed"),
    // A hidden check's harness is placed for it alone and removed after it.
    (
        "hidden",
        "looks for a hidden harness before it runs",
        "passed",
    ),
    ("hidden", "a hidden check runs its harness", "passed"),
    ("hidden", "another hidden check does not see it", "passed"),
    (
        "hidden",
        "looks for a hidden harness after it ran",
        "passed",
    ),
    // What a hidden check's code wrote goes with its harness, under any name, anywhere.
    ("hidden", "makes a folder of its own", "passed"),
    (
        "hidden",
        "a hidden check whose code copies its harness away",
        "passed",
    ),
    ("hidden", "looks for the copies", "passed"),
    // Inodes and dentries are kernel memory charged to the sandbox: with the cgroup full the
    // kernel either kills the program or lets it thrash until the time limit. Both are true.
    (
        "inodes",
        "creates files without end",
        "time_limit|memory_limit",
    ),
    // The platform's processes, the runner among them, cannot be signalled, traced or read.
    (
        "platform",
        "stops and kills every process of another user",
        "passed",
    ),
    ("platform", "traces every process of another user", "passed"),
    ("platform", "reads the runner", "passed"),
    // A stopped wrapper never ends: the command runs into its time limit and is killed.
    ("platform", "stops its wrapper shell", "time_limit"),
    // A daemon holding the output does not hold the check, and dies with it.
    ("platform", "leaves a daemon holding its output", "passed"),
    (
        "platform",
        "no daemon survives holding the output",
        "passed",
    ),
    (
        "platform",
        "kills every process it can, again",
        "runtime_error",
    ),
    ("platform", "runs fine after the attacks", "passed"),
];

/// Entries of `/tmp` named `checker-*`, except `.ci/run`'s own (`checker-ci-*`: its database,
/// made by that script, perhaps while these tests run).
fn checker_temp_dirs() -> BTreeSet<String> {
    std::fs::read_dir("/tmp")
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|name| name.starts_with("checker-") && !name.starts_with("checker-ci-"))
                .collect()
        })
        .unwrap_or_default()
}

/// Runs `checker` with `args` as a child whose pid is known, with its own `TMPDIR`, and checks
/// that it left no container and nothing in that `TMPDIR`.
fn run_tracked(args: &[&str]) -> Output {
    let tmp = tempfile::tempdir().unwrap();
    let child = checker()
        .args(args)
        .env("TMPDIR", tmp.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the checker binary runs");
    let pid = child.id();
    let output = child.wait_with_output().unwrap();
    assert_eq!(
        containers_of(pid),
        Vec::<String>::new(),
        "`checker {}` left containers behind",
        args.join(" ")
    );
    let left: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().collect();
    assert!(left.is_empty(), "temporary files left behind: {left:?}");
    output
}

/// The JSON report of a `--json` run, whatever bytes the learner's code printed.
fn report_of(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", stdout(output), stderr(output)))
}

fn checks(report: &Value) -> Vec<(String, &Value)> {
    report["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|task| {
            let id = task["id"].as_str().unwrap().to_owned();
            task["checks"]
                .as_array()
                .unwrap()
                .iter()
                .map(move |check| (id.clone(), check))
        })
        .collect()
}

/// `2s` or `500ms` (the report's spelling of a time limit) in milliseconds.
fn millis(limit: &str) -> u64 {
    if let Some(ms) = limit.strip_suffix("ms") {
        ms.parse().unwrap()
    } else if let Some(s) = limit.strip_suffix('s') {
        s.parse::<u64>().unwrap() * 1000
    } else {
        panic!("unexpected time limit `{limit}`")
    }
}

/// A line about a check for failure messages: its verdict, reason and some of its output.
fn describe(task: &str, check: &Value) -> String {
    let excerpt = |key: &str| {
        let text = check[key].as_str().unwrap_or_default();
        text.chars().take(200).collect::<String>()
    };
    format!(
        "{task}/{}: {} ({}) stdout {:?} stderr {:?}",
        check["name"].as_str().unwrap(),
        check["verdict"].as_str().unwrap(),
        check["reason"].as_str().unwrap_or("-"),
        excerpt("actual"),
        excerpt("stderr"),
    )
}

#[test]
fn a_hostile_submission_gets_truthful_verdicts_and_leaves_the_platform_unharmed() {
    if !docker_ready() {
        return;
    }
    let temp_before = checker_temp_dirs();
    let project = fixture("hostile/project");
    let submission = fixture("hostile/submission");
    let started = Instant::now();
    let output = run_tracked(&["grade", &project, &submission, "--json", "--show-hidden"]);
    let elapsed = started.elapsed();
    // Invalid UTF-8 and NUL bytes in the learner's output: the report is still JSON.
    let report = report_of(&output);
    assert_eq!(report["project"], "hostile");
    let mut problems = Vec::new();
    // Graded, something failed: never a platform fault (exit 3).
    if output.status.code() != Some(1) || report["platform_error"] != Value::Null {
        problems.push(format!(
            "exit code {:?}, platform error {}: {}",
            output.status.code(),
            report["platform_error"],
            stderr(&output)
        ));
    }

    let checks = checks(&report);
    let names: Vec<(String, String)> = checks
        .iter()
        .map(|(task, check)| (task.clone(), check["name"].as_str().unwrap().to_owned()))
        .collect();
    let expected: Vec<(String, String)> = HOSTILE_VERDICTS
        .iter()
        .map(|(t, n, _)| (t.to_string(), n.to_string()))
        .collect();
    assert_eq!(
        names, expected,
        "the project's checks and HOSTILE_VERDICTS differ"
    );
    for (task, check) in &checks {
        let verdict = check["verdict"].as_str().unwrap();
        let duration = check["duration_ms"].as_u64().unwrap();
        // Limits are enforced on time, and a verdict never blames the learner for the platform.
        if verdict == "time_limit" {
            let limit = millis(check["limit"].as_str().unwrap());
            if duration >= limit + 2000 {
                problems.push(format!("ran {duration} ms: {}", describe(task, check)));
            }
        }
        if verdict == "output_limit" {
            let shown =
                check["actual"].as_str().unwrap().len() + check["stderr"].as_str().unwrap().len();
            // Lossy decoding may widen a cut UTF-8 sequence by a replacement character.
            if shown > 16 * 1024 + 3 {
                problems.push(format!("{shown} bytes kept: {}", describe(task, check)));
            }
        }
        if verdict == "memory_limit" && check["limit"] != "96.0 MiB" {
            problems.push(format!(
                "limit {}: {}",
                check["limit"],
                describe(task, check)
            ));
        }
        for key in ["actual", "stderr"] {
            let text = check[key].as_str().unwrap_or_default();
            if text.contains("OCI runtime") || text.contains("exec failed") {
                problems.push(format!(
                    "the container runtime's message shown as the learner's {key}: {}",
                    describe(task, check)
                ));
            }
        }
    }
    // Bytes that are not UTF-8 are shown, replaced; NUL bytes are kept and compared.
    let binary = checks
        .iter()
        .find(|(_, c)| c["name"] == "prints invalid UTF-8 and terminal escapes")
        .unwrap()
        .1;
    let actual = binary["actual"].as_str().unwrap();
    assert!(
        actual.contains('\u{FFFD}') && actual.contains("\0A"),
        "{actual:?}"
    );
    for (_, check) in checks.iter().filter(|(_, c)| {
        c["name"]
            .as_str()
            .is_some_and(|n| n.starts_with("kills") || n.starts_with("leaves a daemon and kills"))
    }) {
        if check["verdict"] != "internal_error"
            && check["reason"] != "the program was killed by signal 9"
        {
            problems.push(format!(
                "not told it was killed by signal 9: {}",
                describe("processes", check)
            ));
        }
    }
    // The limits bound the whole run too: 11 s of time limits and ~40 short checks, in up to
    // two sandboxes side by side; a hang would take far longer.
    if elapsed > Duration::from_secs(90) {
        problems.push(format!("grading took {elapsed:?}"));
    }

    // The platform is unharmed: the next submission grades as it always does.
    let es6 = fixture("es6-data-manipulation/reference");
    let output = run_tracked(&[
        "grade",
        "es6-data-manipulation",
        &es6,
        "--json",
        "--show-hidden",
    ]);
    let reference = report_of(&output);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(reference["score"].as_f64(), Some(100.0));
    assert_eq!(reference["bonus"].as_f64(), Some(100.0));
    let added: Vec<_> = checker_temp_dirs()
        .difference(&temp_before)
        .cloned()
        .collect();
    assert!(added.is_empty(), "left in /tmp: {added:?}");

    // Last, so that the checks above run even when a verdict is wrong.
    for ((task, check), (_, _, want)) in checks.iter().zip(HOSTILE_VERDICTS) {
        let verdict = check["verdict"].as_str().unwrap();
        if !want.split('|').any(|w| w == verdict) {
            problems.push(format!("expected {want}: {}", describe(task, check)));
        }
    }
    assert!(
        problems.is_empty(),
        "{} problem(s):\n{}\n",
        problems.len(),
        problems.join("\n")
    );
}

/// Every check of `tests/fixtures/hostile/services/project`, in order, with its truthful verdict.
const SERVICE_VERDICTS: &[(&str, &str, &str)] = &[
    ("sql", "drops its database", "passed"),
    // The learner's own database is gone for the rest of its task: the client fails.
    (
        "sql",
        "its database is gone for the rest of the task",
        "runtime_error",
    ),
    ("sql", "runs a query forever", "time_limit"),
    ("sql", "leaves a connection holding a lock", "time_limit"),
    ("sql", "drops the system schema", "passed"),
    // The next task gets its seed back (the pod restarts when the reset cannot work) and no
    // connection of the last one.
    ("sql-after", "has its seeded database back", "passed"),
    (
        "sql-after",
        "no connection of the last task holds its lock",
        "passed",
    ),
    // Redis refuses writes past its memory ("OOM") instead of evicting or dying.
    ("redis", "floods Redis past its memory", "passed"),
    ("redis", "shuts Redis down", "passed"),
    ("redis", "starts daemons that keep writing", "passed"),
    ("redis", "no daemon writes after its check", "passed"),
    ("redis-after", "starts with an empty Redis", "passed"),
];

/// SQL that drops databases or runs forever and a Redis flooded, shut down or written to by
/// daemons only hurt their own submission: truthful verdicts, the next task starts clean, and
/// no container (service or learner) is left.
#[test]
fn attacks_on_services_only_hurt_their_own_submission() {
    if !support::docker::services_ready() {
        return;
    }
    let project = fixture("hostile/services/project");
    let submission = fixture("hostile/services/submission");
    let output = run_tracked(&["grade", &project, &submission, "--json", "--show-hidden"]);
    let report = report_of(&output);
    assert_eq!(report["project"], "hostile-services");
    assert_eq!(
        (output.status.code(), &report["platform_error"]),
        (Some(1), &Value::Null),
        "{}",
        stderr(&output)
    );
    let checks = checks(&report);
    let names: Vec<(&str, &str)> = checks
        .iter()
        .map(|(task, check)| (task.as_str(), check["name"].as_str().unwrap()))
        .collect();
    let expected: Vec<(&str, &str)> = SERVICE_VERDICTS.iter().map(|(t, n, _)| (*t, *n)).collect();
    assert_eq!(
        names, expected,
        "the project's checks and SERVICE_VERDICTS differ"
    );
    let wrong: Vec<String> = checks
        .iter()
        .zip(SERVICE_VERDICTS)
        .filter(|((_, check), (_, _, want))| check["verdict"] != *want)
        .map(|((task, check), (_, _, want))| format!("expected {want}: {}", describe(task, check)))
        .collect();
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// What each attack on the Star Wars API stand-in gets, in the project's order.
const SWAPI_VERDICTS: &[(&str, &str)] = &[
    ("floods the API with requests at once", "passed"),
    ("holds sockets open without a request", "time_limit"),
    // It kills itself: nothing of the service is in its process namespace.
    ("kills every process it can", "runtime_error"),
    ("points the API's host name elsewhere", "passed"),
    ("looks for the service's private key", "passed"),
    (
        "the API still answers with a verified certificate",
        "passed",
    ),
];

/// A learner that floods the Star Wars API stand-in, holds its sockets, kills what it can or
/// tries to redirect its host name gets truthful verdicts, the API keeps answering with a
/// certificate Node verifies, and no container is left.
#[test]
fn attacks_on_the_api_stand_in_only_hurt_their_own_submission() {
    if !support::docker::swapi_ready() {
        return;
    }
    let project = fixture("hostile/swapi/project");
    let submission = fixture("hostile/swapi/submission");
    let output = run_tracked(&["grade", &project, &submission, "--json", "--show-hidden"]);
    let report = report_of(&output);
    assert_eq!(
        (output.status.code(), &report["platform_error"]),
        (Some(1), &Value::Null),
        "{}",
        stderr(&output)
    );
    let checks = checks(&report);
    let names: Vec<&str> = checks
        .iter()
        .map(|(_, check)| check["name"].as_str().unwrap())
        .collect();
    let expected: Vec<&str> = SWAPI_VERDICTS.iter().map(|(n, _)| *n).collect();
    assert_eq!(
        names, expected,
        "the project's checks and SWAPI_VERDICTS differ"
    );
    let wrong: Vec<String> = checks
        .iter()
        .zip(SWAPI_VERDICTS)
        .filter(|((_, check), (_, want))| check["verdict"] != *want)
        .map(|((task, check), (_, want))| format!("expected {want}: {}", describe(task, check)))
        .collect();
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// A submission whose named files are links, a folder, a named pipe or a giant, built here
/// because links don't belong in the repository.
fn hostile_files() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::copy(
        fixture("hostile/submission/hostile.js"),
        root.join("hostile.js"),
    )
    .unwrap();
    std::os::unix::fs::symlink("/etc/passwd", root.join("passwd.js")).unwrap();
    std::os::unix::fs::symlink("/etc", root.join("lib")).unwrap();
    std::fs::create_dir(root.join("folder.js")).unwrap();
    let mkfifo = std::process::Command::new("mkfifo")
        .arg(root.join("fifo.js"))
        .status()
        .unwrap();
    assert!(mkfifo.success());
    let mib = 1024 * 1024;
    let mut edge = b"//".to_vec();
    edge.resize(mib - 1, b'x');
    edge.push(b'\n');
    std::fs::write(root.join("edge.js"), edge).unwrap();
    std::fs::write(root.join("big.js"), vec![b' '; mib + 1]).unwrap();
    dir
}

#[test]
fn hostile_learner_files_are_refused_and_never_followed() {
    if !docker_ready() {
        return;
    }
    let submission = hostile_files();
    let project = fixture("hostile/files");
    let dir = submission.path().display().to_string();
    let started = Instant::now();
    let output = run_tracked(&["grade", &project, &dir, "--json", "--show-hidden"]);
    // A reader of the named pipe would block forever.
    assert!(started.elapsed() < Duration::from_secs(30));
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(
        !text.contains("root:x:0:0"),
        "the host's /etc/passwd leaked:\n{text}"
    );
    let report = report_of(&output);
    let got: Vec<(String, String, String, String)> = checks(&report)
        .iter()
        .map(|(task, check)| {
            (
                task.clone(),
                check["name"].as_str().unwrap().to_owned(),
                check["verdict"].as_str().unwrap().to_owned(),
                check["reason"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    let link = "`passwd.js` is a symbolic link; submit the file itself";
    let below_link = "`lib/passwd` is a symbolic link; submit the file itself";
    let big = "`big.js` is 1048577 bytes, more than the 1048576 bytes allowed";
    let expected = [
        ("regular", "runs it", "passed", ""),
        ("edge", "the file exists", "passed", ""),
        ("edge", "runs it", "passed", ""),
        ("symlink", "the file exists", "missing_file", link),
        ("symlink", "prints it", "missing_file", link),
        ("linked-folder", "prints it", "missing_file", below_link),
        (
            "folder",
            "runs it",
            "missing_file",
            "`folder.js` is not a regular file (a folder, a pipe or a device)",
        ),
        // Not read (it would block): refused like any non-file, whatever the wording.
        ("fifo", "runs it", "missing_file", ""),
        ("giant", "runs it", "missing_file", big),
    ];
    let expected: Vec<(String, String, String, String)> = expected
        .iter()
        .map(|(t, n, v, r)| (t.to_string(), n.to_string(), v.to_string(), r.to_string()))
        .collect();
    let normalize = |rows: Vec<(String, String, String, String)>| -> Vec<_> {
        rows.into_iter()
            .map(|(t, n, v, r)| {
                let r = if t == "fifo" { String::new() } else { r };
                (t, n, v, r)
            })
            .collect()
    };
    assert_eq!(normalize(got), normalize(expected));
}

#[test]
fn specs_that_reach_outside_their_folders_are_refused() {
    let dir = fixture("hostile/bad-specs");
    let output = run(&["tasks", "validate", &dir]);
    assert_eq!(output.status.code(), Some(2), "{}", stdout(&output));
    let text = stderr(&output);
    for (project, at, message) in [
        (
            "learner-dotdot",
            "8:13",
            "learner file path is not allowed: `../../etc/passwd` leaves its directory (`..`)",
        ),
        (
            "learner-absolute",
            "8:13",
            "learner file path is not allowed: `/etc/passwd` is absolute; paths must be relative",
        ),
        (
            "file-check-dotdot",
            "10:34",
            "learner file path is not allowed: `main.js/../../../root/.ssh/id_rsa` leaves its directory (`..`)",
        ),
        (
            "grader-dotdot",
            "12:16",
            "grader file path is not allowed: `harness/../../../../../../etc/shadow` leaves its directory (`..`)",
        ),
        (
            "support-dotdot",
            "5:11",
            "grader file path is not allowed: `../../../Cargo.toml` leaves its directory (`..`)",
        ),
    ] {
        let line = format!("{dir}/{project}/project.yaml:{at}: {message}");
        assert!(text.contains(&line), "no `{line}` in:\n{text}");
    }
    assert!(text.contains("5 problem(s) found"), "{text}");

    // Grading with such a spec is bad input, refused before any sandbox exists.
    let project = fixture("hostile/bad-specs/grader-dotdot");
    let submission = fixture("hostile/submission");
    let output = run_tracked(&["grade", &project, &submission, "--json"]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(output.stdout.is_empty(), "{}", stdout(&output));

    // Grader files reached through a link, built here because links don't belong in the
    // repository: the file itself, or a folder on its path.
    for (name, with) in [
        ("a link", "harness.js"),
        ("a linked folder", "secrets/passwd"),
    ] {
        let project = tempfile::tempdir().unwrap();
        let root = project.path();
        std::os::unix::fs::symlink("/etc/passwd", root.join("harness.js")).unwrap();
        std::os::unix::fs::symlink("/etc", root.join("secrets")).unwrap();
        std::fs::write(
            root.join("project.yaml"),
            format!(
                "id: linked\ntitle: Linked\nruntime: node\ntasks:\n  - id: t\n    title: T\n    checks:\n      - {{ name: prints it, run: cat passwd, with: [{with}] }}\n"
            ),
        )
        .unwrap();
        let output = run(&["tasks", "validate", &root.display().to_string()]);
        assert_eq!(
            output.status.code(),
            Some(2),
            "a grader file through {name} (`{with}` → /etc/passwd) was accepted:\n{}{}",
            stdout(&output),
            stderr(&output)
        );
    }
}

#[test]
fn learner_output_cannot_drive_the_graders_terminal() {
    if !docker_ready() {
        return;
    }
    let project = fixture("hostile/escapes");
    let submission = fixture("hostile/submission");
    // As on a color terminal: the report's own styling is on.
    let child = checker()
        .args(["grade", &project, &submission, "--quiet"])
        .env_remove("NO_COLOR")
        .env("CLICOLOR_FORCE", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    let output = child.wait_with_output().unwrap();
    assert_eq!(containers_of(pid), Vec::<String>::new());
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.contains("wrong output"), "{text}");
    // The report's styling is SGR (`ESC [ ... m`); the learner's clear-screen, window title
    // and NUL bytes must not reach the terminal as they are.
    for (what, raw) in [
        ("clear the screen", "\x1b[2J"),
        ("set the window title", "\x1b]0;"),
        ("a NUL byte", "\0"),
    ] {
        assert!(
            !text.contains(raw),
            "the learner's output can {what} in the grader's terminal: {:?}",
            text
        );
    }
}

/// Every check of `tests/fixtures/hostile/servers`, in order, with the verdict that tells the
/// truth about what the server did.
const SERVER_VERDICTS: &[(&str, &str)] = &[
    ("never listens", "time_limit"),
    ("listens on the wrong port", "time_limit"),
    ("exits before listening", "runtime_error"),
    ("crashes on the first request", "runtime_error"),
    // Output beyond the cap is dropped; the server is not blocked and answers.
    ("floods its output and still answers", "passed"),
    ("forks daemons and answers", "passed"),
    // The server and every process it started end with its check.
    ("no daemon survives the server's check", "passed"),
    // The pod's network namespace has loopback only.
    ("cannot reach the internet, the host or a name", "passed"),
    ("answers something that is not HTTP", "runtime_error"),
    ("never answers", "time_limit"),
    (
        "answers a body larger than the output limit",
        "output_limit",
    ),
    ("nothing listens after the last server's check", "passed"),
];

#[test]
fn hostile_servers_get_truthful_verdicts_and_leave_nothing_running() {
    if !docker_ready() {
        return;
    }
    let project = fixture("hostile/servers");
    let submission = fixture("hostile/servers/submission");
    let output = run_tracked(&["grade", &project, &submission, "--json", "--show-hidden"]);
    let report = report_of(&output);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert_eq!(report["platform_error"], Value::Null);
    let checks = checks(&report);
    let names: Vec<&str> = checks
        .iter()
        .map(|(_, check)| check["name"].as_str().unwrap())
        .collect();
    let expected: Vec<&str> = SERVER_VERDICTS.iter().map(|(name, _)| *name).collect();
    assert_eq!(
        names, expected,
        "the project's checks and SERVER_VERDICTS differ"
    );
    let mut problems = Vec::new();
    for ((task, check), (_, want)) in checks.iter().zip(SERVER_VERDICTS) {
        if check["verdict"] != *want {
            problems.push(format!("expected {want}: {}", describe(task, check)));
        }
    }
    let reason = |name: &str| {
        let (_, check) = checks.iter().find(|(_, c)| c["name"] == name).unwrap();
        check["reason"].as_str().unwrap_or_default().to_owned()
    };
    // The crash is the learner's, told with their file and line.
    let crash = reason("crashes on the first request");
    if !crash.contains("Error: boom on the first request, at server.js:29") {
        problems.push(format!("crash reason: {crash}"));
    }
    let silent = reason("listens on the wrong port");
    if !silent.contains("nothing listened on port 8080") {
        problems.push(format!("wrong-port reason: {silent}"));
    }
    // `run_tracked` found no container and no temporary file of this run left.
    assert!(
        problems.is_empty(),
        "{} problem(s):\n{}\n",
        problems.len(),
        problems.join("\n")
    );
}
