//! The queue loses nothing: killed workers, a server stopped during uploads, a Docker outage,
//! and a job that keeps killing its workers; on a real SQLite file and a real PostgreSQL server.

mod support;

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;
use support::docker::{containers_of, docker_ready};
use support::http::*;
use support::library::archive;
use support::server::*;
use support::*;

/// Worker flags of these tests: short leases so a dead worker's job comes back quickly.
const FAST: [&str; 8] = [
    "--lease",
    "3s",
    "--poll",
    "200ms",
    "--retry-delay",
    "1s",
    "--tasks-dir",
    "tests/fixtures/server/tasks",
];

fn the_killed_worker_loses_nothing(db: &str) {
    let sandbox = Sandbox::new();
    sandbox.add_user(db, "ada", "learner");
    sandbox.add_user(db, "prof", "instructor");
    let ada = sandbox.token(db, "ada", "1h");
    let prof = sandbox.token(db, "prof", "1h");
    let server = sandbox.serve(db, &["--tasks-dir", &smoke_tasks(), "--no-grade"], &[]);
    let base = &server.url;
    // Right, right, wrong; each sleeps in its sandbox so a worker can die in the middle.
    let ids: Vec<i64> = ["42\n", "42\n", "41\n"]
        .iter()
        .map(|answer| submit_smoke(base, &ada, answer, Some(3)))
        .collect();
    let mut first = sandbox.worker(db, &FAST);
    let mut second = sandbox.worker(db, &FAST);
    // Kill the first worker while it holds a job.
    let started = Instant::now();
    let killed = first.pid();
    wait_for("a job running", Duration::from_secs(60), || {
        let sandboxes = containers_of(killed);
        (first.log_text().contains("grading") && !sandboxes.is_empty()).then_some(())
    });
    std::thread::sleep(Duration::from_millis(500));
    first.kill9();
    let third = sandbox.worker(db, &FAST);
    // The next worker on this host removes the dead one's sandbox.
    wait_for(
        "the dead worker's sandbox removed",
        Duration::from_secs(30),
        || containers_of(killed).is_empty().then_some(()),
    );

    let finals: Vec<Value> = ids
        .iter()
        .map(|id| wait_final(base, &prof, *id, Duration::from_secs(90)))
        .collect();
    let scores: Vec<f64> = finals
        .iter()
        .map(|s| s["score"].as_f64().unwrap())
        .collect();
    assert_eq!(scores, [100.0, 100.0, 0.0], "{finals:?}");
    assert!(finals.iter().all(|s| s["status"] == "graded"));
    // The killed worker's job was claimed again: two attempts, graded once.
    let attempts: Vec<i64> = finals
        .iter()
        .map(|s| s["attempts"].as_i64().unwrap())
        .collect();
    assert!(attempts.contains(&2), "attempts {attempts:?}");
    let mine = get(base, "/api/me/scores", Some(&ada)).json();
    assert_eq!(
        mine[0]["graded"], 3,
        "each submission counted exactly once: {mine}"
    );
    assert_eq!(mine[0]["best_score"], 100.0);
    assert_eq!(mine[0]["latest_score"], 0.0);
    assert_eq!(mine[0]["latest_submission"], ids[2]);
    let metrics = text(&get(base, "/metrics", None).body);
    assert!(
        metrics.contains("checker_grading_seconds_count 3\n"),
        "{metrics}"
    );
    // Two checks per submission, each counted once.
    let counted: i64 = metrics
        .lines()
        .filter(|l| l.starts_with("checker_check_verdicts_total{"))
        .map(|l| l.rsplit(' ').next().unwrap().parse::<i64>().unwrap())
        .sum();
    assert_eq!(counted, 6, "{metrics}");
    println!(
        "3 submissions, one worker killed: all graded after {:?}",
        started.elapsed()
    );
    drop((second.kill9(), third));
}

#[test]
fn a_killed_worker_loses_nothing_on_sqlite() {
    if !docker_ready() {
        return;
    }
    let sandbox = Sandbox::new();
    the_killed_worker_loses_nothing(&sandbox.sqlite());
}

