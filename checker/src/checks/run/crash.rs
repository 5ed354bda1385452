//! What a crashed program said, read from its standard error: the exception's message and the
//! place in the learner's own files where it happened. Understands Node's and Python's uncaught
//! exception reports. Only the learner's files are named, so the summary is safe to show for a
//! hidden check: the grader's harness never appears in it.

use std::sync::LazyLock;

use regex::Regex;

/// The longest exception message kept, in characters.
const MAX_MESSAGE: usize = 200;

/// The learner-facing account of a crash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrashSummary {
    /// First line of the exception, e.g. `TypeError: x is not a function`.
    pub message: Option<String>,
    /// `file:line` in a learner's file, e.g. `3-get_ids_sum.js:2`.
    pub location: Option<String>,
}

impl CrashSummary {
    /// Reads `stderr`. `learner_files` are the submission's paths relative to the work folder;
    /// any other file (the grader's) is never named.
    pub fn read(stderr: &str, learner_files: &[&str]) -> Option<CrashSummary> {
        let summary = if is_python(stderr) {
            python(stderr, learner_files)
        } else {
            node(stderr, learner_files)
        };
        (summary.message.is_some() || summary.location.is_some()).then_some(summary)
    }

    /// One line: `TypeError: boom, at 3-get_ids_sum.js:2`.
    pub fn describe(&self) -> String {
        match (&self.message, &self.location) {
            (Some(message), Some(location)) => format!("{message}, at {location}"),
            (Some(message), None) => message.clone(),
            (None, Some(location)) => format!("at {location}"),
            (None, None) => String::new(),
        }
    }
}

fn is_python(stderr: &str) -> bool {
    stderr.contains("Traceback (most recent call last):") || PYTHON_FRAME.is_match(stderr)
}

static PYTHON_FRAME: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"(?m)^\s*File "([^"]+)", line (\d+)"#).expect("valid regex"));

/// `    at fn (file:///work/x.js:2:15)` or `    at /work/x.js:2:15`.
static NODE_FRAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s+at (?:.*? \()?(?:file://)?(/[^():]+):(\d+):\d+\)?$").expect("valid regex")
});

/// The first line of Node's report names the throwing line: `file:///work/x.js:2`.
static NODE_HEADER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(?:file://)?(/[^():]+):(\d+)$").expect("valid regex"));

/// `TypeError: ...`, `Error [ERR_X]: ...`, `SyntaxError: ...`, `MyError`.
static NODE_EXCEPTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:Uncaught )?(?:[A-Z][\w$]*)?(?:Error|Exception)(?: \[[A-Z0-9_]+\])?(?::|$)")
        .expect("valid regex")
});

/// The learner's file that `path` (absolute, in the container) is, if any.
fn learner_file<'a>(path: &str, learner_files: &[&'a str]) -> Option<&'a str> {
    learner_files
        .iter()
        .find(|file| {
            path.strip_suffix(**file)
                .is_some_and(|rest| rest.ends_with('/'))
        })
        .copied()
}

fn node(stderr: &str, learner_files: &[&str]) -> CrashSummary {
    let lines: Vec<&str> = stderr.lines().collect();
    let message = lines
        .iter()
        .rposition(|line| NODE_EXCEPTION.is_match(line))
        .map(|i| clean_message(lines[i], learner_files))
        .map(|message| explain_interop(&message));
    // Innermost learner frame first; else the throwing line Node printed first (a syntax error
    // in a learner's file has no learner frame).
    let from_frames = lines.iter().find_map(|line| {
        let captures = NODE_FRAME.captures(line)?;
        let file = learner_file(&captures[1], learner_files)?;
        Some(format!("{file}:{}", &captures[2]))
    });
    let location = from_frames.or_else(|| {
        lines.iter().take(3).find_map(|line| {
            let captures = NODE_HEADER.captures(line.trim_end())?;
            let file = learner_file(&captures[1], learner_files)?;
            Some(format!("{file}:{}", &captures[2]))
        })
    });
    CrashSummary { message, location }
}

/// Babel's call of a default import (`(0 , _set.default)(...)`, `new _car.default()`), which
/// fails when the imported file has no default export: said in words, as the school's Babel
/// message did not.
static BABEL_DEFAULT_IMPORT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:\(0 , )?_[\w$]+\.default\)? is not a (function|constructor)$")
        .expect("valid regex")
});

