//! The spec file exactly as written: serde types that mirror the YAML, with source locations.
//!
//! Nothing here is checked beyond its shape; [`super::validate`] turns these into the typed
//! [`super::Project`]. The JSON Schema printed by `checker tasks schema` is derived from these
//! types, so their doc comments are what editors show.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Deserialize;
use serde_saphyr::Spanned;

/// A curriculum project: a list of tasks graded in one runtime.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawProject {
    /// Identifier used on the command line and in reports (lowercase letters, digits, `-`, `_`).
    #[schemars(with = "String")]
    pub id: Spanned<String>,
    /// Human title shown in reports, e.g. "ES6 data manipulation".
    pub title: String,
    /// A runtime image shipped with Checker (`node`, `python`), built by `checker images build`.
    #[schemars(with = "Option<String>")]
    pub runtime: Option<Spanned<String>>,
    /// Any local Docker image instead of a runtime, e.g. `my/image:tag`.
    #[schemars(with = "Option<String>")]
    pub image: Option<Spanned<String>>,
    /// Default limits of every check.
    #[serde(default)]
    pub limits: RawLimits,
    /// Environment variables of every command.
    #[serde(default)]
    pub env: BTreeMap<String, String>,
    /// Grader files (relative to the project folder) placed in the work directory for every check.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub support: Vec<Spanned<String>>,
    /// Folder of a learner's repository where this project's files live.
    #[serde(default)]
    pub repo_dir: Option<String>,
    /// The tasks, in the order learners see them.
    #[schemars(with = "Vec<RawTask>")]
    pub tasks: Spanned<Vec<RawTask>>,
}

/// Resource limits; units are written out: `5s`, `500ms`, `128MiB`, `64KiB`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawLimits {
    /// Wall-clock time of one check, e.g. `5s`.
    #[schemars(with = "Option<String>")]
    pub time: Option<Spanned<String>>,
    /// Memory of the whole sandbox, e.g. `128MiB` (project level only).
    #[schemars(with = "Option<String>")]
    pub memory: Option<Spanned<String>>,
    /// Standard output and error of one check together, e.g. `64KiB`.
    #[schemars(with = "Option<String>")]
    pub output: Option<Spanned<String>>,
}

/// One task: the files a learner provides and the checks run on them.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawTask {
    /// Identifier, unique in the project, e.g. `0-get_list_students`.
    #[schemars(with = "String")]
    pub id: Spanned<String>,
    /// Human title.
    pub title: String,
    /// Mandatory tasks make up the score; others (advanced) add a bonus. Default true.
    #[serde(default = "yes")]
    pub mandatory: bool,
    /// Files the learner must provide, relative to their project folder.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub files: Vec<Spanned<String>>,
    /// Checks, run in order.
    #[schemars(with = "Vec<RawCheck>")]
    pub checks: Spanned<Vec<RawCheck>>,
}

fn yes() -> bool {
    true
}

/// One check: either `file` (the file exists) or `run` (a command and what it must print).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawCheck {
    /// What the check verifies, shown to the learner; unique in its task.
    #[schemars(with = "String")]
    pub name: Spanned<String>,
    /// Passes when this learner file exists and is a regular file.
    #[schemars(with = "Option<String>")]
    pub file: Option<Spanned<String>>,
    /// A `/bin/sh` command run in the work directory.
    #[schemars(with = "Option<String>")]
    pub run: Option<Spanned<String>>,
    /// Text fed to the command's standard input.
    pub stdin: Option<String>,
    /// Grader files (relative to the project folder) placed beside the learner's for this check.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub with: Vec<Spanned<String>>,
    /// What the command must print and return.
    pub expect: Option<RawExpect>,
    /// How outputs are compared: exact, trailing_whitespace (default), whitespace, regex,
    /// numbers, json, unordered_lines.
    #[schemars(with = "Option<String>")]
    pub compare: Option<Spanned<String>>,
    /// Largest accepted difference between numbers, with `compare: numbers` (default 1e-6).
    #[schemars(with = "Option<f64>")]
    pub tolerance: Option<Spanned<f64>>,
    /// Hide expected and actual output from the learner.
    #[serde(default)]
    pub hidden: bool,
    /// Points this check is worth (default 1).
    #[schemars(with = "Option<u32>")]
    pub points: Option<Spanned<u32>>,
    /// When this check fails, the rest of its task is skipped.
    #[serde(default)]
    pub gate: bool,
    /// A hint shown to the learner when the check fails.
    pub message: Option<String>,
    /// Limits of this check (time and output only).
    pub limits: Option<RawLimits>,
}

/// Expected results of a `run` check.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawExpect {
    /// Expected standard output (a pattern with `compare: regex`).
    #[schemars(with = "Option<String>")]
    pub stdout: Option<Spanned<String>>,
    /// Expected standard error (a pattern with `compare: regex`).
    #[schemars(with = "Option<String>")]
    pub stderr: Option<Spanned<String>>,
    /// Expected exit code (default 0).
    pub exit: Option<i64>,
}
