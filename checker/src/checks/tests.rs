//! `tests`: the learner's own test suite, run against the grader's correct code (it must pass)
//! and against broken versions of it, mutants (it must fail on each).
//!
//! Every run starts from the learner's files plus that run's grader files only: the correct
//! files, with a mutant's files placed over them by name. Files of an earlier run that this one
//! does not have are removed, and so are Python's bytecode caches (grader files all carry the
//! same time stamp, so a cache written for one version could be taken for another). After the
//! check, the grader files of the runs are gone again (or back to the project's own version when
//! a visible check shares the name, and the learner's own file when the name is one of theirs),
//! so no other check sees a mutant.
//!
//! Tests that talk to a server (a learner's integration tests calling an API on a port) name it
//! with `serve`: before each run the command starts in the background from that run's files,
//! the run waits until it listens, and after the run it is stopped with everything it started.

use std::collections::BTreeSet;
use std::time::Duration;

use bytesize::ByteSize;
use schemars::JsonSchema;
use serde::Deserialize;
use serde_saphyr::Spanned;

use super::{Context, Kind, keys};
use crate::report::{CheckReport, Verdict};
use crate::spec::{Check, GraderFile, Limits, Validator};

keys! {
    /// The keys of a `tests` check.
    pub struct TestsKeys {
        /// The command that runs the learner's tests, e.g. `python3 -m unittest test_utils.py`;
        /// it must exit 0 on the correct code and fail on every mutant.
        #[schemars(with = "Option<String>")]
        pub tests: Option<Spanned<String>>,
        /// Grader files (relative to the project folder) of the correct code, placed by file
        /// name before every run.
        #[schemars(with = "Option<Vec<String>>")]
        pub correct: Option<Spanned<Vec<Spanned<String>>>>,
        /// Broken versions of the correct code; the tests must fail on each.
        #[schemars(with = "Option<Vec<RawMutant>>")]
        pub mutants: Option<Spanned<Vec<RawMutant>>>,
        /// A server the tests talk to, started in the background before each run (from that
        /// run's files) and stopped after it, e.g. `{ command: node api.js, port: 7865 }`.
        pub serve: Option<RawServe>,
    }
}

/// A server started for each run of a `tests` check, as written.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawServe {
    /// `/bin/sh` command starting the server in the work directory, e.g. `node api.js`.
    #[schemars(with = "String")]
    pub command: Spanned<String>,
    /// The TCP port it listens on; each run starts once something listens there.
    #[schemars(with = "u16")]
    pub port: Spanned<u16>,
}

/// A server started in the background for each run of a `tests` check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Serve {
    /// `/bin/sh` command starting it.
    pub command: String,
    /// The TCP port it listens on.
    pub port: u16,
}

/// One broken version of the correct code, as written.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawMutant {
    /// What is broken, shown when the learner's tests miss it.
    #[schemars(with = "String")]
    pub name: Spanned<String>,
    /// Grader files placed by file name over the correct ones for this run.
    #[schemars(with = "Vec<String>")]
    pub with: Spanned<Vec<Spanned<String>>>,
    /// The test (class or function) that should catch it, shown when it survives.
    pub caught_by: Option<String>,
}

/// A broken version of the correct code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mutant {
    /// What is broken.
    pub name: String,
    /// Its files, placed over the correct ones by name.
    pub files: Vec<GraderFile>,
    /// The test that should catch it.
    pub caught_by: Option<String>,
}

/// A learner's test suite and the code it is run against.
#[derive(Debug, Clone, PartialEq)]
pub struct TestsCheck {
    /// `/bin/sh` command running the suite in the work directory.
    pub command: String,
    /// The correct code.
    pub correct: Vec<GraderFile>,
    /// Broken versions, at least one.
    pub mutants: Vec<Mutant>,
    /// A server started for each run.
    pub serve: Option<Serve>,
    /// Wall-clock limit of each run.
    pub time: Duration,
    /// Output cap of each run.
    pub output: ByteSize,
}

impl Kind for TestsCheck {
    const KEY: &'static str = "tests";
    const USAGE: &'static str = "`tests: <command>` (with `correct:` and `mutants:`)";
    type Keys = TestsKeys;

    fn located(keys: &TestsKeys) -> Option<(u64, u64)> {
        keys.tests.as_ref().map(Validator::loc)
    }

