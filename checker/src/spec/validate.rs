//! From [`RawProject`] to [`Project`]: every rule a spec must follow, each violation reported
//! with file, line and column.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use bytesize::ByteSize;
use serde_saphyr::Spanned;
use sha2::{Digest, Sha256};

use super::raw::{RawLimits, RawProject, RawService, RawTask};
use super::{
    Check, GraderFile, Limits, Project, SHARED_DIR, SPEC_FILE, SpecError, SpecErrors, Task,
};
use crate::checks::{self, RawCheck};
use crate::extra_files::ExtraFiles;
use crate::runtime;
use crate::services::{self, Fresh, ServiceUse};
use crate::submission::FileProblem;

/// Largest grader file accepted; harnesses are small.
const MAX_GRADER_FILE: u64 = 1024 * 1024;

pub(super) fn load(dir: &Path) -> Result<Project, SpecErrors> {
    let path = dir.join(SPEC_FILE);
    let text = std::fs::read_to_string(&path).map_err(|e| {
        SpecErrors(vec![SpecError::file(
            &path,
            format!("cannot read the spec: {e}"),
            Some(format!("a project folder holds a {SPEC_FILE} file")),
        )])
    })?;
    let raw: RawProject = serde_saphyr::from_str(&text).map_err(|e| {
        let location = e
            .location()
            .map(|l| (l.line(), l.column()))
            .unwrap_or((0, 0));
        let message = first_line(&e.without_snippet().to_string());
        SpecErrors(vec![SpecError::at(
            &path,
            location,
            message,
            parse_hint(&e),
        )])
    })?;
    let mut validator = Validator {
        path: path.clone(),
        dir: dir.to_owned(),
        errors: Vec::new(),
        grader_files: BTreeMap::new(),
        shared: HashSet::new(),
        hidden_check: None,
        check_files: Vec::new(),
        kind_files: Vec::new(),
        service_files: Vec::new(),
        task_files: Vec::new(),
    };
    let project = validator.project(raw, &text);
    match project {
        Some(project) if validator.errors.is_empty() => Ok(project),
        _ => Err(SpecErrors(validator.errors)),
    }
}

/// serde-saphyr adds the location to its messages; ours is printed separately.
fn first_line(message: &str) -> String {
    let line = message.lines().next().unwrap_or(message).trim();
    match line.rfind(" at line ") {
        Some(at) => line[..at].to_owned(),
        None => line.to_owned(),
    }
}

fn parse_hint(error: &serde_saphyr::Error) -> Option<String> {
    let text = error.to_string();
    if text.contains("unknown field") {
        Some("remove the key or fix its spelling; `checker tasks schema` lists every key".into())
    } else if text.contains("missing field") {
        Some("add the key; `checker tasks schema` lists what each part needs".into())
    } else {
        None
    }
}

/// How a spec names a file of the curriculum's shared folder.
const SHARED_PREFIX: &str = "../_shared/";

fn loc<T>(spanned: &Spanned<T>) -> (u64, u64) {
    Validator::loc(spanned)
}

/// Collects every problem of one spec while it is turned into a [`Project`]; check kinds
/// report theirs here too.
pub struct Validator {
    path: PathBuf,
    dir: PathBuf,
    errors: Vec<SpecError>,
    /// Grader files by name, with the spec path they came from.
    grader_files: BTreeMap<String, (String, GraderFile)>,
    /// Names of the grader files placed for every check: `support` and visible checks' files.
    shared: HashSet<String>,
    /// While a check is validated: whether it is hidden (its files are then its own).
    hidden_check: Option<bool>,
    /// Names of the grader files the hidden check being validated names.
    check_files: Vec<String>,
    /// Grader files a check kind places by itself (see [`Validator::check_file`]), with the
    /// spec path they came from.
    kind_files: Vec<(String, GraderFile)>,
    /// Seed files of services (never placed in the work directory), with their spec paths.
    service_files: Vec<(String, GraderFile)>,
    /// The learner files of the task whose checks are being validated.
    task_files: Vec<String>,
}

impl Validator {
    /// Line and column of a value in the spec.
    pub fn loc<T>(spanned: &Spanned<T>) -> (u64, u64) {
        (spanned.referenced.line(), spanned.referenced.column())
    }

    /// The learner files of the task whose checks are being validated.
    pub fn task_files(&self) -> &[String] {
        &self.task_files
    }

