//! Every dashboard page at a school's size, on PostgreSQL (`cargo bench --bench
//! dashboard_school`): 5,000 learners in 10 cohorts x 30 graded projects, with a history of one
//! to three submissions per learner and project (about 220,000 submissions and reports). A
//! release `checker serve --no-grade` on 127.0.0.1 answers each page `BENCH_RUNS` times (default
//! 100) at one connection; the bench prints p50 and p99 of the time to the last byte and the
//! page's size, against a target of 50 ms p99.
//!
//! Side by side, a baseline: `CHECKER_BENCH_BASELINE=/path/to/older/checker` serves a copy of the
//! same data at the schema before cohorts (migration 7 undone), and its pages are measured the
//! same way (the unpaginated class grid of the release before pages and filters).
//!
//! The server comes from `CHECKER_BENCH_POSTGRES` or `CHECKER_TEST_POSTGRES`
//! (`postgres://user:password@127.0.0.1:port/postgres`); the bench creates its databases and drops
//! them at the end. `BENCH_LEARNERS` changes the class size (default 5,000). The class is written
//! straight into the server's tables by SQL (`generate_series`), after `checker user add` created
//! and migrated the database: the schema and the report's JSON are the contract.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};
use sqlx::{Connection, PgConnection};

#[path = "support/reports.rs"]
mod reports;
use reports::{now_ms, report};

const LEARNER_COOKIE: &str = "bench-learner";
const INSTRUCTOR_COOKIE: &str = "bench-instructor";
const PROJECTS: usize = 30;
const COHORTS: usize = 10;
/// The time every page should answer within, at p99.
const TARGET: Duration = Duration::from_millis(50);

/// The pages measured: with whose session, and whether the baseline has them too.
fn pages(learners: usize, submission: i64) -> Vec<(String, &'static str, bool)> {
    let last = learners.div_ceil(50);
    let mut pages: Vec<(String, &'static str, bool)> = vec![
        ("/".into(), LEARNER_COOKIE, true),
        (format!("/submissions/{submission}"), LEARNER_COOKIE, true),
        ("/learners/learner0050".into(), INSTRUCTOR_COOKIE, true),
        ("/class/projects/p03".into(), INSTRUCTOR_COOKIE, true),
        ("/class".into(), INSTRUCTOR_COOKIE, true),
        ("/class?sort=p07&dir=desc".into(), INSTRUCTOR_COOKIE, true),
    ];
    for page in [
        format!("/class?page={}", last / 2),
        format!("/class?page={last}"),
        "/class?sort=mean&dir=desc".into(),
        format!("/class?sort=mean&page={}", last / 2),
        format!("/class?sort=p07&page={}", (last * 4 / 5).max(1)),
        "/class?cohort=cohort-3".into(),
        "/class?project=p07&sort=mean".into(),
        "/class?struggling=1".into(),
        "/class?cohort=cohort-3&struggling=1&sort=mean&dir=asc".into(),
        "/class?size=100&sort=name&dir=desc".into(),
        "/class.csv?cohort=cohort-3".into(),
    ] {
        pages.push((page, INSTRUCTOR_COOKIE, false));
    }
    pages.push(("/class.csv".into(), INSTRUCTOR_COOKIE, true));
    pages
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn checker(binary: &Path) -> Command {
    let mut command = Command::new(binary);
    command
        .current_dir(root())
        .env("NO_COLOR", "1")
        .env("RUST_LOG", "warn")
        .env_remove("CHECKER_TASKS_DIR")
        .env_remove("CHECKER_DB_PASSWORD_FILE");
    command
}

fn url_of(server: &str, db: &str) -> String {
    let (base, _) = server
        .rsplit_once('/')
        .expect("a server URL ends with /DATABASE");
    format!("{base}/{db}")
}

async fn admin(server: &str, sql: &str) {
    let mut conn = PgConnection::connect(server)
        .await
        .expect("PostgreSQL answers");
    sqlx::query(sql).execute(&mut conn).await.unwrap();
    conn.close().await.ok();
}

/// The class, written by SQL. Learner `l` has `1 + [(l+p)%3=0] + [(l+p)%7=0]` submissions of
/// project `p`, each passing one task more than the one before, the last passing `(l+p)%5` of
/// 4 tasks, so best and latest are the last one.
const SEED: [&str; 9] = [
    "INSERT INTO users (name, role, password_hash, created_at, cohort)
     SELECT 'learner' || lpad(g::text, 4, '0'), 'learner', 'x', $1, 'cohort-' || (g % $3)
     FROM generate_series(0, $2 - 1) g",
    "CREATE TEMP TABLE plan AS
     WITH x AS (
        SELECT u.id AS user_id, substring(u.name from 8)::int AS l, p, a
        FROM users u CROSS JOIN generate_series(0, $2 - 1) p CROSS JOIN generate_series(0, 2) a
        WHERE u.role = 'learner'
     ), y AS (
        SELECT user_id, l, p, a, 1 + ((l + p) % 3 = 0)::int + ((l + p) % 7 = 0)::int AS n
        FROM x
     ), z AS (
        SELECT user_id, l, 'p' || lpad(p::text, 2, '0') AS project, a, n,
            greatest((l + p) % 5 - (n - 1 - a), 0) AS passed,
            $1 - (n - a) * 3600000 - l * 10 - p AS at
        FROM y WHERE a < n
     )
     SELECT row_number() OVER (ORDER BY at, user_id, project) AS id, * FROM z",
    "INSERT INTO submissions (id, user_id, project_id, spec_version, source, status, attempts,
        not_before, created_at, started_at, finished_at)
     SELECT id, user_id, project, 'v1', 'upload', 'graded', 1, at, at, at, at FROM plan",
    "SELECT setval('submissions_id_seq', (SELECT MAX(id) FROM submissions))",
    "INSERT INTO results (submission_id, spec_version, score, bonus, passed, duration_ms, report,
        graded_by, created_at)
     SELECT plan.id, 'v1', t.score, 0, t.score >= 100, 1200, t.report, 'seed', plan.at
     FROM plan JOIN templates t ON t.project = plan.project AND t.passed = plan.passed",
    "INSERT INTO scores (user_id, project_id, best_score, best_bonus, best_submission,
        latest_score, latest_bonus, latest_submission, graded, updated_at)
     SELECT plan.user_id, plan.project, t.score, 0, plan.id, t.score, 0, plan.id, plan.n, plan.at
     FROM plan JOIN templates t ON t.project = plan.project AND t.passed = plan.passed
     WHERE plan.a = plan.n - 1",
    // What the store keeps with the scores (as migration 7 fills it in).
    "UPDATE users SET
        best_total = COALESCE((SELECT SUM(best_score) FROM scores WHERE user_id = users.id), 0),
        projects_below_half = (SELECT COUNT(*) FROM scores
            WHERE user_id = users.id AND best_score < 50)",
    "INSERT INTO class_totals (project_id, cohort, learners, score_sum)
     SELECT sc.project_id, COALESCE(u.cohort, ''), COUNT(*), SUM(sc.best_score)
     FROM scores sc JOIN users u ON u.id = sc.user_id
     WHERE u.role = 'learner'
     GROUP BY sc.project_id, COALESCE(u.cohort, '')",
    "ANALYZE",
];