    fn validate(keys: &TestsKeys, spec: &mut Validator, limits: Limits) -> Option<Self> {
        let command = keys.tests.as_ref()?;
        let at = Validator::loc(command);
        if command.value.trim().is_empty() {
            spec.error(at, "the test command is empty", None);
        }
        let correct = match &keys.correct {
            Some(files) if !files.value.is_empty() => files_of(spec, &files.value),
            Some(files) => {
                spec.error(
                    Validator::loc(files),
                    "`correct` names no file",
                    Some("name the grader's correct code, e.g. `correct: [harness/utils.py]`"),
                );
                Vec::new()
            }
            None => {
                spec.error(
                    at,
                    "a `tests` check needs `correct`: the code the learner's tests must pass on",
                    Some("add e.g. `correct: [harness/utils.py]`"),
                );
                Vec::new()
            }
        };
        let mutants = match &keys.mutants {
            Some(mutants) if !mutants.value.is_empty() => mutants.value.as_slice(),
            Some(mutants) => {
                spec.error(
                    Validator::loc(mutants),
                    "`mutants` is empty: nothing shows that the tests catch anything",
                    Some("add at least one broken version: `- name: ...` and `with: [...]`"),
                );
                &[]
            }
            None => {
                spec.error(
                    at,
                    "a `tests` check needs `mutants`: broken versions the tests must fail on",
                    Some("add `mutants:` with `- name: ...` and `with: [mutants/.../file]`"),
                );
                &[]
            }
        };
        let mut names = BTreeSet::new();
        let mut checked = Vec::new();
        for mutant in mutants {
            if !names.insert(mutant.name.value.as_str()) {
                spec.error(
                    Validator::loc(&mutant.name),
                    format!("mutant `{}` is named twice", mutant.name.value),
                    Some("give every mutant its own name"),
                );
            }
            if mutant.with.value.is_empty() {
                spec.error(
                    Validator::loc(&mutant.with),
                    format!("mutant `{}` names no file", mutant.name.value),
                    Some("name its broken files, e.g. `with: [mutants/off-by-one/utils.py]`"),
                );
            }
            checked.push(Mutant {
                name: mutant.name.value.clone(),
                files: files_of(spec, &mutant.with.value),
                caught_by: mutant.caught_by.clone(),
            });
        }
        let serve = keys.serve.as_ref().map(|serve| {
            if serve.command.value.trim().is_empty() {
                spec.error(
                    Validator::loc(&serve.command),
                    "the server's command is empty",
                    Some("write the command that starts it, e.g. `node api.js`"),
                );
            }
            if serve.port.value == 0 {
                spec.error(
                    Validator::loc(&serve.port),
                    "port 0 is not a port a server listens on",
                    Some("write the port the server listens on, e.g. 7865"),
                );
            }
            Serve {
                command: serve.command.value.clone(),
                port: serve.port.value,
            }
        });
        Some(TestsCheck {
            command: command.value.clone(),
            correct,
            mutants: checked,
            serve,
            time: limits.time,
            output: limits.output,
        })
    }

    async fn execute(&self, context: &Context<'_>) -> CheckReport {
        let mut placed = BTreeSet::new();
        let outcomes = self.run_all(context, &mut placed).await;
        let restored = restore(context, &placed).await.map_err(RunError::from);
        match (outcomes, restored) {
            (Ok(outcomes), Ok(())) => judge(
                context.check,
                self,
                &outcomes,
                context.project.limits.memory,
            ),
            (Err(error), _) | (_, Err(error)) => context.explained(
                Verdict::InternalError,
                format!("the platform failed to run this check: {error}"),
            ),
        }
    }
}

fn files_of(spec: &mut Validator, paths: &[Spanned<String>]) -> Vec<GraderFile> {
    paths.iter().filter_map(|p| spec.check_file(p)).collect()
}

impl TestsCheck {
    /// The grader files of one run: the correct ones, a mutant's over them by name.
    fn files_for(&self, mutant: Option<&Mutant>) -> Vec<GraderFile> {
        let mut files = self.correct.clone();
        for file in mutant.iter().flat_map(|m| &m.files) {
            files.retain(|f| f.name != file.name);
            files.push(file.clone());
        }
        files
    }

    /// Runs the suite on the correct code, then (when it passed there) on every mutant.
    async fn run_all(
        &self,
        context: &Context<'_>,
        placed: &mut BTreeSet<String>,
    ) -> Result<Vec<sandbox::RunOutcome>, RunError> {
        let correct = self.run_once(context, None, placed).await?;
        let passed = suite_passed(&correct);
        let mut outcomes = vec![correct];
        if passed {
            for mutant in &self.mutants {
                outcomes.push(self.run_once(context, Some(mutant), placed).await?);
            }
        }
        Ok(outcomes)
    }