    /// Records a problem at `at` (line, column), with a hint on what to do.
    pub fn error(&mut self, at: (u64, u64), message: impl Into<String>, hint: Option<&str>) {
        self.errors.push(SpecError::at(
            &self.path,
            at,
            message,
            hint.map(str::to_owned),
        ));
    }

    fn project(&mut self, raw: RawProject, text: &str) -> Option<Project> {
        let id = raw.id.value.clone();
        if !valid_id(&id) {
            self.error(
                loc(&raw.id),
                format!("project id `{id}` is not a valid identifier"),
                Some("use lowercase letters, digits, `-` and `_`, starting with a letter or digit"),
            );
        }
        let image = match (&raw.runtime, &raw.image) {
            (Some(name), None) => match runtime::find(&name.value) {
                Some(runtime) => runtime.image.to_owned(),
                None => {
                    self.error(
                        loc(name),
                        format!("unknown runtime `{}`", name.value),
                        Some(&format!(
                            "known runtimes: {}; or use `image:` for your own",
                            runtime::names()
                        )),
                    );
                    String::new()
                }
            },
            (None, Some(image)) if !image.value.trim().is_empty() => image.value.clone(),
            (Some(name), Some(_)) => {
                self.error(
                    loc(name),
                    "`runtime` and `image` are both set",
                    Some("keep one of them"),
                );
                String::new()
            }
            _ => {
                self.error(
                    loc(&raw.id),
                    "the project names no `runtime` (or `image`)",
                    Some(&format!(
                        "add e.g. `runtime: node`; known runtimes: {}",
                        runtime::names()
                    )),
                );
                String::new()
            }
        };
        let limits = self.limits(&raw.limits, Limits::default(), true);
        for key in raw.env.keys() {
            if !valid_env_name(key) {
                self.error(
                    loc(&raw.id),
                    format!("environment variable name `{key}` is not valid"),
                    Some("use letters, digits and `_`, not starting with a digit"),
                );
            }
        }
        if let Some(repository) = &raw.repository
            && !valid_repository(&repository.value)
        {
            self.error(
                loc(repository),
                format!("`{}` is not a repository name", repository.value),
                Some("write the name alone, e.g. `alx-backend-javascript`, not a URL"),
            );
        }
        if let Some(folder) = &raw.folder
            && let Err(why) = sandbox::validate_relative_path(folder.value.trim_end_matches('/'))
        {
            self.error(
                loc(folder),
                format!("folder is not allowed: {why}"),
                Some("name the project's folder inside the repository, e.g. `0x00-hello`"),
            );
        }
        for file in &raw.support {
            self.grader_file(file);
        }
        let services = self.services(&raw.services);
        let mut env: Vec<(String, String)> = raw.env.into_iter().collect();
        for using in &services {
            for (key, value) in using.service.learner_env {
                if !env.iter().any(|(k, _)| k == key) {
                    env.push(((*key).to_owned(), (*value).to_owned()));
                }
            }
        }
        if raw.tasks.value.is_empty() {
            self.error(
                loc(&raw.tasks),
                "the project has no tasks",
                Some("add at least one task"),
            );
        }
        let mut task_ids = HashSet::new();
        let mut tasks = Vec::new();
        for task in &raw.tasks.value {
            if !task_ids.insert(task.id.value.clone()) {
                self.error(
                    loc(&task.id),
                    format!("task id `{}` is used twice", task.id.value),
                    Some("task ids must be unique in a project"),
                );
            }
            tasks.push(self.task(task, limits));
        }
        // Grader files share the work directory with the learner's files. Files a kind places
        // run by run (a `tests` check's correct and broken code) may stand in for the learner's
        // own version during a run: the learner's file is put back after it.
        let learner: HashSet<&str> = tasks
            .iter()
            .flat_map(|t: &Task| t.files.iter().map(String::as_str))
            .collect();
        let clashes: Vec<String> = self
            .grader_files
            .values()
            .filter(|(_, file)| learner.contains(file.name.as_str()))
            .map(|(source, _)| source.clone())
            .collect();
        for source in clashes {
            let name = source.rsplit('/').next().unwrap_or(&source).to_owned();
            self.error(
                loc(&raw.id),
                format!("grader file `{source}` would overwrite the learner file `{name}`"),
                Some("rename the grader file"),
            );
        }
        // A file some visible check (or `support`) names is placed for every check anyway.
        for check in tasks.iter_mut().flat_map(|t| &mut t.checks) {
            check.own_files.retain(|f| !self.shared.contains(&f.name));
        }
        let extra_files = self.extra_files(&raw.extra_files);
        let version = self.version(text);
        Some(Project {
            id,
            title: raw.title,
            dir: self.dir.clone(),
            image,
            limits,
            env,
            services,
            grader_files: std::mem::take(&mut self.grader_files)
                .into_values()
                .map(|(_, file)| file)
                .filter(|file| self.shared.contains(&file.name))
                .collect(),
            repository: raw.repository.map(|r| r.value),
            folder: raw.folder.map(|f| f.value.trim_end_matches('/').to_owned()),
            tasks,
            extra_files,
            version,
        })
    }

