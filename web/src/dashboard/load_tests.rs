//! The dashboard with a big class: 1,000 learners x 20 projects in a SQLite file, pages served
//! in process. Render times are printed, not asserted (speed targets live in benchmarks; this is
//! a debug build): `cargo test -p web class_of_1000 -- --nocapture`.
//!
//! The same data set, for a benchmark against a release `checker serve`:
//! `CHECKER_BENCH_DB=/tmp/bench.db cargo test -p web seed_benchmark_database -- --ignored`
//! then `wrk -H 'Cookie: checker_session=bench-learner' http://127.0.0.1:8080/` (and
//! `bench-instructor` on `/class`).

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use checker::report::{CheckReport, Report, TaskReport, Verdict};
use store::{self, DbUrl, Store};
use tower::ServiceExt;

use crate::api::AppState;
use crate::auth::ApiToken;
use crate::curriculum::Curriculum;

pub(crate) const LEARNER_COOKIE: &str = "bench-learner";
pub(crate) const INSTRUCTOR_COOKIE: &str = "bench-instructor";

fn report(project: &str, passed: usize) -> String {
    let tasks = (0..4)
        .map(|t| {
            let verdict = if t < passed {
                Verdict::Passed
            } else {
                Verdict::WrongOutput
            };
            let failed = |name: &str, hidden: bool| CheckReport {
                expected: Some(format!("EXPECTED-{name}")),
                actual: Some(format!("ACTUAL-{name}")),
                diff: Some(format!(
                    "--- expected\n+++ actual\n-EXPECTED-{name}\n+ACTUAL-{name}"
                )),
                ..CheckReport::explained(name, verdict, 1, hidden, "the output differs".into())
            };
            let checks = if verdict == Verdict::Passed {
                vec![
                    CheckReport::bare("prints the list", verdict, 1, false),
                    CheckReport::bare("handles an empty list", verdict, 1, true),
                ]
            } else {
                vec![
                    failed("prints the list", false),
                    failed("handles an empty list", true),
                ]
            };
            TaskReport::new(&format!("{t}-task"), &format!("Task {t}"), t < 3, checks)
        })
        .collect();
    serde_json::to_string(&Report::new(project, project, "v1", tasks, 1200)).unwrap()
}

