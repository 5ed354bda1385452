//! `checker submit`: send a project's files (or a git commit) to the server, and with `wait`
//! follow the grading live and print the report as `checker grade` does.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::time::Duration;

use checker::report::{self, Report, live::LiveReport};
use indicatif::{ProgressBar, ProgressStyle};

use crate::answers::{Accepted, Progress, ProjectInfo, SubmissionState};
use crate::error::ClientError;
use crate::http::Client;
use crate::pack::read_project_files;

/// What to submit and how to report it.
#[derive(Debug, Clone)]
pub struct SubmitOptions {
    /// Project id on the server.
    pub project: String,
    /// Where the files come from.
    pub source: Source,
    /// The server (default: the last login's).
    pub server: Option<String>,
    /// Wait for the grading and print the report.
    pub wait: bool,
    /// With `wait`: pass when the score reaches this percent, instead of requiring every
    /// mandatory check to pass.
    pub min_score: Option<u8>,
    /// Print JSON (with `wait`: the report, as `checker grade --json`).
    pub json: bool,
    /// No progress indicator.
    pub quiet: bool,
}

/// Where a submission's files come from.
#[derive(Debug, Clone)]
pub enum Source {
    /// A folder on this machine; only the files the project names are sent.
    Folder(PathBuf),
    /// A commit of a git repository, which the server fetches.
    Git(GitTarget),
}

/// A commit of a git repository.
#[derive(Debug, Clone)]
pub struct GitTarget {
    /// The repository's URL (sent to the server as given).
    pub url: String,
    /// A branch, a tag or a commit; `HEAD` by default.
    pub rev: String,
    /// The URL as shown on the terminal, any credentials in it hidden.
    pub shown: String,
}

/// Submits, and with `wait` prints the report; returns the exit code of `checker submit`
/// (0, or with `wait` that of the graded report as `checker grade` gives it).
pub async fn submit(options: &SubmitOptions) -> Result<u8, ClientError> {
    let client = Client::signed_in(options.server.as_deref())?;
    let project = client.project(&options.project).await?;
    let (accepted, commit) = match &options.source {
        Source::Git(target) => {
            if !options.json && !options.quiet {
                eprintln!(
                    "asking the server to fetch {}@{}...",
                    target.shown, target.rev
                );
            }
            let answer = client
                .submit_git(&project.id, &target.url, &target.rev)
                .await?;
            (answer.accepted, Some(answer.git.commit))
        }
        Source::Folder(dir) => (upload(&client, &project, dir, options).await?, None),
    };
    let url = format!("{}/api/submissions/{}", client.server(), accepted.id);
    if !options.wait {
        print_accepted(&project, &accepted, commit.as_deref(), &url, options.json);
        return Ok(0);
    }
    if !options.json {
        match &commit {
            Some(commit) => eprintln!(
                "submitted commit {commit} as #{}; waiting for a grader...",
                accepted.id
            ),
            None => eprintln!("submitted as #{}; waiting for a grader...", accepted.id),
        }
    }
    let mut live = LiveReport::new(project.tasks.iter().map(|t| t.id.clone()), true);
    let state = wait_for_report(&client, &project, accepted.id, &mut live, options).await?;
    let mut out = anstream::stdout();
    match (state.status.as_str(), state.report) {
        ("graded", Some(report)) => {
            if options.json {
                let mut out = std::io::stdout().lock();
                report::json::write(&report, &mut out)
                    .map_err(|e| ClientError::Failed(e.to_string()))?;
            } else {
                let _ = live.finish(&mut out, &report);
            }
            Ok(exit_code(&report, options))
        }
        (_, report) => {
            // The tasks of a failed attempt that the stream did not bring.
            if let Some(report) = report.filter(|_| !options.json) {
                let _ = live.catch_up(&mut out, &report);
            }
            Err(ClientError::Failed(format!(
                "submission #{} could not be graded: {}. This is not your fault; try again later",
                accepted.id,
                state.error.as_deref().unwrap_or("unknown error")
            )))
        }
    }
}

fn exit_code(report: &Report, options: &SubmitOptions) -> u8 {
    let (code, why) = report::live::exit_code(report, options.min_score);
    if let Some(why) = why.filter(|_| !options.json) {
        eprintln!("{why}");
    }
    code
}

