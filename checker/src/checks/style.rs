//! `style`: the school's style tools run over the learner's Python files in the sandbox.
//!
//! pycodestyle 2.5.0, pep8 1.7.1 and mypy are installed in the `python` runtime image;
//! `docstrings` and `annotations` are Checker's own script (`style.py`, piped to Python on its
//! standard input). Every tool runs as `python3 -I`, so a learner file named like a tool's module
//! (`pycodestyle.py`, `ast.py`) is never imported in its place, and nothing the learner wrote
//! replaces the script. Findings read `file:line:col CODE message`, one per line.
//!
//! `eslint` lints the learner's JavaScript files in the `node` runtime image (`style/eslint.rs`).

mod eslint;

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, LazyLock, Mutex};
use std::time::Duration;

use bytesize::ByteSize;
use regex::Regex;
use serde_saphyr::Spanned;

use super::{Context, Kind, keys};
use crate::report::{CheckReport, Verdict};
use crate::spec::{Limits, Validator};

keys! {
    /// The keys of a `style` check.
    pub struct StyleKeys {
        /// The tool: `pycodestyle` (2.5.0), `pep8` (1.7.1), `docstrings`, `annotations`,
        /// `mypy` or `eslint` (6.4, the school's airbnb-base rules). Passes when it finds nothing.
        #[schemars(with = "Option<String>")]
        pub style: Option<Spanned<String>>,
        /// Files of the task to check (default: every `.py` file of the task, `.js` for eslint).
        #[schemars(with = "Option<Vec<String>>")]
        pub paths: Option<Vec<Spanned<String>>>,
        /// `docstrings` only: the fewest words a docstring may have (default 1: not empty).
        #[schemars(with = "Option<u32>")]
        pub min_words: Option<Spanned<u32>>,
        /// eslint only: rules of the school's rule set a project's own config changed, as
        /// `rule: off | warn | error` (e.g. `no-underscore-dangle: "off"`).
        #[schemars(with = "Option<BTreeMap<String, String>>")]
        pub rules: Option<Spanned<BTreeMap<String, String>>>,
    }
}

/// A style tool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tool {
    /// pycodestyle 2.5.0 (PEP 8).
    Pycodestyle,
    /// pep8 1.7.1, pycodestyle's former name and rules.
    Pep8,
    /// Every module, class and function has a docstring.
    Docstrings,
    /// Every parameter (but self/cls) and return is annotated.
    Annotations,
    /// mypy (Debian's 1.0) reports nothing.
    Mypy,
    /// ESLint 6.4 with the school's airbnb-base rule set reports no error.
    Eslint,
}

impl Tool {
    /// Every tool, in the order hints list them.
    pub const ALL: [Tool; 6] = [
        Tool::Pycodestyle,
        Tool::Pep8,
        Tool::Docstrings,
        Tool::Annotations,
        Tool::Mypy,
        Tool::Eslint,
    ];

