//! The report for people while grading runs: the header first, then each task as soon as it
//! and every task before it are done (tasks finish in any order when spread over sandboxes, or
//! arrive as server-sent events), then the score line. `checker grade` and
//! `checker submit --wait` both print through it, so their reports read the same.
//!
//! It only writes: a spinner or progress bar is the caller's, who can hide it around each call.

use std::io::{self, Write};

use super::{Report, TaskReport, format_percent, terminal};

/// A report printed as its tasks finish, in spec order.
#[derive(Debug, Clone)]
pub struct LiveReport {
    /// Task ids in spec order.
    order: Vec<String>,
    /// Tasks finished but not printed yet, by position in `order`.
    finished: Vec<Option<TaskReport>>,
    /// How many tasks, from the first, are printed.
    printed: usize,
    /// Whether hidden checks show their outputs (else they are redacted before printing).
    show_hidden: bool,
}

impl LiveReport {
    /// A report of the tasks `order` (ids in spec order). With `show_hidden` false, hidden
    /// checks lose their outputs before they are printed.
    pub fn new(order: impl IntoIterator<Item = String>, show_hidden: bool) -> LiveReport {
        let order: Vec<String> = order.into_iter().collect();
        LiveReport {
            finished: vec![None; order.len()],
            order,
            printed: 0,
            show_hidden,
        }
    }

    /// Writes the heading of the project's report.
    pub fn start(
        &self,
        out: &mut dyn Write,
        title: &str,
        id: &str,
        version: &str,
    ) -> io::Result<()> {
        terminal::write_header(out, title, id, version)
    }

    /// A task finished: writes it and every later task already finished, once the tasks
    /// before it are written. A task the report does not know, or one already written (an
    /// event repeated after a reconnection), writes nothing.
    pub fn task_finished(&mut self, out: &mut dyn Write, task: &TaskReport) -> io::Result<()> {
        if let Some(index) = self.order.iter().position(|id| *id == task.id)
            && index >= self.printed
        {
            self.finished[index] = Some(task.clone());
        }
        while let Some(Some(task)) = self.finished.get_mut(self.printed).map(Option::take) {
            self.write_task(out, &task)?;
            self.printed += 1;
        }
        Ok(())
    }

    /// How many tasks are written so far.
    pub fn printed(&self) -> usize {
        self.printed
    }

    /// How many tasks the report has.
    pub fn total(&self) -> usize {
        self.order.len()
    }

    /// Grading is over: writes the tasks of `report` not written yet (events that never came,
    /// say a stream that ended early), then the score line.
    pub fn finish(&mut self, out: &mut dyn Write, report: &Report) -> io::Result<()> {
        self.catch_up(out, report)?;
        terminal::write_summary(out, report)?;
        out.flush()
    }

    /// Writes the tasks of `report` not written yet, without the score line (for a report
    /// that is not final, such as the one of a failed attempt).
    pub fn catch_up(&mut self, out: &mut dyn Write, report: &Report) -> io::Result<()> {
        for task in report.tasks.iter().skip(self.printed) {
            self.write_task(out, task)?;
        }
        self.printed = self.printed.max(report.tasks.len());
        Ok(())
    }

    fn write_task(&self, out: &mut dyn Write, task: &TaskReport) -> io::Result<()> {
        if self.show_hidden {
            terminal::write_task_report(out, task)
        } else {
            terminal::write_task_report(out, &task.redacted())
        }
    }
}

/// How a graded report ends a command such as `checker grade`: 0 passed, 1 failed, 3 the
/// platform failed.
///
/// With `min_score`, a report passes when its score reaches it, and a failure comes with the
/// sentence that says so; without it, a report passes when every mandatory check passed.
pub fn exit_code(report: &Report, min_score: Option<u8>) -> (u8, Option<String>) {
    if report.platform_error.is_some() {
        return (3, None);
    }
    match min_score {
        Some(min) if report.score >= f64::from(min) => (0, None),
        Some(min) => (
            1,
            Some(format!(
                "score {}% is below the required {min}%",
                format_percent(report.score)
            )),
        ),
        None if report.all_mandatory_passed() => (0, None),
        None => (1, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{CheckReport, Verdict};

    fn task(id: &str, verdict: Verdict) -> TaskReport {
        TaskReport::new(
            id,
            id,
            true,
            vec![CheckReport::bare("c", verdict, 1, false)],
        )
    }

    fn text(bytes: &[u8]) -> String {
        let text = String::from_utf8(bytes.to_vec()).unwrap();
        let re = regex::Regex::new("\x1b\\[[0-9;]*m").unwrap();
        re.replace_all(&text, "").into_owned()
    }

    #[test]
    fn tasks_print_in_spec_order_once_each_with_their_score() {
        let mut live = LiveReport::new(["a", "b", "c"].map(String::from), false);
        let mut out = Vec::new();
        live.task_finished(&mut out, &task("b", Verdict::Passed))
            .unwrap();
        assert!(out.is_empty(), "b waits for a");
        live.task_finished(&mut out, &task("a", Verdict::WrongOutput))
            .unwrap();
        live.task_finished(&mut out, &task("a", Verdict::WrongOutput))
            .unwrap();
        assert_eq!(live.printed(), 2);
        let report = Report::new(
            "p",
            "P",
            "1",
            vec![
                task("a", Verdict::WrongOutput),
                task("b", Verdict::Passed),
                task("c", Verdict::Passed),
            ],
            1,
        );
        live.finish(&mut out, &report).unwrap();
        let text = text(&out);
        assert_eq!(text.matches("\na ").count(), 1, "{text}");
        let (a, b, c) = (
            text.find("\na ").unwrap(),
            text.find("\nb ").unwrap(),
            text.find("\nc ").unwrap(),
        );
        assert!(a < b && b < c, "{text}");
        assert!(
            text.contains("  0%\n") && text.contains("  100%\n"),
            "{text}"
        );
        assert!(text.ends_with("P: 66.67% (2/3 tasks)\n"), "{text}");
    }

    #[test]
    fn hidden_outputs_stay_hidden_unless_asked() {
        let mut check = CheckReport::bare("secret", Verdict::WrongOutput, 1, true);
        check.diff = Some("-expected\n+actual\n".into());
        let hidden = TaskReport::new("a", "a", true, vec![check]);
        for (show, shown) in [(false, false), (true, true)] {
            let mut live = LiveReport::new(["a".to_owned()], show);
            let mut out = Vec::new();
            live.task_finished(&mut out, &hidden).unwrap();
            assert_eq!(text(&out).contains("+actual"), shown);
        }
    }

    #[test]
    fn exit_codes_follow_the_score_or_the_mandatory_checks() {
        let report = |verdict| Report::new("p", "P", "1", vec![task("a", verdict)], 1);
        assert_eq!(exit_code(&report(Verdict::Passed), None), (0, None));
        assert_eq!(exit_code(&report(Verdict::WrongOutput), None), (1, None));
        assert_eq!(exit_code(&report(Verdict::WrongOutput), Some(0)), (0, None));
        let (code, why) = exit_code(&report(Verdict::WrongOutput), Some(50));
        assert_eq!(code, 1);
        assert_eq!(why.unwrap(), "score 0% is below the required 50%");
        assert_eq!(exit_code(&report(Verdict::InternalError), Some(0)).0, 3);
    }
}