#[test]
fn a_killed_worker_loses_nothing_on_postgres() {
    if !docker_ready() {
        return;
    }
    let Some(db) = fresh_postgres("killed") else {
        return;
    };
    the_killed_worker_loses_nothing(&db);
}

/// Uploads from 4 threads while the server is killed (SIGKILL) and, once restarted, stopped
/// (SIGTERM); every submission that got a 202 is there afterwards, with its files.
fn a_stopped_server_loses_no_accepted_submission(db: &str, grade_them: bool) {
    let sandbox = Sandbox::new();
    sandbox.add_user(db, "ada", "learner");
    let ada = sandbox.token(db, "ada", "1h");
    let args = [
        "--tasks-dir",
        &smoke_tasks(),
        "--no-grade",
        "--rate-limit",
        "0",
    ];
    let mut total = 0;
    for stop in ["kill", "term"] {
        let mut server = sandbox.serve(db, &args, &[]);
        let base = server.url.clone();
        let accepted = Arc::new(Mutex::new(Vec::<i64>::new()));
        let deadline = Instant::now() + Duration::from_secs(20);
        let uploaders: Vec<_> = (0..4)
            .map(|_| {
                let (base, ada, accepted) = (base.clone(), ada.clone(), accepted.clone());
                std::thread::spawn(move || {
                    let body = archive(&[("answer.txt", b"42\n")]);
                    // Bounded: at most 200 uploads per thread, 20 s.
                    for _ in 0..200 {
                        if Instant::now() > deadline {
                            break;
                        }
                        let Some(status_and_id) = try_upload(&base, &ada, &body) else {
                            break; // the server is gone
                        };
                        if let (202, Some(id)) = status_and_id {
                            accepted.lock().unwrap().push(id);
                        }
                        std::thread::sleep(Duration::from_millis(20));
                    }
                })
            })
            .collect();
        wait_for("some uploads", Duration::from_secs(20), || {
            (accepted.lock().unwrap().len() >= 8).then_some(())
        });
        if stop == "kill" {
            server.kill9();
        } else {
            assert_eq!(server.terminate(), Some(0));
        }
        for uploader in uploaders {
            uploader.join().unwrap();
        }
        let accepted = accepted.lock().unwrap().clone();
        let unique: BTreeSet<i64> = accepted.iter().copied().collect();
        assert_eq!(unique.len(), accepted.len(), "ids are never reused");
        let again = sandbox.serve(db, &args, &[]);
        for id in &accepted {
            let reply = get(&again.url, &format!("/api/submissions/{id}"), Some(&ada));
            assert_eq!(
                reply.status, 200,
                "accepted submission {id} was lost ({stop})"
            );
            assert_eq!(reply.json()["status"], "queued");
        }
        println!("{stop}: {} accepted uploads, none lost", accepted.len());
        total += accepted.len();
    }
    // Their files were stored with them: a worker grades every one of them.
    if grade_them && docker_ready() {
        let server = sandbox.serve(db, &args, &[]);
        let _worker = sandbox.worker(db, &FAST);
        let scores = wait_for(
            "every accepted submission graded",
            Duration::from_secs(120),
            || {
                let scores = get(&server.url, "/api/me/scores", Some(&ada)).json();
                let graded = format!("checker_submissions{{status=\"graded\"}} {total}\n");
                text(&get(&server.url, "/metrics", None).body)
                    .contains(&graded)
                    .then_some(scores)
            },
        );
        assert_eq!(scores[0]["best_score"], 100.0);
        assert_eq!(scores[0]["latest_score"], 100.0);
    }
}

/// `(status, id)` of one upload; `None` when the server did not answer.
fn try_upload(base: &str, token: &str, body: &[u8]) -> Option<(u16, Option<i64>)> {
    let reply = try_http(
        "POST",
        base,
        &format!("/api/submissions?project={SMOKE}"),
        Some(token),
        Some(("application/gzip", body)),
    )
    .ok()?;
    let id = serde_json::from_str::<Value>(&reply.body)
        .ok()
        .and_then(|v| v["id"].as_i64());
    Some((reply.status, id))
}

#[test]
fn a_stopped_server_loses_no_accepted_submission_on_sqlite() {
    let sandbox = Sandbox::new();
    a_stopped_server_loses_no_accepted_submission(&sandbox.sqlite(), true);
}

