//! A school's day against a running deployment (`deploy/up`), on 127.0.0.1 only:
//! `cargo bench --bench school_day`. Learners submit a cheap project (Pascal's triangle, our
//! reference solution) in bursts, as before a deadline; the program reports accepted
//! submissions per second, queue wait and submit-to-score (p50, p99), the server's memory, and
//! checks that every accepted submission was graded exactly once. With `DAY_CHAOS=1` it kills
//! a worker (SIGKILL) a third of the way through, restarts PostgreSQL at two thirds, and shows
//! that nothing accepted was lost.
//!
//! Bounded: it sends `DAY_SUBMISSIONS` uploads at most and gives up waiting after
//! `DAY_TIMEOUT`. Settings (environment): `DAY_LEARNERS` (2000), `DAY_SUBMISSIONS` (20000),
//! `DAY_BURSTS` (5), `DAY_CONCURRENCY` (32 uploads in flight), `DAY_PAUSE` (seconds between
//! bursts, 5), `DAY_TIMEOUT` (seconds to wait for grading, 3600), `DAY_URL`
//! (`http://127.0.0.1:8080`), `DAY_DB` (default: the deployment's database with the password
//! of `deploy/secrets/db_password`), `DAY_COMPOSE_PROJECT` (`checker`).
//!
//! Learners and their tokens are written straight into the deployment's tables (hashing 2,000
//! passwords would measure argon2); their names start with `day-`.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use checker::submission::LearnerFile;
use sqlx::Row;
use sqlx::postgres::PgPool;
use tokio::sync::Mutex;

const PROJECT: &str = "0x00-pascal_triangle";

struct Settings {
    learners: usize,
    submissions: usize,
    bursts: usize,
    concurrency: usize,
    pause: Duration,
    timeout: Duration,
    url: String,
    db: String,
    compose_project: String,
    chaos: bool,
}

fn env<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