    async fn run_once(
        &self,
        context: &Context<'_>,
        mutant: Option<&Mutant>,
        placed: &mut BTreeSet<String>,
    ) -> Result<sandbox::RunOutcome, RunError> {
        let files = self.files_for(mutant);
        let names: BTreeSet<String> = files.iter().map(|f| f.name.clone()).collect();
        let mut stale: Vec<&str> = placed.difference(&names).map(String::as_str).collect();
        stale.push("__pycache__");
        context.sandbox.remove_check_files(&stale).await?;
        let upload: Vec<sandbox::SandboxFile> = files.iter().map(GraderFile::to_sandbox).collect();
        placed.extend(names);
        context.sandbox.place_for_check(&upload).await?;
        let mut env = context.project.env.clone();
        // No run leaves bytecode behind for the next one to pick up.
        env.push(("PYTHONDONTWRITEBYTECODE".into(), "1".into()));
        let request = sandbox::RunRequest {
            script: self.command.clone(),
            stdin: None,
            env,
            time_limit: self.time,
            output_limit: self.output,
        };
        let Some(serve) = &self.serve else {
            return Ok(context.sandbox.run(&request).await?);
        };
        let outcome = self.run_served(context, serve, &request, mutant).await;
        // Stops the server and everything it or the tests left running, whatever happened.
        let ended = context.sandbox.end_check().await;
        let outcome = outcome?;
        ended?;
        Ok(outcome)
    }

    /// Starts the server, waits until it listens, then runs the tests.
    async fn run_served(
        &self,
        context: &Context<'_>,
        serve: &Serve,
        request: &sandbox::RunRequest,
        mutant: Option<&Mutant>,
    ) -> Result<sandbox::RunOutcome, RunError> {
        let server = sandbox::RunRequest {
            script: serve.command.clone(),
            stdin: None,
            env: request.env.clone(),
            time_limit: self.time + SERVER_START,
            output_limit: self.output,
        };
        let handle = context.sandbox.start_background(&server).await?;
        let listening = context
            .sandbox
            .wait_until_listening(serve.port, SERVER_START)
            .await?;
        if !listening {
            let output = handle.output();
            let stderr = String::from_utf8_lossy(&output.stderr);
            return Err(RunError::ServerDown {
                command: serve.command.clone(),
                port: serve.port,
                run: mutant.map_or("the correct code".into(), |m| {
                    format!("the broken version `{}`", m.name)
                }),
                output: tail(&stderr),
            });
        }
        Ok(context.sandbox.run(request).await?)
    }
}

/// How long a server may take to listen: it is the grader's own code, so a slow start is the
/// machine's load, never the learner's fault (Express alone takes seconds on a busy host).
const SERVER_START: Duration = Duration::from_secs(30);

/// Why a run could not be judged: always the platform's (or the spec's) fault, never the
/// learner's, since the server runs the grader's code.
#[derive(Debug, thiserror::Error)]
enum RunError {
    #[error(transparent)]
    Sandbox(#[from] sandbox::SandboxError),
    #[error(
        "the server `{command}` did not listen on port {port} within {}s on {run}; the end \
         of its standard error:\n{output}",
        SERVER_START.as_secs()
    )]
    ServerDown {
        command: String,
        port: u16,
        run: String,
        output: String,
    },
}

/// The last lines of a server's output, enough to see why it did not start.
fn tail(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(20)..].join("\n")
}

/// Takes the runs' grader files away again; a name the project places for every check gets
/// the project's own file back, and a name of the learner's (their own version of the code
/// under test, which other tasks may use) the learner's file.
async fn restore(
    context: &Context<'_>,
    placed: &BTreeSet<String>,
) -> Result<(), sandbox::SandboxError> {
    let shared: Vec<sandbox::SandboxFile> = context
        .project
        .grader_files
        .iter()
        .filter(|f| placed.contains(&f.name))
        .map(GraderFile::to_sandbox)
        .collect();
    let learners: Vec<sandbox::SandboxFile> = context
        .submission
        .present()
        .filter(|(path, _)| placed.contains(*path) && !shared.iter().any(|f| f.path() == *path))
        .map(|(path, file)| {
            sandbox::SandboxFile::new(path, file.contents.clone()).executable(file.executable)
        })
        .collect();
    let mut gone: Vec<&str> = placed
        .iter()
        .map(String::as_str)
        .filter(|name| !shared.iter().any(|f| f.path() == *name))
        .collect();
    gone.push("__pycache__");
    context.sandbox.remove_check_files(&gone).await?;
    context.sandbox.place_for_check(&shared).await?;
    context.sandbox.upload(&learners).await
}

