//! `run`: a `/bin/sh` command run in the sandbox, judged on its exit code and outputs.

use std::time::Duration;

use bytesize::ByteSize;
use schemars::JsonSchema;
use serde::Deserialize;
use serde_saphyr::Spanned;

use super::{Context, Kind, keys};
use crate::compare::{Compare, Comparison};
use crate::report::{CheckReport, Verdict};
use crate::spec::{Check, Limits, Validator};

keys! {
    /// The keys of a `run` check.
    pub struct RunKeys {
        /// A `/bin/sh` command run in the work directory.
        #[schemars(with = "Option<String>")]
        pub run: Option<Spanned<String>>,
        /// Text fed to the command's standard input.
        pub stdin: Option<String>,
        /// Grader files (relative to the project folder) placed beside the learner's for this
        /// check.
        #[schemars(with = "Option<Vec<String>>")]
        pub with: Option<Vec<Spanned<String>>>,
        /// What the command must print and return.
        pub expect: Option<RawExpect>,
        /// How outputs are compared (default `trailing_whitespace`).
        #[schemars(with = "Option<Comparison>")]
        pub compare: Option<Spanned<String>>,
        /// Largest accepted difference between numbers, with `compare: numbers` (default 1e-6).
        #[schemars(with = "Option<f64>")]
        pub tolerance: Option<Spanned<f64>>,
    }
}

/// Expected results of a `run` check.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawExpect {
    /// Expected standard output (a pattern with `compare: regex`).
    #[schemars(with = "Option<String>")]
    pub stdout: Option<Spanned<String>>,
    /// Expected standard error (a pattern with `compare: regex`).
    #[schemars(with = "Option<String>")]
    pub stderr: Option<Spanned<String>>,
    /// Expected exit code (default 0).
    pub exit: Option<i64>,
}

/// A command and its expected results.
#[derive(Debug, Clone, PartialEq)]
pub struct RunCheck {
    /// `/bin/sh` command run in the work directory.
    pub command: String,
    /// Standard input.
    pub stdin: Option<String>,
    /// Expected standard output, if checked.
    pub stdout: Option<String>,
    /// Expected standard error, if checked.
    pub stderr: Option<String>,
    /// Expected exit code.
    pub exit: i64,
    /// How outputs are compared.
    pub compare: Compare,
    /// Wall-clock limit.
    pub time: Duration,
    /// Output cap.
    pub output: ByteSize,
}

impl Kind for RunCheck {
    const KEY: &'static str = "run";
    const USAGE: &'static str = "`run: <command>` (with `expect:`)";
    type Keys = RunKeys;

    fn located(keys: &RunKeys) -> Option<(u64, u64)> {
        keys.run.as_ref().map(Validator::loc)
    }

    fn validate(keys: &RunKeys, spec: &mut Validator, limits: Limits) -> Option<Self> {
        let command = keys.run.as_ref()?;
        if command.value.trim().is_empty() {
            spec.error(Validator::loc(command), "the command is empty", None);
        }
        for file in keys.with.iter().flatten() {
            spec.grader_file(file);
        }
        let expect = keys.expect.as_ref();
        let stdout = expect.and_then(|e| e.stdout.as_ref());
        let stderr = expect.and_then(|e| e.stderr.as_ref());
        let mut compare = Compare::default();
        if let Some(name) = &keys.compare {
            match Comparison::from_name(&name.value) {
                Some(mode) => compare.mode = mode,
                None => {
                    spec.error(
                        Validator::loc(name),
                        format!("unknown comparison `{}`", name.value),
                        Some(&format!("use one of: {}", Comparison::names().join(", "))),
                    );
                    compare.mode = Comparison::Exact;
                }
            }
        }
        match (compare.mode, &keys.tolerance) {
            (Comparison::Numbers, Some(t)) if t.value.is_finite() && t.value >= 0.0 => {
                compare.tolerance = t.value;
            }
            (Comparison::Numbers, Some(t)) => spec.error(
                Validator::loc(t),
                "the tolerance must be a non-negative number",
                None,
            ),
            (_, Some(t)) => spec.error(
                Validator::loc(t),
                "`tolerance` only applies with `compare: numbers`",
                Some("remove it or set `compare: numbers`"),
            ),
            (_, None) => {}
        }
        for expected in [stdout, stderr].into_iter().flatten() {
            if let Err((why, hint)) = compare.check_expected(&expected.value) {
                spec.error(Validator::loc(expected), why, Some(hint));
            }
        }
        Some(RunCheck {
            command: command.value.clone(),
            stdin: keys.stdin.clone(),
            stdout: stdout.map(|s| s.value.clone()),
            stderr: stderr.map(|s| s.value.clone()),
            exit: expect.and_then(|e| e.exit).unwrap_or(0),
            compare,
            time: limits.time,
            output: limits.output,
        })
    }

