//! `file`: the learner file exists and is a regular file.

use serde_saphyr::Spanned;

use super::{Context, Kind, keys};
use crate::report::{CheckReport, Verdict};
use crate::spec::{Limits, Validator};

keys! {
    /// The keys of a `file` check.
    pub struct FileKeys {
        /// Passes when this learner file exists and is a regular file.
        #[schemars(with = "Option<String>")]
        pub file: Option<Spanned<String>>,
    }
}

/// A check that a learner file exists and is a regular file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileCheck {
    /// Relative path of the file in the submission.
    pub path: String,
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
        Some(FileCheck {
            path: file.value.clone(),
        })
    }

    async fn execute(&self, context: &Context<'_>) -> CheckReport {
        let check = context.check;
        match context.submission.file(&self.path) {
            Ok(_) => CheckReport::bare(&check.name, Verdict::Passed, check.points, check.hidden),
            Err(problem) => context.explained(Verdict::MissingFile, problem.describe(&self.path)),
        }
    }
}
