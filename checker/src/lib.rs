//! Checker's grading core: task specs, check kinds, the grading engine, output comparison,
//! diffs, reports and scores. It runs code only through the `sandbox` crate, and its callers
//! reach Docker only through [`grading::Grader`]; it knows nothing of HTTP or SQL.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use std::path::Path;
//! use checker::{grading::Grader, spec::Project, submission::Submission};
//!
//! let project = Project::load(Path::new("tasks/es6-data-manipulation"))?;
//! let submission = Submission::from_dir(Path::new("my-solution"), &project)?;
//! let grader = Grader::connect().await?; // Err(GradeError): the platform failed, not the learner
//! grader.keep_warm(&project, 2); // optional: sandboxes started ahead of the next submission
//! let report = grader.grade(&project, &submission, 2, &mut |_| {}).await?; // 2 lanes
//! println!("{}", report.score_line()); // "ES6 data manipulation: 100% (12/12 tasks), bonus 100%"
//! grader.close().await;
//! checker::grading::finish_cleanup().await;
//! # Ok(()) }
//! ```

pub mod checks;
pub mod compare;
pub mod engine;
pub mod extra_files;
pub mod grading;
pub mod images;
pub mod report;
pub mod runtime;
pub mod services;
pub mod spec;
pub mod submission;
pub mod upload;
