//! The grading engine: one sandbox per submission, checks run in order, verdicts judged.

use std::time::Instant;

use bytesize::ByteSize;
use sandbox::{Engine, RunOutcome, RunRequest, Sandbox, SandboxConfig, SandboxError, SandboxFile};

use crate::compare::{Comparison, unified_diff};
use crate::report::{CheckReport, Report, TaskReport, Verdict};
use crate::spec::{Check, CheckKind, Project, RunCheck, Task};
use crate::submission::Submission;

/// Progress while grading, for live displays. With several lanes, events of different tasks
/// interleave; [`Event::TaskFinished`] carries each task's complete result.
#[derive(Debug)]
pub enum Event<'a> {
    /// A task begins.
    TaskStarted(&'a Task),
    /// A check begins.
    CheckStarted(&'a Task, &'a Check),
    /// A check has its result.
    CheckFinished(&'a Task, &'a CheckReport),
    /// A task has all its results.
    TaskFinished(&'a Task, &'a TaskReport),
}

/// Sandbox processes-and-threads cap for every submission.
const PIDS_LIMIT: u32 = 128;

type EventSink<'s> = std::sync::Mutex<&'s mut (dyn FnMut(Event<'_>) + Send)>;

/// Grades `submission` against `project` in one fresh sandbox; see [`grade_with`].
pub async fn grade(
    engine: &Engine,
    project: &Project,
    submission: &Submission,
    on_event: &mut (dyn FnMut(Event<'_>) + Send),
) -> Result<Report, SandboxError> {
    grade_with(engine, project, submission, 1, on_event).await
}

/// Grades `submission` against `project` and returns the full report (hidden outputs
/// included; use [`Report::redacted`] before showing it to a learner).
///
/// With `lanes` above 1, tasks are spread over up to that many sandboxes of the same
/// submission, run side by side, as far as the engine has free slots (it never waits for a
/// second one). Checks of one task always run in order in one sandbox.
///
/// An error means the platform failed before the checks could run (Docker unreachable, image
/// missing); failures during a check become [`Verdict::InternalError`] in the report.
pub async fn grade_with(
    engine: &Engine,
    project: &Project,
    submission: &Submission,
    lanes: usize,
    on_event: &mut (dyn FnMut(Event<'_>) + Send),
) -> Result<Report, SandboxError> {
    let started = Instant::now();
    let mut config = SandboxConfig::new(project.image.clone());
    config.memory = project.limits.memory;
    config.pids = PIDS_LIMIT;
    config.work_dir_size = ByteSize::mib(64).min(project.limits.memory);
    let mut sandboxes = vec![engine.open(&config).await?];
    while sandboxes.len() < lanes.min(project.tasks.len()) {
        match engine.try_open(&config).await {
            Some(Ok(sandbox)) => sandboxes.push(sandbox),
            Some(Err(error)) => {
                remove_all(sandboxes).await;
                return Err(error);
            }
            None => break,
        }
    }
    let plan = spread(project, sandboxes.len());
    let events: EventSink<'_> = std::sync::Mutex::new(on_event);
    let results = futures_util::future::join_all(
        sandboxes
            .iter()
            .zip(&plan)
            .map(|(sandbox, tasks)| grade_lane(sandbox, project, submission, tasks, &events)),
    )
    .await;
    remove_all(sandboxes).await;
    let mut tasks: Vec<Option<TaskReport>> = vec![None; project.tasks.len()];
    for lane in results {
        for (index, report) in lane? {
            tasks[index] = Some(report);
        }
    }
    let tasks = tasks.into_iter().flatten().collect();
    let duration_ms = started.elapsed().as_millis() as u64;
    Ok(Report::new(
        &project.id,
        &project.title,
        &project.version,
        tasks,
        duration_ms,
    ))
}

async fn remove_all(sandboxes: Vec<Sandbox>) {
    // A failed removal leaves a labelled container that the next start sweeps; it says
    // nothing about the submission.
    futures_util::future::join_all(sandboxes.into_iter().map(Sandbox::remove)).await;
}

/// Spreads task indices over `lanes`, heaviest first onto the least loaded lane (by number of
/// checks), each lane keeping spec order.
fn spread(project: &Project, lanes: usize) -> Vec<Vec<usize>> {
    let mut order: Vec<usize> = (0..project.tasks.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(project.tasks[i].checks.len()));
    let mut plan = vec![Vec::new(); lanes.max(1)];
    let mut load = vec![0usize; plan.len()];
    for index in order {
        let lane = (0..plan.len()).min_by_key(|&l| load[l]).unwrap_or(0);
        load[lane] += project.tasks[index].checks.len();
        plan[lane].push(index);
    }
    for lane in &mut plan {
        lane.sort_unstable();
    }
    plan
}

async fn grade_lane(
    sandbox: &Sandbox,
    project: &Project,
    submission: &Submission,
    tasks: &[usize],
    events: &EventSink<'_>,
) -> Result<Vec<(usize, TaskReport)>, SandboxError> {
    let emit = |event: Event<'_>| {
        let mut sink = events.lock().unwrap_or_else(|p| p.into_inner());
        (*sink)(event);
    };
    let grader_files: Vec<SandboxFile> = project
        .grader_files
        .iter()
        .map(|f| SandboxFile::new(&f.name, f.contents.clone()))
        .collect();
    sandbox.upload_protected(&grader_files).await?;
    let learner_files: Vec<SandboxFile> = submission
        .present()
        .map(|(path, contents)| SandboxFile::new(path, contents.to_vec()))
        .collect();
    sandbox.upload(&learner_files).await?;

    let mut reports = Vec::with_capacity(tasks.len());
    for &index in tasks {
        let task = &project.tasks[index];
        emit(Event::TaskStarted(task));
        let problems: Vec<String> = task
            .files
            .iter()
            .filter_map(|path| submission.file(path).err().map(|p| p.describe(path)))
            .collect();
        let mut checks = Vec::with_capacity(task.checks.len());
        let mut gate_failed: Option<&str> = None;
        for check in &task.checks {
            emit(Event::CheckStarted(task, check));
            let explained = |verdict, reason| {
                CheckReport::explained(&check.name, verdict, check.points, check.hidden, reason)
            };
            let report = if let Some(gate) = gate_failed {
                explained(
                    Verdict::Skipped,
                    format!("not run: `{gate}` must pass first"),
                )
            } else if !problems.is_empty() {
                explained(Verdict::MissingFile, problems.join("; "))
            } else {
                run_check(sandbox, project, submission, check).await
            };
            if check.gate && report.verdict != Verdict::Passed {
                gate_failed = Some(&check.name);
            }
            emit(Event::CheckFinished(task, &report));
            checks.push(report);
        }
        let report = TaskReport::new(&task.id, &task.title, task.mandatory, checks);
        emit(Event::TaskFinished(task, &report));
        reports.push((index, report));
    }
    Ok(reports)
}

async fn run_check(
    sandbox: &Sandbox,
    project: &Project,
    submission: &Submission,
    check: &Check,
) -> CheckReport {
    let explained = |verdict, reason| {
        CheckReport::explained(&check.name, verdict, check.points, check.hidden, reason)
    };
    let mut report = match &check.kind {
        CheckKind::FileExists { path } => match submission.file(path) {
            Ok(_) => CheckReport::bare(&check.name, Verdict::Passed, check.points, check.hidden),
            Err(problem) => explained(Verdict::MissingFile, problem.describe(path)),
        },
        CheckKind::Run(run) => {
            let request = RunRequest {
                script: run.command.clone(),
                stdin: run.stdin.as_ref().map(|s| s.clone().into_bytes()),
                env: project.env.clone(),
                time_limit: run.time,
                output_limit: run.output,
            };
            match sandbox.run(&request).await {
                Ok(outcome) => judge(check, run, &outcome, project.limits.memory),
                Err(error) => explained(
                    Verdict::InternalError,
                    format!("the platform failed to run this check: {error}"),
                ),
            }
        }
    };
    if report.verdict != Verdict::Passed && report.verdict != Verdict::InternalError {
        report.message = check.message.clone();
    }
    report
}

/// Decides the verdict of a run check from what the command did. Limits come first, then the
/// exit code, then the outputs.
pub fn judge(check: &Check, run: &RunCheck, outcome: &RunOutcome, memory: ByteSize) -> CheckReport {
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
        if run.comparison.matches(expected, actual) {
            continue;
        }
        report.verdict = Verdict::WrongOutput;
        report.reason = Some(format!(
            "the {stream} differs from what was expected (compared {})",
            describe(run.comparison)
        ));
        report.diff = match run.comparison {
            // A pattern and a text don't diff meaningfully.
            Comparison::Regex => None,
            _ => unified_diff(expected, actual),
        };
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

fn describe(comparison: Comparison) -> String {
    match comparison {
        Comparison::Exact => "exactly".into(),
        Comparison::TrailingWhitespace => "ignoring trailing whitespace".into(),
        Comparison::Whitespace => "ignoring whitespace".into(),
        Comparison::Regex => "against a pattern".into(),
        Comparison::Numbers { tolerance } => format!("as numbers within {tolerance}"),
        Comparison::Json => "as JSON values".into(),
        Comparison::UnorderedLines => "as lines in any order".into(),
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn check() -> (Check, RunCheck) {
        let run = RunCheck {
            command: "node 3-main.js".into(),
            stdin: None,
            stdout: Some("8\n".into()),
            stderr: None,
            exit: 0,
            comparison: Comparison::TrailingWhitespace,
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
        };
        (check, run)
    }

    fn outcome(
        stdout: &str,
        stderr: &str,
        exit: i64,
        termination: sandbox::Termination,
    ) -> RunOutcome {
        RunOutcome {
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
        run.comparison = Comparison::Regex;
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
