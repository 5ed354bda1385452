//! The `checker` command: parses flags, wires the library crates together, reports errors.

mod server;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use checker::grading::{self, GradeError, Grader};
use checker::report::{self, Report};
use checker::spec::{self, Project};
use checker::submission::Submission;
use checker::{engine, images, runtime};
use clap::{Args, Parser, Subcommand};

const EXIT_CODES: &str = "\
Exit codes:
  0  graded, and every mandatory check passed
  1  graded, and something failed (with --min-score: the score is below it)
  2  bad input: a malformed spec, a wrong flag, a missing submission folder
  3  platform fault: Docker unreachable, an image missing, a sandbox failure (never the learner's fault)
  130 interrupted (Ctrl-C); the sandbox is removed before exiting";

/// Checker grades programming exercises in locked-down Docker containers from YAML task specs.
#[derive(Parser)]
#[command(name = "checker", version, after_help = EXIT_CODES)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Grade a submission folder against a project and print the report.
    #[command(after_help = "Examples:
  checker grade es6-data-manipulation ./0x03-ES6_data_manipulation
  checker grade tasks/es6-data-manipulation ./my-solution --json > report.json

".to_owned() + EXIT_CODES)]
    Grade(GradeArgs),
    /// Validate, list or describe task specs.
    #[command(subcommand)]
    Tasks(TasksCommand),
    /// Build the runtime images checks run in, offline, from Debian's packages.
    #[command(subcommand)]
    Images(ImagesCommand),
    /// Run the grading server: HTTP API, queue, and a grading worker unless --no-grade.
    #[command(after_help = "Examples:
  checker serve --listen 0.0.0.0:8080
  checker serve --db postgres://checker:PASSWORD@db/checker --no-grade")]
    Serve(server::ServeArgs),
    /// Grade queued submissions from the server's database on this Docker host.
    #[command(after_help = "Example:
  checker worker --db postgres://checker:PASSWORD@db/checker --tasks-dir /srv/tasks")]
    Worker(server::WorkerArgs),
    /// Manage the server's users.
    #[command(subcommand)]
    User(server::UserCommand),
    /// Manage API tokens.
    #[command(subcommand)]
    Token(server::TokenCommand),
    /// Sign in to a grading server; the token is saved for `submit` and `scores`.
    #[command(after_help = "Examples:
  checker login --server https://checker.example.org
  checker login --server http://127.0.0.1:8080 --token chk_...")]
    Login(server::LoginArgs),
    /// Submit a project's files to the grading server (with --wait: print the report).
    #[command(after_help = "Examples:
  checker submit es6-data-manipulation ./0x03-ES6_data_manipulation --wait
  checker submit es6-data-manipulation . --wait --json > report.json

".to_owned() + server::CLIENT_EXIT_CODES)]
    Submit(server::SubmitArgs),
    /// Your best and latest score on each project, from the grading server.
    Scores(server::ScoresArgs),
    /// Link your git repository to your account on the grading server.
    #[command(subcommand)]
    Repo(server::RepoCommand),
}

#[derive(Args)]
struct TasksDir {
    /// The curriculum: a folder of project folders, each holding a project.yaml.
    #[arg(long, env = "CHECKER_TASKS_DIR", default_value = "tasks")]
    tasks_dir: PathBuf,
}