    /// The `extra_files` globs, each checked where it is written; they never take a grader
    /// file's place.
    fn extra_files(&mut self, raw: &[Spanned<String>]) -> ExtraFiles {
        let patterns: Vec<String> = raw.iter().map(|p| p.value.clone()).collect();
        match ExtraFiles::new(&patterns) {
            Ok(extra) => extra.reserving(self.grader_files.keys().cloned()),
            Err((index, why)) => {
                let at = raw.get(index).or(raw.last()).map_or((0, 0), loc);
                self.error(
                    at,
                    format!("extra_files pattern is not allowed: {why}"),
                    Some(
                        "write a glob relative to the learner's project folder, e.g. `api/**/*.py`",
                    ),
                );
                ExtraFiles::default()
            }
        }
    }

    /// The project's services: each known, named once, with valid options.
    fn services(&mut self, raw: &[Spanned<RawService>]) -> Vec<ServiceUse> {
        let mut services: Vec<ServiceUse> = Vec::new();
        for entry in raw {
            // Values inside an entry carry no location of their own: they get the entry's.
            let at = |value: &Spanned<String>| {
                Spanned::new(value.value.clone(), entry.referenced, entry.defined)
            };
            let (name, options) = match &entry.value {
                RawService::Name(name) => (at(name), None),
                RawService::Configured(options) => (at(&options.name), Some(options)),
            };
            let name = &name;
            let Some(service) = services::find(&name.value) else {
                self.error(
                    loc(name),
                    format!("unknown service `{}`", name.value),
                    Some(&format!("known services: {}", services::names())),
                );
                continue;
            };
            if services.iter().any(|s| s.service.name == service.name) {
                self.error(
                    loc(name),
                    format!("service `{}` is named twice", service.name),
                    Some("name each service once"),
                );
                continue;
            }
            let mut using = ServiceUse {
                service,
                database: None,
                seed: Vec::new(),
                fresh: Fresh::default(),
            };
            if let Some(options) = options {
                if let Some(database) = &options.database.as_ref().map(at) {
                    if !service.databases {
                        self.error(
                            loc(database),
                            format!("service `{}` holds no databases", service.name),
                            Some("remove `database`"),
                        );
                    } else if !valid_database(&database.value) {
                        self.error(
                            loc(database),
                            format!("`{}` is not a database name", database.value),
                            Some("use letters, digits and `_` (at most 64)"),
                        );
                    } else {
                        using.database = Some(database.value.clone());
                    }
                }
                for file in &options.seed {
                    if let Some(file) = self.read_grader_file(&at(file)) {
                        using.seed.extend_from_slice(&file.contents);
                        if !using.seed.ends_with(b"\n") {
                            using.seed.push(b'\n');
                        }
                        self.service_files.push((file.name.clone(), file));
                    }
                }
                if let Some(fresh) = &options.fresh.as_ref().map(at) {
                    match fresh.value.as_str() {
                        "submission" => using.fresh = Fresh::Submission,
                        "task" => using.fresh = Fresh::Task,
                        other => self.error(
                            loc(fresh),
                            format!("`fresh: {other}` is not known"),
                            Some("write `fresh: task` (before every task) or `fresh: submission`"),
                        ),
                    }
                }
            }
            services.push(using);
        }
        services
    }