    /// The name written in specs.
    pub fn name(self) -> &'static str {
        match self {
            Tool::Pycodestyle => "pycodestyle",
            Tool::Pep8 => "pep8",
            Tool::Docstrings => "docstrings",
            Tool::Annotations => "annotations",
            Tool::Mypy => "mypy",
            Tool::Eslint => "eslint",
        }
    }

    /// The extension of the files the tool checks, and what they are called in errors.
    fn language(self) -> (&'static str, &'static str) {
        match self {
            Tool::Eslint => (".js", "JavaScript"),
            _ => (".py", "Python"),
        }
    }

    /// The tool called `name`.
    pub fn from_name(name: &str) -> Option<Tool> {
        Tool::ALL.into_iter().find(|tool| tool.name() == name)
    }

    /// What the learner reads in a failure.
    fn label(self) -> &'static str {
        match self {
            Tool::Pycodestyle => "pycodestyle 2.5.0",
            Tool::Pep8 => "pep8 1.7.1",
            Tool::Docstrings => "the docstring check",
            Tool::Annotations => "the type annotation check",
            Tool::Mypy => "mypy",
            Tool::Eslint => "ESLint",
        }
    }

    /// The `/bin/sh` command that checks `files`, and what it reads on standard input.
    /// `min_words` is the fewest words a docstring may have; `mypy_cache`: the platform placed
    /// [`MYPY_CACHE`] (never read otherwise: a learner's program may have written one).
    fn command(
        self,
        files: &[String],
        min_words: u32,
        mypy_cache: bool,
    ) -> (String, Option<Vec<u8>>) {
        if self == Tool::Eslint {
            return eslint::invocation(files, &BTreeMap::new());
        }
        let quoted: Vec<String> = files.iter().map(|f| sandbox::shell_quote(f)).collect();
        let files = quoted.join(" ");
        // -W ignore: pep8 1.7.1 warns that it was renamed, and both warn about old regexes.
        // No tool reads a configuration file: one written by a learner's program in an earlier
        // check (setup.cfg, mypy.ini in the work directory) would silence it.
        match self {
            Tool::Pycodestyle | Tool::Pep8 => (
                format!(
                    "exec python3 -I -W ignore -c 'import {} as tool; tool.PROJECT_CONFIG = (); \
                     tool.USER_CONFIG = None; tool._main()' -- {files}",
                    self.name()
                ),
                None,
            ),
            // A fresh cache for every run, started from the standard library's when placed.
            Tool::Mypy => (
                format!(
                    "cache=$(mktemp -d) && {} python3 -I -m mypy --config-file= \
                     --cache-dir=\"$cache\" --show-column-numbers --show-error-codes \
                     --no-error-summary --no-color-output --no-pretty --hide-error-context \
                     -- {files}; status=$?; rm -rf \"$cache\"; exit $status",
                    if mypy_cache {
                        format!("tar -x -f {MYPY_CACHE} -C \"$cache\" &&")
                    } else {
                        String::new()
                    }
                ),
                None,
            ),
            Tool::Docstrings | Tool::Annotations => (
                format!("exec python3 -I - {} {min_words} {files}", self.name()),
                Some(SCRIPT.as_bytes().to_vec()),
            ),
            Tool::Eslint => unreachable!("handled above"),
        }
    }
}

/// Checker's docstring and annotation checks, run by the sandbox's Python.
const SCRIPT: &str = include_str!("style.py");

/// The grader's file holding mypy's cache of the standard library, placed for a mypy check.
const MYPY_CACHE: &str = ".checker-mypy-cache.tar";

/// Makes mypy's cache of the standard library's stubs (what checking an empty module reads)
/// as a tar on standard output. It runs in a fresh folder, without configuration, on the
/// image's typeshed alone, so nothing of a learner's can end up in it.
const MYPY_WARM_UP: &str = "d=$(mktemp -d) && cd \"$d\" && : > empty.py && python3 -I -m mypy \
    --config-file= --cache-dir=cache empty.py >/dev/null && rm -f cache/*/empty.* && \
    tar -c -f - -C cache .; status=$?; rm -rf \"$d\"; exit $status";

/// mypy's standard library cache per runtime image, made once per process: with it a check
/// reads the stubs' cached analysis instead of analysing them again (seconds of its time).
static MYPY_WARM: LazyLock<Mutex<HashMap<String, Arc<Vec<u8>>>>> = LazyLock::new(Default::default);

/// The standard library cache for the sandbox's image, made in this sandbox the first time;
/// `None` when it cannot be made (the check then runs without it).
async fn mypy_cache(context: &Context<'_>) -> Option<Arc<Vec<u8>>> {
    let image = &context.project.image;
    if let Some(cache) = MYPY_WARM.lock().ok()?.get(image) {
        return Some(cache.clone());
    }
    let mut request = sandbox::RunRequest::new(MYPY_WARM_UP, MYPY_MIN_TIME);
    request.output_limit = ByteSize::mib(64);
    let outcome = context.sandbox.run(&request).await.ok()?;
    if outcome.exit_code != Some(0) || outcome.stdout.is_empty() {
        return None;
    }
    let cache = Arc::new(outcome.stdout);
    MYPY_WARM.lock().ok()?.insert(image.clone(), cache.clone());
    Some(cache)
}

/// How long a tool may take, whatever the project's limit: a slow tool is never the learner's
/// fault.
const MIN_TIME: Duration = Duration::from_secs(60);