impl Settings {
    fn from_env() -> Settings {
        let db = std::env::var("DAY_DB").unwrap_or_else(|_| {
            let password = std::fs::read_to_string(root().join("deploy/secrets/db_password"))
                .expect("deploy/secrets/db_password (made by deploy/up), or set DAY_DB");
            let port: u16 = env("CHECKER_DB_PORT", 5432);
            format!(
                "postgres://checker:{}@127.0.0.1:{port}/checker",
                password.trim()
            )
        });
        Settings {
            learners: env("DAY_LEARNERS", 2000),
            submissions: env("DAY_SUBMISSIONS", 20_000),
            bursts: env("DAY_BURSTS", 5).max(1),
            concurrency: env("DAY_CONCURRENCY", 32).max(1),
            pause: Duration::from_secs(env("DAY_PAUSE", 5)),
            timeout: Duration::from_secs(env("DAY_TIMEOUT", 3600)),
            url: std::env::var("DAY_URL").unwrap_or_else(|_| "http://127.0.0.1:8080".into()),
            db,
            compose_project: std::env::var("DAY_COMPOSE_PROJECT")
                .unwrap_or_else(|_| "checker".into()),
            chaos: std::env::var("DAY_CHAOS").is_ok_and(|v| v == "1"),
        }
    }
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

/// Writes the learners (kept from an earlier day) and one new API token each, in two
/// statements; their tokens, by learner.
async fn seed(pool: &PgPool, learners: usize) -> Vec<String> {
    let run = now_ms();
    sqlx::query(
        "INSERT INTO users (name, role, password_hash, created_at)
         SELECT 'day-' || lpad(n::text, 5, '0'), 'learner', 'x', $2
         FROM generate_series(0, $1 - 1) AS n
         ON CONFLICT (name) DO NOTHING",
    )
    .bind(learners as i64)
    .bind(run)
    .execute(pool)
    .await
    .unwrap();
    // The server keeps the hex SHA-256 of each token.
    sqlx::query(
        "INSERT INTO api_tokens (user_id, token_hash, label, created_at, expires_at)
         SELECT u.id, encode(sha256(convert_to('chk_day' || $2 || 'x' || substr(u.name, 5), 'UTF8')), 'hex'),
                'school-day', $2, NULL
         FROM users u
         WHERE u.name LIKE 'day-%' AND substr(u.name, 5)::int < $1",
    )
    .bind(learners as i64)
    .bind(run)
    .execute(pool)
    .await
    .unwrap();
    (0..learners)
        .map(|l| format!("chk_day{run}x{l:05}"))
        .collect()
}

fn archive() -> Vec<u8> {
    let reference = root().join("tests/fixtures/0x00-pascal_triangle/reference");
    let mut files = BTreeMap::new();
    let name = "0-pascal_triangle.py";
    let contents = std::fs::read(reference.join(name)).unwrap();
    files.insert(name.to_owned(), LearnerFile::new(contents).executable(true));
    checker::upload::pack_tar_gz(&files).unwrap()
}

fn percentile(sorted: &[i64], p: f64) -> i64 {
    if sorted.is_empty() {
        return 0;
    }
    let rank = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

/// The resident and peak memory of a compose service's main process, from /proc.
fn memory_of(settings: &Settings, service: &str) -> String {
    let name = format!("{}_{service}_1", settings.compose_project);
    let Ok(output) = Command::new("docker")
        .args(["inspect", "-f", "{{.State.Pid}}", &name])
        .output()
    else {
        return "?".into();
    };
    // The container's first process is its init; the server is that init's child.
    let init = String::from_utf8_lossy(&output.stdout).trim().to_owned();
    let children =
        std::fs::read_to_string(format!("/proc/{init}/task/{init}/children")).unwrap_or_default();
    let pid = children
        .split_whitespace()
        .next()
        .unwrap_or(&init)
        .to_owned();
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |key: &str| {
        status
            .lines()
            .find(|l| l.starts_with(key))
            .map(|l| l[key.len()..].trim().to_owned())
            .unwrap_or_else(|| "?".into())
    };
    format!("rss {}, peak {}", field("VmRSS:"), field("VmHWM:"))
}

fn docker(args: &[&str]) {
    let status = Command::new("docker").args(args).status().unwrap();
    assert!(status.success(), "docker {args:?}");
}

#[derive(Default)]
struct Tally {
    /// Accepted submission ids.
    accepted: Vec<i64>,
    /// Answers other than 202, by status (0: no answer).
    refused: HashMap<u16, usize>,
    /// Upload round trips, ms.
    upload_ms: Vec<i64>,
}

#[tokio::main]
async fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        // `cargo test --benches` builds this; the day itself needs a deployment.
        println!("school_day: run with `cargo bench --bench school_day` against deploy/up");
        return;
    }
    let settings = Settings::from_env();
    let pool = PgPool::connect(&settings.db)
        .await
        .expect("the deployment's database");
    let started = Instant::now();
    let tokens = Arc::new(seed(&pool, settings.learners).await);
    println!(
        "seeded {} learners in {:.1} s",
        settings.learners,
        started.elapsed().as_secs_f64()
    );
    let first_id: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM submissions")
        .fetch_one(&pool)
        .await
        .unwrap();
    let client = reqwest::Client::builder()
        .no_proxy()
        .pool_max_idle_per_host(settings.concurrency)
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap();
    let body = Arc::new(archive());
    let tally = Arc::new(Mutex::new(Tally::default()));
    let per_burst = settings.submissions.div_ceil(settings.bursts);
    let sent = Arc::new(AtomicUsize::new(0));
    let mut burst_rates = Vec::new();
    let day = Instant::now();
    for burst in 0..settings.bursts {
        let start = burst * per_burst;
        let end = ((burst + 1) * per_burst).min(settings.submissions);
        let next = Arc::new(AtomicUsize::new(start));
        let burst_started = Instant::now();
        let accepted_before = tally.lock().await.accepted.len();
        let mut uploaders = Vec::new();
        for _ in 0..settings.concurrency {
            let (client, body, tally, next, tokens, sent) = (
                client.clone(),
                body.clone(),
                tally.clone(),
                next.clone(),
                tokens.clone(),
                sent.clone(),
            );
            let url = format!("{}/api/submissions?project={PROJECT}", settings.url);
            uploaders.push(tokio::spawn(async move {
                loop {
                    let n = next.fetch_add(1, Ordering::Relaxed);
                    if n >= end {
                        break;
                    }
                    sent.fetch_add(1, Ordering::Relaxed);
                    // Learners in turn, so nobody meets the per-learner rate limit.
                    let token = &tokens[n % tokens.len()];
                    let t = Instant::now();
                    let answer = client
                        .post(&url)
                        .bearer_auth(token)
                        .header("content-type", "application/gzip")
                        .body(body.as_ref().clone())
                        .send()
                        .await;
                    let elapsed = t.elapsed().as_millis() as i64;
                    let mut tally = tally.lock().await;
                    match answer {
                        Ok(response) if response.status().as_u16() == 202 => {
                            let value: serde_json::Value = response.json().await.unwrap();
                            tally.accepted.push(value["id"].as_i64().unwrap());
                            tally.upload_ms.push(elapsed);
                        }
                        Ok(response) => {
                            *tally.refused.entry(response.status().as_u16()).or_default() += 1;
                        }
                        Err(_) => *tally.refused.entry(0).or_default() += 1,
                    }
                }
            }));
        }
        // Chaos, while uploads and grading go on.
        let chaos = settings.chaos.then(|| {
            let project = settings.compose_project.clone();
            let total = settings.bursts;
            tokio::spawn(async move {
                tokio::time::sleep(Duration::from_secs(2)).await;
                if burst == total / 3 {
                    let worker = format!("{project}_worker-1_1");
                    println!(
                        "  chaos: kill -9 {worker} (its job's lease expires, another claims it)"
                    );
                    docker(&["kill", "-s", "KILL", &worker]);
                    tokio::time::sleep(Duration::from_secs(5)).await;
                    docker(&["start", &worker]);
                } else if burst == (2 * total) / 3 {
                    let db = format!("{project}_db_1");
                    println!("  chaos: restarting PostgreSQL ({db})");
                    docker(&["restart", &db]);
                }
            })
        });
        for uploader in uploaders {
            uploader.await.unwrap();
        }
        if let Some(chaos) = chaos {
            chaos.await.unwrap();
        }
        let accepted = tally.lock().await.accepted.len() - accepted_before;
        let seconds = burst_started.elapsed().as_secs_f64();
        burst_rates.push(accepted as f64 / seconds);
        let queued: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM submissions WHERE status IN ('queued', 'running')",
        )
        .fetch_one(&pool)
        .await
        .unwrap_or(-1);
        println!(
            "burst {}: {accepted} accepted in {seconds:.1} s ({:.0}/s); queue {queued}; server {}",
            burst + 1,
            accepted as f64 / seconds,
            memory_of(&settings, "server")
        );
        if burst + 1 < settings.bursts {
            tokio::time::sleep(settings.pause).await;
        }
    }
    let uploads_done = day.elapsed();
    let tally = Arc::try_unwrap(tally).ok().unwrap().into_inner();
    println!(
        "uploads: {} sent, {} accepted, refused {:?}, in {:.1} s",
        sent.load(Ordering::Relaxed),
        tally.accepted.len(),
        tally.refused,
        uploads_done.as_secs_f64()
    );

    // Wait for the queue to drain (bounded).
    let deadline = Instant::now() + settings.timeout;
    loop {
        let open: Result<i64, _> = sqlx::query_scalar(
            "SELECT count(*) FROM submissions WHERE id > $1 AND status IN ('queued', 'running')",
        )
        .bind(first_id)
        .fetch_one(&pool)
        .await;
        match open {
            Ok(0) => break,
            Ok(n) if Instant::now() > deadline => {
                println!("gave up waiting: {n} still queued or running");
                break;
            }
            _ => tokio::time::sleep(Duration::from_secs(2)).await,
        }
    }
    let graded_in = day.elapsed();

    let rows = sqlx::query(
        "SELECT s.id, s.status, s.attempts, s.created_at, s.started_at, s.finished_at,
                r.submission_id IS NOT NULL AS has_result
         FROM submissions s LEFT JOIN results r ON r.submission_id = s.id
         WHERE s.id > $1",
    )
    .bind(first_id)
    .fetch_all(&pool)
    .await
    .unwrap();
    let mut by_status: BTreeMap<String, usize> = BTreeMap::new();
    let mut attempts: BTreeMap<i64, usize> = BTreeMap::new();
    let mut wait = Vec::new();
    let mut total = Vec::new();
    let mut found = HashMap::new();
    for row in &rows {
        let id: i64 = row.get("id");
        let status: String = row.get("status");
        *by_status.entry(status.clone()).or_default() += 1;
        *attempts.entry(row.get("attempts")).or_default() += 1;
        let created: i64 = row.get("created_at");
        if let (Some(started), Some(finished)) = (
            row.get::<Option<i64>, _>("started_at"),
            row.get::<Option<i64>, _>("finished_at"),
        ) {
            wait.push(started - created);
            total.push(finished - created);
        }
        found.insert(id, (status, row.get::<bool, _>("has_result")));
    }
    let lost: Vec<i64> = tally
        .accepted
        .iter()
        .copied()
        .filter(|id| !matches!(found.get(id), Some((s, true)) if s == "graded"))
        .collect();
    // Each finish adds one to the learner's `graded` count: more than the graded submissions
    // would mean a submission was scored twice.
    let counted: i64 = sqlx::query_scalar(
        "SELECT COALESCE(SUM(graded), 0)::BIGINT FROM scores sc JOIN users u ON u.id = sc.user_id
         WHERE u.name LIKE 'day-%' AND sc.project_id = $1",
    )
    .bind(PROJECT)
    .fetch_one(&pool)
    .await
    .unwrap();
    let graded_all: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM submissions s JOIN users u ON u.id = s.user_id
         WHERE u.name LIKE 'day-%' AND s.project_id = $1 AND s.status = 'graded'",
    )
    .bind(PROJECT)
    .fetch_one(&pool)
    .await
    .unwrap();
    wait.sort_unstable();
    total.sort_unstable();
    let mut upload = tally.upload_ms.clone();
    upload.sort_unstable();
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!(
        "\n== school day: {} learners, {} accepted submissions in {} bursts",
        settings.learners,
        tally.accepted.len(),
        settings.bursts
    );
    println!(
        "accepted/s per burst: {}",
        burst_rates
            .iter()
            .map(|r| format!("{r:.0}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    println!(
        "upload round trip ms: p50 {} p99 {}",
        percentile(&upload, 50.0),
        percentile(&upload, 99.0)
    );
    println!(
        "queue wait ms: p50 {} p99 {}; submit-to-score ms: p50 {} p99 {}",
        percentile(&wait, 50.0),
        percentile(&wait, 99.0),
        percentile(&total, 50.0),
        percentile(&total, 99.0)
    );
    println!(
        "graded throughput: {:.1}/s over {:.0} s",
        tally.accepted.len() as f64 / graded_in.as_secs_f64(),
        graded_in.as_secs_f64()
    );
    println!("statuses {by_status:?}; claims per submission {attempts:?}");
    println!(
        "lost: {} ; double-graded: {} (scores count {counted} grades of {graded_all} graded submissions)",
        lost.len(),
        counted - graded_all
    );
    println!("server memory: {}", memory_of(&settings, "server"));
    println!("load average: {}", load.trim());
    assert!(lost.is_empty(), "accepted but not graded: {lost:?}");
    assert_eq!(counted, graded_all, "a submission was scored twice");
}
