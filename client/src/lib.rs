//! Checker's command-line client of the grading server: the HTTP calls of its API, the
//! credentials `checker login` saves, the packing of a project's files from a folder, and the
//! live report of a submission's grading (server-sent events, printed as `checker grade`
//! prints). It knows the server only through HTTP; it never links the server's code.
//!
//! ```no_run
//! # async fn demo() -> Result<(), client::ClientError> {
//! use client::{Client, Source, SubmitOptions};
//!
//! let me = Client::signed_in(Some("http://127.0.0.1:8080"))?.me().await?;
//! println!("signed in as {}", me.name);
//! let code = client::submit(&SubmitOptions {
//!     project: "es6-data-manipulation".into(),
//!     source: Source::Folder(".".into()),
//!     server: None,
//!     wait: true,
//!     min_score: None,
//!     json: false,
//!     quiet: false,
//! })
//! .await?;
//! # let _ = code;
//! # Ok(()) }
//! ```

mod account;
pub mod answers;
pub mod credentials;
mod error;
mod events;
mod http;
pub mod pack;
pub mod prompt;
mod submit;

pub use account::{LoginOptions, link_repo, login, revoke_token, scores, tokens};
pub use error::ClientError;
pub use http::Client;
pub use submit::{GitTarget, Source, SubmitOptions, submit};
