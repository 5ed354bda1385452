//! The result of grading a submission, and its output formats.
//!
//! [`Report`] is plain data (serde): the engine fills it, formats render it. Each format lives in
//! its own module: [`terminal`] for people, [`json`] for machines; [`live`] prints the terminal
//! report while grading runs.

pub mod json;
pub mod junit;
pub mod live;
pub mod terminal;

use serde::{Deserialize, Serialize};

/// The outcome of one check. Serialized as snake_case strings (`wrong_output`, ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Everything matched.
    Passed,
    /// It ran and exited as expected, but printed something else.
    WrongOutput,
    /// It exited with another code than expected, without a crash message.
    NonzeroExit,
    /// A file the task needs is missing (or is not a regular file, or too large).
    MissingFile,
    /// It ran past its time limit and was stopped.
    TimeLimit,
    /// It used more memory than allowed and was killed.
    MemoryLimit,
    /// It printed more than allowed and was stopped.
    OutputLimit,
    /// It crashed: an uncaught error, or killed by a signal.
    RuntimeError,
    /// Not run, because a gate check of its task failed first.
    Skipped,
    /// The platform failed; not the learner's fault and never part of a score.
    InternalError,
}

impl Verdict {
    /// The snake_case name used in JSON.
    pub fn as_str(&self) -> &'static str {
        match self {
            Verdict::Passed => "passed",
            Verdict::WrongOutput => "wrong_output",
            Verdict::NonzeroExit => "nonzero_exit",
            Verdict::MissingFile => "missing_file",
            Verdict::TimeLimit => "time_limit",
            Verdict::MemoryLimit => "memory_limit",
            Verdict::OutputLimit => "output_limit",
            Verdict::RuntimeError => "runtime_error",
            Verdict::Skipped => "skipped",
            Verdict::InternalError => "internal_error",
        }
    }
}

/// The full result of grading one submission of one project.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// Project id.
    pub project: String,
    /// Project title.
    pub title: String,
    /// Version (hash) of the spec the submission was graded against.
    pub spec_version: String,
    /// Percent of mandatory points earned, 0 to 100.
    pub score: f64,
    /// Percent of advanced (bonus) points earned, 0 to 100; 0 when there are none.
    pub bonus: f64,
    /// Tasks whose checks all passed.
    pub passed_tasks: usize,
    /// All tasks, mandatory and advanced.
    pub total_tasks: usize,
    /// Whole grading time.
    pub duration_ms: u64,
    /// Set when the platform failed: the score then says nothing about the submission.
    pub platform_error: Option<String>,
    /// Per task results, in spec order.
    pub tasks: Vec<TaskReport>,
}

/// The result of one task.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskReport {
    /// Task id.
    pub id: String,
    /// Task title.
    pub title: String,
    /// Counts towards the score (true) or the bonus (false).
    pub mandatory: bool,
    /// Percent of this task's points earned.
    pub score: f64,
    /// Whether every check passed.
    pub passed: bool,
    /// Per check results, in spec order.
    pub checks: Vec<CheckReport>,
}

/// The result of one check, of any kind.
///
/// Every field past `reason` is optional and filled by the kinds it means something to: a
/// command fills `stderr` and `exit_code`; any check comparing a value (a command's output, a
/// response body) fills `expected`, `actual` and `diff`. Renderers show what is present, so a
/// new kind needs no new field and no renderer change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckReport {
    /// Check name.
    pub name: String,
    /// The outcome.
    pub verdict: Verdict,
    /// Points earned (all or nothing).
    pub points: u32,
    /// Points the check is worth.
    pub max_points: u32,
    /// Expected and actual outputs are withheld from the learner.
    pub hidden: bool,
    /// One sentence on why it did not pass; `None` when it passed.
    pub reason: Option<String>,
    /// The spec author's hint for a failure.
    pub message: Option<String>,
    /// The expected value that differed (for a command: its standard output or error).
    pub expected: Option<String>,
    /// The actual value (for a command: its standard output or error, whichever differed).
    pub actual: Option<String>,
    /// Unified diff from expected to actual.
    pub diff: Option<String>,
    /// Standard error of a command, when it crashed, exited unexpectedly or printed wrongly.
    pub stderr: Option<String>,
    /// Exit code of a command.
    pub exit_code: Option<i64>,
    /// The limit that was hit, e.g. `5s`, `128 MiB`.
    pub limit: Option<String>,
    /// Time the check took.
    pub duration_ms: u64,
}

