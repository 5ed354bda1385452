//! Task specs: loading `project.yaml` files and validating them into typed projects.
//!
//! A [`Project`] can only be obtained through [`Project::load`], which reports every problem it
//! finds with file, line and column, so the grading engine only ever sees checked values.

mod error;
mod raw;
mod validate;

use std::path::{Path, PathBuf};
use std::time::Duration;

use bytesize::ByteSize;

pub use error::{SpecError, SpecErrors};
pub use raw::{RawLimits, RawProject, RawService, RawServiceOptions};
pub use validate::Validator;

pub use crate::checks::CheckKind;

/// Name of the spec file inside a project folder.
pub const SPEC_FILE: &str = "project.yaml";

/// Folder beside the projects holding grader files several projects use; a spec names them
/// `../_shared/NAME`. It holds no spec, so it is never taken for a project.
pub const SHARED_DIR: &str = "_shared";

/// A validated curriculum project.
#[derive(Debug, Clone)]
pub struct Project {
    /// Identifier, e.g. `es6-data-manipulation`.
    pub id: String,
    /// Title shown in reports.
    pub title: String,
    /// Folder the spec was loaded from.
    pub dir: PathBuf,
    /// Docker image the checks run in.
    pub image: String,
    /// Default limits.
    pub limits: Limits,
    /// Environment of every command (the spec's `env`, then what its services add).
    pub env: Vec<(String, String)>,
    /// Services started beside the learner's code, answering on `localhost`.
    pub services: Vec<crate::services::ServiceUse>,
    /// Every grader-owned file any check uses, loaded once.
    pub grader_files: Vec<GraderFile>,
    /// The school's repository the project belongs to (`repository:`), if the spec names one.
    pub repository: Option<String>,
    /// The project's folder inside a learner's repository (`folder:`), if the spec names one.
    pub folder: Option<String>,
    /// Tasks in order.
    pub tasks: Vec<Task>,
    /// Optional learner files accepted by glob (`extra_files:`), besides those tasks name.
    pub extra_files: crate::extra_files::ExtraFiles,
    /// Hash of the spec and its grader files: results stay tied to the spec they were graded by.
    pub version: String,
}

/// Resource limits of a check (memory applies to the whole sandbox).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Wall-clock time of one check.
    pub time: Duration,
    /// Memory of the sandbox, swap and work directory included.
    pub memory: ByteSize,
    /// Standard output and error of one check together.
    pub output: ByteSize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            time: Duration::from_secs(10),
            memory: ByteSize::mib(256),
            output: ByteSize::kib(64),
        }
    }
}

/// A file the grader owns (a harness, a support file), placed in the work directory by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GraderFile {
    /// File name in the work directory.
    pub name: String,
    /// Contents.
    pub contents: Vec<u8>,
}

impl GraderFile {
    /// The file as the sandbox places it.
    pub fn to_sandbox(&self) -> sandbox::SandboxFile {
        sandbox::SandboxFile::new(&self.name, self.contents.clone())
    }
}

/// One task of a project.
#[derive(Debug, Clone)]
pub struct Task {
    /// Identifier, unique in the project.
    pub id: String,
    /// Title.
    pub title: String,
    /// Counts towards the score (true) or the bonus (false).
    pub mandatory: bool,
    /// Files the learner must provide (validated relative paths).
    pub files: Vec<String>,
    /// Checks in order.
    pub checks: Vec<Check>,
}

/// One check of a task.
#[derive(Debug, Clone)]
pub struct Check {
    /// What it verifies, unique in the task.
    pub name: String,
    /// What it does.
    pub kind: CheckKind,
    /// Points it is worth.
    pub points: u32,
    /// Expected and actual output are not shown to the learner.
    pub hidden: bool,
    /// When it fails, the rest of the task is skipped.
    pub gate: bool,
    /// Hint shown when it fails.
    pub message: Option<String>,
    /// Grader files placed for this check only and removed after it: a hidden check's files
    /// that no visible check names, so no other check's code can read them.
    pub own_files: Vec<GraderFile>,
}

