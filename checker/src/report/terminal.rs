//! The report for people, in a terminal: tasks, checks with reasons and colored diffs, score.
//!
//! Styling is ANSI; pass an `anstream` writer so it is stripped when the output is not a
//! terminal or `NO_COLOR` is set. Every verdict is also spelled out in words, so nothing relies on
//! color alone.

use std::io::{self, Write};

use owo_colors::OwoColorize;

use super::{CheckReport, Report, TaskReport, Verdict, format_percent};

/// Writes the heading of a project's report.
pub fn write_header(out: &mut dyn Write, title: &str, id: &str, version: &str) -> io::Result<()> {
    writeln!(
        out,
        "{} {}",
        title.bold(),
        format!("({id}, spec {version})").dimmed()
    )
}

/// Writes the heading of a task.
pub fn write_task(out: &mut dyn Write, id: &str, title: &str, mandatory: bool) -> io::Result<()> {
    let kind = if mandatory { "" } else { " [advanced]" };
    writeln!(out, "\n{} {}{}", id.bold(), title, kind.dimmed())
}

/// Writes one check's line, and for a failure its reason, hint and diff.
pub fn write_check(out: &mut dyn Write, check: &CheckReport) -> io::Result<()> {
    let hidden = if check.hidden { " [hidden]" } else { "" };
    let time = format!("{} ms", check.duration_ms);
    match check.verdict {
        Verdict::Passed => writeln!(
            out,
            "  {} {}{}  {}",
            "✔ ok".green(),
            check.name,
            hidden.dimmed(),
            time.dimmed()
        )?,
        Verdict::Skipped => writeln!(
            out,
            "  {} {}{}",
            "- skipped".yellow(),
            check.name,
            hidden.dimmed()
        )?,
        Verdict::InternalError => writeln!(
            out,
            "  {} {}{}",
            "! platform error".magenta(),
            check.name,
            hidden.dimmed()
        )?,
        verdict => writeln!(
            out,
            "  {} {}{}  {}",
            format!("✘ {}", words(verdict)).red().bold(),
            check.name,
            hidden.dimmed(),
            time.dimmed()
        )?,
    }
    if check.verdict == Verdict::Passed {
        return Ok(());
    }
    // A reason may list findings, one per line (style checks): each keeps the indent.
    for line in check.reason.iter().flat_map(|reason| reason.lines()) {
        writeln!(out, "      {}", visible(line))?;
    }
    if let Some(message) = &check.message {
        writeln!(out, "      {} {message}", "hint:".cyan())?;
    }
    if let Some(diff) = &check.diff {
        for line in diff.lines() {
            let line: &str = &visible(line);
            let styled = if line.starts_with("+++") || line.starts_with("---") {
                line.bold().to_string()
            } else if line.starts_with('+') {
                line.green().to_string()
            } else if line.starts_with('-') {
                line.red().to_string()
            } else if line.starts_with("@@") {
                line.cyan().to_string()
            } else {
                line.to_owned()
            };
            writeln!(out, "      {styled}")?;
        }
    }
    if let Some(stderr) = check.stderr.as_deref().filter(|s| !s.trim().is_empty()) {
        writeln!(out, "      {}", "standard error:".dimmed())?;
        for line in excerpt(stderr, 6) {
            writeln!(out, "      {} {}", "|".dimmed(), visible(line))?;
        }
    }
    Ok(())
}

/// Writes the closing score line (and the platform warning, if any).
pub fn write_summary(out: &mut dyn Write, report: &Report) -> io::Result<()> {
    writeln!(out)?;
    if let Some(error) = &report.platform_error {
        writeln!(
            out,
            "{} {error}. This is not your fault; the score below is incomplete. Try again later.",
            "platform error:".magenta().bold()
        )?;
    }
    let line = report.score_line();
    if report.all_mandatory_passed() && report.platform_error.is_none() {
        writeln!(out, "{}", line.green().bold())
    } else {
        writeln!(out, "{}", line.red().bold())
    }
}

/// Writes a whole report at once.
pub fn write(out: &mut dyn Write, report: &Report) -> io::Result<()> {
    write_header(out, &report.title, &report.project, &report.spec_version)?;
    for task in &report.tasks {
        write_task_report(out, task)?;
    }
    write_summary(out, report)
}

