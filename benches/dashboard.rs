//! The dashboard with a big class, measured (`cargo bench --bench dashboard`): a release
//! `checker serve` on 127.0.0.1 over a SQLite file seeded with a class of 100 and of 1,000
//! learners, 20 graded projects each. For every page it prints the median time to answer at both
//! sizes and their ratio (10 would be linear in the number of learners; a learner's own pages
//! should stay near 1).
//!
//! Each page's content is checked first, so that a fast error page is never measured.
//! `BENCH_RUNS` sets the requests per page and size (default 10). The seeded class is kept with
//! `CHECKER_BENCH_DB=/path/to/bench.db` (the 1,000-learner one), for `wrk -H 'Cookie:
//! checker_session=bench-learner' http://127.0.0.1:8080/` (and `bench-instructor` on `/class`)
//! against a `checker serve --db sqlite:///path/to/bench.db`.
//!
//! The class is written straight into the server's tables, in one transaction, after
//! `checker user add` created the database: the schema and the report's JSON are the contract.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};
use sqlx::Connection;

#[path = "support/reports.rs"]
mod reports;
use reports::{now_ms, report};

/// The session cookie of `learner0000`.
const LEARNER_COOKIE: &str = "bench-learner";
/// The session cookie of the instructor `prof`.
const INSTRUCTOR_COOKIE: &str = "bench-instructor";
const PROJECTS: usize = 20;

/// The pages measured, with whose session.
const PAGES: [(&str, &str); 7] = [
    ("/", LEARNER_COOKIE),
    ("/submissions/1", LEARNER_COOKIE),
    ("/class", INSTRUCTOR_COOKIE),
    ("/class?sort=p07&dir=desc", INSTRUCTOR_COOKIE),
    ("/class.csv", INSTRUCTOR_COOKIE),
    ("/class/projects/p03", INSTRUCTOR_COOKIE),
    ("/learners/learner0050", INSTRUCTOR_COOKIE),
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn checker() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_checker"));
    command
        .current_dir(root())
        .env("NO_COLOR", "1")
        .env("RUST_LOG", "warn")
        .env_remove("CHECKER_TASKS_DIR")
        .env_remove("CHECKER_DB");
    command
}

/// Creates the database at `path` with `checker user add prof`, then seeds `learners` learners
/// (`learner0000`...), one graded submission per learner and project (`p00`...), and sessions
/// for both cookies.
async fn seed(path: &Path, learners: usize) {
    let db = format!("sqlite://{}", path.display());
    let mut child = checker()
        .args(["user", "add", "prof", "--role", "instructor", "--db", &db])
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

    let mut connection = sqlx::SqliteConnection::connect(&db).await.unwrap();
    let mut tx = connection.begin().await.unwrap();
    let now = now_ms();
    let reports: Vec<Vec<String>> = (0..PROJECTS)
        .map(|p| {
            (0..=4)
                .map(|passed| report(&format!("p{p:02}"), passed))
                .collect()
        })
        .collect();
    let mut submission = 0i64;
    for l in 0..learners {
        let user: i64 = sqlx::query_scalar(
            "INSERT INTO users (name, role, password_hash, created_at)
             VALUES ($1, 'learner', 'x', $2) RETURNING id",
        )
        .bind(format!("learner{l:04}"))
        .bind(now)
        .fetch_one(&mut *tx)
        .await
        .unwrap();
        for (p, reports) in reports.iter().enumerate() {
            submission += 1;
            let passed = (l + p) % 5;
            let score = [0.0, 33.33, 66.67, 100.0, 100.0][passed];
            let project = format!("p{p:02}");
            let at = now - (PROJECTS - p) as i64 * 60_000;
            sqlx::query(
                "INSERT INTO submissions (id, user_id, project_id, spec_version, source, status,
                     attempts, not_before, created_at, started_at, finished_at)
                 VALUES ($1, $2, $3, 'v1', 'upload', 'graded', 1, $4, $4, $4, $4)",
            )
            .bind(submission)
            .bind(user)
            .bind(&project)
            .bind(at)
            .execute(&mut *tx)
            .await
            .unwrap();
            sqlx::query(
                "INSERT INTO results (submission_id, spec_version, score, bonus, passed,
                     duration_ms, report, graded_by, created_at)
                 VALUES ($1, 'v1', $2, 0, $3, 1200, $4, 'seed', $5)",
            )
            .bind(submission)
            .bind(score)
            .bind(score >= 100.0)
            .bind(&reports[passed])
            .bind(at)
            .execute(&mut *tx)
            .await
            .unwrap();
            sqlx::query(
                "INSERT INTO scores (user_id, project_id, best_score, best_bonus, best_submission,
                     latest_score, latest_bonus, latest_submission, graded, updated_at)
                 VALUES ($1, $2, $3, 0, $4, $3, 0, $4, 1, $5)",
            )
            .bind(user)
            .bind(&project)
            .bind(score)
            .bind(submission)
            .bind(at)
            .execute(&mut *tx)
            .await
            .unwrap();
        }
    }
    // What the store keeps beside the scores, as migrations 7 and 8 fill it in.
    for sql in [
        "UPDATE users SET
            best_total = COALESCE((SELECT SUM(best_score) FROM scores WHERE user_id = users.id), 0),
            projects_below_half = (SELECT COUNT(*) FROM scores
                WHERE user_id = users.id AND best_score < 50)",
        "INSERT INTO class_totals (project_id, cohort, learners, score_sum)
         SELECT sc.project_id, COALESCE(u.cohort, ''), COUNT(*), SUM(sc.best_score)
         FROM scores sc JOIN users u ON u.id = sc.user_id WHERE u.role = 'learner'
         GROUP BY sc.project_id, COALESCE(u.cohort, '')",
        "INSERT INTO latest_failed_checks
            (user_id, project_id, submission_id, task_id, task_title, check_name, verdict)
         SELECT sc.user_id, sc.project_id, sc.latest_submission, json_extract(t.value, '$.id'),
            json_extract(t.value, '$.title'), json_extract(c.value, '$.name'),
            json_extract(c.value, '$.verdict')
         FROM scores sc JOIN results r ON r.submission_id = sc.latest_submission
         JOIN json_each(r.report, '$.tasks') t JOIN json_each(t.value, '$.checks') c
         WHERE json_extract(c.value, '$.verdict') <> 'passed'",
    ] {
        sqlx::query(sql).execute(&mut *tx).await.unwrap();
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
        .execute(&mut *tx)
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
}

