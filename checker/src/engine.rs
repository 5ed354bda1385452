//! The grading engine: a submission's tasks spread over lanes (sandboxes), each task's checks
//! run in order in one of them. Callers use it through [`crate::grading::Grader`].

use std::path::Path;
use std::time::Instant;

use bytesize::ByteSize;
use sandbox::{Engine, Sandbox, SandboxConfig, SandboxError, SandboxFile};

use crate::checks::{Context, Shared};
use crate::report::{CheckReport, Report, TaskReport, Verdict};
use crate::spec::{Check, GraderFile, Project, Task};
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

/// Grades `submission` against `project` and returns the full report (hidden outputs
/// included; use [`Report::redacted`] before showing it to a learner).
///
/// With `lanes` above 1, tasks are spread over up to that many sandboxes of the same
/// submission, run side by side, as far as the engine has free slots (it never waits for a
/// second one). Checks of one task always run in order in one sandbox.
///
/// An error means the platform failed before the checks could run (Docker unreachable, image
/// missing); failures during a check become [`Verdict::InternalError`] in the report.
pub(crate) async fn grade_with(
    engine: &Engine,
    project: &Project,
    submission: &Submission,
    lanes: usize,
    on_event: &mut (dyn FnMut(Event<'_>) + Send),
) -> Result<Report, SandboxError> {
    let started = Instant::now();
    let config = sandbox_config(project);
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
    let shared = Shared::default();
    let events: EventSink<'_> = std::sync::Mutex::new(on_event);
    let results =
        futures_util::future::join_all(sandboxes.iter().zip(&plan).map(|(sandbox, tasks)| {
            grade_lane(sandbox, project, submission, tasks, &shared, &events)
        }))
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

/// The sandbox every check of `project` runs in; warm pools are kept per configuration.
pub(crate) fn sandbox_config(project: &Project) -> SandboxConfig {
    let mut config = SandboxConfig::new(project.image.clone());
    config.memory = project.limits.memory;
    config.pids = PIDS_LIMIT;
    config.work_dir_size = ByteSize::mib(64).min(project.limits.memory);
    config.services = project.services.iter().map(|s| s.spec()).collect();
    config
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
    shared: &Shared,
    events: &EventSink<'_>,
) -> Result<Vec<(usize, TaskReport)>, SandboxError> {
    let emit = |event: Event<'_>| {
        let mut sink = events.lock().unwrap_or_else(|p| p.into_inner());
        (*sink)(event);
    };
    let grader_files: Vec<SandboxFile> = project
        .grader_files
        .iter()
        .map(GraderFile::to_sandbox)
        .collect();
    sandbox.upload_protected(&grader_files).await?;
    let learner_files: Vec<SandboxFile> = submission
        .present()
        .map(|(path, file)| {
            SandboxFile::new(path, file.contents.clone()).executable(file.executable)
        })
        .collect();
    sandbox.upload(&learner_files).await?;

    let fresh_per_task = project
        .services
        .iter()
        .any(|s| s.fresh == crate::services::Fresh::Task);
    let mut reports = Vec::with_capacity(tasks.len());
    for (position, &index) in tasks.iter().enumerate() {
        let task = &project.tasks[index];
        if fresh_per_task && position > 0 {
            // Each task starts from the seed alone, whatever the tasks before it left.
            sandbox.reset_services().await?;
        }
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
                run_check(sandbox, project, submission, check, shared).await
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
    shared: &Shared,
) -> CheckReport {
    let context = Context {
        sandbox,
        project,
        submission,
        check,
        shared,
    };
    let mut report = if check.own_files.is_empty() {
        check.kind.execute(&context).await
    } else {
        run_with_own_files(&context).await
    };
    if report.verdict != Verdict::Passed && report.verdict != Verdict::InternalError {
        report.message = check.message.clone();
    }
    report
}

/// Runs a check whose own files (a hidden check's harness) exist only while it runs: no other
/// check can read them, nor any copy this check's code made of them.
async fn run_with_own_files(context: &Context<'_>) -> CheckReport {
    let (sandbox, check) = (context.sandbox, context.check);
    let own: Vec<SandboxFile> = check.own_files.iter().map(GraderFile::to_sandbox).collect();
    let mark = match sandbox.place_for_check(&own).await {
        Ok(mark) => mark,
        Err(error) => {
            return context.explained(
                Verdict::InternalError,
                format!("the platform failed to place this check's files: {error}"),
            );
        }
    };
    let report = check.kind.execute(context).await;
    let names: Vec<&str> = own.iter().map(SandboxFile::path).collect();
    // The folders of named files, and of the extra files the submission brought.
    let mut learner = context.project.learner_files();
    learner.extend(context.submission.present().map(|(path, _)| path));
    let keep = folders_of(&learner);
    let keep: Vec<&str> = keep.iter().map(String::as_str).collect();
    match sandbox.remove_changes_since(&mark, &names, &keep).await {
        Ok(()) => report,
        Err(error) => context.explained(
            Verdict::InternalError,
            format!("the platform failed to remove this check's files: {error}"),
        ),
    }
}

/// The folders holding `files` (`lib` and `lib/util` for `lib/util/x.js`), in order.
fn folders_of(files: &[&str]) -> Vec<String> {
    let folders: std::collections::BTreeSet<&str> = files
        .iter()
        .flat_map(|file| Path::new(file).ancestors().skip(1))
        .filter_map(Path::to_str)
        .filter(|folder| !folder.is_empty())
        .collect();
    folders.into_iter().map(str::to_owned).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_folders_of_learner_files_are_every_ancestor() {
        let files = ["main.js", "lib/util/x.js", "lib/y.js", "src/z.py"];
        assert_eq!(
            super::folders_of(&files),
            ["lib", "lib/util", "src"].map(String::from)
        );
    }
}
