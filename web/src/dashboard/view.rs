//! The parts every page shares: the layout, score bars, verdicts in words, dates, and the
//! rendering of a grading report. Text is escaped by maud; nothing here writes raw HTML.

use axum::http::StatusCode;
use checker::report::terminal::visible;
use checker::report::{CheckReport, Report, TaskReport, Verdict, format_percent};
use maud::{DOCTYPE, Markup, PreEscaped, html};
use store::Status;

use super::session::Viewer;

/// A whole page: `title`, the navigation for `viewer`, and `content`. `live` names the event
/// stream the script follows (submission pages while grading runs); then the page also
/// refreshes itself every few seconds when scripts are off.
pub(crate) fn page(
    title: &str,
    viewer: Option<&Viewer>,
    live: Option<&str>,
    content: Markup,
) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · Checker" }
                link rel="stylesheet" href="/static/dashboard.css";
                @if live.is_some() {
                    noscript { meta http-equiv="refresh" content="3"; }
                }
                script src="/static/dashboard.js" defer {}
            }
            body data-events=[live] {
                a.skip href="#main" { "Skip to content" }
                header.top {
                    a.brand href="/" { "Checker" }
                    @if let Some(viewer) = viewer {
                        nav aria-label="Main" {
                            a href="/" { "My projects" }
                            @if viewer.user.role.reads_everything() {
                                a href="/class" { "Class" }
                            }
                            a href="/settings" { "Settings" }
                            form.inline method="post" action="/logout" {
                                input type="hidden" name="csrf" value=(viewer.csrf);
                                span.who { (viewer.user.name) " (" (viewer.user.role.as_str()) ")" }
                                button type="submit" { "Sign out" }
                            }
                        }
                    }
                }
                main #main { (content) }
            }
        }
    }
}

/// An error page.
pub(crate) fn error_page(status: StatusCode, title: &str, text: &str) -> Markup {
    page(
        title,
        None,
        None,
        html! {
            h1 { (title) }
            p { (text) }
            p.muted { "HTTP " (status.as_u16()) ". " a href="/" { "Back to your projects" } }
        },
    )
}

/// The sign-in page.
pub(crate) fn login_page(csrf: &str, next: &str, problem: Option<&str>) -> Markup {
    page(
        "Sign in",
        None,
        None,
        html! {
            h1 { "Sign in" }
            @if let Some(problem) = problem {
                p.problem role="alert" { "⚠ " (problem) }
            }
            form.card.login method="post" action="/login" {
                input type="hidden" name="csrf" value=(csrf);
                input type="hidden" name="next" value=(next);
                label for="name" { "Name" }
                input #name type="text" name="name" autocomplete="username" required autofocus;
                label for="password" { "Password" }
                input #password type="password" name="password" autocomplete="current-password" required;
                button type="submit" { "Sign in" }
            }
            p.muted {
                "No account? An operator adds one with " code { "checker user add NAME" } "."
            }
        },
    )
}

/// `73.5` -> `73.5%`.
pub(crate) fn percent(value: f64) -> String {
    format!("{}%", format_percent(value))
}

/// A score as a bar with its number beside it (the number is the text; the bar is decoration).
pub(crate) fn bar(score: f64) -> Markup {
    let width = score.clamp(0.0, 100.0);
    let class = if score >= 100.0 {
        "bar full"
    } else if score >= 50.0 {
        "bar half"
    } else {
        "bar low"
    };
    html! {
        span.meter {
            svg class=(class) viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true" focusable="false" {
                rect.track width="100" height="10" {}
                rect.fill width=(format_percent(width)) height="10" {}
            }
            strong.score { (percent(score)) }
        }
    }
}

