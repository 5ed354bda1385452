//! The report as JUnit XML, which CI systems (GitHub Actions, GitLab, Jenkins) display: one
//! `testsuite` per task, one `testcase` per check; failures carry the reason and the diff.

use std::io::Write;

use quick_xml::Writer;
use quick_xml::events::{BytesCData, BytesDecl, BytesEnd, BytesStart, Event};

use super::terminal::words;
use super::{CheckReport, Report, Verdict};

/// Writes `report` (redact it first for learners) as a JUnit XML document.
pub fn write(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    let mut xml = Writer::new_with_indent(out, b' ', 2);
    xml.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    let checks: Vec<&CheckReport> = report.tasks.iter().flat_map(|t| &t.checks).collect();
    let mut suites = BytesStart::new("testsuites");
    suites.push_attribute(("name", report.title.as_str()));
    push_counts(&mut suites, &checks);
    suites.push_attribute(("time", seconds(report.duration_ms).as_str()));
    xml.write_event(Event::Start(suites))?;
    for task in &report.tasks {
        let task_checks: Vec<&CheckReport> = task.checks.iter().collect();
        let mut suite = BytesStart::new("testsuite");
        let kind = if task.mandatory { "" } else { " [advanced]" };
        suite.push_attribute((
            "name",
            format!("{}: {}{kind}", task.id, task.title).as_str(),
        ));
        push_counts(&mut suite, &task_checks);
        let time: u64 = task.checks.iter().map(|c| c.duration_ms).sum();
        suite.push_attribute(("time", seconds(time).as_str()));
        xml.write_event(Event::Start(suite))?;
        for check in &task.checks {
            let mut case = BytesStart::new("testcase");
            case.push_attribute((
                "classname",
                format!("{}.{}", report.project, task.id).as_str(),
            ));
            case.push_attribute(("name", check.name.as_str()));
            case.push_attribute(("time", seconds(check.duration_ms).as_str()));
            let outcome = match check.verdict {
                Verdict::Passed => None,
                Verdict::Skipped => Some("skipped"),
                Verdict::InternalError => Some("error"),
                _ => Some("failure"),
            };
            let Some(element) = outcome else {
                xml.write_event(Event::Empty(case))?;
                continue;
            };
            xml.write_event(Event::Start(case))?;
            let mut detail = BytesStart::new(element);
            let message = match &check.reason {
                Some(reason) => format!("{}: {reason}", words(check.verdict)),
                None => words(check.verdict).to_owned(),
            };
            detail.push_attribute(("message", message.as_str()));
            detail.push_attribute(("type", check.verdict.as_str()));
            let body = failure_body(check);
            if body.is_empty() {
                xml.write_event(Event::Empty(detail))?;
            } else {
                xml.write_event(Event::Start(detail))?;
                // CDATA cannot hold "]]>": end the section between "]]" and ">".
                let parts: Vec<&str> = body.split("]]>").collect();
                for (i, part) in parts.iter().enumerate() {
                    let head = if i > 0 { ">" } else { "" };
                    let tail = if i + 1 < parts.len() { "]]" } else { "" };
                    let text = xml_safe(&format!("{head}{part}{tail}"));
                    xml.write_event(Event::CData(BytesCData::new(text)))?;
                }
                xml.write_event(Event::End(BytesEnd::new(element)))?;
            }
            xml.write_event(Event::End(BytesEnd::new("testcase")))?;
        }
        xml.write_event(Event::End(BytesEnd::new("testsuite")))?;
    }
    xml.write_event(Event::End(BytesEnd::new("testsuites")))?;
    writeln!(xml.get_mut())
}

fn push_counts(element: &mut BytesStart<'_>, checks: &[&CheckReport]) {
    let count = |pick: fn(Verdict) -> bool| checks.iter().filter(|c| pick(c.verdict)).count();
    element.push_attribute(("tests", checks.len().to_string().as_str()));
    let failures = count(|v| {
        !matches!(
            v,
            Verdict::Passed | Verdict::Skipped | Verdict::InternalError
        )
    });
    element.push_attribute(("failures", failures.to_string().as_str()));
    let errors = count(|v| v == Verdict::InternalError);
    element.push_attribute(("errors", errors.to_string().as_str()));
    let skipped = count(|v| v == Verdict::Skipped);
    element.push_attribute(("skipped", skipped.to_string().as_str()));
}

