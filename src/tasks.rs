//! `checker tasks`: validate, list and describe the task specs.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use checker::spec::{self, Project};
use clap::Subcommand;

use crate::failure::Failure;
use crate::flags::TasksDir;

/// `checker tasks ...`.
#[derive(Subcommand)]
pub enum TasksCommand {
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

pub fn tasks(command: TasksCommand) -> Result<ExitCode, Failure> {
    match command {
        TasksCommand::Validate { dir } => validate(&dir),
        TasksCommand::List { tasks, json } => list(&tasks.tasks_dir, json),
        TasksCommand::Schema => {
            let schema = serde_json::to_string_pretty(&spec::json_schema()).unwrap_or_default();
            println!("{schema}");
            Ok(ExitCode::SUCCESS)
        }
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
        return Err(Failure::bad(format!(
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
                    "repository": p.repository,
                    "folder": p.folder,
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