/// How long mypy may take: seconds on an idle machine, but a minute without its cache on a
/// machine loaded 25 times over (measured on 2 cores), and its verdict does not depend on time.
const MYPY_MIN_TIME: Duration = Duration::from_secs(180);

/// How much a tool may print.
const MIN_OUTPUT: ByteSize = ByteSize::mib(1);

/// Findings shown in the reason; all of them are in `actual`.
const SHOWN: usize = 20;

/// A check that a style tool finds nothing in some of the task's files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StyleCheck {
    /// The tool.
    pub tool: Tool,
    /// The learner files it checks.
    pub paths: Vec<String>,
    /// The fewest words a docstring may have (`docstrings` only; 1 otherwise).
    pub min_words: u32,
    /// eslint: severities of rules changed from the school's rule set.
    pub rules: BTreeMap<String, String>,
    /// Wall-clock limit.
    pub time: Duration,
    /// Output cap.
    pub output: ByteSize,
}

impl Kind for StyleCheck {
    const KEY: &'static str = "style";
    const USAGE: &'static str =
        "`style: pycodestyle` (or pep8, docstrings, annotations, mypy, eslint)";
    type Keys = StyleKeys;

    fn located(keys: &StyleKeys) -> Option<(u64, u64)> {
        keys.style.as_ref().map(Validator::loc)
    }

    fn validate(keys: &StyleKeys, spec: &mut Validator, limits: Limits) -> Option<Self> {
        let style = keys.style.as_ref()?;
        let at = Validator::loc(style);
        let tool = Tool::from_name(&style.value);
        if tool.is_none() {
            let names: Vec<&str> = Tool::ALL.iter().map(|t| t.name()).collect();
            spec.error(
                at,
                format!("unknown style tool `{}`", style.value),
                Some(&format!("use one of: {}", names.join(", "))),
            );
        }
        let (extension, language) = tool.map_or((".py", "Python"), Tool::language);
        let task_files = spec.task_files().to_vec();
        let paths = match &keys.paths {
            Some(paths) if paths.is_empty() => {
                spec.error(
                    at,
                    "`paths` is empty",
                    Some(&format!(
                        "name files of the task, or remove `paths` to check every {extension} file"
                    )),
                );
                Vec::new()
            }
            Some(paths) => {
                for path in paths {
                    let here = Validator::loc(path);
                    if let Err(why) = sandbox::validate_relative_path(&path.value) {
                        spec.error(here, format!("path is not allowed: {why}"), None);
                    } else if !task_files.contains(&path.value) {
                        spec.error(
                            here,
                            format!("`{}` is not a file of this task", path.value),
                            Some("list it in the task's `files:`, or check a file listed there"),
                        );
                    } else if !path.value.ends_with(extension) {
                        spec.error(
                            here,
                            format!("`{}` is not a {language} file ({extension})", path.value),
                            None,
                        );
                    }
                }
                paths.iter().map(|p| p.value.clone()).collect()
            }
            None => {
                let checked: Vec<String> = task_files
                    .into_iter()
                    .filter(|f| f.ends_with(extension))
                    .collect();
                if checked.is_empty() {
                    spec.error(
                        at,
                        format!("this task has no {extension} file to check"),
                        Some(&format!(
                            "list the task's {language} files in its `files:`, or add `paths:`"
                        )),
                    );
                }
                checked
            }
        };
        let min_words = match &keys.min_words {
            None => 1,
            Some(words) => {
                let here = Validator::loc(words);
                if tool.is_some_and(|tool| tool != Tool::Docstrings) {
                    spec.error(
                        here,
                        "`min_words` applies to `style: docstrings` only",
                        Some("remove it, or use it on a docstrings check"),
                    );
                } else if words.value == 0 {
                    spec.error(here, "`min_words` is at least 1", None);
                }
                words.value.max(1)
            }
        };
        let rules = match &keys.rules {
            Some(rules) if tool != Some(Tool::Eslint) => {
                spec.error(
                    Validator::loc(rules),
                    "`rules` only applies with `style: eslint`",
                    None,
                );
                BTreeMap::new()
            }
            Some(rules) => {
                for (rule, severity) in &rules.value {
                    if let Err(why) = eslint::check_rule(rule, severity) {
                        spec.error(Validator::loc(rules), why, None);
                    }
                }
                rules.value.clone()
            }
            None => BTreeMap::new(),
        };
        Some(StyleCheck {
            tool: tool?,
            paths,
            min_words,
            rules,
            time: limits.time.max(match tool {
                Some(Tool::Mypy) => MYPY_MIN_TIME,
                Some(Tool::Eslint) => eslint::MIN_TIME,
                _ => MIN_TIME,
            }),
            output: limits.output.max(MIN_OUTPUT),
        })
    }

