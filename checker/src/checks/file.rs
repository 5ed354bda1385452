//! `file`: the learner file exists and is a regular file; optionally executable, with a given
//! first line, ending with a newline.

use serde_saphyr::Spanned;

use super::{Context, Kind, keys};
use crate::compare::{Compare, Comparison};
use crate::report::{CheckReport, Verdict};
use crate::spec::{Limits, Validator};
use crate::submission::LearnerFile;

keys! {
    /// The keys of a `file` check.
    pub struct FileKeys {
        /// Passes when this learner file exists and is a regular file.
        #[schemars(with = "Option<String>")]
        pub file: Option<Spanned<String>>,
        /// The file has its executable bit (`true`), or has not (`false`).
        #[schemars(with = "Option<bool>")]
        pub executable: Option<Spanned<bool>>,
        /// The exact first line of the file, e.g. `#!/usr/bin/python3`.
        #[schemars(with = "Option<String>")]
        pub first_line: Option<Spanned<String>>,
        /// The file ends with a newline (`true`), or does not (`false`).
        #[schemars(with = "Option<bool>")]
        pub final_newline: Option<Spanned<bool>>,
    }
}

/// A check that a learner file exists and is a regular file, with the properties asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileCheck {
    /// Relative path of the file in the submission.
    pub path: String,
    /// Whether it must (or must not) have its executable bit.
    pub executable: Option<bool>,
    /// Its exact first line.
    pub first_line: Option<String>,
    /// Whether it must (or must not) end with a newline.
    pub final_newline: Option<bool>,
}

impl Kind for FileCheck {
    const KEY: &'static str = "file";
    const USAGE: &'static str = "`file: <path>`";
    type Keys = FileKeys;

    fn located(keys: &FileKeys) -> Option<(u64, u64)> {
        keys.file.as_ref().map(Validator::loc)
    }

    fn validate(keys: &FileKeys, spec: &mut Validator, _: Limits) -> Option<Self> {
        let file = keys.file.as_ref()?;
        if let Err(why) = sandbox::validate_relative_path(&file.value) {
            spec.error(
                Validator::loc(file),
                format!("learner file path is not allowed: {why}"),
                None,
            );
        }
        if let Some(line) = &keys.first_line
            && (line.value.contains('\n') || line.value.contains('\r'))
        {
            spec.error(
                Validator::loc(line),
                "`first_line` is one line; it cannot hold a line break",
                None,
            );
        }
        Some(FileCheck {
            path: file.value.clone(),
            executable: keys.executable.as_ref().map(|e| e.value),
            first_line: keys.first_line.as_ref().map(|l| l.value.clone()),
            final_newline: keys.final_newline.as_ref().map(|n| n.value),
        })
    }

    async fn execute(&self, context: &Context<'_>) -> CheckReport {
        let check = context.check;
        match context.submission.learner_file(&self.path) {
            Ok(file) => match self.problem(file) {
                None => CheckReport::bare(&check.name, Verdict::Passed, check.points, check.hidden),
                Some(failure) => {
                    let mut report = context.explained(Verdict::WrongOutput, failure.reason);
                    if let (Some(expected), Some(actual)) = (&failure.expected, &failure.actual) {
                        report.diff = Compare::new(Comparison::Exact).diff(expected, actual);
                    }
                    report.expected = failure.expected;
                    report.actual = failure.actual;
                    report.points = 0;
                    report
                }
            },
            Err(problem) => context.explained(Verdict::MissingFile, problem.describe(&self.path)),
        }
    }
}

/// What is wrong with a file that exists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileFailure {
    /// For the learner, with what to do.
    pub reason: String,
    /// What was expected, when it is text.
    pub expected: Option<String>,
    /// What the file has instead.
    pub actual: Option<String>,
}

impl FileCheck {
    /// The first property the file lacks, in the order executable, first line, final newline.
    pub fn problem(&self, file: &LearnerFile) -> Option<FileFailure> {
        let path = &self.path;
        let plain = |reason: String| FileFailure {
            reason,
            expected: None,
            actual: None,
        };
        match self.executable {
            Some(true) if !file.executable => {
                return Some(plain(format!(
                    "`{path}` is not executable; run `chmod +x {path}` (in git: \
                     `git update-index --chmod=+x {path}`) and submit it again"
                )));
            }
            Some(false) if file.executable => {
                return Some(plain(format!(
                    "`{path}` is executable and should not be; run `chmod -x {path}`"
                )));
            }
            _ => {}
        }
        if let Some(expected) = &self.first_line {
            let text = String::from_utf8_lossy(&file.contents);
            let first = text.split('\n').next().unwrap_or("");
            if first != expected {
                // A carriage return breaks a shebang: the kernel looks for `python3\r`.
                let crlf = if first.ends_with('\r') {
                    " (it ends with a carriage return: save the file with Unix line endings)"
                } else {
                    ""
                };
                return Some(FileFailure {
                    reason: format!(
                        "the first line of `{path}` should be exactly `{expected}`{crlf}"
                    ),
                    expected: Some(format!("{expected}\n")),
                    actual: Some(format!("{first}\n")),
                });
            }
        }
        let ends = file.contents.last() == Some(&b'\n');
        match self.final_newline {
            Some(true) if !ends => Some(plain(format!(
                "`{path}` does not end with a newline; add one after its last line"
            ))),
            Some(false) if ends && !file.contents.is_empty() => Some(plain(format!(
                "`{path}` ends with a newline and should not"
            ))),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check() -> FileCheck {
        FileCheck {
            path: "0-add.py".into(),
            executable: Some(true),
            first_line: Some("#!/usr/bin/python3".into()),
            final_newline: Some(true),
        }
    }

    #[test]
    fn a_file_with_every_property_passes() {
        let file = LearnerFile::new("#!/usr/bin/python3\nprint(1)\n").executable(true);
        assert_eq!(check().problem(&file), None);
        let plain = FileCheck {
            executable: None,
            first_line: None,
            final_newline: None,
            ..check()
        };
        assert_eq!(plain.problem(&LearnerFile::new("x")), None);
    }

    #[test]
    fn a_missing_bit_names_both_fixes() {
        let file = LearnerFile::new("#!/usr/bin/python3\n");
        let reason = check().problem(&file).unwrap().reason;
        assert!(reason.contains("`chmod +x 0-add.py`"), "{reason}");
        assert!(
            reason.contains("`git update-index --chmod=+x 0-add.py`"),
            "{reason}"
        );
    }

    #[test]
    fn the_first_line_is_compared_exactly() {
        let file = LearnerFile::new("#!/usr/bin/env python3\nx\n").executable(true);
        let failure = check().problem(&file).unwrap();
        assert_eq!(failure.actual.as_deref(), Some("#!/usr/bin/env python3\n"));
        assert_eq!(failure.expected.as_deref(), Some("#!/usr/bin/python3\n"));
        let crlf = LearnerFile::new("#!/usr/bin/python3\r\nx\n").executable(true);
        let reason = check().problem(&crlf).unwrap().reason;
        assert!(reason.contains("Unix line endings"), "{reason}");
    }

    #[test]
    fn the_final_newline_is_required() {
        let file = LearnerFile::new("#!/usr/bin/python3\nprint(1)").executable(true);
        let reason = check().problem(&file).unwrap().reason;
        assert!(reason.contains("does not end with a newline"), "{reason}");
    }
}