/// Writes one task with all its checks and its score.
pub fn write_task_report(out: &mut dyn Write, task: &TaskReport) -> io::Result<()> {
    let score = format!("{}%", format_percent(task.score));
    write_task(out, &task.id, &task.title, task.mandatory)?;
    for check in &task.checks {
        write_check(out, check)?;
    }
    writeln!(out, "  {}", score.dimmed())
}

/// A verdict in words.
pub fn words(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Passed => "passed",
        Verdict::WrongOutput => "wrong output",
        Verdict::NonzeroExit => "unexpected exit code",
        Verdict::MissingFile => "missing file",
        Verdict::TimeLimit => "time limit exceeded",
        Verdict::MemoryLimit => "memory limit exceeded",
        Verdict::OutputLimit => "output limit exceeded",
        Verdict::RuntimeError => "runtime error",
        Verdict::Skipped => "skipped",
        Verdict::InternalError => "platform error",
    }
}

/// Learner output made harmless for a terminal: control characters (escape sequences that
/// could clear the screen or retitle the window, carriage returns, NUL) and bidirectional
/// overrides (which reorder what is shown) are written as visible escapes.
pub fn visible(text: &str) -> std::borrow::Cow<'_, str> {
    let harmful = |c: char| {
        (c.is_control() && c != '\t')
            || ('\u{202A}'..='\u{202E}').contains(&c)
            || ('\u{2066}'..='\u{2069}').contains(&c)
    };
    if !text.chars().any(harmful) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut shown = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            c if !harmful(c) => shown.push(c),
            c if (c as u32) < 0x80 => shown.push_str(&format!("\\x{:02x}", c as u32)),
            c => shown.push_str(&format!("\\u{{{:x}}}", c as u32)),
        }
    }
    std::borrow::Cow::Owned(shown)
}

/// The first and last `n` lines of a long text: Node names the error at the top of its
/// output, Python at the bottom.
fn excerpt(text: &str, n: usize) -> Vec<&str> {
    let lines: Vec<&str> = text.trim_end().lines().collect();
    if lines.len() <= 2 * n + 1 {
        return lines;
    }
    let mut shown = lines[..n].to_vec();
    shown.push("...");
    shown.extend_from_slice(&lines[lines.len() - n..]);
    shown
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_show_reason_hint_and_diff_in_words() {
        let mut check = CheckReport::bare("prints the sum", Verdict::WrongOutput, 1, false);
        check.reason = Some("the output differs from what was expected".into());
        check.message = Some("use reduce".into());
        check.diff = Some("--- expected\n+++ actual\n@@ -1 +1 @@\n-8\n+9\n".into());
        let mut out = Vec::new();
        write_check(&mut out, &check).unwrap();
        let text = strip(&out);
        assert!(text.contains("✘ wrong output prints the sum"), "{text}");
        assert!(text.contains("hint: use reduce"), "{text}");
        assert!(text.contains("      -8\n      +9\n"), "{text}");
    }

    #[test]
    fn passed_checks_are_one_line() {
        let check = CheckReport::bare("exists", Verdict::Passed, 1, false);
        let mut out = Vec::new();
        write_check(&mut out, &check).unwrap();
        assert_eq!(strip(&out), "  ✔ ok exists  0 ms\n");
    }

    #[test]
    fn learner_output_cannot_drive_the_terminal() {
        assert_eq!(visible("plain\ttext"), "plain\ttext");
        assert_eq!(visible("\x1b[2Jgone\r\0"), "\\x1b[2Jgone\\x0d\\x00");
        assert_eq!(visible("\x1b]0;owned\x07"), "\\x1b]0;owned\\x07");
        assert_eq!(visible("abc\u{202E}def"), "abc\\u{202e}def");
        let mut check = CheckReport::bare("c", Verdict::RuntimeError, 1, false);
        check.stderr = Some("\x1b[2Jboom".into());
        check.diff = Some("-a\n+\x1b]0;x\x07\n".into());
        let mut out = Vec::new();
        write_check(&mut out, &check).unwrap();
        let text = strip(&out);
        assert!(!text.contains('\x1b'), "{text}");
        assert!(text.contains("| \\x1b[2Jboom"), "{text}");
        assert!(text.contains("+\\x1b]0;x\\x07"), "{text}");
    }

    fn strip(bytes: &[u8]) -> String {
        let text = String::from_utf8(bytes.to_vec()).unwrap();
        let re = regex::Regex::new("\x1b\\[[0-9;]*m").unwrap();
        re.replace_all(&text, "").into_owned()
    }
}
