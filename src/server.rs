//! The server's commands (`serve`, `worker`, `user add`, `token create`) and its client's
//! (`login`, `submit`, `scores`): flags, and the wiring of the `web` crate to the terminal.

use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use checker::report::{self, TaskReport};
use clap::{Args, Subcommand};
use web::api::{AppState, RateLimit};
use web::auth::ApiToken;
use web::client::{Client, ClientError, Credentials, SavedLogin, read_line, read_secret};
use web::store::{self, DbUrl, Role, Store, StoreError};
use web::worker::{Worker, WorkerConfig};
use web::{Curriculum, parse_duration};

use crate::{Failure, exit_code_with};

/// Exit codes of the client commands.
pub const CLIENT_EXIT_CODES: &str = "\
Exit codes:
  0  done (with --wait: graded, and every mandatory check passed)
  1  graded, and something failed
  2  bad input: an unknown project, a missing folder, refused credentials, an upload refused
  3  platform fault: the server unreachable or failing, or grading failed on its side (never a score)";

#[derive(Args)]
pub struct DbArg {
    /// Database: a SQLite file (created if missing) or postgres://user:password@host/db.
    #[arg(
        long,
        env = "CHECKER_DB",
        hide_env_values = true,
        default_value = "sqlite://checker.db"
    )]
    db: String,
}

#[derive(Args)]
pub struct CurriculumArg {
    /// The curriculum: a folder of project folders, each holding a project.yaml.
    #[arg(long, env = "CHECKER_TASKS_DIR", default_value = "tasks")]
    tasks_dir: PathBuf,
}

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
}

impl WorkerOptions {
    fn config(&self) -> WorkerConfig {
        WorkerConfig {
            lease: self.lease.max(Duration::from_secs(1)),
            max_attempts: self.max_attempts.max(1),
            retry_delay: self.retry_delay,
            poll: self.poll.max(Duration::from_millis(50)),
            ..WorkerConfig::default()
        }
    }
}

#[derive(Args)]
pub struct ServeArgs {
    #[command(flatten)]
    db: DbArg,
    /// Address to listen on (port 0 picks a free one; the address is printed).
    #[arg(long, env = "CHECKER_LISTEN", default_value = "127.0.0.1:8080")]
    listen: String,
    #[command(flatten)]
    tasks: CurriculumArg,
    /// Only accept and serve submissions; leave grading to `checker worker` processes.
    #[arg(long)]
    no_grade: bool,
    /// Submissions accepted per user and minute (0: no limit).
    #[arg(long, default_value_t = 30)]
    rate_limit: u32,
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
        }
    }
}

#[derive(Args)]
pub struct WorkerArgs {
    #[command(flatten)]
    db: DbArg,
    #[command(flatten)]
    tasks: CurriculumArg,
    #[command(flatten)]
    worker: WorkerOptions,
}

#[derive(Subcommand)]
pub enum UserCommand {
    /// Add a user; the password is asked for (or read from standard input when piped).
    #[command(after_help = "Examples:
  checker user add ada --role learner
  echo \"$PASSWORD\" | checker user add grace --role instructor --db postgres://...")]
    Add {
        /// Their name (what they sign in with).
        name: String,
        /// learner (their own submissions), instructor (everyone's) or admin.
        #[arg(long, default_value = "learner")]
        role: Role,
        #[command(flatten)]
        db: DbArg,
    },
}

#[derive(Subcommand)]
pub enum TokenCommand {
    /// Create an API token for a user and print it, once (only its hash is stored).
    #[command(after_help = "Examples:
  checker token create ci-bot --expires 30d --label github-actions
  CHECKER_TOKEN=$(checker token create ada) checker submit es6-data-manipulation --server URL")]
    Create {
        /// The user.
        name: String,
        /// Lifetime, e.g. 90d or 12h; `never` for a token that does not expire.
        #[arg(long, default_value = "90d")]
        expires: String,
        /// What the token is for.
        #[arg(long, default_value = "cli")]
        label: String,
        #[command(flatten)]
        db: DbArg,
    },
}