/// A verdict in words, with a symbol that does not rely on color.
pub(crate) fn verdict_words(verdict: Verdict) -> (&'static str, &'static str) {
    match verdict {
        Verdict::Passed => ("✓", "Passed"),
        Verdict::WrongOutput => ("✗", "Wrong output"),
        Verdict::NonzeroExit => ("✗", "Unexpected exit code"),
        Verdict::MissingFile => ("✗", "Missing file"),
        Verdict::TimeLimit => ("⏱", "Time limit exceeded"),
        Verdict::MemoryLimit => ("✗", "Memory limit exceeded"),
        Verdict::OutputLimit => ("✗", "Output limit exceeded"),
        Verdict::RuntimeError => ("✗", "Runtime error"),
        Verdict::Skipped => ("–", "Skipped"),
        Verdict::InternalError => ("⚠", "Platform error (not your fault)"),
    }
}

/// A submission's status in words.
pub(crate) fn status_words(status: Status) -> &'static str {
    match status {
        Status::Queued => "⋯ Queued: waiting for a grader",
        Status::Running => "⋯ Grading now",
        Status::Graded => "✓ Graded",
        Status::Failed => "⚠ Could not be graded (a platform fault, not yours)",
    }
}

/// Unix milliseconds as `2026-11-28 01:12 UTC`, in a `<time>` element.
pub(crate) fn date(ms: i64) -> Markup {
    let (text, iso) = date_text(ms);
    html! { time datetime=(iso) { (text) } }
}