    async fn execute(&self, context: &Context<'_>) -> CheckReport {
        let request = sandbox::RunRequest {
            script: self.command.clone(),
            stdin: self.stdin.as_ref().map(|s| s.clone().into_bytes()),
            env: context.project.env.clone(),
            time_limit: self.time,
            output_limit: self.output,
        };
        match context.sandbox.run(&request).await {
            Ok(outcome) => judge(context.check, self, &outcome, context.project.limits.memory),
            Err(error) => context.explained(
                Verdict::InternalError,
                format!("the platform failed to run this check: {error}"),
            ),
        }
    }
}

/// Decides the verdict of a run check from what the command did. Limits come first, then the
/// exit code, then the outputs.
pub fn judge(
    check: &Check,
    run: &RunCheck,
    outcome: &sandbox::RunOutcome,
    memory: ByteSize,
) -> CheckReport {
    let stdout = String::from_utf8_lossy(&outcome.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&outcome.stderr).into_owned();
    let mut report = CheckReport::bare(&check.name, Verdict::Passed, check.points, check.hidden);
    report.duration_ms = outcome.duration.as_millis() as u64;
    report.exit_code = outcome.exit_code;
    let limit_hit = match outcome.termination {
        sandbox::Termination::TimeLimit => Some((
            Verdict::TimeLimit,
            humantime::format_duration(run.time).to_string(),
            "did not finish within",
        )),
        sandbox::Termination::MemoryLimit => Some((
            Verdict::MemoryLimit,
            memory.to_string(),
            "was killed for using more memory than",
        )),
        sandbox::Termination::OutputLimit => Some((
            Verdict::OutputLimit,
            run.output.to_string(),
            "was stopped for printing more than",
        )),
        sandbox::Termination::Exited => None,
    };
    if let Some((verdict, limit, what)) = limit_hit {
        report.verdict = verdict;
        report.reason = Some(format!("the command {what} {limit}"));
        report.limit = Some(limit);
        report.actual = Some(stdout);
        report.stderr = Some(stderr);
        return failed(report);
    }
    let exit = outcome.exit_code.unwrap_or(-1);
    if exit != run.exit {
        let signaled = exit > 128;
        report.verdict = if signaled || !stderr.trim().is_empty() {
            Verdict::RuntimeError
        } else {
            Verdict::NonzeroExit
        };
        report.reason = Some(if signaled {
            format!("the program was killed by signal {}", exit - 128)
        } else if report.verdict == Verdict::RuntimeError {
            format!(
                "the program crashed (exit code {exit}, expected {})",
                run.exit
            )
        } else {
            format!("the program exited with code {exit}, expected {}", run.exit)
        });
        report.actual = Some(stdout);
        report.stderr = Some(stderr);
        return failed(report);
    }
    for (stream, expected, actual) in [
        ("standard output", &run.stdout, &stdout),
        ("standard error", &run.stderr, &stderr),
    ] {
        let Some(expected) = expected else { continue };
        if run.compare.matches(expected, actual) {
            continue;
        }
        report.verdict = Verdict::WrongOutput;
        report.reason = Some(format!(
            "the {stream} differs from what was expected (compared {})",
            run.compare.describe()
        ));
        report.diff = run.compare.diff(expected, actual);
        report.expected = Some(expected.clone());
        report.actual = Some(actual.clone());
        report.stderr = Some(stderr.clone());
        return failed(report);
    }
    report
}