#[derive(Args)]
pub struct ServerArg {
    /// The grading server (default: the one of the last `checker login`).
    #[arg(long, env = "CHECKER_SERVER")]
    server: Option<String>,
}

#[derive(Args)]
pub struct LoginArgs {
    #[command(flatten)]
    server: ServerArg,
    /// Use this API token (from `checker token create`) instead of a name and password.
    #[arg(long)]
    token: Option<String>,
    /// Your name (asked for when missing).
    #[arg(long)]
    name: Option<String>,
}

#[derive(Args)]
pub struct SubmitArgs {
    /// Project id on the server.
    project: String,
    /// Folder holding your files (only the files the project names are sent).
    #[arg(default_value = ".")]
    dir: PathBuf,
    #[command(flatten)]
    server: ServerArg,
    /// Grade a commit of a git repository instead of a folder: URL, or URL@REV (a branch, a
    /// tag or a commit; HEAD by default). The server fetches it.
    #[arg(long, value_name = "URL[@REV]", conflicts_with = "dir")]
    git: Option<String>,
    /// Wait for the grading, print the report, and exit like `checker grade`.
    #[arg(long)]
    wait: bool,
    /// With --wait: exit 1 when the score is under N percent, instead of requiring every
    /// mandatory check to pass; for CI pipelines.
    #[arg(long, value_name = "N", requires = "wait", value_parser = clap::value_parser!(u8).range(0..=100))]
    min_score: Option<u8>,
    /// Print JSON (with --wait: the report, as `checker grade --json`).
    #[arg(long)]
    json: bool,
    /// No progress indicator.
    #[arg(short, long)]
    quiet: bool,
}

