//! `checker serve` and `checker worker`: flags, and the wiring of the `web` crate.

use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::Args;
use web::api::{AppState, RateLimit};
use web::store::{self, DbUrl, Store};
use web::worker::{Worker, WorkerConfig};
use web::{Curriculum, parse_duration};

use crate::failure::Failure;
use crate::flags::{DbArg, LogArg, TasksDir};

#[derive(Args)]
pub struct WorkerOptions {
    /// How long a claimed job is held without renewal; a job whose worker died returns to the
    /// queue after it.
    #[arg(long, default_value = "60s", value_parser = parse_duration)]
    lease: Duration,
    /// Claims after which a job that never finishes ends as a platform failure.
    #[arg(long, default_value_t = 3)]
    max_attempts: i64,
    /// Wait before retrying a job that met a platform error (times the attempt number).
    #[arg(long, default_value = "10s", value_parser = parse_duration)]
    retry_delay: Duration,
    /// How often an idle worker looks for jobs.
    #[arg(long, default_value = "1s", value_parser = parse_duration)]
    poll: Duration,
    /// On SIGTERM, how long the job in hand may go on before it is handed back to the queue.
    #[arg(long, default_value = "30s", value_parser = parse_duration)]
    drain: Duration,
}

impl WorkerOptions {
    fn config(&self) -> WorkerConfig {
        WorkerConfig {
            lease: self.lease.max(Duration::from_secs(1)),
            max_attempts: self.max_attempts.max(1),
            retry_delay: self.retry_delay,
            poll: self.poll.max(Duration::from_millis(50)),
            drain: self.drain,
            ..WorkerConfig::default()
        }
    }
}

#[derive(Args)]
pub struct ServeArgs {
    #[command(flatten)]
    db: DbArg,
    #[command(flatten)]
    log: LogArg,
    /// Address to listen on (port 0 picks a free one; the address is printed).
    #[arg(long, env = "CHECKER_LISTEN", default_value = "127.0.0.1:8080")]
    listen: String,
    #[command(flatten)]
    tasks: TasksDir,
    /// Only accept and serve submissions; leave grading to `checker worker` processes.
    #[arg(long)]
    no_grade: bool,
    /// Submissions accepted per user and minute (0: no limit).
    #[arg(long, default_value_t = 30)]
    rate_limit: u32,
    /// Answer `GET /metrics` (Prometheus) on the listening address; off by default, since
    /// anyone who reaches the server could read it.
    #[arg(long)]
    metrics: bool,
    /// Progress streams (`/api/submissions/{id}/events`, the live page) one user may hold open.
    #[arg(long, default_value_t = 8)]
    max_streams_per_user: usize,
    /// How long one progress stream lives before it ends (the client connects again).
    #[arg(long, default_value = "30m", value_parser = parse_duration)]
    stream_lifetime: Duration,
    #[command(flatten)]
    worker: WorkerOptions,
    #[command(flatten)]
    git: GitOptions,
}

#[derive(Args)]
pub struct GitOptions {
    /// A host learners' repositories may be fetched from (`github.com`, `git.school.org:8443`);
    /// repeat for more. Without one, git submissions and webhooks are refused.
    #[arg(
        long = "git-allow-host",
        value_name = "HOST",
        env = "CHECKER_GIT_ALLOW_HOSTS",
        value_delimiter = ','
    )]
    git_allow_hosts: Vec<String>,
    /// How long one fetch of a learner's repository may take.
    #[arg(long, default_value = "60s", value_parser = parse_duration)]
    git_timeout: Duration,
    /// Bytes one fetch may bring (a shallow fetch of one commit).
    #[arg(long, default_value_t = 100 * 1024 * 1024)]
    git_max_bytes: u64,
    /// Take git submissions (`checker submit --git URL`) only from repositories linked to the
    /// submitting learner (`checker repo link`).
    #[arg(long)]
    git_linked_only: bool,
    /// Fetches of learners' repositories running at once; more wait up to 10 s, then get 503.
    #[arg(long, default_value_t = web::git::DEFAULT_FETCHES)]
    git_max_fetches: usize,
    /// The operator's secret for push webhooks (`POST /api/hooks/git`) set up school-wide, e.g.
    /// on a GitHub organisation; each linked repository also gets its own secret (printed by
    /// `checker repo link`). It also signs result callbacks.
    #[arg(long, env = "CHECKER_WEBHOOK_SECRET", hide_env_values = true)]
    webhook_secret: Option<String>,
    /// Pushes older than this are refused as replayed deliveries.
    #[arg(long, default_value = "1d", value_parser = parse_duration)]
    webhook_max_age: Duration,
    /// Report each git submission's result back: POST JSON to this URL template once graded
    /// ({commit}, {project}, {submission}, {user}, {status} are replaced), signed with the
    /// webhook secret, retried with backoff.
    #[arg(
        long,
        value_name = "URL",
        env = "CHECKER_GIT_CALLBACK_URL",
        hide_env_values = true
    )]
    git_callback_url: Option<String>,
    /// Attempts of one result callback before giving up.
    #[arg(long, default_value_t = 8)]
    git_callback_attempts: i64,
    /// Wait after a failed callback, doubled after each next failure (at most 5 min).
    #[arg(long, default_value = "1s", value_parser = parse_duration)]
    git_callback_backoff: Duration,
}