    fn version(&self, text: &str) -> String {
        let mut hasher = Sha256::new();
        hasher.update(text.as_bytes());
        let files = self.grader_files.values().chain(&self.kind_files);
        for (source, file) in files.chain(&self.service_files) {
            hasher.update(source.as_bytes());
            hasher.update([0]);
            hasher.update(&file.contents);
        }
        hasher
            .finalize()
            .iter()
            .take(8)
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// Limits from `raw` over `base`; a memory limit only at the project level.
    pub fn limits(&mut self, raw: &RawLimits, base: Limits, project_level: bool) -> Limits {
        let mut limits = base;
        if let Some(time) = &raw.time {
            match humantime::parse_duration(&time.value) {
                Ok(d) if d >= Duration::from_millis(10) && d <= Duration::from_secs(600) => {
                    limits.time = d
                }
                Ok(_) => self.error(
                    loc(time),
                    format!("time limit `{}` is out of range", time.value),
                    Some("use between 10ms and 10min"),
                ),
                Err(e) => self.error(
                    loc(time),
                    format!("`{}` is not a duration: {e}", time.value),
                    Some("write e.g. `5s` or `500ms`"),
                ),
            }
        }
        if let Some(memory) = &raw.memory {
            if !project_level {
                self.error(
                    loc(memory),
                    "a memory limit can only be set for the whole project",
                    Some("move `memory` to the project's `limits`; all checks share one sandbox"),
                );
            } else if let Some(size) = self.size(memory, ByteSize::mib(16)) {
                limits.memory = size;
            }
        }
        if let Some(output) = &raw.output
            && let Some(size) = self.size(output, ByteSize::b(1))
        {
            limits.output = size;
        }
        limits
    }

    fn size(&mut self, raw: &Spanned<String>, minimum: ByteSize) -> Option<ByteSize> {
        match ByteSize::from_str(&raw.value) {
            Ok(size) if size >= minimum && size <= ByteSize::gib(16) => Some(size),
            Ok(_) => {
                self.error(
                    loc(raw),
                    format!("size `{}` is out of range", raw.value),
                    Some(&format!("use between {minimum} and 16 GiB")),
                );
                None
            }
            Err(e) => {
                self.error(
                    loc(raw),
                    format!("`{}` is not a size: {e}", raw.value),
                    Some("write e.g. `128MiB` or `64KiB`"),
                );
                None
            }
        }
    }

    /// Loads a grader file named in the spec, refusing paths that leave the project folder.
    /// Returns the name it gets in the work directory. A visible check's files (and
    /// `support`) are placed for every check; a hidden check's only for that check.
    pub fn grader_file(&mut self, spec_path: &Spanned<String>) -> Option<String> {
        let name = self.shared_grader_file(spec_path)?;
        match self.hidden_check {
            Some(true) => self.check_files.push(name.clone()),
            _ => {
                self.shared.insert(name.clone());
            }
        }
        Some(name)
    }

    /// Loads a grader file that a check kind places by itself, run by run (e.g. the correct
    /// and broken versions of a `tests` check): it is never placed for other checks, and may
    /// share its name with other such files.
    pub fn check_file(&mut self, spec_path: &Spanned<String>) -> Option<GraderFile> {
        let file = self.read_grader_file(spec_path)?;
        self.kind_files
            .push((spec_path.value.clone(), file.clone()));
        Some(file)
    }

    fn shared_grader_file(&mut self, spec_path: &Spanned<String>) -> Option<String> {
        let relative = &spec_path.value;
        let name = relative.rsplit('/').next().unwrap_or(relative).to_owned();
        if let Some((existing, _)) = self.grader_files.get(&name) {
            if existing != relative {
                let message = format!(
                    "grader files `{existing}` and `{relative}` would both be placed as `{name}`"
                );
                self.error(
                    loc(spec_path),
                    message,
                    Some("grader files share one folder; give them different names"),
                );
            }
            return Some(name);
        }
        let file = self.read_grader_file(spec_path)?;
        self.grader_files
            .insert(name.clone(), (relative.clone(), file));
        Some(name)
    }

    /// Reads a grader file, refusing paths that leave the project folder (except for the
    /// curriculum's shared folder, `../_shared/...`); placed by its name.
    fn read_grader_file(&mut self, spec_path: &Spanned<String>) -> Option<GraderFile> {
        let relative = &spec_path.value;
        // A file several projects use lives once in the shared folder beside the projects; the
        // path is read from the project's parent, so `_shared` itself is refused if a link.
        let (root, within) = match relative.strip_prefix(SHARED_PREFIX) {
            Some(rest) => (self.dir.join(".."), (SHARED_DIR, rest)),
            None => (self.dir.clone(), ("", relative.as_str())),
        };
        if let Err(why) = sandbox::validate_relative_path(within.1) {
            let message = if within.0.is_empty() {
                format!("grader file path is not allowed: {why}")
            } else {
                format!("grader file path `{relative}` is not allowed: {why} in `{SHARED_DIR}`")
            };
            self.error(
                loc(spec_path),
                message,
                Some(&format!(
                    "name a file inside the project folder, e.g. `harness/0-main.js`, or in \
                     the curriculum's shared folder, e.g. `{SHARED_PREFIX}api.py`"
                )),
            );
            return None;
        }
        let name = relative.rsplit('/').next().unwrap_or(relative).to_owned();
        let path_in_root = if within.0.is_empty() {
            within.1.to_owned()
        } else {
            format!("{}/{}", within.0, within.1)
        };
        // Never through a symbolic link, anywhere on the path: a link could reach any file of
        // the grading host and upload it into every sandbox.
        match crate::submission::read_file_within(&root, &path_in_root, MAX_GRADER_FILE) {
            Ok(contents) => Some(GraderFile { name, contents }),
            Err(problem) => {
                let hint = match problem {
                    FileProblem::Missing if !within.0.is_empty() => format!(
                        "shared grader files live in the `{SHARED_DIR}` folder beside the \
                         project folders: {}",
                        root.join(SHARED_DIR).display()
                    ),
                    FileProblem::Missing => format!(
                        "paths are relative to the project folder {}",
                        self.dir.display()
                    ),
                    FileProblem::Symlink => "copy the file into the project folder".into(),
                    _ => "grader files are regular files of at most 1 MiB".into(),
                };
                self.error(
                    loc(spec_path),
                    format!("grader file `{relative}` {}", problem.reason()),
                    Some(&hint),
                );
                None
            }
        }
    }

    fn task(&mut self, raw: &RawTask, limits: Limits) -> Task {
        if !valid_id(&raw.id.value) {
            self.error(
                loc(&raw.id),
                format!("task id `{}` is not a valid identifier", raw.id.value),
                Some("use letters, digits, `-` and `_`"),
            );
        }
        let mut files = Vec::new();
        for file in &raw.files {
            match sandbox::validate_relative_path(&file.value) {
                Ok(()) => files.push(file.value.clone()),
                Err(why) => self.error(
                    loc(file),
                    format!("learner file path is not allowed: {why}"),
                    Some("name a file relative to the learner's project folder"),
                ),
            }
        }
        if raw.checks.value.is_empty() {
            self.error(
                loc(&raw.checks),
                format!("task `{}` has no checks", raw.id.value),
                Some("add at least one check"),
            );
        }
        self.task_files = files.clone();
        let mut names = HashSet::new();
        let mut checks = Vec::new();
        for check in &raw.checks.value {
            if !names.insert(check.name.value.clone()) {
                self.error(
                    loc(&check.name),
                    format!(
                        "check name `{}` is used twice in this task",
                        check.name.value
                    ),
                    Some("check names must be unique within a task"),
                );
            }
            if let Some(check) = self.check(check, limits) {
                checks.push(check);
            }
        }
        Task {
            id: raw.id.value.clone(),
            title: raw.title.clone(),
            mandatory: raw.mandatory,
            files,
            checks,
        }
    }

    fn check(&mut self, raw: &RawCheck, limits: Limits) -> Option<Check> {
        let common = &raw.common;
        let hidden = common.hidden.unwrap_or(false);
        self.hidden_check = Some(hidden);
        let kind = checks::validate(raw, self, limits);
        self.hidden_check = None;
        let names = std::mem::take(&mut self.check_files);
        let own_files = names
            .iter()
            .filter_map(|name| self.grader_files.get(name).map(|(_, f)| f.clone()))
            .collect();
        Some(Check {
            name: raw.name.value.clone(),
            kind: kind?,
            points: common.points.as_ref().map_or(1, |p| p.value),
            hidden,
            gate: common.gate.unwrap_or(false),
            message: common.message.clone(),
            own_files,
        })
    }
}

fn valid_id(id: &str) -> bool {
    let mut chars = id.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphanumeric())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.')
        && id.len() <= 100
}

/// A repository's name as git hosts allow it (no owner, no URL).
fn valid_repository(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 100
        && name != "."
        && name != ".."
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

fn valid_database(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn valid_env_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}