impl Project {
    /// Loads and validates the project in folder `dir` (which holds `project.yaml`).
    pub fn load(dir: &Path) -> Result<Project, SpecErrors> {
        validate::load(dir)
    }

    /// Total points of mandatory (true) or advanced (false) tasks.
    pub fn points(&self, mandatory: bool) -> u32 {
        self.tasks
            .iter()
            .filter(|t| t.mandatory == mandatory)
            .flat_map(|t| &t.checks)
            .map(|c| c.points)
            .sum()
    }

    /// Whether a repository named `name` (the last segment of its URL, `.git` stripped, any
    /// case) is the project's `repository`.
    pub fn is_repository(&self, name: &str) -> bool {
        let name = name.trim_end_matches('/');
        let name = name.rsplit('/').next().unwrap_or(name);
        let name = name.strip_suffix(".git").unwrap_or(name);
        self.repository
            .as_deref()
            .is_some_and(|own| own.eq_ignore_ascii_case(name))
    }

    /// Every learner file any task names, in order, without repeats.
    pub fn learner_files(&self) -> Vec<&str> {
        let mut files: Vec<&str> = Vec::new();
        for file in self.tasks.iter().flat_map(|t| &t.files) {
            if !files.contains(&file.as_str()) {
                files.push(file);
            }
        }
        files
    }
}

/// Loads every project under `tasks_dir` (each sub-folder holding a `project.yaml`), sorted by
/// folder name. Problems in one project don't hide the others: all errors are returned together.
pub fn load_curriculum(tasks_dir: &Path) -> (Vec<Project>, Vec<SpecError>) {
    let mut projects = Vec::new();
    let mut errors = Vec::new();
    let entries = match std::fs::read_dir(tasks_dir) {
        Ok(entries) => entries,
        Err(e) => {
            errors.push(SpecError::file(
                tasks_dir,
                format!("cannot read the tasks directory: {e}"),
                Some("pass the curriculum folder with --tasks-dir".into()),
            ));
            return (projects, errors);
        }
    };
    let mut dirs: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.join(SPEC_FILE).is_file())
        .collect();
    dirs.sort();
    for dir in dirs {
        match Project::load(&dir) {
            Ok(project) => {
                if let Some(twin) = projects.iter().find(|p: &&Project| p.id == project.id) {
                    errors.push(SpecError::file(
                        &dir.join(SPEC_FILE),
                        format!(
                            "project id `{}` is already used by {}",
                            project.id,
                            twin.dir.display()
                        ),
                        Some("give every project a unique id".into()),
                    ));
                } else {
                    projects.push(project);
                }
            }
            Err(e) => errors.extend(e.0),
        }
    }
    (projects, errors)
}

/// Finds a project by a path to its folder, or by its id (or folder name) under `tasks_dir`.
pub fn resolve(tasks_dir: &Path, project: &str) -> Result<Project, SpecErrors> {
    let as_path = Path::new(project);
    if as_path.join(SPEC_FILE).is_file() {
        return Project::load(as_path);
    }
    let by_folder = tasks_dir.join(project);
    if by_folder.join(SPEC_FILE).is_file() {
        return Project::load(&by_folder);
    }
    let (projects, _) = load_curriculum(tasks_dir);
    let known: Vec<&str> = projects.iter().map(|p| p.id.as_str()).collect();
    if let Some(found) = projects.iter().find(|p| p.id == project) {
        return Ok(found.clone());
    }
    Err(SpecErrors(vec![SpecError::file(
        tasks_dir,
        format!("no project `{project}` here"),
        Some(if known.is_empty() {
            "pass a project folder, or point --tasks-dir at the curriculum".into()
        } else {
            format!("known projects: {}", known.join(", "))
        }),
    )]))
}

/// JSON Schema of the spec format, for editors.
pub fn json_schema() -> serde_json::Value {
    let schema = schemars::schema_for!(RawProject);
    serde_json::to_value(schema).expect("a schema serializes")
}

#[cfg(test)]
mod tests;