/// Packs the project's files found in `dir` and uploads them, with a progress bar on a
/// terminal.
async fn upload(
    client: &Client,
    project: &ProjectInfo,
    dir: &std::path::Path,
    options: &SubmitOptions,
) -> Result<Accepted, ClientError> {
    let failed = |e: &dyn std::fmt::Display| ClientError::Failed(e.to_string());
    let names = project.files.clone();
    let extra = project.extra_files.clone();
    let folder = dir.to_owned();
    let packed = tokio::task::spawn_blocking(move || read_project_files(&folder, &names, &extra))
        .await
        .map_err(|e| failed(&e))?
        .map_err(|e| ClientError::Input(e.to_string()))?;
    for problem in &packed.problems {
        eprintln!("warning: {problem}; its task will fail");
    }
    for note in &packed.notes {
        eprintln!("note: {note}");
    }
    if packed.files.is_empty() {
        return Err(ClientError::Input(format!(
            "none of the files of `{}` are in {}: {}",
            project.id,
            dir.display(),
            project.files.join(", ")
        )));
    }
    let files = packed.files;
    let count = files.len();
    let archive = tokio::task::spawn_blocking(move || checker::upload::pack_tar_gz(&files))
        .await
        .map_err(|e| failed(&e))?
        .map_err(|e| ClientError::Failed(format!("cannot pack the files: {e}")))?;
    if archive.len() as u64 > project.limits.max_archive {
        return Err(ClientError::Input(format!(
            "the files pack to {} bytes, more than the {} bytes the server accepts",
            archive.len(),
            project.limits.max_archive
        )));
    }
    let show_progress = !options.quiet && !options.json && std::io::stderr().is_terminal();
    let bar = if show_progress {
        let bar = ProgressBar::new(archive.len() as u64);
        bar.set_message(format!("uploading {count} file(s)"));
        bar.set_style(
            ProgressStyle::with_template("{msg} {bar:30} {bytes}/{total_bytes}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        bar
    } else {
        ProgressBar::hidden()
    };
    let progress = bar.clone();
    let accepted = client
        .submit(&project.id, archive, move |sent| {
            progress.set_position(sent)
        })
        .await;
    bar.finish_and_clear();
    accepted
}

/// What `submit` prints without `wait`: where to look for the report.
fn print_accepted(
    project: &ProjectInfo,
    accepted: &Accepted,
    commit: Option<&str>,
    url: &str,
    json: bool,
) {
    if json {
        let value = serde_json::json!({
            "id": accepted.id,
            "status": accepted.status,
            "files": accepted.files,
            "commit": commit,
            "url": url,
        });
        println!("{value}");
        return;
    }
    println!(
        "submitted {} file(s) of {} as #{}: {}",
        accepted.files.len(),
        project.id,
        accepted.id,
        accepted.status
    );
    if let Some(commit) = commit {
        println!("commit: {commit}");
    }
    println!("status and report: {url}");
}

/// Follows the grading live (without `json`: the header, then tasks in spec order as they
/// finish), then reads the final state. Falls back to polling if the event stream ends early
/// (a server restart).
async fn wait_for_report(
    client: &Client,
    project: &ProjectInfo,
    id: i64,
    live: &mut LiveReport,
    options: &SubmitOptions,
) -> Result<SubmissionState, ClientError> {
    let printing = !options.json;
    let spinner = if printing && !options.quiet && std::io::stderr().is_terminal() {
        let bar = ProgressBar::new_spinner();
        bar.enable_steady_tick(Duration::from_millis(100));
        bar.set_message("queued");
        bar
    } else {
        ProgressBar::hidden()
    };
    let mut out = anstream::stdout();
    if printing {
        let _ = live.start(&mut out, &project.title, &project.id, &project.spec_version);
    }
    let mut attempt = 0;
    let followed = client
        .follow(id, |progress| match progress {
            Progress::Status(status) => spinner.set_message(status),
            Progress::Task {
                attempt: this_attempt,
                task,
            } => {
                if this_attempt != attempt {
                    if attempt != 0 {
                        spinner.suspend(|| {
                            eprintln!("(grading restarted on the server: attempt {this_attempt})")
                        });
                    }
                    attempt = this_attempt;
                }
                if printing {
                    spinner.suspend(|| {
                        let _ = live.task_finished(&mut out, &task);
                    });
                }
                spinner.set_message(format!(
                    "running ({}/{} tasks)",
                    live.printed(),
                    live.total()
                ));
            }
            Progress::Done | Progress::Other => {}
        })
        .await;
    if let Err(error) = followed {
        spinner.suspend(|| eprintln!("lost the progress stream ({error}); polling instead"));
    }
    let state = loop {
        match client.submission(id).await {
            Ok(state) if state.is_final() => break state,
            Ok(state) => spinner.set_message(state.status.clone()),
            Err(error @ ClientError::Refused { .. }) => return Err(error),
            Err(error) => spinner.set_message(format!("waiting for the server: {error}")),
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    };
    spinner.finish_and_clear();
    let _ = out.flush();
    Ok(state)
}
