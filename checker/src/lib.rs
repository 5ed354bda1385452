//! Checker's grading core: task specs, the grading engine, output comparison, diffs, reports
//! and scores. It runs code only through the `sandbox` crate and knows nothing of HTTP or SQL.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use std::path::Path;
//! use checker::{engine, spec::Project, submission::Submission};
//!
//! let project = Project::load(Path::new("tasks/es6-data-manipulation"))?;
//! let submission = Submission::from_dir(Path::new("my-solution"), &project)?;
//! let docker = sandbox::Engine::connect().await?;
//! let report = engine::grade(&docker, &project, &submission, &mut |_| {}).await?;
//! println!("{}", report.score_line()); // "ES6 data manipulation: 100% (12/12 tasks), bonus 100%"
//! # Ok(()) }
//! ```

pub mod compare;
pub mod engine;
pub mod images;
pub mod report;
pub mod runtime;
pub mod spec;
pub mod submission;
pub mod upload;