#[derive(Args)]
struct GradeArgs {
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

#[derive(Subcommand)]
enum TasksCommand {
    /// Check every spec under a folder; report every problem with file:line:column (exit 2).
    Validate {
        /// Folder of projects, or one project folder.
        #[arg(default_value = "tasks")]
        dir: PathBuf,
    },
    /// List projects and their tasks.
    List {
        #[command(flatten)]
        tasks: TasksDir,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Print the JSON Schema of project.yaml, for editors.
    Schema,
}

#[derive(Subcommand)]
enum ImagesCommand {
    /// Build runtime images with mmdebstrap and docker import; existing ones are kept.
    Build {
        /// Runtimes to build (default: all).
        runtimes: Vec<String>,
        /// Rebuild images that already exist.
        #[arg(long)]
        force: bool,
    },
    /// List runtimes and whether their images exist.
    List,
}

/// A failure at the edge, with the exit code it maps to.
enum Failure {
    /// Exit 2.
    BadInput(String),
    /// Exit 3.
    Platform(String),
}

impl From<GradeError> for Failure {
    fn from(error: GradeError) -> Self {
        Failure::Platform(error.to_string())
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(3);
        }
    };
    let result = runtime.block_on(async {
        let outcome = tokio::select! {
            outcome = run(cli) => outcome,
            _ = tokio::signal::ctrl_c() => {
                eprintln!("\ninterrupted; removing the sandbox...");
                Ok(ExitCode::from(130))
            }
        };
        // Sandboxes dropped mid-grading are removed in the background; wait for them.
        grading::finish_cleanup().await;
        outcome
    });
    match result {
        Ok(code) => code,
        Err(Failure::BadInput(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
        Err(Failure::Platform(message)) => {
            eprintln!("platform error: {message}");
            ExitCode::from(3)
        }
    }
}

async fn run(cli: Cli) -> Result<ExitCode, Failure> {
    match cli.command {
        Command::Grade(args) => grade(args).await,
        Command::Tasks(TasksCommand::Validate { dir }) => validate(&dir),
        Command::Tasks(TasksCommand::List { tasks, json }) => list(&tasks.tasks_dir, json),
        Command::Tasks(TasksCommand::Schema) => {
            let schema = serde_json::to_string_pretty(&spec::json_schema()).unwrap_or_default();
            println!("{schema}");
            Ok(ExitCode::SUCCESS)
        }
        Command::Images(ImagesCommand::Build { runtimes, force }) => {
            build_images(&runtimes, force).await
        }
        Command::Images(ImagesCommand::List) => list_images().await,
        Command::Serve(args) => server::serve(args).await,
        Command::Worker(args) => server::worker(args).await,
        Command::User(command) => server::user(command).await,
        Command::Token(command) => server::token(command).await,
        Command::Login(args) => server::login(args).await,
        Command::Submit(args) => server::submit(args).await,
        Command::Scores(args) => server::scores(args).await,
        Command::Repo(command) => server::repo(command).await,
    }
}

async fn grade(args: GradeArgs) -> Result<ExitCode, Failure> {
    let project = spec::resolve(&args.tasks.tasks_dir, &args.project)
        .map_err(|e| Failure::BadInput(e.to_string()))?;
    let submission = Submission::from_dir(&args.submission, &project)
        .map_err(|e| Failure::BadInput(e.to_string()))?;
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
            .map_err(|e| Failure::Platform(format!("cannot write the report: {e}")))?;
    }
    if let Some(path) = &args.junit {
        let mut xml = Vec::new();
        report::junit::write(&shown, &mut xml)
            .and_then(|()| std::fs::write(path, xml))
            .map_err(|e| Failure::BadInput(format!("cannot write {}: {e}", path.display())))?;
    }
    Ok(exit_code_with(&report, args.min_score, !args.json))
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
    let _ = report::terminal::write_header(&mut out, &project.title, &project.id, &project.version);
    let show_hidden = args.show_hidden;
    let total: usize = project.tasks.iter().map(|t| t.checks.len()).sum();
    let mut finished_checks = 0;
    let mut finished: Vec<Option<report::TaskReport>> = vec![None; project.tasks.len()];
    let mut next = 0;
    let report = grader
        .grade(project, submission, jobs(args), &mut |event| {
            match event {
                engine::Event::CheckStarted(task, check) => {
                    spinner.set_message(format!(
                        "{finished_checks}/{total} checks  {} / {}",
                        task.id, check.name
                    ));
                }
                engine::Event::CheckFinished(..) => finished_checks += 1,
                engine::Event::TaskFinished(task, result) => {
                    if let Some(index) = project.tasks.iter().position(|t| t.id == task.id) {
                        finished[index] = Some(result.clone());
                    }
                    // Print in spec order, whatever order the lanes finish in.
                    while let Some(Some(result)) = finished.get(next) {
                        spinner.suspend(|| {
                            let shown = if show_hidden {
                                result.clone()
                            } else {
                                result.redacted()
                            };
                            let _ = report::terminal::write_task_report(&mut out, &shown);
                        });
                        next += 1;
                    }
                }
                engine::Event::TaskStarted(_) => {}
            }
        })
        .await;
    spinner.finish_and_clear();
    let report = report?;
    let _ = report::terminal::write_summary(&mut out, &report);
    let _ = out.flush();
    Ok(report)
}

/// The exit code of a graded report: with `min_score`, pass when the score reaches it (saying
/// so on standard error when `explain`); otherwise pass when every mandatory check passed.
fn exit_code_with(report: &Report, min_score: Option<u8>, explain: bool) -> ExitCode {
    match min_score {
        Some(min) if report.platform_error.is_none() => {
            if report.score >= f64::from(min) {
                ExitCode::SUCCESS
            } else {
                if explain {
                    eprintln!(
                        "score {}% is below the required {min}%",
                        report::format_percent(report.score)
                    );
                }
                ExitCode::from(1)
            }
        }
        _ => exit_code(report),
    }
}

fn exit_code(report: &Report) -> ExitCode {
    if report.platform_error.is_some() {
        ExitCode::from(3)
    } else if report.all_mandatory_passed() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn validate(dir: &Path) -> Result<ExitCode, Failure> {
    let (projects, errors) = if dir.join(spec::SPEC_FILE).is_file() {
        match Project::load(dir) {
            Ok(project) => (vec![project], Vec::new()),
            Err(errors) => (Vec::new(), errors.0),
        }
    } else {
        spec::load_curriculum(dir)
    };
    if projects.is_empty() && errors.is_empty() {
        return Err(Failure::BadInput(format!(
            "no project found under {} (a project folder holds a {})",
            dir.display(),
            spec::SPEC_FILE
        )));
    }
    for error in &errors {
        eprintln!("error: {error}");
    }
    for project in &projects {
        let checks: usize = project.tasks.iter().map(|t| t.checks.len()).sum();
        println!(
            "ok: {} ({} tasks, {} checks) in {}",
            project.id,
            project.tasks.len(),
            checks,
            project.dir.display()
        );
    }
    if errors.is_empty() {
        Ok(ExitCode::SUCCESS)
    } else {
        eprintln!("{} problem(s) found", errors.len());
        Ok(ExitCode::from(2))
    }
}

fn list(tasks_dir: &Path, json: bool) -> Result<ExitCode, Failure> {
    let (projects, errors) = spec::load_curriculum(tasks_dir);
    for error in &errors {
        eprintln!("error: {error}");
    }
    if json {
        let value: Vec<serde_json::Value> = projects
            .iter()
            .map(|p| {
                serde_json::json!({
                    "id": p.id,
                    "title": p.title,
                    "image": p.image,
                    "spec_version": p.version,
                    "tasks": p.tasks.iter().map(|t| serde_json::json!({
                        "id": t.id,
                        "title": t.title,
                        "mandatory": t.mandatory,
                        "files": t.files,
                        "checks": t.checks.len(),
                    })).collect::<Vec<_>>(),
                })
            })
            .collect();
        println!(
            "{}",
            serde_json::to_string_pretty(&value).unwrap_or_default()
        );
    } else {
        for project in &projects {
            println!("{}  {}  [{}]", project.id, project.title, project.image);
            for task in &project.tasks {
                let kind = if task.mandatory {
                    "mandatory"
                } else {
                    "advanced"
                };
                println!(
                    "  {:<28} {:<9} {} check(s)  {}",
                    task.id,
                    kind,
                    task.checks.len(),
                    task.title
                );
            }
        }
    }
    Ok(if errors.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    })
}

async fn build_images(names: &[String], force: bool) -> Result<ExitCode, Failure> {
    let selected: Vec<&runtime::Runtime> = if names.is_empty() {
        runtime::RUNTIMES.iter().collect()
    } else {
        names
            .iter()
            .map(|name| {
                runtime::find(name).ok_or_else(|| {
                    Failure::BadInput(format!(
                        "unknown runtime `{name}`; known runtimes: {}",
                        runtime::names()
                    ))
                })
            })
            .collect::<Result<_, _>>()?
    };
    let grader = Grader::connect().await?;
    for runtime in selected {
        if force || grader.image_size(runtime.image).await?.is_none() {
            eprintln!(
                "building {} ({}) from Debian's packages...",
                runtime.image, runtime.description
            );
        }
        let outcome = images::build(&grader, runtime, force)
            .await
            .map_err(|e| Failure::Platform(e.to_string()))?;
        let size = outcome
            .size
            .map(|s| format!("{:.1} MB", s as f64 / 1e6))
            .unwrap_or_else(|| "unknown size".into());
        if outcome.skipped {
            println!("{}: exists ({size}); use --force to rebuild", outcome.image);
        } else {
            println!(
                "{}: built in {:.1} s ({size})",
                outcome.image,
                outcome.duration.as_secs_f64()
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn list_images() -> Result<ExitCode, Failure> {
    let grader = Grader::connect().await?;
    for runtime in runtime::RUNTIMES {
        let state = match grader.image_size(runtime.image).await? {
            Some(size) => format!("present, {:.1} MB", size as f64 / 1e6),
            None => "missing (run `checker images build`)".into(),
        };
        println!(
            "{:<8} {:<26} {}  {}",
            runtime.name, runtime.image, state, runtime.description
        );
    }
    Ok(ExitCode::SUCCESS)
}
