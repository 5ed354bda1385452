//! The `checker` command: parses flags and hands each command to the library that does it
//! (`checker` for grading and specs, `web` for the server, `client` for the server's client).

mod account;
mod failure;
mod flags;
mod grade;
mod images;
mod server;
mod submit;
mod tasks;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::failure::Failure;

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
    Grade(grade::GradeArgs),
    /// Validate, list or describe task specs.
    #[command(subcommand)]
    Tasks(tasks::TasksCommand),
    /// Build the runtime images checks run in, offline, from Debian's packages.
    #[command(subcommand)]
    Images(images::ImagesCommand),
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
    User(account::UserCommand),
    /// Manage API tokens.
    #[command(subcommand)]
    Token(account::TokenCommand),
    /// Sign in to a grading server; the token is saved for `submit` and `scores`.
    #[command(after_help = "Examples:
  checker login --server https://checker.example.org
  checker login --server http://127.0.0.1:8080 --token chk_...")]
    Login(account::LoginArgs),
    /// Submit a project's files to the grading server (with --wait: print the report).
    #[command(after_help = "Examples:
  checker submit es6-data-manipulation ./0x03-ES6_data_manipulation --wait
  checker submit es6-data-manipulation . --wait --json > report.json

".to_owned() + submit::CLIENT_EXIT_CODES)]
    Submit(submit::SubmitArgs),
    /// Your best and latest score on each project, from the grading server.
    Scores(account::ScoresArgs),
    /// Link your git repository to your account on the grading server.
    #[command(subcommand)]
    Repo(account::RepoCommand),
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
        checker::grading::finish_cleanup().await;
        outcome
    });
    result.unwrap_or_else(Failure::report)
}

/// Lets a listing piped into `head` end quietly, as Unix tools do, instead of panicking on a
/// closed pipe. Only for commands that hold no sandbox: a signal would skip its clean-up.
fn quiet_on_closed_pipe() {
    // SAFETY: setting a signal's disposition to its default has no preconditions.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

async fn run(cli: Cli) -> Result<ExitCode, Failure> {
    match cli.command {
        Command::Grade(args) => grade::grade(args).await,
        Command::Tasks(command) => {
            quiet_on_closed_pipe();
            tasks::tasks(command)
        }
        Command::Images(command) => images::images(command).await,
        Command::Serve(args) => server::serve(args).await,
        Command::Worker(args) => server::worker(args).await,
        Command::User(command) => account::user(command).await,
        Command::Token(command) => account::token(command).await,
        Command::Login(args) => account::login(args).await,
        Command::Submit(args) => submit::submit(args).await,
        Command::Scores(args) => account::scores(args).await,
        Command::Repo(command) => account::repo(command).await,
    }
}