    async fn execute(&self, context: &Context<'_>) -> CheckReport {
        // Without its cache mypy still runs, only slower.
        let mut placed = false;
        if self.tool == Tool::Mypy
            && let Some(cache) = mypy_cache(context).await
        {
            let file = sandbox::SandboxFile::new(MYPY_CACHE, cache.to_vec());
            placed = context.sandbox.place_for_check(&[file]).await.is_ok();
        }
        if self.tool == Tool::Eslint {
            return self.lint_together(context).await;
        }
        let (script, stdin) = self.tool.command(&self.paths, self.min_words, placed);
        let request = sandbox::RunRequest {
            script,
            stdin,
            env: context.project.env.clone(),
            time_limit: self.time,
            output_limit: self.output,
        };
        let mut report = match context.sandbox.run(&request).await {
            Ok(outcome) => self.judge(context, &outcome),
            Err(error) => context.explained(
                Verdict::InternalError,
                format!("the platform failed to run {}: {error}", self.tool.label()),
            ),
        };
        if placed && let Err(error) = context.sandbox.remove_check_files(&[MYPY_CACHE]).await {
            report = context.explained(
                Verdict::InternalError,
                format!("the platform failed to remove mypy's cache: {error}"),
            );
        }
        if report.verdict != Verdict::Passed {
            report.points = 0;
        }
        report
    }
}

/// ESLint runs shared by the checks of one grading, one per rule set (see
/// [`super::Shared`]): the files each run lints, and how it ended.
#[derive(Default)]
pub(crate) struct LintRuns(Mutex<HashMap<String, Arc<tokio::sync::OnceCell<LintRun>>>>);

type LintRun = Result<(Vec<String>, sandbox::RunOutcome), String>;

impl StyleCheck {
    /// ESLint, run once per grading and rule set over the files of every check that lints with
    /// the same rules (the first such check runs it, in its lane; the others wait for it), each
    /// check judged on the findings about its own files.
    async fn lint_together(&self, context: &Context<'_>) -> CheckReport {
        let started = std::time::Instant::now();
        let key = serde_json::to_string(&self.rules).expect("strings serialize");
        let cell = {
            let mut runs = context
                .shared
                .lints
                .0
                .lock()
                .unwrap_or_else(|p| p.into_inner());
            runs.entry(key).or_default().clone()
        };
        let run = cell
            .get_or_init(|| async {
                let mut files: Vec<String> = self.paths.clone();
                let mut together = 0u64; // this check is one of them
                for check in context.project.tasks.iter().flat_map(|t| &t.checks) {
                    let super::CheckKind::Style(other) = &check.kind else {
                        continue;
                    };
                    if other.tool != Tool::Eslint || other.rules != self.rules {
                        continue;
                    }
                    together += 1;
                    for path in &other.paths {
                        if context.submission.file(path).is_ok() && !files.contains(path) {
                            files.push(path.clone());
                        }
                    }
                }
                let (script, stdin) = eslint::invocation(&files, &self.rules);
                let cap = (self.output.as_u64() * together).min(ByteSize::mib(4).as_u64());
                let request = sandbox::RunRequest {
                    script,
                    stdin,
                    env: context.project.env.clone(),
                    time_limit: self.time,
                    output_limit: ByteSize::b(cap.max(self.output.as_u64())),
                };
                match context.sandbox.run(&request).await {
                    Ok(outcome) => Ok((files, outcome)),
                    Err(error) => Err(error.to_string()),
                }
            })
            .await;
        let mut report = match run {
            Ok((files, outcome)) => {
                let mut mine = outcome.clone();
                let stdout = String::from_utf8_lossy(&outcome.stdout);
                // ESLint exits 1 for a finding in any file: none about this check's files is a pass.
                if mine.termination == sandbox::Termination::Exited
                    && mine.exit_code == Some(1)
                    && parse_findings(Tool::Eslint, &stdout, &self.paths).is_empty()
                    && !parse_findings(Tool::Eslint, &stdout, files).is_empty()
                {
                    mine.exit_code = Some(0);
                }
                self.judge(context, &mine)
            }
            Err(error) => context.explained(
                Verdict::InternalError,
                format!("the platform failed to run ESLint: {error}"),
            ),
        };
        report.duration_ms = started.elapsed().as_millis() as u64;
        if report.verdict != Verdict::Passed {
            report.points = 0;
        }
        report
    }