#[test]
fn a_stopped_server_loses_no_accepted_submission_on_postgres() {
    let Some(db) = fresh_postgres("stopped") else {
        return;
    };
    a_stopped_server_loses_no_accepted_submission(&db, false);
}

#[test]
fn a_docker_outage_leaves_jobs_queued_and_never_scored() {
    if !docker_ready() {
        return;
    }
    let sandbox = Sandbox::new();
    let db = sandbox.sqlite();
    sandbox.add_user(&db, "ada", "learner");
    let ada = sandbox.token(&db, "ada", "1h");
    let mut args = vec!["--tasks-dir".to_owned(), smoke_tasks()];
    args.extend(FAST.iter().take(6).map(|s| s.to_string()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut server = sandbox.serve(&db, &args, &[("DOCKER_HOST", "unix:///nonexistent.sock")]);
    let id = submit_smoke(&server.url, &ada, "42\n", None);
    wait_for("the worker to notice", Duration::from_secs(20), || {
        server
            .log_text()
            .contains("cannot grade, jobs stay queued")
            .then_some(())
    });
    std::thread::sleep(Duration::from_secs(2));
    let state = submission(&server.url, &ada, id);
    assert_eq!(state["status"], "queued", "{state}");
    assert_eq!(state["attempts"], 0, "{state}");
    assert_eq!(state["score"], Value::Null);
    assert_eq!(
        get(&server.url, "/api/me/scores", Some(&ada)).json(),
        serde_json::json!([])
    );
    assert!(text(&get(&server.url, "/metrics", None).body).contains("checker_queue_depth 1\n"));
    assert_eq!(server.terminate(), Some(0));

    // Docker is back: the same job is graded, once.
    let server = sandbox.serve(&db, &args, &[]);
    let state = wait_final(&server.url, &ada, id, Duration::from_secs(60));
    assert_eq!(
        (state["status"].as_str(), state["score"].as_f64()),
        (Some("graded"), Some(100.0))
    );
    assert_eq!(state["attempts"], 1);
}

#[test]
fn a_job_that_keeps_killing_workers_fails_without_a_score() {
    if !docker_ready() {
        return;
    }
    let sandbox = Sandbox::new();
    let db = sandbox.sqlite();
    sandbox.add_user(&db, "ada", "learner");
    let ada = sandbox.token(&db, "ada", "1h");
    let server = sandbox.serve(&db, &["--tasks-dir", &smoke_tasks(), "--no-grade"], &[]);
    let id = submit_smoke(&server.url, &ada, "42\n", Some(30));
    let mut flags: Vec<&str> = FAST.to_vec();
    flags.extend(["--max-attempts", "2"]);
    let mut killed = Vec::new();
    for _ in 0..2 {
        let mut worker = sandbox.worker(&db, &flags);
        let pid = worker.pid();
        wait_for(
            "the worker to grade the job",
            Duration::from_secs(30),
            || {
                let sandboxes = containers_of(pid);
                (worker.log_text().contains("grading") && !sandboxes.is_empty()).then_some(())
            },
        );
        std::thread::sleep(Duration::from_millis(500));
        worker.kill9();
        killed.push(pid);
    }
    let _last = sandbox.worker(&db, &flags);
    wait_for(
        "the dead workers' sandboxes removed",
        Duration::from_secs(30),
        || {
            killed
                .iter()
                .all(|pid| containers_of(*pid).is_empty())
                .then_some(())
        },
    );
    let state = wait_final(&server.url, &ada, id, Duration::from_secs(30));
    assert_eq!(state["status"], "failed", "{state}");
    assert_eq!(state["score"], Value::Null);
    assert!(
        state["error"].as_str().unwrap().contains("platform"),
        "{state}"
    );
    assert_eq!(
        get(&server.url, "/api/me/scores", Some(&ada)).json(),
        serde_json::json!([])
    );
    // The progress stream ends on it too.
    let stream = text(
        &get(
            &server.url,
            &format!("/api/submissions/{id}/events"),
            Some(&ada),
        )
        .body,
    );
    assert!(stream.contains("event: done\ndata: {"), "{stream}");
    assert!(stream.contains("\"status\":\"failed\""), "{stream}");
}
