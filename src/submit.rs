//! `checker submit`: flags, handed to the client.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use client::{GitTarget, Source, SubmitOptions};

use crate::failure::Failure;
use crate::flags::ServerArg;

/// Exit codes of the client commands.
pub const CLIENT_EXIT_CODES: &str = "\
Exit codes:
  0  done (with --wait: graded, and every mandatory check passed)
  1  graded, and something failed
  2  bad input: an unknown project, a missing folder, refused credentials, an upload refused
  3  platform fault: the server unreachable or failing, or grading failed on its side (never a score)";

#[derive(Args)]
pub struct SubmitArgs {
    /// Project id on the server.
    project: String,
    /// Folder holding your files (only the files the project names are sent).
    #[arg(default_value = ".")]
    dir: PathBuf,
    #[command(flatten)]
    server: ServerArg,
    /// Grade a commit of a git repository instead of a folder: URL, or URL@REV (a branch, a
    /// tag or a commit; HEAD by default). The server fetches it.
    #[arg(long, value_name = "URL[@REV]", conflicts_with = "dir")]
    git: Option<String>,
    /// Wait for the grading, print the report, and exit like `checker grade`.
    #[arg(long)]
    wait: bool,
    /// With --wait: exit 1 when the score is under N percent, instead of requiring every
    /// mandatory check to pass; for CI pipelines.
    #[arg(long, value_name = "N", requires = "wait", value_parser = clap::value_parser!(u8).range(0..=100))]
    min_score: Option<u8>,
    /// Print JSON (with --wait: the report, as `checker grade --json`).
    #[arg(long)]
    json: bool,
    /// No progress indicator.
    #[arg(short, long)]
    quiet: bool,
}

pub async fn submit(args: SubmitArgs) -> Result<ExitCode, Failure> {
    let source = match args.git {
        Some(git) => {
            let (url, rev) = web::git::url::split_url_rev(&git);
            let shown = web::git::url::redact(&url);
            Source::Git(GitTarget { url, rev, shown })
        }
        None => Source::Folder(args.dir),
    };
    let code = client::submit(&SubmitOptions {
        project: args.project,
        source,
        server: args.server.server,
        wait: args.wait,
        min_score: args.min_score,
        json: args.json,
        quiet: args.quiet,
    })
    .await?;
    Ok(ExitCode::from(code))
}