    fn judge(&self, context: &Context<'_>, outcome: &sandbox::RunOutcome) -> CheckReport {
        let check = context.check;
        let stdout = String::from_utf8_lossy(&outcome.stdout);
        let stderr = String::from_utf8_lossy(&outcome.stderr).into_owned();
        let findings = parse_findings(self.tool, &stdout, &self.paths);
        let cut = outcome.termination == sandbox::Termination::OutputLimit;
        let mut report = if !findings.is_empty() {
            let mut report =
                context.explained(Verdict::WrongOutput, describe(self.tool, &findings, cut));
            report.actual = Some(findings.join("\n") + "\n");
            report
        } else if outcome.termination == sandbox::Termination::Exited
            && outcome.exit_code == Some(0)
        {
            CheckReport::bare(&check.name, Verdict::Passed, check.points, check.hidden)
        } else {
            // No finding about the learner's files, yet the tool failed: it is missing from
            // the image, crashed, or ran out of time. Not the learner's doing.
            let mut report = context.explained(
                Verdict::InternalError,
                format!(
                    "{} failed without a finding ({}); is the `{}` image current? \
                     run `checker images build`",
                    self.tool.label(),
                    match outcome.termination {
                        sandbox::Termination::Exited =>
                            format!("exit code {}", outcome.exit_code.unwrap_or(-1)),
                        other => format!("{other:?}"),
                    },
                    if self.tool == Tool::Eslint {
                        "node"
                    } else {
                        "python"
                    }
                ),
            );
            report.actual = Some(stdout.into_owned());
            report
        };
        report.duration_ms = outcome.duration.as_millis() as u64;
        report.exit_code = outcome.exit_code;
        if !stderr.trim().is_empty() {
            report.stderr = Some(stderr);
        }
        report
    }
}

/// The reason of a failure: how many findings, and the first of them.
fn describe(tool: Tool, findings: &[String], cut: bool) -> String {
    let count = findings.len();
    let plural = if count == 1 { "" } else { "s" };
    let more = if cut { " (its output was cut)" } else { "" };
    let mut reason = format!("{} found {count} problem{plural}{more}:", tool.label());
    for finding in findings.iter().take(SHOWN) {
        reason.push('\n');
        reason.push_str(finding);
    }
    if count > SHOWN {
        reason.push_str(&format!("\n... and {} more", count - SHOWN));
    }
    reason
}

/// `file:line:col: CODE message` (pycodestyle, pep8) or `file:line:col CODE message` (ours).
static CODE_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?P<file>[^:]+):(?P<line>\d+):(?P<col>\d+):? (?P<code>[A-Z]+\d+) (?P<msg>.*)$")
        .expect("a valid regex")
});

/// mypy: `file:line:col: error: message  [code]`, line and column optional.
static MYPY_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?P<file>[^:]+):(?:(?P<line>\d+):)?(?:(?P<col>\d+):)? (?P<level>error|note): (?P<msg>.*?)(?:  \[(?P<code>[a-z-]+)\])?$",
    )
    .expect("a valid regex")
});

