//! `checker grade`: grade a folder against a project in this host's Docker, printing the
//! report live (or as JSON), and exit with the report's code.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use checker::grading::{Event, Grader};
use checker::report::{self, Report, live::LiveReport};
use checker::spec::{self, Project};
use checker::submission::Submission;
use clap::Args;

use crate::failure::Failure;
use crate::flags::TasksDir;

/// Flags of `checker grade`.
#[derive(Args)]
pub struct GradeArgs {
    /// Project id under the tasks directory, or a path to a project folder.
    project: String,
    /// Folder holding the learner's files.
    submission: PathBuf,
    #[command(flatten)]
    tasks: TasksDir,
    /// Print one JSON report instead of the terminal report.
    #[arg(long)]
    json: bool,
    /// Show expected and actual output of hidden checks too (for task authors).
    #[arg(long)]
    show_hidden: bool,
    /// No progress indicator.
    #[arg(short, long)]
    quiet: bool,
    /// Sandboxes to spread the tasks over, side by side (default: the number of CPU cores).
    #[arg(short, long, value_name = "N")]
    jobs: Option<usize>,
    /// Pass (exit 0) when the score is at least N percent, instead of requiring every
    /// mandatory check to pass; for CI pipelines.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u8).range(0..=100))]
    min_score: Option<u8>,
    /// Also write the report as JUnit XML to FILE, for CI systems to display.
    #[arg(long, value_name = "FILE")]
    junit: Option<PathBuf>,
}

pub async fn grade(args: GradeArgs) -> Result<ExitCode, Failure> {
    let project = spec::resolve(&args.tasks.tasks_dir, &args.project).map_err(Failure::bad)?;
    let folder = Submission::repository_folder(&args.submission, &project);
    if let Some(folder) = &folder {
        eprintln!(
            "grading {}: the folder of `{}` in this repository",
            folder.display(),
            project.id
        );
    }
    let dir = folder.as_ref().unwrap_or(&args.submission);
    let submission = Submission::from_dir(dir, &project).map_err(Failure::bad)?;
    for note in submission.left_out() {
        eprintln!("note: {note}");
    }
    let grader = Grader::connect().await?;
    // Containers of earlier runs that crashed on this host are of no use to anyone.
    let _ = grader.sweep_orphans().await;

    let report = if args.json {
        grader
            .grade(&project, &submission, jobs(&args), &mut |_| {})
            .await?
    } else {
        grade_live(&grader, &project, &submission, &args).await?
    };
    let shown = if args.show_hidden {
        report.clone()
    } else {
        report.redacted()
    };
    if args.json {
        let mut out = std::io::stdout().lock();
        report::json::write(&shown, &mut out)
            .map_err(|e| Failure::platform(format!("cannot write the report: {e}")))?;
    }
    if let Some(path) = &args.junit {
        let mut xml = Vec::new();
        report::junit::write(&shown, &mut xml)
            .and_then(|()| std::fs::write(path, xml))
            .map_err(|e| Failure::bad(format!("cannot write {}: {e}", path.display())))?;
    }
    let (code, why) = report::live::exit_code(&report, args.min_score);
    if let Some(why) = why.filter(|_| !args.json) {
        eprintln!("{why}");
    }
    Ok(ExitCode::from(code))
}

fn jobs(args: &GradeArgs) -> usize {
    args.jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .max(1)
}

/// Grades while printing each task as soon as it and every task before it are done, with a
/// spinner on a terminal.
async fn grade_live(
    grader: &Grader,
    project: &Project,
    submission: &Submission,
    args: &GradeArgs,
) -> Result<Report, Failure> {
    let mut out = anstream::stdout();
    let spinner = if args.quiet {
        indicatif::ProgressBar::hidden()
    } else {
        let bar = indicatif::ProgressBar::new_spinner();
        bar.enable_steady_tick(Duration::from_millis(100));
        bar
    };
    let mut live = LiveReport::new(project.tasks.iter().map(|t| t.id.clone()), args.show_hidden);
    let _ = live.start(&mut out, &project.title, &project.id, &project.version);
    let total: usize = project.tasks.iter().map(|t| t.checks.len()).sum();
    let mut finished_checks = 0;
    let report = grader
        .grade(project, submission, jobs(args), &mut |event| match event {
            Event::CheckStarted(task, check) => {
                spinner.set_message(format!(
                    "{finished_checks}/{total} checks  {} / {}",
                    task.id, check.name
                ));
            }
            Event::CheckFinished(..) => finished_checks += 1,
            Event::TaskFinished(_, result) => {
                spinner.suspend(|| {
                    let _ = live.task_finished(&mut out, result);
                });
            }
            Event::TaskStarted(_) => {}
        })
        .await;
    spinner.finish_and_clear();
    let report = report?;
    let _ = live.finish(&mut out, &report);
    Ok(report)
}