impl CheckReport {
    /// A result without outputs (missing file, skipped, internal error, passed file check).
    pub fn bare(name: &str, verdict: Verdict, max_points: u32, hidden: bool) -> Self {
        CheckReport {
            name: name.to_owned(),
            verdict,
            points: if verdict == Verdict::Passed {
                max_points
            } else {
                0
            },
            max_points,
            hidden,
            reason: None,
            message: None,
            expected: None,
            actual: None,
            diff: None,
            stderr: None,
            exit_code: None,
            limit: None,
            duration_ms: 0,
        }
    }

    /// A result without outputs that explains itself with `reason`.
    pub fn explained(
        name: &str,
        verdict: Verdict,
        max_points: u32,
        hidden: bool,
        reason: String,
    ) -> Self {
        CheckReport {
            reason: Some(reason),
            ..Self::bare(name, verdict, max_points, hidden)
        }
    }

    /// A copy fit for the learner: a hidden check keeps its verdict and reason only.
    pub fn redacted(&self) -> CheckReport {
        if !self.hidden {
            return self.clone();
        }
        CheckReport {
            expected: None,
            actual: None,
            diff: None,
            stderr: None,
            ..self.clone()
        }
    }
}

impl TaskReport {
    /// A copy fit for the learner: hidden checks lose their outputs.
    pub fn redacted(&self) -> TaskReport {
        TaskReport {
            checks: self.checks.iter().map(CheckReport::redacted).collect(),
            ..self.clone()
        }
    }

    /// Builds a task result from its check results.
    pub fn new(id: &str, title: &str, mandatory: bool, checks: Vec<CheckReport>) -> Self {
        let (earned, total) = points(checks.iter());
        TaskReport {
            id: id.to_owned(),
            title: title.to_owned(),
            mandatory,
            score: percent(earned, total),
            passed: checks.iter().all(|c| c.verdict == Verdict::Passed),
            checks,
        }
    }
}

impl Report {
    /// Builds a report, deriving the scores from the task results.
    pub fn new(
        project: &str,
        title: &str,
        spec_version: &str,
        tasks: Vec<TaskReport>,
        duration_ms: u64,
    ) -> Self {
        let score_of = |mandatory: bool| {
            let (earned, total) = points(
                tasks
                    .iter()
                    .filter(|t| t.mandatory == mandatory)
                    .flat_map(|t| &t.checks),
            );
            percent(earned, total)
        };
        let internal = tasks
            .iter()
            .flat_map(|t| &t.checks)
            .filter(|c| c.verdict == Verdict::InternalError)
            .count();
        Report {
            project: project.to_owned(),
            title: title.to_owned(),
            spec_version: spec_version.to_owned(),
            score: score_of(true),
            bonus: score_of(false),
            passed_tasks: tasks.iter().filter(|t| t.passed).count(),
            total_tasks: tasks.len(),
            duration_ms,
            platform_error: (internal > 0).then(|| {
                format!("{internal} check(s) could not be run because the platform failed")
            }),
            tasks,
        }
    }

    /// Whether every mandatory check passed.
    pub fn all_mandatory_passed(&self) -> bool {
        self.tasks.iter().filter(|t| t.mandatory).all(|t| t.passed)
    }

    /// A copy fit for the learner: hidden checks lose their outputs.
    pub fn redacted(&self) -> Report {
        Report {
            tasks: self.tasks.iter().map(TaskReport::redacted).collect(),
            ..self.clone()
        }
    }

    /// The score line, e.g. `ES6 data manipulation: 100% (12/12 tasks)`.
    pub fn score_line(&self) -> String {
        let has_bonus = self.tasks.iter().any(|t| !t.mandatory);
        let mut line = format!(
            "{}: {}% ({}/{} tasks)",
            self.title,
            format_percent(self.score),
            self.passed_tasks,
            self.total_tasks
        );
        if has_bonus {
            line.push_str(&format!(", bonus {}%", format_percent(self.bonus)));
        }
        line
    }
}