/// The findings in a tool's output about `files`, each as `file:line:col CODE message`. Lines
/// that are not about one of the files (summaries, a tool's own crash) are left out.
pub fn parse_findings(tool: Tool, stdout: &str, files: &[String]) -> Vec<String> {
    let about = |file: &str| files.iter().any(|f| f == file.trim_start_matches("./"));
    stdout
        .lines()
        .filter_map(|line| {
            let line = line.trim_end();
            if tool == Tool::Eslint {
                let (file, finding) = eslint::finding(line)?;
                about(&file).then_some(finding)
            } else if tool == Tool::Mypy {
                let caps = MYPY_LINE.captures(line)?;
                let file = caps["file"].trim_start_matches("./");
                if !about(file) {
                    return None;
                }
                let number = |name| caps.name(name).map_or("1", |m| m.as_str());
                let code = match (caps.name("code"), &caps["level"]) {
                    (Some(code), _) => code.as_str(),
                    (None, level) => level,
                };
                Some(format!(
                    "{file}:{}:{} {code} {}",
                    number("line"),
                    number("col"),
                    &caps["msg"]
                ))
            } else {
                let caps = CODE_LINE.captures(line)?;
                let file = caps["file"].trim_start_matches("./");
                about(file).then(|| {
                    format!(
                        "{file}:{}:{} {} {}",
                        &caps["line"], &caps["col"], &caps["code"], &caps["msg"]
                    )
                })
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn reads_pycodestyle_and_pep8_findings() {
        let out = "0-add.py:3:1: E741 ambiguous variable name 'l'\n\
                   0-add.py:5:8: E231 missing whitespace after ','\n\
                   other.py:1:1: E302 expected 2 blank lines, found 0\n";
        assert_eq!(
            parse_findings(Tool::Pycodestyle, out, &files(&["0-add.py"])),
            [
                "0-add.py:3:1 E741 ambiguous variable name 'l'",
                "0-add.py:5:8 E231 missing whitespace after ','"
            ]
        );
        let token = "./bad.py:2:1: E901 TokenError: EOF in multi-line statement\n";
        assert_eq!(
            parse_findings(Tool::Pep8, token, &files(&["bad.py"])),
            ["bad.py:2:1 E901 TokenError: EOF in multi-line statement"]
        );
    }

    #[test]
    fn reads_mypy_findings_with_and_without_positions() {
        let out = "1-concat.py:4:12: error: Incompatible return value type (got \"int\", \
                   expected \"str\")  [return-value]\n\
                   1-concat.py:7: note: See https://mypy.rtfd.io\n\
                   1-concat.py: error: Duplicate module named \"x\"\n\
                   Found 1 error in 1 file (checked 1 source file)\n";
        assert_eq!(
            parse_findings(Tool::Mypy, out, &files(&["1-concat.py"])),
            [
                "1-concat.py:4:12 return-value Incompatible return value type (got \"int\", \
                 expected \"str\")",
                "1-concat.py:7:1 note See https://mypy.rtfd.io",
                "1-concat.py:1:1 error Duplicate module named \"x\"",
            ]
        );
    }

    #[test]
    fn reads_our_own_findings_and_ignores_noise() {
        let out = "a.py:1:1 D100 the module has no docstring\n\
                   Traceback (most recent call last):\n\
                   a.py:2:7 E999 SyntaxError: invalid syntax\n";
        assert_eq!(
            parse_findings(Tool::Docstrings, out, &files(&["a.py"])),
            [
                "a.py:1:1 D100 the module has no docstring",
                "a.py:2:7 E999 SyntaxError: invalid syntax"
            ]
        );
    }

    #[test]
    fn reads_eslint_findings_with_plugin_rules_and_parse_errors() {
        let out = "2-arrow.js:3:12 semi Missing semicolon.\n\
                   0-promise.js:1:1 import/prefer-default-export Prefer default export.\n\
                   0-promise.js:4:9 parse-error Parsing error: Unexpected token .\n\
                   other.js:1:1 no-var Unexpected var, use let or const instead.\n\
                   Error: Cannot find module\n";
        assert_eq!(
            parse_findings(Tool::Eslint, out, &files(&["2-arrow.js", "0-promise.js"])),
            [
                "2-arrow.js:3:12 semi Missing semicolon.",
                "0-promise.js:1:1 import/prefer-default-export Prefer default export.",
                "0-promise.js:4:9 parse-error Parsing error: Unexpected token .",
            ]
        );
    }

    #[test]
    fn eslint_reads_its_runner_and_rule_set_on_stdin_without_the_module_hooks() {
        let (script, stdin) = Tool::Eslint.command(&files(&["0-a.js", "b c.js"]), 1, false);
        assert_eq!(
            script,
            "exec env -u NODE_OPTIONS node - -- '0-a.js' 'b c.js'"
        );
        let program = String::from_utf8(stdin.expect("a program")).expect("UTF-8");
        assert!(program.starts_with("'use strict';\nconst CONFIG = {\n"));
        assert!(program.contains("\nObject.assign(CONFIG.rules, {});\n"));
        let off = BTreeMap::from([("no-underscore-dangle".to_string(), "off".to_string())]);
        let (_, stdin) = eslint::invocation(&files(&["a.js"]), &off);
        let changed = String::from_utf8(stdin.expect("a program")).expect("UTF-8");
        assert!(
            changed
                .contains("\nObject.assign(CONFIG.rules, {\"no-underscore-dangle\":\"off\"});\n")
        );
        assert!(
            program.contains(
                "\"no-restricted-syntax\": [\n      \"error\",\n      \"LabeledStatement\""
            )
        );
        assert!(program.contains("new CLIEngine("));
    }

    #[test]
    fn eslint_rules_must_be_of_the_rule_set_with_a_severity() {
        assert!(eslint::check_rule("no-underscore-dangle", "off").is_ok());
        assert!(eslint::check_rule("import/prefer-default-export", "warn").is_ok());
        let unknown = eslint::check_rule("no-such-rule", "off").unwrap_err();
        assert!(
            unknown.contains("not a rule of the school's ESLint rule set"),
            "{unknown}"
        );
        let severity = eslint::check_rule("semi", "0").unwrap_err();
        assert!(severity.contains("`off`, `warn` or `error`"), "{severity}");
    }

    #[test]
    fn a_long_list_is_shortened_in_the_reason() {
        let findings: Vec<String> = (1..=25)
            .map(|i| format!("a.py:{i}:1 E501 line too long"))
            .collect();
        let reason = describe(Tool::Pycodestyle, &findings, false);
        assert!(reason.starts_with("pycodestyle 2.5.0 found 25 problems:\na.py:1:1 E501"));
        assert!(reason.ends_with("a.py:20:1 E501 line too long\n... and 5 more"));
        assert_eq!(
            describe(Tool::Mypy, &findings[..1], true),
            "mypy found 1 problem (its output was cut):\na.py:1:1 E501 line too long"
        );
    }

    #[test]
    fn commands_quote_file_names_and_isolate_python() {
        let (script, stdin) = Tool::Pep8.command(&files(&["it's.py"]), 1, false);
        assert!(script.starts_with("exec python3 -I -W ignore -c 'import pep8 as tool;"));
        assert!(
            script.ends_with(r"tool._main()' -- 'it'\''s.py'"),
            "{script}"
        );
        assert!(stdin.is_none());
        let (script, stdin) = Tool::Docstrings.command(&files(&["a.py", "b.py"]), 2, false);
        assert_eq!(script, "exec python3 -I - docstrings 2 'a.py' 'b.py'");
        assert_eq!(stdin.as_deref(), Some(SCRIPT.as_bytes()));
        // mypy reads the platform's cache only when it was placed, and never a config file.
        let (cold, _) = Tool::Mypy.command(&files(&["a.py"]), 1, false);
        let (warm, _) = Tool::Mypy.command(&files(&["a.py"]), 1, true);
        assert!(
            !cold.contains(MYPY_CACHE) && warm.contains(MYPY_CACHE),
            "{warm}"
        );
        assert!(cold.contains("--config-file= ") && warm.contains("--config-file= "));
        for tool in Tool::ALL {
            if tool.language().0 == ".py" {
                assert!(
                    tool.command(&[], 1, false).0.contains("python3 -I "),
                    "{tool:?}"
                );
            }
            assert_eq!(Tool::from_name(tool.name()), Some(tool));
        }
    }
}