/// A run passes when the suite exits 0 by itself; a time-out or any limit is a failure.
fn suite_passed(outcome: &sandbox::RunOutcome) -> bool {
    outcome.termination == sandbox::Termination::Exited && outcome.exit_code == Some(0)
}

/// The verdict from the runs: `outcomes[0]` on the correct code, then one per mutant in spec
/// order (absent when the suite failed on the correct code).
pub fn judge(
    check: &Check,
    tests: &TestsCheck,
    outcomes: &[sandbox::RunOutcome],
    memory: ByteSize,
) -> CheckReport {
    let mut report = CheckReport::bare(&check.name, Verdict::Passed, check.points, check.hidden);
    report.duration_ms = outcomes.iter().map(|o| o.duration.as_millis() as u64).sum();
    let Some(correct) = outcomes.first() else {
        report.verdict = Verdict::InternalError;
        report.points = 0;
        report.reason = Some("the platform ran nothing".into());
        return report;
    };
    if !suite_passed(correct) {
        return failed_on_correct(report, tests, correct, memory);
    }
    let mut expected = String::new();
    let mut actual = String::new();
    let mut survivors = Vec::new();
    for (mutant, outcome) in tests.mutants.iter().zip(&outcomes[1..]) {
        expected.push_str(&format!("fails on: {}\n", mutant.name));
        if suite_passed(outcome) {
            actual.push_str(&format!("passes on: {}\n", mutant.name));
            survivors.push(match &mutant.caught_by {
                Some(test) => format!("`{}` (expected to be caught by {test})", mutant.name),
                None => format!("`{}`", mutant.name),
            });
        } else {
            actual.push_str(&format!("fails on: {}\n", mutant.name));
        }
    }
    if survivors.is_empty() {
        return report;
    }
    report.verdict = Verdict::WrongOutput;
    report.points = 0;
    report.reason = Some(format!(
        "your tests pass on {} of {} broken versions of the code: {}",
        survivors.len(),
        tests.mutants.len(),
        survivors.join("; ")
    ));
    report.diff = crate::compare::unified_diff(&expected, &actual);
    report.expected = Some(expected);
    report.actual = Some(actual);
    report
}

/// The suite did not pass on the correct code: its output says why.
fn failed_on_correct(
    mut report: CheckReport,
    tests: &TestsCheck,
    outcome: &sandbox::RunOutcome,
    memory: ByteSize,
) -> CheckReport {
    use sandbox::Termination;
    report.points = 0;
    report.exit_code = outcome.exit_code;
    report.actual = Some(String::from_utf8_lossy(&outcome.stdout).into_owned());
    report.stderr = Some(String::from_utf8_lossy(&outcome.stderr).into_owned());
    let (verdict, reason, limit) = match outcome.termination {
        Termination::TimeLimit => {
            let limit = humantime::format_duration(tests.time).to_string();
            let reason = format!("your tests did not finish within {limit} on the correct code");
            (Verdict::TimeLimit, reason, Some(limit))
        }
        Termination::MemoryLimit => (
            Verdict::MemoryLimit,
            format!("your tests used more memory than {memory} on the correct code"),
            Some(memory.to_string()),
        ),
        Termination::OutputLimit => (
            Verdict::OutputLimit,
            format!(
                "your tests printed more than {} on the correct code",
                tests.output
            ),
            Some(tests.output.to_string()),
        ),
        Termination::Exited => match outcome.exit_code.unwrap_or(-1) {
            code if code > 128 => (
                Verdict::RuntimeError,
                format!(
                    "your tests were killed by signal {} on the correct code",
                    code - 128
                ),
                None,
            ),
            code => (
                Verdict::NonzeroExit,
                format!(
                    "your tests fail on the correct code (exit code {code}): a test expects \
                     something the code rightly does not do"
                ),
                None,
            ),
        },
    };
    report.verdict = verdict;
    report.reason = Some(reason);
    report.limit = limit;
    report
}

#[cfg(test)]
mod unit {
    use super::*;
    use crate::checks::CheckKind;
    use sandbox::Termination::{self, *};

    fn file(name: &str, text: &str) -> GraderFile {
        GraderFile {
            name: name.into(),
            contents: text.as_bytes().to_vec(),
        }
    }