impl GitOptions {
    fn config(&self) -> web::git::GitConfig {
        web::git::GitConfig {
            allow_hosts: self
                .git_allow_hosts
                .iter()
                .map(|h| h.trim().to_owned())
                .filter(|h| !h.is_empty())
                .collect(),
            limits: web::git::fetch::FetchLimits {
                timeout: self.git_timeout,
                max_bytes: self.git_max_bytes,
                ..Default::default()
            },
            webhook_secret: self
                .webhook_secret
                .as_deref()
                .filter(|s| !s.is_empty())
                .map(web::git::webhook::WebhookSecret::new),
            max_delivery_age: self.webhook_max_age,
            callback: self.git_callback_url.as_ref().map(|url| {
                let mut callback = web::git::callback::CallbackConfig::new(url.trim());
                callback.secret = self
                    .webhook_secret
                    .as_deref()
                    .filter(|s| !s.is_empty())
                    .map(web::git::webhook::WebhookSecret::new);
                callback.max_attempts = self.git_callback_attempts.max(1);
                callback.backoff = self.git_callback_backoff;
                callback
            }),
            linked_only: self.git_linked_only,
            fetches: Arc::new(tokio::sync::Semaphore::new(self.git_max_fetches.max(1))),
        }
    }
}

#[derive(Args)]
pub struct WorkerArgs {
    #[command(flatten)]
    db: DbArg,
    #[command(flatten)]
    log: LogArg,
    #[command(flatten)]
    tasks: TasksDir,
    #[command(flatten)]
    worker: WorkerOptions,
    /// Serve the worker's `/healthz` (503 while Docker is unreachable or it drains) and
    /// `/metrics` on this address; the address is printed.
    #[arg(long, env = "CHECKER_WORKER_LISTEN", value_name = "ADDRESS")]
    listen: Option<String>,
}

/// Opens the server's database named by `--db`.
pub async fn open_store(db: &DbArg) -> Result<Arc<dyn Store>, Failure> {
    let mut url = DbUrl::parse(&db.db).map_err(Failure::bad)?;
    if let Some(file) = &db.db_password_file {
        let text = std::fs::read_to_string(file).map_err(|e| {
            Failure::bad(format!(
                "cannot read the database password file {}: {e}",
                file.display()
            ))
        })?;
        let password = text.lines().next().unwrap_or_default();
        url = url.with_password(password).map_err(Failure::bad)?;
    }
    let store = store::open(&url)
        .await
        .map_err(|e| Failure::platform(format!("cannot open the database {url}: {e}")))?;
    Ok(store)
}

/// Runs the grading server until SIGTERM.
pub async fn serve(args: ServeArgs) -> Result<ExitCode, Failure> {
    web::init_logging(args.log.log_format);
    let curriculum = Arc::new(Curriculum::load(&args.tasks.tasks_dir).map_err(Failure::bad)?);
    let store = open_store(&args.db).await?;
    store
        .record_projects(&curriculum.versions())
        .await
        .map_err(Failure::platform)?;
    let mut state = AppState::new(store.clone(), curriculum.clone());
    state.git = Arc::new(args.git.config());
    state.metrics = args.metrics;
    state.progress = Arc::new(web::progress::ProgressHub::new(
        args.max_streams_per_user.max(1),
        args.stream_lifetime.max(Duration::from_secs(1)),
    ));
    state.rate_limit = RateLimit {
        submissions: args.rate_limit,
        window: Duration::from_secs(60),
    };
    let listener = tokio::net::TcpListener::bind(&args.listen)
        .await
        .map_err(|e| Failure::bad(format!("cannot listen on {}: {e}", args.listen)))?;
    let address = listener.local_addr().map_err(Failure::platform)?;
    println!("listening on http://{address}");
    let _ = std::io::stdout().flush();

    let worker = (!args.no_grade).then(|| args.worker.config());
    let stop = web::stop_on_sigterm();
    let callbacks =
        state.git.callback.clone().map(|config| {
            tokio::spawn(web::git::callback::run(store.clone(), config, stop.clone()))
        });
    web::serve(listener, state, worker, stop)
        .await
        .map_err(Failure::platform)?;
    if let Some(callbacks) = callbacks {
        let _ = callbacks.await;
    }
    Ok(ExitCode::SUCCESS)
}

/// Runs a grading worker until SIGTERM.
pub async fn worker(args: WorkerArgs) -> Result<ExitCode, Failure> {
    web::init_logging(args.log.log_format);
    let curriculum = Arc::new(Curriculum::load(&args.tasks.tasks_dir).map_err(Failure::bad)?);
    let store = open_store(&args.db).await?;
    let wake = Arc::new(tokio::sync::Notify::new());
    let worker = Worker::new(store, curriculum, args.worker.config(), wake);
    let stop = web::stop_on_sigterm();
    let health = match &args.listen {
        Some(address) => {
            let listener = tokio::net::TcpListener::bind(address)
                .await
                .map_err(|e| Failure::bad(format!("cannot listen on {address}: {e}")))?;
            let address = listener.local_addr().map_err(Failure::platform)?;
            println!("health on http://{address}");
            let _ = std::io::stdout().flush();
            // Answers while the worker drains (503), and goes when the worker has stopped.
            Some(tokio::spawn(web::worker::serve_health(
                listener,
                worker.health(),
            )))
        }
        None => None,
    };
    worker.run(stop).await;
    if let Some(health) = health {
        health.abort();
    }
    Ok(ExitCode::SUCCESS)
}