/// The text of a failure: hint, diff and the end of standard error.
fn failure_body(check: &CheckReport) -> String {
    let mut body = String::new();
    if let Some(message) = &check.message {
        body.push_str(&format!("hint: {message}\n"));
    }
    if let Some(limit) = &check.limit {
        body.push_str(&format!("limit: {limit}\n"));
    }
    if let Some(diff) = &check.diff {
        body.push_str(diff);
    }
    if let Some(stderr) = check.stderr.as_deref().filter(|s| !s.trim().is_empty()) {
        body.push_str("standard error:\n");
        body.push_str(stderr);
    }
    body
}

/// XML 1.0 cannot carry most control characters, even in CDATA: show them as escapes.
fn xml_safe(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\t' | '\n' | '\r' => c.to_string(),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {
                format!("\\x{:02x}", c as u32)
            }
            c => c.to_string(),
        })
        .collect()
}

fn seconds(ms: u64) -> String {
    format!("{:.3}", ms as f64 / 1000.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::TaskReport;

    #[test]
    fn one_testcase_per_check_with_failures_carrying_the_diff() {
        let mut wrong = CheckReport::bare("prints <the> sum", Verdict::WrongOutput, 1, false);
        wrong.reason = Some("the output differs".into());
        wrong.diff = Some("--- expected\n+++ actual\n-8\n+9 ]]> \u{1b}[2J\n".into());
        let mut error = CheckReport::bare("lost", Verdict::InternalError, 1, false);
        error.reason = Some("the sandbox vanished".into());
        let tasks = vec![
            TaskReport::new(
                "3-sum",
                "Sum & more",
                true,
                vec![CheckReport::bare("ok", Verdict::Passed, 1, false), wrong],
            ),
            TaskReport::new(
                "4-x",
                "X",
                false,
                vec![
                    CheckReport::bare("gated", Verdict::Skipped, 1, false),
                    error,
                ],
            ),
        ];
        let report = Report::new("p", "Project", "v", tasks, 1500);
        let mut out = Vec::new();
        write(&report, &mut out).unwrap();
        let xml = String::from_utf8(out).unwrap();

        // Parse it back: well-formed, with the counts and texts CI systems read.
        let mut reader = quick_xml::Reader::from_str(&xml);
        let mut cases = Vec::new();
        let mut failure_text = String::new();
        let mut in_failure = false;
        loop {
            match reader.read_event().expect("well-formed XML") {
                Event::Start(e) | Event::Empty(e) => {
                    let name = String::from_utf8(e.name().as_ref().to_vec()).unwrap();
                    let attr = |key: &str| {
                        e.try_get_attribute(key)
                            .unwrap()
                            .map(|a| a.unescape_value().unwrap().into_owned())
                    };
                    match name.as_str() {
                        "testsuites" => {
                            assert_eq!(attr("tests").as_deref(), Some("4"));
                            assert_eq!(attr("failures").as_deref(), Some("1"));
                            assert_eq!(attr("errors").as_deref(), Some("1"));
                            assert_eq!(attr("skipped").as_deref(), Some("1"));
                            assert_eq!(attr("time").as_deref(), Some("1.500"));
                        }
                        "testcase" => cases.push(attr("name").unwrap()),
                        "failure" => {
                            assert_eq!(attr("type").as_deref(), Some("wrong_output"));
                            assert_eq!(
                                attr("message").as_deref(),
                                Some("wrong output: the output differs")
                            );
                            in_failure = true;
                        }
                        _ => {}
                    }
                }
                Event::CData(text) if in_failure => {
                    failure_text.push_str(&String::from_utf8_lossy(&text));
                }
                Event::End(e) if e.name().as_ref() == b"failure" => in_failure = false,
                Event::Eof => break,
                _ => {}
            }
        }
        assert_eq!(cases, ["ok", "prints <the> sum", "gated", "lost"]);
        assert!(
            failure_text.contains("-8\n+9 ]]> \\x1b[2J"),
            "{failure_text}"
        );
        assert!(xml.contains("name=\"3-sum: Sum &amp; more\""), "{xml}");
    }
}