fn failed(mut report: CheckReport) -> CheckReport {
    report.points = 0;
    report
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::checks::CheckKind;

    fn check() -> (Check, RunCheck) {
        let run = RunCheck {
            command: "node 3-main.js".into(),
            stdin: None,
            stdout: Some("8\n".into()),
            stderr: None,
            exit: 0,
            compare: Compare::default(),
            time: Duration::from_secs(5),
            output: ByteSize::kib(64),
        };
        let check = Check {
            name: "prints the sum".into(),
            kind: CheckKind::Run(run.clone()),
            points: 2,
            hidden: false,
            gate: false,
            message: None,
            own_files: Vec::new(),
        };
        (check, run)
    }

    fn outcome(
        stdout: &str,
        stderr: &str,
        exit: i64,
        termination: sandbox::Termination,
    ) -> sandbox::RunOutcome {
        sandbox::RunOutcome {
            exit_code: Some(exit),
            stdout: stdout.as_bytes().to_vec(),
            stderr: stderr.as_bytes().to_vec(),
            duration: Duration::from_millis(42),
            termination,
        }
    }

    fn verdict(stdout: &str, stderr: &str, exit: i64, t: sandbox::Termination) -> CheckReport {
        let (check, run) = check();
        judge(
            &check,
            &run,
            &outcome(stdout, stderr, exit, t),
            ByteSize::mib(128),
        )
    }

    use sandbox::Termination::*;

    #[test]
    fn passes_on_matching_output() {
        let report = verdict("8", "", 0, Exited);
        assert_eq!(report.verdict, Verdict::Passed);
        assert_eq!(report.points, 2);
        assert_eq!(report.duration_ms, 42);
    }

    #[test]
    fn wrong_output_carries_a_diff() {
        let report = verdict("9\n", "", 0, Exited);
        assert_eq!(report.verdict, Verdict::WrongOutput);
        assert_eq!(report.points, 0);
        assert!(report.diff.unwrap().contains("-8\n+9\n"));
        assert_eq!(report.expected.as_deref(), Some("8\n"));
    }

    #[test]
    fn exit_codes_tell_crashes_from_plain_failures() {
        assert_eq!(
            verdict("", "TypeError: x\n", 1, Exited).verdict,
            Verdict::RuntimeError
        );
        assert_eq!(verdict("8\n", "", 3, Exited).verdict, Verdict::NonzeroExit);
        let killed = verdict("", "", 139, Exited);
        assert_eq!(killed.verdict, Verdict::RuntimeError);
        assert!(killed.reason.unwrap().contains("signal 11"));
    }

    #[test]
    fn limits_come_first_and_name_the_limit() {
        let t = verdict("8\n", "", 137, TimeLimit);
        assert_eq!(
            (t.verdict, t.limit.as_deref()),
            (Verdict::TimeLimit, Some("5s"))
        );
        let m = verdict("", "", 137, MemoryLimit);
        assert_eq!(
            (m.verdict, m.limit.as_deref()),
            (Verdict::MemoryLimit, Some("128.0 MiB"))
        );
        assert_eq!(
            verdict("8888", "", 137, OutputLimit).verdict,
            Verdict::OutputLimit
        );
    }

    #[test]
    fn regex_failures_have_no_diff() {
        let (check, mut run) = check();
        run.compare = Compare::new(Comparison::Regex);
        run.stdout = Some(r"\d+\n".into());
        let report = judge(
            &check,
            &run,
            &outcome("x\n", "", 0, Exited),
            ByteSize::mib(1),
        );
        assert_eq!(report.verdict, Verdict::WrongOutput);
        assert_eq!(report.diff, None);
        let report = judge(
            &check,
            &run,
            &outcome("12\n", "", 0, Exited),
            ByteSize::mib(1),
        );
        assert_eq!(report.verdict, Verdict::Passed);
    }
}
