//! The spec file exactly as written: serde types that mirror the YAML, with source locations.
//!
//! Nothing here is checked beyond its shape; [`super::validate`] turns these into the typed
//! [`super::Project`]. The JSON Schema printed by `checker tasks schema` is derived from these
//! types, so their doc comments are what editors show. A check's keys belong to its kind and
//! live in [`crate::checks`].

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Deserialize;
use serde_saphyr::Spanned;

use crate::checks::RawCheck;

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
    /// The school's repository the project belongs to, e.g. `alx-backend-javascript`: a
    /// repository of that name is graded in the project's `folder`.
    #[schemars(with = "Option<String>")]
    pub repository: Option<Spanned<String>>,
    /// The project's folder inside that repository, e.g. `0x03-ES6_data_manipulation`.
    #[schemars(with = "Option<String>")]
    pub folder: Option<Spanned<String>>,
    /// Services started beside the learner's code for each submission, answering on
    /// `localhost` (`redis`, `mariadb`): a name, or a map with `name` and options.
    #[serde(default)]
    #[schemars(with = "Vec<RawService>")]
    pub services: Vec<Spanned<RawService>>,
    /// Optional learner files accepted by glob besides those the tasks name, e.g.
    /// `["api/**/*.py", "models/*.py"]`: modules of the learner's own that named files import.
    /// Relative to the learner's project folder; `*` and `?` stay inside one folder, `**`
    /// crosses folders; no `..`, no absolute path. At most 100 files of 4 MiB together are
    /// taken, never through a symbolic link, never under a grader file's name.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub extra_files: Vec<Spanned<String>>,
    /// The tasks, in the order learners see them.
    #[schemars(with = "Vec<RawTask>")]
    pub tasks: Spanned<Vec<RawTask>>,
}

/// A service of the project: its name alone (`redis`) or a map with options. (Inside this
/// either-or the parser keeps no locations: problems are reported where the entry starts.)
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum RawService {
    /// A service with no options, e.g. `redis`.
    Name(#[schemars(with = "String")] Spanned<String>),
    /// A service with options.
    Configured(RawServiceOptions),
}

/// A service with options, e.g. `{ name: mariadb, database: holberton, seed: [sql/seed.sql] }`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawServiceOptions {
    /// Which service: `redis` or `mariadb`.
    #[schemars(with = "String")]
    pub name: Spanned<String>,
    /// For a database server: the database created empty for each submission, which the seed
    /// fills (e.g. `holberton`).
    #[schemars(with = "Option<String>")]
    pub database: Option<Spanned<String>>,
    /// Grader files (relative to the project folder) fed to the service in order once it is
    /// ready: SQL for `mariadb`, commands for `redis-cli` for `redis`.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub seed: Vec<Spanned<String>>,
    /// When the service goes back to its seeded state: `submission` (default, once) or
    /// `task` (before every task, so that no task sees what another left).
    #[schemars(with = "Option<String>")]
    pub fresh: Option<Spanned<String>>,
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
