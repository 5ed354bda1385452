//! Checker's grading server.
//!
//! Learners and CI pipelines upload a project's files; the server stores the submission and its
//! files in one transaction before answering `202 Accepted`, a worker claims it from the queue
//! with a lease, grades it with [`checker::grading::Grader`] and records the report and the
//! learner's best and latest scores. Storage goes through the narrow [`store::Store`] trait,
//! implemented for SQLite (one file, zero set-up) and PostgreSQL (many workers on many hosts).
//!
//! ```no_run
//! # async fn demo() -> anyhow::Result<()> {
//! use std::sync::Arc;
//! use web::{api, store::{self, DbUrl}, Curriculum};
//!
//! let store = store::open(&DbUrl::parse("sqlite://checker.db")?).await?;
//! let curriculum = Arc::new(Curriculum::load(std::path::Path::new("tasks"))?);
//! store.record_projects(&curriculum.versions()).await?;
//! let app = api::app(api::AppState::new(store, curriculum));
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
//! axum::serve(listener, app).await?;
//! # Ok(()) }
//! ```

pub mod api;
pub mod auth;
mod curriculum;
mod dashboard;
pub mod error;
mod extract;
pub mod git;
mod metrics;
mod openapi;
pub mod progress;
pub mod request_id;
pub mod signin;
pub mod worker;

pub use curriculum::Curriculum;
/// The storage crate, re-exported so callers of the server reach the same [`store::Store`].
pub use store;

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LogFormat {
    /// For people: one line of text per event.
    #[default]
    Text,
    /// For log collectors: one JSON object per line, with the fields of every enclosing span
    /// (`request_id`, `submission`, ...).
    Json,
}

impl std::str::FromStr for LogFormat {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text {
            "text" => Ok(LogFormat::Text),
            "json" => Ok(LogFormat::Json),
            other => Err(format!("unknown log format `{other}`; use text or json")),
        }
    }
}

/// Sets up logging to standard error for the server and workers (`RUST_LOG` overrides the
/// default level, `info`). Secrets never reach the log: tokens are hashed before any use and
/// database URLs only ever print through their redacting [`store::DbUrl`].
pub fn init_logging(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = match format {
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(false)
            .with_span_list(true)
            .try_init(),
        LogFormat::Text => {
            let color = std::io::IsTerminal::is_terminal(&std::io::stderr())
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
            builder.with_ansi(color).try_init()
        }
    };
}

/// Parses a duration as people write it: `90s`, `5m`, `1h 30m`, `90d`.
pub fn parse_duration(text: &str) -> Result<std::time::Duration, String> {
    humantime::parse_duration(text)
        .map_err(|e| format!("`{text}` is not a duration ({e}); use e.g. 30s, 5m, 90d"))
}

/// Everything the server answers: the API ([`api::app`]) and the dashboard's pages.
pub fn app(state: api::AppState) -> axum::Router {
    api::app(state.clone())
        .merge(dashboard::router(state))
        .layer(axum::middleware::from_fn(request_id::middleware))
}

/// Serves the API on `listener`, with an in-process grading worker when `worker` is given,
/// until `stop` turns true: then new connections are refused, requests in flight finish (at
/// most 10 s more, since event streams would hold on forever) and the worker hands its job back.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: api::AppState,
    worker: Option<worker::WorkerConfig>,
    stop: tokio::sync::watch::Receiver<bool>,
) -> std::io::Result<()> {
    let worker = worker.map(|config| {
        let worker = worker::Worker::new(
            state.store.clone(),
            state.curriculum.clone(),
            config,
            state.wake.clone(),
        )
        .with_progress(state.progress.clone());
        tokio::spawn(worker.run(stop.clone()))
    });
    let mut graceful = stop.clone();
    let server = axum::serve(
        listener,
        // The caller's address feeds the sign-in throttle.
        app(state).into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(async move {
        let _ = graceful.wait_for(|stop| *stop).await;
    });
    let mut deadline = stop.clone();
    tokio::select! {
        served = server => served?,
        () = async move {
            let _ = deadline.wait_for(|stop| *stop).await;
            tokio::time::sleep(std::time::Duration::from_secs(10)).await;
        } => {}
    }
    if let Some(worker) = worker {
        let _ = worker.await;
    }
    Ok(())
}

/// A stop signal that turns true on SIGTERM.
pub fn stop_on_sigterm() -> tokio::sync::watch::Receiver<bool> {
    let (stop, stopped) = tokio::sync::watch::channel(false);
    tokio::spawn(async move {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut term) => {
                term.recv().await;
                tracing::info!("SIGTERM: stopping");
                let _ = stop.send(true);
            }
            Err(error) => tracing::warn!("cannot watch for SIGTERM: {error}"),
        }
        // Keep the sender: its receivers take a dropped sender for a stop.
        std::future::pending::<()>().await;
    });
    stopped
}