/// Points earned and points possible; checks the platform could not run count for neither.
fn points<'a>(checks: impl Iterator<Item = &'a CheckReport>) -> (u32, u32) {
    checks
        .filter(|c| c.verdict != Verdict::InternalError)
        .fold((0, 0), |(earned, total), c| {
            (earned + c.points, total + c.max_points)
        })
}

fn percent(earned: u32, total: u32) -> f64 {
    if total == 0 {
        return 0.0;
    }
    (f64::from(earned) * 10_000.0 / f64::from(total)).round() / 100.0
}

/// `100`, `90.91`: no trailing zeros.
pub fn format_percent(value: f64) -> String {
    let text = format!("{value:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(verdict: Verdict, max_points: u32) -> CheckReport {
        CheckReport::bare("c", verdict, max_points, false)
    }

    fn task(mandatory: bool, checks: Vec<CheckReport>) -> TaskReport {
        TaskReport::new("t", "T", mandatory, checks)
    }

    #[test]
    fn scores_are_percent_of_points() {
        let report = Report::new(
            "p",
            "Project",
            "v",
            vec![
                task(
                    true,
                    vec![check(Verdict::Passed, 1), check(Verdict::Passed, 2)],
                ),
                task(true, vec![check(Verdict::WrongOutput, 1)]),
                task(
                    false,
                    vec![check(Verdict::Passed, 1), check(Verdict::Skipped, 1)],
                ),
            ],
            0,
        );
        assert_eq!(report.score, 75.0);
        assert_eq!(report.bonus, 50.0);
        assert_eq!(report.passed_tasks, 1);
        assert!(!report.all_mandatory_passed());
        assert_eq!(report.score_line(), "Project: 75% (1/3 tasks), bonus 50%");
        assert_eq!(report.platform_error, None);
    }

    #[test]
    fn platform_failures_never_count_against_the_learner() {
        let report = Report::new(
            "p",
            "P",
            "v",
            vec![task(
                true,
                vec![check(Verdict::Passed, 1), check(Verdict::InternalError, 3)],
            )],
            0,
        );
        assert_eq!(report.score, 100.0);
        assert!(report.platform_error.is_some());
    }

    #[test]
    fn rounding_and_formatting() {
        assert_eq!(percent(10, 11), 90.91);
        assert_eq!(format_percent(90.91), "90.91");
        assert_eq!(format_percent(100.0), "100");
        assert_eq!(format_percent(12.5), "12.5");
        assert_eq!(percent(0, 0), 0.0);
    }

    #[test]
    fn hidden_checks_lose_their_outputs() {
        let mut hidden = check(Verdict::WrongOutput, 1);
        hidden.hidden = true;
        hidden.expected = Some("secret".into());
        hidden.actual = Some("x".into());
        hidden.diff = Some("-secret".into());
        hidden.reason = Some("printed something else".into());
        let redacted = hidden.redacted();
        assert_eq!(redacted.expected, None);
        assert_eq!(redacted.diff, None);
        assert_eq!(redacted.actual, None);
        assert_eq!(redacted.reason.as_deref(), Some("printed something else"));
        assert_eq!(redacted.verdict, Verdict::WrongOutput);
    }

    /// A check that is not a command (no exit code, no standard error) still has every field
    /// the README documents, so readers of the JSON report need no change for a new kind.
    #[test]
    fn a_check_without_a_command_keeps_every_documented_field() {
        let mut compared = check(Verdict::WrongOutput, 1);
        compared.expected = Some("200".into());
        compared.actual = Some("404".into());
        let json = serde_json::to_value(&compared).unwrap();
        let fields: Vec<&str> = json
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let mut documented = [
            "name",
            "verdict",
            "points",
            "max_points",
            "hidden",
            "reason",
            "message",
            "expected",
            "actual",
            "diff",
            "stderr",
            "exit_code",
            "limit",
            "duration_ms",
        ];
        documented.sort_unstable();
        let mut fields = fields;
        fields.sort_unstable();
        assert_eq!(fields, documented);
        assert_eq!(json["exit_code"], serde_json::Value::Null);
    }

    #[test]
    fn verdicts_serialize_as_snake_case() {
        let json = serde_json::to_string(&Verdict::WrongOutput).unwrap();
        assert_eq!(json, "\"wrong_output\"");
        assert_eq!(Verdict::InternalError.as_str(), "internal_error");
    }
}
