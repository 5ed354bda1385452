//! The shipped projects' fixtures, `tests/fixtures/<project>/` for each project of `tasks/`:
//! `reference/` is a complete solution, and every other folder is a case built on it. A case
//! holds only the files that differ from the reference (replaced or added), an optional
//! `overlay.json` naming the reference's files it removes (`{"remove": ["8-clean_set.js"]}`),
//! and `verdicts.json`, what grading it must give. The reference has its `verdicts.json` too.
//! A new project joins by adding its folder.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::root;

/// The files of a case folder that describe it rather than belong to the submission.
const CONTROL_FILES: [&str; 2] = ["verdicts.json", "overlay.json"];

/// What grading a case must give, from its `verdicts.json`.
#[derive(Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expected {
    /// `checker grade`'s exit code.
    pub exit: i32,
    pub score: f64,
    pub bonus: f64,
    /// `task/check` of every check that does not pass, with its verdict.
    pub not_passed: BTreeMap<String, String>,
    /// `task/check` of some checks, with a text their reason must contain (e.g. the learner's
    /// `file:line` in a crash summary).
    #[serde(default)]
    pub reasons: BTreeMap<String, String>,
}

/// A case's changes to the reference, from its `overlay.json`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Overlay {
    /// Paths, relative to the submission, that the case does not have.
    #[serde(default)]
    remove: Vec<String>,
}

/// The ids of the projects that have fixtures: the folders of `tests/fixtures/` named like a
/// project folder of `tasks/`, sorted.
pub fn projects() -> Vec<String> {
    let mut projects: Vec<String> = folders(&root().join("tasks"))
        .into_iter()
        .filter(|id| root().join("tasks").join(id).join("project.yaml").is_file())
        .filter(|id| root().join("tests/fixtures").join(id).is_dir())
        .collect();
    projects.sort();
    projects
}

/// The project folders of `tasks/`, sorted.
pub fn shipped_projects() -> Vec<String> {
    let mut projects: Vec<String> = folders(&root().join("tasks"))
        .into_iter()
        .filter(|id| root().join("tasks").join(id).join("project.yaml").is_file())
        .collect();
    projects.sort();
    projects
}

/// The cases of `project`: `reference` first, then the others by name.
pub fn cases(project: &str) -> Vec<String> {
    let mut cases = folders(&project_dir(project));
    cases.sort_by_key(|name| (name != "reference", name.clone()));
    cases
}

/// The expected verdicts of a case.
pub fn expected(project: &str, case: &str) -> Expected {
    let path = project_dir(project).join(case).join("verdicts.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A case's submission folder, made for the test: the reference itself, or a temporary copy of
/// it with the case's overlay applied (removed when this is dropped).
pub struct Submission {
    dir: PathBuf,
    _temp: Option<tempfile::TempDir>,
}

impl Submission {
    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// The folder, as a string for a command line.
    pub fn arg(&self) -> String {
        self.dir.display().to_string()
    }
}

/// The submission of `case` of `project`: the reference plus the case's overlay.
pub fn submission(project: &str, case: &str) -> Submission {
    let reference = project_dir(project).join("reference");
    if case == "reference" {
        return Submission {
            dir: reference,
            _temp: None,
        };
    }
    let case_dir = project_dir(project).join(case);
    assert!(case_dir.is_dir(), "no fixture {}", case_dir.display());
    let temp = tempfile::tempdir().expect("a temporary folder");
    let dir = temp.path().join(case);
    copy_dir(&reference, &dir);
    for entry in std::fs::read_dir(&case_dir).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name();
        if CONTROL_FILES.iter().any(|c| name == *c) {
            continue;
        }
        copy_entry(&entry.path(), &dir.join(&name));
    }
    let overlay: Overlay = match std::fs::read_to_string(case_dir.join("overlay.json")) {
        Ok(text) => serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{}/overlay.json: {e}", case_dir.display())),
        Err(_) => Overlay::default(),
    };
    for path in &overlay.remove {
        let target = dir.join(path);
        assert!(
            target.exists(),
            "{}/overlay.json removes {path}, which the reference does not have",
            case_dir.display()
        );
        if target.is_dir() {
            std::fs::remove_dir_all(target).unwrap();
        } else {
            std::fs::remove_file(target).unwrap();
        }
    }
    Submission {
        dir,
        _temp: Some(temp),
    }
}

/// Copies the folder `from` to `to`, recursively.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        copy_entry(&entry.path(), &to.join(entry.file_name()));
    }
}

fn copy_entry(from: &Path, to: &Path) {
    if from.is_dir() {
        copy_dir(from, to);
    } else {
        std::fs::copy(from, to).unwrap_or_else(|e| panic!("{}: {e}", from.display()));
    }
}

fn project_dir(project: &str) -> PathBuf {
    root().join("tests/fixtures").join(project)
}

fn folders(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect()
}