fn explain_interop(message: &str) -> String {
    match BABEL_DEFAULT_IMPORT.captures(message) {
        Some(captures) => {
            let what = if &captures[1] == "function" {
                "a function"
            } else {
                "a class"
            };
            format!("{message} (the imported file's default export is missing or not {what})")
        }
        None => message.to_owned(),
    }
}

fn python(stderr: &str, learner_files: &[&str]) -> CrashSummary {
    // Python lists the innermost frame last; its last line is the exception.
    let location = PYTHON_FRAME
        .captures_iter(stderr)
        .filter_map(|captures| {
            let file = learner_file(&captures[1], learner_files)
                .or_else(|| learner_files.iter().find(|f| **f == &captures[1]).copied())?;
            Some(format!("{file}:{}", &captures[2]))
        })
        .last();
    let message = stderr
        .lines()
        .rev()
        .find(|line| !line.trim().is_empty() && !line.starts_with(char::is_whitespace))
        .filter(|line| !line.starts_with("Traceback ") && !PYTHON_FRAME.is_match(line))
        .map(|line| clean_message(line, learner_files));
    CrashSummary { message, location }
}

/// One line, bounded, with any path that is not a learner's file replaced: the grader's files
/// stay unnamed even in a hidden check.
fn clean_message(line: &str, learner_files: &[&str]) -> String {
    let line = line.trim().trim_start_matches("Uncaught ");
    let words: Vec<String> = line
        .split(' ')
        .map(|word| {
            let bare = word.trim_matches(|c: char| "'\"`(),;".contains(c));
            let path = bare.strip_prefix("file://").unwrap_or(bare);
            if path.starts_with('/') && path.len() > 1 {
                match learner_file(path, learner_files) {
                    Some(file) => word.replace(bare, file),
                    None => word.replace(bare, "<grader file>"),
                }
            } else {
                word.to_owned()
            }
        })
        .collect();
    let line = words.join(" ");
    match line.char_indices().nth(MAX_MESSAGE) {
        Some((cut, _)) => format!("{}…", &line[..cut]),
        None => line,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LEARNER: &[&str] = &[
        "3-get_ids_sum.js",
        "1-get_list_student_ids.js",
        "lib/util.py",
    ];

    #[test]
    fn node_esm_crash_names_the_learner_frame_not_the_harness() {
        let stderr = "file:///work/3-get_ids_sum.js:2
  return list.reduce((a, s) => a + s.id);
              ^

TypeError: Reduce of empty array with no initial value
    at Array.reduce (<anonymous>)
    at sum (file:///work/3-get_ids_sum.js:2:15)
    at file:///work/3-hidden-empty.js:3:13
    at ModuleJob.run (node:internal/modules/esm/module_job:195:25)

Node.js v18.20.4
";
        let summary = CrashSummary::read(stderr, LEARNER).unwrap();
        assert_eq!(
            summary.describe(),
            "TypeError: Reduce of empty array with no initial value, at 3-get_ids_sum.js:2"
        );
    }

    #[test]
    fn node_commonjs_frames_are_plain_paths() {
        let stderr = "/work/1-get_list_student_ids.js:2
  return x.y.z;
             ^

TypeError: Cannot read properties of undefined (reading 'z')
    at f (/work/1-get_list_student_ids.js:2:14)
    at file:///work/1-main.js:1:41
";
        let summary = CrashSummary::read(stderr, LEARNER).unwrap();
        assert_eq!(
            summary.location.as_deref(),
            Some("1-get_list_student_ids.js:2")
        );
    }

    #[test]
    fn node_crash_inside_the_harness_names_no_file() {
        let stderr = "file:///work/0-main.js:1
import s from './0-get_list_students.js'; console.log(s());
       ^
SyntaxError: The requested module './0-get_list_students.js' does not provide an export named 'default'
    at ModuleJob._instantiate (node:internal/modules/esm/module_job:123:21)

Node.js v18.20.4
";
        let summary = CrashSummary::read(stderr, LEARNER).unwrap();
        assert_eq!(summary.location, None);
        assert_eq!(
            summary.message.as_deref(),
            Some(
                "SyntaxError: The requested module './0-get_list_students.js' does not provide an export named 'default'"
            )
        );
    }

    #[test]
    fn node_syntax_error_in_a_learner_file_uses_the_header_line() {
        let stderr = "file:///work/3-get_ids_sum.js:4
  return 1;
         ^

SyntaxError: Unexpected number
    at ModuleLoader.moduleStrategy (node:internal/modules/esm/translators:152:18)
";
        let summary = CrashSummary::read(stderr, LEARNER).unwrap();
        assert_eq!(
            summary.describe(),
            "SyntaxError: Unexpected number, at 3-get_ids_sum.js:4"
        );
    }

    #[test]
    fn node_error_codes_and_grader_paths_in_messages() {
        let stderr = "node:internal/process/esm_loader:40
      internalBinding('errors').triggerUncaughtException(
                                ^
Error [ERR_MODULE_NOT_FOUND]: Cannot find module '/work/x' imported from /work/3-hidden-empty.js
";
        let summary = CrashSummary::read(stderr, LEARNER).unwrap();
        assert_eq!(
            summary.message.as_deref(),
            Some(
                "Error [ERR_MODULE_NOT_FOUND]: Cannot find module '<grader file>' imported from <grader file>"
            )
        );
    }

    #[test]
    fn babel_default_import_failures_are_said_in_words() {
        let stderr = "/work/6-main.js:3
TypeError: (0 , _set.default) is not a function
    at Object.<anonymous> (/work/6-main.js:3:32)";
        let summary = CrashSummary::read(stderr, &["6-set.js"]).unwrap();
        assert_eq!(
            summary.message.as_deref(),
            Some(
                "TypeError: (0 , _set.default) is not a function (the imported file's default \
                 export is missing or not a function)"
            )
        );
        let stderr = "TypeError: _car.default is not a constructor\n    at /work/x.js:2:1";
        let summary = CrashSummary::read(stderr, &[]).unwrap();
        assert!(
            summary
                .message
                .unwrap()
                .ends_with("missing or not a class)")
        );
        let plain = CrashSummary::read("TypeError: list.map is not a function", &[]).unwrap();
        assert_eq!(
            plain.message.as_deref(),
            Some("TypeError: list.map is not a function")
        );
    }

    #[test]
    fn python_traceback_names_the_last_learner_frame_and_the_exception() {
        let stderr = r#"Traceback (most recent call last):
  File "/work/0-main.py", line 4, in <module>
    print(helper(3))
  File "/work/lib/util.py", line 7, in helper
    return 1 / n
  File "/usr/lib/python3.11/fractions.py", line 2, in __truediv__
    raise ZeroDivisionError
ZeroDivisionError: division by zero
"#;
        let summary = CrashSummary::read(stderr, LEARNER).unwrap();
        assert_eq!(
            summary.describe(),
            "ZeroDivisionError: division by zero, at lib/util.py:7"
        );
    }

    #[test]
    fn python_syntax_error_in_a_learner_file() {
        let stderr = r#"  File "/work/lib/util.py", line 3
    def f(
         ^
SyntaxError: '(' was never closed
"#;
        let summary = CrashSummary::read(stderr, LEARNER).unwrap();
        assert_eq!(
            summary.describe(),
            "SyntaxError: '(' was never closed, at lib/util.py:3"
        );
    }

    #[test]
    fn python_crash_in_the_harness_only_gives_the_exception() {
        let stderr = r#"Traceback (most recent call last):
  File "/work/1-main.py", line 2, in <module>
    from util import x
ModuleNotFoundError: No module named 'util'
"#;
        let summary = CrashSummary::read(stderr, LEARNER).unwrap();
        assert_eq!(summary.location, None);
        assert_eq!(
            summary.describe(),
            "ModuleNotFoundError: No module named 'util'"
        );
    }

    #[test]
    fn nothing_recognisable_gives_nothing() {
        assert_eq!(CrashSummary::read("oops\n", LEARNER), None);
        assert_eq!(CrashSummary::read("", LEARNER), None);
    }

    #[test]
    fn long_messages_are_cut() {
        let stderr = format!("Error: {}\n", "x".repeat(500));
        let message = CrashSummary::read(&stderr, LEARNER)
            .unwrap()
            .message
            .unwrap();
        assert_eq!(message.chars().count(), MAX_MESSAGE + 1);
    }
}