/// Creates database `db` with `checker user add prof`, then seeds the class and sessions for
/// both cookies. How many submissions it holds, and the first of `learner0000` (failing every
/// task).
async fn seed(binary: &Path, server: &str, db: &str, learners: usize) -> (i64, i64) {
    admin(server, &format!("CREATE DATABASE {db}")).await;
    let url = url_of(server, db);
    let mut child = checker(binary)
        .args(["user", "add", "prof", "--role", "instructor"])
        .env("CHECKER_DB", &url)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("checker runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"password123\n")
        .unwrap();
    assert!(child.wait().unwrap().success(), "checker user add");

    let mut conn = PgConnection::connect(&url).await.unwrap();
    let now = now_ms();
    sqlx::query(
        "CREATE TEMP TABLE templates (project TEXT, passed INT, score DOUBLE PRECISION, report TEXT)",
    )
    .execute(&mut conn)
    .await
    .unwrap();
    for p in 0..PROJECTS {
        for passed in 0..=4 {
            let project = format!("p{p:02}");
            sqlx::query("INSERT INTO templates VALUES ($1, $2, $3, $4)")
                .bind(&project)
                .bind(passed as i32)
                .bind([0.0, 33.33, 66.67, 100.0, 100.0][passed])
                .bind(report(&project, passed))
                .execute(&mut conn)
                .await
                .unwrap();
        }
    }
    for (i, statement) in SEED.iter().enumerate() {
        let query = sqlx::query(statement);
        let query = match i {
            0 => query.bind(now).bind(learners as i32).bind(COHORTS as i32),
            1 => query.bind(now).bind(PROJECTS as i32),
            _ => query,
        };
        query.execute(&mut conn).await.unwrap();
    }
    let expires = now + 365 * 24 * 3600 * 1000;
    for (name, cookie) in [("learner0000", LEARNER_COOKIE), ("prof", INSTRUCTOR_COOKIE)] {
        // The server keeps only the SHA-256 of a session cookie.
        let hash: String = Sha256::digest(cookie.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        sqlx::query(
            "INSERT INTO web_sessions (token_hash, user_id, csrf, created_at, expires_at)
             SELECT $1, id, 'csrf', $2, $3 FROM users WHERE name = $4",
        )
        .bind(hash)
        .bind(now)
        .bind(expires)
        .bind(name)
        .execute(&mut conn)
        .await
        .unwrap();
    }
    let submissions: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM submissions")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    // The seed wrote reports, not their failed checks: undo migration 8, so that the server
    // fills them in as it would on a school's existing database (and the bench times it).
    for sql in [
        "DROP TABLE latest_failed_checks",
        "DELETE FROM _sqlx_migrations WHERE version >= 8",
    ] {
        sqlx::query(sql).execute(&mut conn).await.unwrap();
    }
    let first: i64 = sqlx::query_scalar(
        "SELECT MIN(s.id) FROM submissions s JOIN users u ON u.id = s.user_id
         WHERE u.name = 'learner0000' AND s.project_id = 'p00'",
    )
    .fetch_one(&mut conn)
    .await
    .unwrap();
    conn.close().await.ok();
    (submissions, first)
}

/// A copy of `db` (seeded, before migration 8) at the schema before cohorts, for an older
/// release.
async fn baseline_copy(server: &str, db: &str, copy: &str) {
    admin(server, &format!("CREATE DATABASE {copy} TEMPLATE {db}")).await;
    let mut conn = PgConnection::connect(&url_of(server, copy)).await.unwrap();
    for sql in [
        "DROP INDEX users_cohort",
        "ALTER TABLE users DROP COLUMN cohort",
        "ALTER TABLE users DROP COLUMN best_total",
        "ALTER TABLE users DROP COLUMN projects_below_half",
        "DROP TABLE class_totals",
        "DELETE FROM _sqlx_migrations WHERE version >= 7",
    ] {
        sqlx::query(sql).execute(&mut conn).await.unwrap();
    }
    conn.close().await.ok();
}

/// A `checker serve --no-grade`; killed when dropped.
struct Server {
    child: Child,
    url: String,
}

impl Server {
    fn start(binary: &Path, db_url: &str) -> Server {
        let mut child = checker(binary)
            .args([
                "serve",
                "--no-grade",
                "--listen",
                "127.0.0.1:0",
                "--tasks-dir",
            ])
            .arg(root().join("tests/fixtures/server/tasks"))
            // The URL holds the password: in the environment, not on the command line.
            .env("CHECKER_DB", db_url)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .spawn()
            .expect("checker serve starts");
        let mut line = String::new();
        BufReader::new(child.stdout.as_mut().unwrap())
            .read_line(&mut line)
            .unwrap();
        let url = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("the server did not start: {line}"))
            .to_owned();
        Server { child, url }
    }

    /// The server's resident memory, from /proc.
    fn rss_kib(&self) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).ok()?;
        let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
        line.split_whitespace().nth(1)?.parse().ok()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn get(client: &reqwest::Client, base: &str, path: &str, cookie: &str) -> (u16, String) {
    let response = client
        .get(format!("{base}{path}"))
        .header("Cookie", format!("checker_session={cookie}"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("GET {path}: {e}"));
    let status = response.status().as_u16();
    (status, response.text().await.unwrap())
}

/// What a page must show, so that an error page is never timed.
fn check_page(path: &str, body: &str, learners: usize, baseline: bool) {
    let rows = body
        .matches("<tr><th scope=\"row\"><a href=\"/learners/")
        .count();
    match path {
        "/" => assert_eq!(body.matches("class=\"card project\"").count(), PROJECTS + 1),
        _ if path.starts_with("/submissions/") => {
            assert!(body.contains("ACTUAL-prints the list"), "{body}")
        }
        "/learners/learner0050" => assert!(body.contains("learner0050") && body.contains("#")),
        "/class/projects/p03" => assert!(body.contains(&format!("of {learners} ("))),
        "/class.csv" => assert_eq!(body.lines().count(), 1 + learners),
        "/class.csv?cohort=cohort-3" => assert_eq!(body.lines().count(), 1 + learners / COHORTS),
        "/class" | "/class?sort=p07&dir=desc" if baseline => assert_eq!(rows, learners),
        _ if path.contains("size=100") => assert_eq!(rows, 100, "{path}"),
        _ if path.contains("struggling") || path.contains("cohort") => {
            assert!((1..=50).contains(&rows), "{path}: {rows} rows")
        }
        _ => assert_eq!(rows, 50, "{path}"),
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let rank = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

/// p50, p99 and size of each page.
async fn measure(
    server: &Server,
    pages: &[(String, &'static str, bool)],
    learners: usize,
    runs: usize,
    baseline: bool,
) -> Vec<Option<(Duration, Duration, usize)>> {
    let client = reqwest::Client::builder().no_proxy().build().unwrap();
    let mut results = Vec::new();
    for (path, cookie, in_baseline) in pages.iter().cloned() {
        if baseline && !in_baseline {
            results.push(None);
            continue;
        }
        let (status, body) = get(&client, &server.url, &path, cookie).await;
        assert_eq!(status, 200, "{path}: {body}");
        check_page(&path, &body, learners, baseline);
        let mut times = Vec::with_capacity(runs);
        for _ in 0..runs {
            let started = Instant::now();
            let (status, _) = get(&client, &server.url, &path, cookie).await;
            times.push(started.elapsed());
            assert_eq!(status, 200, "{path}");
        }
        times.sort();
        results.push(Some((
            percentile(&times, 0.5),
            percentile(&times, 0.99),
            body.len(),
        )));
    }
    results
}

fn load() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

#[tokio::main]
async fn main() {
    let Some(server) = std::env::var("CHECKER_BENCH_POSTGRES")
        .or_else(|_| std::env::var("CHECKER_TEST_POSTGRES"))
        .ok()
    else {
        println!("dashboard_school: no PostgreSQL (set CHECKER_BENCH_POSTGRES); skipped");
        return;
    };
    // `cargo test --benches` runs this too: a small class and one request per page there.
    let bench = std::env::args().any(|a| a == "--bench");
    let env_number = |name: &str, default: usize| {
        std::env::var(name)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let (learners, runs) = if bench {
        (
            env_number("BENCH_LEARNERS", 5000),
            env_number("BENCH_RUNS", 100),
        )
    } else {
        (200, 1)
    };
    let binary = PathBuf::from(env!("CARGO_BIN_EXE_checker"));
    let db = format!("checker_bench_{}", std::process::id());
    let started = Instant::now();
    let (submissions, first) = seed(&binary, &server, &db, learners).await;
    let pages = pages(learners, first);
    println!(
        "seeded {learners} learners x {PROJECTS} projects, {submissions} submissions, in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let base_db = format!("{db}_baseline");
    let baseline_bin = std::env::var_os("CHECKER_BENCH_BASELINE").map(PathBuf::from);
    if baseline_bin.is_some() {
        baseline_copy(&server, &db, &base_db).await;
    }

    let load_before = load();
    let started = Instant::now();
    let current = Server::start(&binary, &url_of(&server, &db));
    println!(
        "the server started in {:.1} s, filling in the failed checks of every latest submission",
        started.elapsed().as_secs_f64()
    );
    let ours = measure(&current, &pages, learners, runs, false).await;
    let rss = current.rss_kib();
    drop(current);
    let theirs = match &baseline_bin {
        Some(bin) => {
            let old = Server::start(bin, &url_of(&server, &base_db));
            Some(measure(&old, &pages, learners, runs, true).await)
        }
        None => None,
    };
    let load_after = load();

    println!(
        "\n{:<55} {:>9} {:>9} {:>8} {:>20}",
        "page (one connection)", "p50", "p99", "size", "baseline p50 / p99"
    );
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let mut over = Vec::new();
    for (i, (path, _, _)) in pages.iter().enumerate() {
        let Some((p50, p99, size)) = ours[i] else {
            continue;
        };
        let base = match theirs.as_ref().and_then(|t| t[i]) {
            Some((b50, b99, bsize)) => {
                format!("{:.1} / {:.1} ms ({} KiB)", ms(b50), ms(b99), bsize / 1024)
            }
            None => "–".into(),
        };
        let mark = if p99 > TARGET && !path.starts_with("/class.csv") {
            over.push(path.clone());
            " over"
        } else {
            ""
        };
        println!(
            "{path:<55} {:>6.1} ms {:>6.1} ms {:>4} KiB {base:>20}{mark}",
            ms(p50),
            ms(p99),
            size / 1024
        );
    }
    println!(
        "\n{runs} requests per page; server memory after: {} MiB; load average before {load_before}, after {load_after}",
        rss.unwrap_or(0) / 1024
    );
    if over.is_empty() {
        println!(
            "every page under {} ms p99 (the CSVs are downloads, not pages)",
            TARGET.as_millis()
        );
    } else {
        println!("over {} ms p99: {}", TARGET.as_millis(), over.join(", "));
    }
    for name in [base_db, db] {
        admin(
            &server,
            &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
        )
        .await;
    }
}