/// (`2026-11-28 01:12 UTC`, `2026-11-28T01:12:05Z`).
pub(crate) fn date_text(ms: i64) -> (String, String) {
    let secs = ms.div_euclid(1000);
    let (days, rest) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Days to a civil date (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let (h, m, s) = (rest / 3600, rest % 3600 / 60, rest % 60);
    (
        format!("{year:04}-{month:02}-{day:02} {h:02}:{m:02} UTC"),
        format!("{year:04}-{month:02}-{day:02}T{h:02}:{m:02}:{s:02}Z"),
    )
}

/// A duration in milliseconds for people: `850 ms`, `2.4 s`.
pub(crate) fn millis(ms: u64) -> String {
    if ms < 1000 {
        format!("{ms} ms")
    } else {
        format!("{:.1} s", ms as f64 / 1000.0)
    }
}

/// Percent-encodes a path segment: like [`url_encode`], and `/` too, so a name holding one
/// stays one segment (`/learners/{name}`).
pub(crate) fn segment(text: &str) -> String {
    url_encode(text).replace('/', "%2F")
}

/// Percent-encodes a query value.
pub(crate) fn url_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.~/".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Every task and check of a report.
pub(crate) fn report(report: &Report) -> Markup {
    html! {
        @if let Some(error) = &report.platform_error {
            p.problem role="alert" { "⚠ Platform error: " (error) }
        }
        p {
            "Score " strong { (percent(report.score)) } " of the mandatory tasks ("
            (report.passed_tasks) " of " (report.total_tasks) " tasks passed), bonus "
            (percent(report.bonus)) ", graded in " (millis(report.duration_ms)) "."
        }
        @for task in &report.tasks {
            (task_section(task))
        }
    }
}

fn task_section(task: &TaskReport) -> Markup {
    let (mark, word) = if task.passed {
        ("✓", "passed")
    } else {
        ("✗", "failed")
    };
    let class = if task.passed {
        "task task-passed"
    } else {
        "task task-failed"
    };
    html! {
        section class=(class) id=(format!("task-{}", task.id)) {
            h3 {
                span.mark aria-hidden="true" { (mark) } " " (task.title)
                " " span.tag { (if task.mandatory { "mandatory" } else { "advanced" }) }
                " " span.state { "Task " (word) ", " (percent(task.score)) " · " code { (task.id) } }
            }
            ol.checks {
                @for check in &task.checks { (check_item(check)) }
            }
        }
    }
}

fn check_item(check: &CheckReport) -> Markup {
    let (mark, words) = verdict_words(check.verdict);
    let class = match check.verdict {
        Verdict::Passed => "check check-passed",
        Verdict::Skipped => "check check-skipped",
        _ => "check check-failed",
    };
    html! {
        li class=(class) {
            div.line {
                span.verdict { span aria-hidden="true" { (mark) } " " (words) }
                " " span.name { (check.name) }
                @if check.hidden { " " span.tag title="Its expected output is not shown" { "hidden" } }
                " " span.muted { (check.points) "/" (check.max_points) " pt · " (millis(check.duration_ms)) }
            }
            @if let Some(limit) = &check.limit {
                p.limit { "Limit hit: " (limit) }
            }
            @if let Some(reason) = &check.reason {
                // A reason may go on with lines of findings (`file:line:col CODE message`):
                // those keep their lines, in a monospaced block.
                @let (first, rest) = reason.split_once('\n').unwrap_or((reason, ""));
                p.reason { (visible(first)) }
                @if !rest.trim().is_empty() {
                    pre.findings { (visible_lines(rest)) }
                }
            }
            @if let Some(message) = &check.message {
                p.hint { "Hint: " (message) }
            }
            @if let Some(code) = check.exit_code {
                @if matches!(check.verdict, Verdict::NonzeroExit | Verdict::RuntimeError) {
                    p.muted { "Exit code " (code) }
                }
            }
            @if let Some(diff) = &check.diff {
                (diff_block(diff))
            } @else if check.verdict != Verdict::Passed {
                @if let Some(expected) = &check.expected {
                    details { summary { "Expected output" } pre { (visible_lines(expected)) } }
                }
                @if let Some(actual) = &check.actual {
                    details { summary { "Your output" } pre { (visible_lines(actual)) } }
                }
            }
            @if let Some(stderr) = check.stderr.as_ref().filter(|s| !s.is_empty()) {
                details { summary { "Standard error" } pre { (visible_lines(stderr)) } }
            }
        }
    }
}

/// Learner output with control characters and bidirectional overrides shown as visible
/// escapes, as the terminal report does: in a page they could reorder what an instructor reads
/// (a diff that seems to pass) or hide text. Line breaks stay line breaks.
fn visible_lines(text: &str) -> String {
    text.split('\n').map(visible).collect::<Vec<_>>().join("\n")
}

/// A unified diff, each line marked by its sign (and colored by the stylesheet).
fn diff_block(diff: &str) -> Markup {
    html! {
        figure.diff {
            figcaption { "Differences: " span.del-key { "− expected" } " " span.add-key { "+ your output" } }
            pre {
                @for line in diff.lines() {
                    @let class = if line.starts_with("+++") || line.starts_with("---") {
                        "d-head"
                    } else if line.starts_with('+') {
                        "d-add"
                    } else if line.starts_with('-') {
                        "d-del"
                    } else if line.starts_with("@@") {
                        "d-hunk"
                    } else {
                        "d-same"
                    };
                    span class=(class) { (visible(line)) } (PreEscaped("\n"))
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_civil_utc() {
        assert_eq!(date_text(0).0, "1970-01-01 00:00 UTC");
        assert_eq!(date_text(1_772_150_400_000).1, "2026-02-27T00:00:00Z");
        assert_eq!(date_text(951_782_400_000).0, "2000-02-29 00:00 UTC");
    }

    #[test]
    fn learner_control_and_bidi_characters_are_shown_not_obeyed() {
        let shown = visible_lines("ok\u{202E}dessap\nline\x1b[2J\r");
        assert_eq!(shown, "ok\\u{202e}dessap\nline\\x1b[2J\\x0d");
        let names = segment("a/b c");
        assert_eq!(names, "a%2Fb%20c", "a name with `/` stays one path segment");
    }

    #[test]
    fn text_is_escaped() {
        let page = login_page("t", "/x\"><script>", Some("<b>"));
        let html = page.into_string();
        assert!(!html.contains("<script>") && html.contains("&lt;b&gt;"));
    }
}