#[derive(Args)]
pub struct ScoresArgs {
    #[command(flatten)]
    server: ServerArg,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

fn bad(error: impl std::fmt::Display) -> Failure {
    Failure::BadInput(error.to_string())
}

fn platform(error: impl std::fmt::Display) -> Failure {
    Failure::Platform(error.to_string())
}

fn client_failure(error: ClientError) -> Failure {
    match error.exit_code() {
        2 => Failure::BadInput(error.to_string()),
        _ => Failure::Platform(error.to_string()),
    }
}

async fn open_store(db: &DbArg) -> Result<Arc<dyn Store>, Failure> {
    let url = DbUrl::parse(&db.db).map_err(bad)?;
    let store = store::open(&url)
        .await
        .map_err(|e| platform(format!("cannot open the database {url}: {e}")))?;
    Ok(store)
}

pub async fn serve(args: ServeArgs) -> Result<ExitCode, Failure> {
    web::init_logging();
    let curriculum = Arc::new(Curriculum::load(&args.tasks.tasks_dir).map_err(bad)?);
    let store = open_store(&args.db).await?;
    store
        .record_projects(&curriculum.versions())
        .await
        .map_err(platform)?;
    let mut state = AppState::new(store.clone(), curriculum.clone());
    state.git = Arc::new(args.git.config());
    state.rate_limit = RateLimit {
        submissions: args.rate_limit,
        window: Duration::from_secs(60),
    };
    let listener = tokio::net::TcpListener::bind(&args.listen)
        .await
        .map_err(|e| bad(format!("cannot listen on {}: {e}", args.listen)))?;
    let address = listener.local_addr().map_err(platform)?;
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
        .map_err(platform)?;
    if let Some(callbacks) = callbacks {
        let _ = callbacks.await;
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn worker(args: WorkerArgs) -> Result<ExitCode, Failure> {
    web::init_logging();
    let curriculum = Arc::new(Curriculum::load(&args.tasks.tasks_dir).map_err(bad)?);
    let store = open_store(&args.db).await?;
    let wake = Arc::new(tokio::sync::Notify::new());
    Worker::new(store, curriculum, args.worker.config(), wake)
        .run(web::stop_on_sigterm())
        .await;
    Ok(ExitCode::SUCCESS)
}

pub async fn user(command: UserCommand) -> Result<ExitCode, Failure> {
    let UserCommand::Add { name, role, db } = command;
    let name = name.trim().to_owned();
    if name.is_empty() || name.chars().any(char::is_whitespace) {
        return Err(bad("a user name is one word, without spaces"));
    }
    let password = read_secret(&format!("password for {name}: ")).map_err(bad)?;
    if std::io::stdin().is_terminal() {
        let again = read_secret("the same password again: ").map_err(bad)?;
        if again != password {
            return Err(bad("the two passwords differ; nothing was changed"));
        }
    }
    if password.chars().count() < 8 {
        return Err(bad("the password needs at least 8 characters"));
    }
    let store = open_store(&db).await?;
    let hash = web::auth::hash_password(password).await.map_err(platform)?;
    match store.add_user(&name, role, &hash).await {
        Ok(user) => {
            println!("added {} `{}`", user.role.as_str(), user.name);
            Ok(ExitCode::SUCCESS)
        }
        Err(StoreError::Conflict(what)) => {
            Err(bad(format!("{what} already exists; pick another name")))
        }
        Err(e) => Err(platform(e)),
    }
}

pub async fn token(command: TokenCommand) -> Result<ExitCode, Failure> {
    let TokenCommand::Create {
        name,
        expires,
        label,
        db,
    } = command;
    let lifetime = match expires.as_str() {
        "never" => None,
        text => Some(parse_duration(text).map_err(bad)?),
    };
    let store = open_store(&db).await?;
    let (user, _) = store
        .user_with_password(&name)
        .await
        .map_err(platform)?
        .ok_or_else(|| {
            bad(format!(
                "no user `{name}`; add one with `checker user add {name}`"
            ))
        })?;
    let token = ApiToken::generate();
    let expires_at = lifetime.map(|l| store::now_ms() + l.as_millis() as i64);
    store
        .add_token(user.id, &token.hash(), &label, expires_at)
        .await
        .map_err(platform)?;
    println!("{}", token.expose());
    if std::io::stdout().is_terminal() {
        eprintln!(
            "token for `{}` ({}), shown only this once{}",
            user.name,
            user.role.as_str(),
            lifetime
                .map(|l| format!("; it expires in {}", humantime_short(l)))
                .unwrap_or_default()
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn humantime_short(duration: Duration) -> String {
    let days = duration.as_secs() / 86_400;
    if days > 0 {
        format!("{days} days")
    } else {
        format!("{} s", duration.as_secs())
    }
}

/// The token of the chosen server, as [`client`] finds it.
fn token_for(server: &ServerArg) -> Result<(String, ApiToken), Failure> {
    let credentials = Credentials::load().map_err(bad)?;
    let server = credentials
        .server(server.server.as_deref())
        .ok_or_else(|| {
            bad("which server? pass --server URL (or run `checker login --server URL` once)")
        })?;
    let token = std::env::var("CHECKER_TOKEN")
        .ok()
        .filter(|t| !t.is_empty())
        .map(ApiToken::new)
        .or_else(|| credentials.token(&server))
        .ok_or_else(|| {
            bad(format!(
                "not signed in to {server}: run `checker login --server {server}` (or set CHECKER_TOKEN)"
            ))
        })?;
    Ok((server, token))
}

/// The client of the chosen server: flag or `CHECKER_SERVER`, else the last login's; the token
/// from `CHECKER_TOKEN`, else the saved one.
fn client(server: &ServerArg) -> Result<Client, Failure> {
    let (server, token) = token_for(server)?;
    Client::new(&server, Some(token)).map_err(client_failure)
}

pub async fn login(args: LoginArgs) -> Result<ExitCode, Failure> {
    let mut credentials = Credentials::load().map_err(bad)?;
    let server = credentials
        .server(args.server.server.as_deref())
        .ok_or_else(|| bad("which server? pass --server URL"))?;
    let (token, name, role) = match args.token {
        Some(token) => {
            let token = ApiToken::new(token.trim());
            let me = Client::new(&server, Some(token.clone()))
                .map_err(client_failure)?
                .me()
                .await
                .map_err(client_failure)?;
            let name = me["name"].as_str().unwrap_or_default().to_owned();
            let role = me["role"].as_str().unwrap_or_default().to_owned();
            (token, name, role)
        }
        None => {
            let name = match args.name {
                Some(name) => name,
                None => read_line("name: ").map_err(bad)?,
            };
            let password = read_secret("password: ").map_err(bad)?;
            let client = Client::new(&server, None).map_err(client_failure)?;
            let (token, role) = client
                .login(name.trim(), &password)
                .await
                .map_err(client_failure)?;
            (token, name.trim().to_owned(), role)
        }
    };
    credentials.default_server = Some(server.clone());
    credentials.servers.insert(
        server.clone(),
        SavedLogin {
            user: name.clone(),
            token: token.expose().to_owned(),
        },
    );
    let path = credentials.save().map_err(platform)?;
    println!(
        "signed in to {server} as {name} ({role}); token saved in {}",
        path.display()
    );
    Ok(ExitCode::SUCCESS)
}

pub async fn submit(args: SubmitArgs) -> Result<ExitCode, Failure> {
    let client = client(&args.server)?;
    let project = client
        .project(&args.project)
        .await
        .map_err(client_failure)?;
    if let Some(git) = &args.git {
        let (url, rev) = web::git::url::split_url_rev(git);
        let git_client =
            web::git::client::GitClient::new(client.server(), token_for(&args.server)?.1)
                .map_err(client_failure)?;
        if !args.json && !args.quiet {
            eprintln!(
                "asking the server to fetch {}@{rev}...",
                web::git::url::redact(&url)
            );
        }
        let (accepted, source) = git_client
            .submit(&project.id, &url, &rev)
            .await
            .map_err(client_failure)?;
        let commit = source["commit"].as_str().unwrap_or_default().to_owned();
        return finish_submit(&client, &project, accepted, Some(commit), &args).await;
    }
    let dir = args.dir.clone();
    let names = project.files.clone();
    let packed = tokio::task::spawn_blocking(move || web::client::read_project_files(&dir, &names))
        .await
        .map_err(platform)?
        .map_err(bad)?;
    for problem in &packed.problems {
        eprintln!("warning: {problem}; its task will fail");
    }
    if packed.files.is_empty() {
        return Err(bad(format!(
            "none of the files of `{}` are in {}: {}",
            project.id,
            args.dir.display(),
            project.files.join(", ")
        )));
    }
    let files = packed.files;
    let count = files.len();
    let archive = tokio::task::spawn_blocking(move || checker::upload::pack_tar_gz(&files))
        .await
        .map_err(platform)?
        .map_err(|e| platform(format!("cannot pack the files: {e}")))?;
    if archive.len() as u64 > project.limits.max_archive {
        return Err(bad(format!(
            "the files pack to {} bytes, more than the {} bytes the server accepts",
            archive.len(),
            project.limits.max_archive
        )));
    }
    let show_progress = !args.quiet && !args.json && std::io::stderr().is_terminal();
    let bar = if show_progress {
        let bar = indicatif::ProgressBar::new(archive.len() as u64);
        bar.set_message(format!("uploading {count} file(s)"));
        bar.set_style(
            indicatif::ProgressStyle::with_template("{msg} {bar:30} {bytes}/{total_bytes}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    } else {
        indicatif::ProgressBar::hidden()
    };
    let progress = bar.clone();
    let accepted = client
        .submit(&project.id, archive, move |sent| {
            progress.set_position(sent)
        })
        .await;
    bar.finish_and_clear();
    let accepted = accepted.map_err(client_failure)?;
    finish_submit(&client, &project, accepted, None, &args).await
}

/// What `submit` does once the server accepted: print where to look, or wait for the report.
async fn finish_submit(
    client: &Client,
    project: &web::client::ProjectInfo,
    accepted: web::client::Accepted,
    commit: Option<String>,
    args: &SubmitArgs,
) -> Result<ExitCode, Failure> {
    let url = format!("{}/api/submissions/{}", client.server(), accepted.id);
    if !args.wait {
        if args.json {
            let value = serde_json::json!({
                "id": accepted.id,
                "status": accepted.status,
                "files": accepted.files,
                "commit": commit,
                "url": url,
            });
            println!("{value}");
        } else {
            println!(
                "submitted {} file(s) of {} as #{}: {}",
                accepted.files.len(),
                project.id,
                accepted.id,
                accepted.status
            );
            if let Some(commit) = &commit {
                println!("commit: {commit}");
            }
            println!("status and report: {url}");
        }
        return Ok(ExitCode::SUCCESS);
    }
    if !args.json {
        match &commit {
            Some(commit) => eprintln!(
                "submitted commit {commit} as #{}; waiting for a grader...",
                accepted.id
            ),
            None => eprintln!("submitted as #{}; waiting for a grader...", accepted.id),
        }
    }
    let state = wait_for_report(client, project, accepted.id, args).await?;
    match (state.status.as_str(), state.report) {
        ("graded", Some(report)) => {
            if args.json {
                let mut out = std::io::stdout().lock();
                report::json::write(&report, &mut out).map_err(platform)?;
            } else {
                let mut out = anstream::stdout();
                let _ = report::terminal::write_summary(&mut out, &report);
            }
            Ok(exit_code_with(&report, args.min_score, !args.json))
        }
        _ => Err(platform(format!(
            "submission #{} could not be graded: {}. This is not your fault; try again later",
            accepted.id,
            state.error.as_deref().unwrap_or("unknown error")
        ))),
    }
}

/// Follows the grading live (tasks printed in spec order as they finish), then reads the final
/// state. Reconnects by polling if the event stream ends early (a server restart).
async fn wait_for_report(
    client: &Client,
    project: &web::client::ProjectInfo,
    id: i64,
    args: &SubmitArgs,
) -> Result<web::client::SubmissionState, Failure> {
    let live = !args.json;
    let spinner = if live && !args.quiet && std::io::stderr().is_terminal() {
        let bar = indicatif::ProgressBar::new_spinner();
        bar.enable_steady_tick(Duration::from_millis(100));
        bar.set_message("queued");
        bar
    } else {
        indicatif::ProgressBar::hidden()
    };
    let mut out = anstream::stdout();
    if live {
        let _ = report::terminal::write_header(
            &mut out,
            &project.title,
            &project.id,
            &project.spec_version,
        );
    }
    let order: Vec<&str> = project.tasks.iter().map(|t| t.id.as_str()).collect();
    let mut finished: BTreeMap<String, TaskReport> = BTreeMap::new();
    let mut printed = 0;
    let mut attempt = 0;
    let followed = client
        .follow(id, |event| match event.event.as_str() {
            "status" => {
                let status = event.data["status"].as_str().unwrap_or("");
                spinner.set_message(status.to_owned());
            }
            "task" => {
                let this_attempt = event.data["attempt"].as_i64().unwrap_or(0);
                if this_attempt != attempt {
                    if attempt != 0 {
                        spinner.suspend(|| {
                            eprintln!("(grading restarted on the server: attempt {this_attempt})")
                        });
                    }
                    attempt = this_attempt;
                }
                let Ok(task) = serde_json::from_value::<TaskReport>(event.data["task"].clone())
                else {
                    return;
                };
                finished.insert(task.id.clone(), task);
                while let Some(task) = order.get(printed).and_then(|id| finished.get(*id)) {
                    if live {
                        spinner.suspend(|| {
                            let _ = report::terminal::write_task(
                                &mut out,
                                &task.id,
                                &task.title,
                                task.mandatory,
                            );
                            for check in &task.checks {
                                let _ = report::terminal::write_check(&mut out, check);
                            }
                        });
                    }
                    printed += 1;
                }
                spinner.set_message(format!("running ({printed}/{} tasks)", order.len()));
            }
            _ => {}
        })
        .await;
    if let Err(error) = followed {
        spinner.suspend(|| eprintln!("lost the progress stream ({error}); polling instead"));
    }
    let state = loop {
        match client.submission(id).await {
            Ok(state) if state.is_final() => break state,
            Ok(state) => spinner.set_message(state.status.clone()),
            Err(error @ ClientError::Refused { .. }) => return Err(client_failure(error)),
            Err(error) => spinner.set_message(format!("waiting for the server: {error}")),
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    };
    spinner.finish_and_clear();
    // Tasks the stream did not bring (it ended early): print them from the final report.
    if live && let Some(report) = &state.report {
        for task in report.tasks.iter().skip(printed) {
            let _ = report::terminal::write_task(&mut out, &task.id, &task.title, task.mandatory);
            for check in &task.checks {
                let _ = report::terminal::write_check(&mut out, check);
            }
        }
    }
    let _ = out.flush();
    Ok(state)
}

pub async fn scores(args: ScoresArgs) -> Result<ExitCode, Failure> {
    let client = client(&args.server)?;
    let scores = client.my_scores().await.map_err(client_failure)?;
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&scores).unwrap_or_default()
        );
        return Ok(ExitCode::SUCCESS);
    }
    if scores.is_empty() {
        println!("no graded submission yet; submit with `checker submit PROJECT DIR`");
        return Ok(ExitCode::SUCCESS);
    }
    let percent = |value: &serde_json::Value| {
        value
            .as_f64()
            .map(|v| format!("{}%", report::format_percent(v)))
            .unwrap_or_default()
    };
    println!(
        "{:<32} {:>8} {:>8} {:>8} {:>8} {:>7}",
        "PROJECT", "BEST", "BONUS", "LATEST", "BONUS", "GRADED"
    );
    for score in &scores {
        println!(
            "{:<32} {:>8} {:>8} {:>8} {:>8} {:>7}",
            score["title"].as_str().unwrap_or_default(),
            percent(&score["best_score"]),
            percent(&score["best_bonus"]),
            percent(&score["latest_score"]),
            percent(&score["latest_bonus"]),
            score["graded"].as_i64().unwrap_or_default(),
        );
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Subcommand)]
pub enum RepoCommand {
    /// Link a git repository to your account: its pushes (through the server's webhook) are
    /// graded as yours, one submission per project folder a push touches.
    #[command(after_help = "Examples:
  checker repo link https://github.com/ada/alx-backend-javascript.git
  checker repo link git@github.com:ada/alx-backend-javascript.git --server https://checker.example.org")]
    Link {
        /// The repository's URL (https://, git://, ssh:// or user@host:path).
        url: String,
        #[command(flatten)]
        server: ServerArg,
    },
}

pub async fn repo(command: RepoCommand) -> Result<ExitCode, Failure> {
    let RepoCommand::Link { url, server } = command;
    let (server, token) = token_for(&server)?;
    let linked = web::git::client::GitClient::new(&server, token)
        .map_err(client_failure)?
        .link(&url)
        .await
        .map_err(client_failure)?;
    println!(
        "linked {} to your account.\n\
         To grade each push, add a webhook to the repository:\n  \
         payload URL:  {server}/api/hooks/git\n  \
         content type: application/json\n  \
         secret:       {}\n\
         (GitLab: put the secret in the webhook's \"Secret token\".)",
        linked["url"].as_str().unwrap_or_default(),
        linked["webhook_secret"].as_str().unwrap_or_default(),
    );
    Ok(ExitCode::SUCCESS)
}