/// A release `checker serve` without a grader; killed when dropped.
struct Server {
    child: Child,
    url: String,
}

impl Server {
    /// Serves `db` with the curriculum in `tasks`.
    fn start(db: &Path, tasks: &Path) -> Server {
        let mut child = checker()
            .args(["serve", "--no-grade", "--listen", "127.0.0.1:0", "--db"])
            .arg(format!("sqlite://{}", db.display()))
            .arg("--tasks-dir")
            .arg(tasks)
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
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn get(client: &reqwest::Client, server: &Server, path: &str, cookie: &str) -> (u16, String) {
    let response = client
        .get(format!("{}{path}", server.url))
        .header("Cookie", format!("checker_session={cookie}"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("GET {path}: {e}"));
    let status = response.status().as_u16();
    (status, response.text().await.unwrap())
}

/// What the page must show for a class of `learners`, so that an error page is never timed.
fn check_page(path: &str, body: &str, learners: usize) {
    match path {
        // The seeded projects, and the curriculum's one not yet submitted.
        "/" => {
            assert_eq!(body.matches("class=\"card project\"").count(), PROJECTS + 1);
            assert_eq!(body.matches("<svg class=\"chart\"").count(), PROJECTS);
        }
        // learner0000's first submission fails everything: the learner sees the diff of a
        // visible check, only the verdict and reason of a hidden one.
        "/submissions/1" => {
            assert!(body.contains("+ACTUAL-prints the list"), "{body}");
            assert!(body.contains("the output differs"));
            assert!(!body.contains("ACTUAL-handles an empty list"));
        }
        "/class" => {
            assert!(body.contains(&format!("{learners} learners × ")), "{body}");
            // The first page of 50.
            assert_eq!(body.matches("<tr>").count(), 1 + learners.min(50));
        }
        // (l + 7) % 5 >= 3 scores 100: learner0001 is the first in name order.
        "/class?sort=p07&dir=desc" => {
            let row = body.find("<tbody><tr>").unwrap();
            assert!(
                body[row..]
                    .starts_with("<tbody><tr><th scope=\"row\"><a href=\"/learners/learner0001\">")
            );
        }
        "/class.csv" => {
            assert_eq!(body.lines().count(), 1 + learners);
            assert!(body.starts_with("learner,"), "{body}");
        }
        "/class/projects/p03" => assert!(body.contains(&format!("of {learners} ("))),
        _ => assert!(body.contains("learner0050")),
    }
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

/// The median time and size of every page of [`PAGES`] for a class of `learners`.
async fn measure(learners: usize, runs: usize) -> Vec<(Duration, usize)> {
    let dir = tempfile::tempdir().unwrap();
    let db = match std::env::var_os("CHECKER_BENCH_DB") {
        Some(path) if learners == 1000 => {
            let path = PathBuf::from(path);
            let _ = std::fs::remove_file(&path);
            path
        }
        _ => dir.path().join("class.db"),
    };
    let started = Instant::now();
    seed(&db, learners).await;
    println!(
        "seeded {learners} learners x {PROJECTS} projects in {:.1} s ({})",
        started.elapsed().as_secs_f64(),
        db.display()
    );
    // A curriculum of one small project: the seeded ones are not in it, as projects retired
    // from a curriculum, and their pages show the same.
    let server = Server::start(&db, &root().join("tests/fixtures/server/tasks"));
    let client = reqwest::Client::builder().no_proxy().build().unwrap();
    let mut results = Vec::new();
    for (path, cookie) in PAGES {
        let (status, body) = get(&client, &server, path, cookie).await;
        assert_eq!(status, 200, "{path}: {body}");
        check_page(path, &body, learners);
        let mut times = Vec::new();
        for _ in 0..runs {
            let started = Instant::now();
            let (status, _) = get(&client, &server, path, cookie).await;
            times.push(started.elapsed());
            assert_eq!(status, 200, "{path}");
        }
        results.push((median(times), body.len()));
    }
    results
}

#[tokio::main]
async fn main() {
    // `cargo test --benches` runs this too: one request per page is enough there.
    let runs = if std::env::args().any(|a| a == "--bench") {
        std::env::var("BENCH_RUNS")
            .ok()
            .and_then(|r| r.parse().ok())
            .unwrap_or(10)
    } else {
        1
    };
    let small = measure(100, runs).await;
    let big = measure(1000, runs).await;
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "\n{:<28} {:>12} {:>12} {:>7} {:>9}",
        "page (median)", "100 learners", "1000", "ratio", "size"
    );
    for ((path, _), ((small, _), (big, size))) in PAGES.iter().zip(small.into_iter().zip(big)) {
        println!(
            "{path:<28} {:>9.1} ms {:>9.1} ms {:>6.1}x {:>6} KiB",
            ms(small),
            ms(big),
            big.as_secs_f64() / small.as_secs_f64(),
            size / 1024
        );
    }
}
