//! `checker images`: build and list the runtime images checks run in and the service images
//! that run beside them.

use std::process::ExitCode;

use checker::grading::Grader;
use checker::images::{self, Recipe};
use clap::Subcommand;

use crate::failure::Failure;

/// `checker images ...`.
#[derive(Subcommand)]
pub enum ImagesCommand {
    /// Build runtime and service images with mmdebstrap and docker import; existing ones are
    /// kept unless built from an older recipe.
    Build {
        /// Runtimes or services to build, e.g. `python mariadb` (default: all).
        runtimes: Vec<String>,
        /// Rebuild images that already exist.
        #[arg(long)]
        force: bool,
    },
    /// List runtimes and services and whether their images exist and are built from the
    /// current recipe.
    List,
}

pub async fn images(command: ImagesCommand) -> Result<ExitCode, Failure> {
    match command {
        ImagesCommand::Build { runtimes, force } => build_images(&runtimes, force).await,
        ImagesCommand::List => list_images().await,
    }
}

async fn build_images(names: &[String], force: bool) -> Result<ExitCode, Failure> {
    let recipes = images::all_recipes();
    let selected: Vec<&Recipe> = if names.is_empty() {
        recipes.iter().collect()
    } else {
        names
            .iter()
            .map(|name| {
                recipes.iter().find(|r| r.name == name).ok_or_else(|| {
                    let known: Vec<&str> = recipes.iter().map(|r| r.name).collect();
                    Failure::bad(format!(
                        "unknown runtime or service `{name}`; known: {}",
                        known.join(", ")
                    ))
                })
            })
            .collect::<Result<_, _>>()?
    };
    let grader = Grader::connect().await?;
    for runtime in selected {
        match images::state(&grader, runtime).await? {
            images::ImageState::Current { .. } if !force => {}
            images::ImageState::Stale { .. } if !force => eprintln!(
                "{} was built from an older recipe; rebuilding ({})...",
                runtime.image, runtime.description
            ),
            _ => eprintln!(
                "building {} ({}) from Debian's packages...",
                runtime.image, runtime.description
            ),
        }
        let outcome = images::build(&grader, runtime, force)
            .await
            .map_err(Failure::platform)?;
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
    for runtime in &images::all_recipes() {
        let state = match images::state(&grader, runtime).await? {
            images::ImageState::Current { size } => format!("present, {:.1} MB", size as f64 / 1e6),
            images::ImageState::Stale { size } => format!(
                "stale, {:.1} MB (built from an older recipe; run `checker images build`)",
                size as f64 / 1e6
            ),
            images::ImageState::Missing => "missing (run `checker images build`)".into(),
        };
        println!(
            "{:<8} {:<8} {:<26} {}  {}",
            runtime.name, runtime.kind, runtime.image, state, runtime.description
        );
    }
    Ok(ExitCode::SUCCESS)
}