    fn tests() -> TestsCheck {
        let mutant = |name: &str, caught_by: Option<&str>| Mutant {
            name: name.into(),
            files: vec![file("utils.py", name)],
            caught_by: caught_by.map(str::to_owned),
        };
        TestsCheck {
            command: "python3 -m unittest test_utils.py".into(),
            correct: vec![file("utils.py", "good"), file("client.py", "good")],
            serve: None,
            mutants: vec![
                mutant("returns the mapping itself", Some("TestAccessNestedMap")),
                mutant("never raises KeyError", None),
            ],
            time: Duration::from_secs(5),
            output: ByteSize::kib(64),
        }
    }

    fn check() -> Check {
        Check {
            name: "the tests catch broken versions".into(),
            kind: CheckKind::Tests(tests()),
            points: 3,
            hidden: false,
            gate: false,
            message: None,
            own_files: Vec::new(),
        }
    }

    fn run(exit: i64, termination: Termination) -> sandbox::RunOutcome {
        sandbox::RunOutcome {
            exit_code: Some(exit),
            stdout: Vec::new(),
            stderr: b"F.\nFAIL: test_access (test_utils.TestAccessNestedMap)\n".to_vec(),
            duration: Duration::from_millis(100),
            termination,
        }
    }

    fn judged(outcomes: &[sandbox::RunOutcome]) -> CheckReport {
        judge(&check(), &tests(), outcomes, ByteSize::mib(256))
    }

    #[test]
    fn passes_when_the_suite_passes_on_correct_code_and_fails_on_every_mutant() {
        let report = judged(&[run(0, Exited), run(1, Exited), run(1, Exited)]);
        assert_eq!((report.verdict, report.points), (Verdict::Passed, 3));
        assert_eq!(report.duration_ms, 300);
    }

    #[test]
    fn a_mutant_run_that_times_out_or_hits_a_limit_is_caught() {
        for limit in [TimeLimit, MemoryLimit, OutputLimit] {
            let report = judged(&[run(0, Exited), run(137, limit), run(2, Exited)]);
            assert_eq!(report.verdict, Verdict::Passed, "{limit:?}");
        }
    }

    #[test]
    fn survivors_are_named_with_the_test_that_should_catch_them() {
        let report = judged(&[run(0, Exited), run(0, Exited), run(0, Exited)]);
        assert_eq!((report.verdict, report.points), (Verdict::WrongOutput, 0));
        let reason = report.reason.unwrap();
        assert!(reason.contains("2 of 2"), "{reason}");
        assert!(
            reason.contains(
                "`returns the mapping itself` (expected to be caught by TestAccessNestedMap)"
            ),
            "{reason}"
        );
        assert!(reason.contains("; `never raises KeyError`"), "{reason}");
        let diff = report.diff.unwrap();
        assert!(
            diff.contains("+passes on: never raises KeyError\n"),
            "{diff}"
        );
        assert!(
            diff.contains("-fails on: never raises KeyError\n"),
            "{diff}"
        );
    }

    #[test]
    fn one_survivor_among_caught_mutants_is_the_only_one_named() {
        let report = judged(&[run(0, Exited), run(1, Exited), run(0, Exited)]);
        let reason = report.reason.unwrap();
        assert!(reason.contains("1 of 2"), "{reason}");
        assert!(!reason.contains("mapping itself"), "{reason}");
    }

    #[test]
    fn a_suite_failing_on_correct_code_fails_with_its_output() {
        let report = judged(&[run(1, Exited)]);
        assert_eq!(report.verdict, Verdict::NonzeroExit);
        assert!(report.reason.unwrap().contains("fail on the correct code"));
        assert!(report.stderr.unwrap().contains("FAIL: test_access"));
        assert_eq!(report.exit_code, Some(1));
    }

    #[test]
    fn a_suite_hanging_on_correct_code_is_a_time_limit() {
        let report = judged(&[run(137, TimeLimit)]);
        assert_eq!(report.verdict, Verdict::TimeLimit);
        assert_eq!(report.limit.as_deref(), Some("5s"));
        assert!(report.reason.unwrap().contains("did not finish within 5s"));
    }

    #[test]
    fn a_mutant_replaces_correct_files_by_name_and_keeps_the_others() {
        let tests = tests();
        let files = tests.files_for(Some(&tests.mutants[0]));
        let utils = files.iter().find(|f| f.name == "utils.py").unwrap();
        assert_eq!(utils.contents, b"returns the mapping itself");
        assert_eq!(files.len(), 2);
        assert!(files.iter().any(|f| f.name == "client.py"));
        assert_eq!(tests.files_for(None), tests.correct);
    }
}