/// Seeds `learners` learners (`learner0000`...), an instructor `prof`, and one graded
/// submission per learner and project (`p00`...), with sessions for both cookies above.
pub(crate) async fn seed(
    path: &std::path::Path,
    learners: usize,
    projects: usize,
) -> Arc<dyn Store> {
    let url = DbUrl::parse(&path.display().to_string()).unwrap();
    let store = store::open(&url).await.unwrap();
    let pool = sqlx::sqlite::SqlitePool::connect(url.expose())
        .await
        .unwrap();
    let mut tx = pool.begin().await.unwrap();
    let now = store::now_ms();
    let reports: Vec<Vec<String>> = (0..projects)
        .map(|p| {
            (0..=4)
                .map(|passed| report(&format!("p{p:02}"), passed))
                .collect()
        })
        .collect();
    sqlx::query("INSERT INTO users (name, role, password_hash, created_at) VALUES ('prof', 'instructor', 'x', $1)")
        .bind(now)
        .execute(&mut *tx)
        .await
        .unwrap();
    let mut submission = 0i64;
    for l in 0..learners {
        let user: i64 = sqlx::query_scalar(
            "INSERT INTO users (name, role, password_hash, created_at) VALUES ($1, 'learner', 'x', $2) RETURNING id",
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
            let at = now - (projects - p) as i64 * 60_000;
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
    tx.commit().await.unwrap();
    pool.close().await;
    let dashboard = store.dashboard();
    let learner = dashboard
        .user_by_name("learner0000")
        .await
        .unwrap()
        .unwrap();
    let prof = dashboard.user_by_name("prof").await.unwrap().unwrap();
    let expires = now + 365 * 24 * 3600 * 1000;
    for (user, cookie) in [(learner.id, LEARNER_COOKIE), (prof.id, INSTRUCTOR_COOKIE)] {
        dashboard
            .create_session(user, &ApiToken::new(cookie).hash(), "csrf", expires)
            .await
            .unwrap();
    }
    store
}

async fn get(app: &axum::Router, path: &str, cookie: &str) -> (StatusCode, String, Duration) {
    let request = Request::get(path)
        .header(header::COOKIE, format!("checker_session={cookie}"))
        .body(Body::empty())
        .unwrap();
    let started = Instant::now();
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let body = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    let elapsed = started.elapsed();
    (status, String::from_utf8(body.to_vec()).unwrap(), elapsed)
}

#[tokio::test]
async fn class_of_1000_learners_and_20_projects() {
    let dir = tempfile::tempdir().unwrap();
    let store = seed(&dir.path().join("class.db"), 1000, 20).await;
    let state = AppState::new(store, Arc::new(Curriculum::from_projects(Vec::new())));
    let app = super::router(state);
    for (path, cookie) in [
        ("/", LEARNER_COOKIE),
        ("/class", INSTRUCTOR_COOKIE),
        ("/class?sort=p07&dir=desc", INSTRUCTOR_COOKIE),
        ("/class.csv", INSTRUCTOR_COOKIE),
        ("/class/projects/p03", INSTRUCTOR_COOKIE),
        ("/learners/learner0500", INSTRUCTOR_COOKIE),
    ] {
        let mut times = Vec::new();
        let mut body = String::new();
        for _ in 0..5 {
            let (status, text, elapsed) = get(&app, path, cookie).await;
            assert_eq!(status, StatusCode::OK, "{path}");
            times.push(elapsed);
            body = text;
        }
        times.sort();
        println!(
            "{path}: median {:.1} ms, {} KiB (debug build)",
            times[2].as_secs_f64() * 1000.0,
            body.len() / 1024
        );
        match path {
            "/" => {
                assert_eq!(body.matches("class=\"card project\"").count(), 20);
                assert_eq!(body.matches("<svg class=\"chart\"").count(), 20);
            }
            "/class" => {
                assert!(body.contains("1000 learners × 20 projects"));
                assert_eq!(body.matches("<tr>").count(), 1 + 1000);
                let first = body.find("learner0000").unwrap();
                assert!(first < body.find("learner0001").unwrap());
            }
            "/class?sort=p07&dir=desc" => {
                // (l + 7) % 5 >= 3 scores 100: learner0001 is the first in name order.
                let row = body.find("<tbody><tr>").unwrap();
                assert!(body[row..].starts_with(
                    "<tbody><tr><th scope=\"row\"><a href=\"/learners/learner0001\">"
                ));
            }
            "/class.csv" => {
                assert_eq!(body.lines().count(), 1001);
                assert!(body.starts_with("learner,p00,p01,"));
            }
            "/class/projects/p03" => assert!(body.contains("of 1000 (")),
            _ => {}
        }
    }

    // learner0000's first submission fails everything: a learner sees the diff of a visible
    // check, and only the verdict and reason of a hidden one; an instructor sees both.
    let (status, page, _) = get(&app, "/submissions/1", LEARNER_COOKIE).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("+ACTUAL-prints the list"), "{page}");
    assert!(page.contains("Wrong output") && page.contains("the output differs"));
    assert!(!page.contains("EXPECTED-handles an empty list"), "{page}");
    assert!(!page.contains("ACTUAL-handles an empty list"));
    let (_, page, _) = get(&app, "/submissions/1", INSTRUCTOR_COOKIE).await;
    assert!(page.contains("+ACTUAL-handles an empty list"));
    // Another learner's submission is not found for learner0000.
    let (status, _, _) = get(&app, "/submissions/21", LEARNER_COOKIE).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

/// Seeds the benchmark's database at `$CHECKER_BENCH_DB` (see the module's documentation).
#[tokio::test]
#[ignore = "writes the benchmark database named by CHECKER_BENCH_DB"]
async fn seed_benchmark_database() {
    let path = std::env::var("CHECKER_BENCH_DB").expect("CHECKER_BENCH_DB=/path/to/bench.db");
    let _ = std::fs::remove_file(&path);
    seed(std::path::Path::new(&path), 1000, 20).await;
    println!(
        "seeded {path}: 1000 learners x 20 projects; cookies checker_session={LEARNER_COOKIE} and {INSTRUCTOR_COOKIE}"
    );
}
