//! Running Checker for a school: migrations when several processes start at once, workers that
//! drain on SIGTERM and say when their Docker is down, a request id from upload to score, and a
//! PostgreSQL backup that restores to the same scores; real processes, real PostgreSQL.

mod support;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::Value;
use support::docker::docker_ready;
use support::http::*;
use support::library::archive;
use support::server::*;
use support::*;

/// `psql -Atc SQL` on `db`; its output.
fn psql(db: &str, sql: &str) -> String {
    let output = Command::new("psql")
        .arg(db)
        .args(["-v", "ON_ERROR_STOP=1", "-Atc", sql])
        .output()
        .expect("psql runs");
    assert!(output.status.success(), "{sql}: {}", text(&output.stderr));
    text(&output.stdout).trim().to_owned()
}

/// Migrates `db` to the schema before the newest migration: the database a new release meets.
fn migrate_to_previous(db: &str) {
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        let mut migrator =
            sqlx::migrate::Migrator::new(root().join("store/migrations/postgres").as_path())
                .await
                .unwrap();
        let mut migrations = migrator.migrations.to_vec();
        migrations.pop();
        migrator.migrations = migrations.into();
        let pool = sqlx::PgPool::connect(db).await.unwrap();
        migrator.run(&pool).await.unwrap();
        pool.close().await;
    });
}

/// A process's first line of standard output (`listening on ...`, `health on ...`).
fn first_line(child: &mut Child) -> String {
    let mut line = String::new();
    BufReader::new(child.stdout.as_mut().unwrap())
        .read_line(&mut line)
        .unwrap();
    line.trim().to_owned()
}

#[test]
fn migrations_run_once_when_three_servers_start_at_once_on_postgres() {
    let newest = std::fs::read_dir(root().join("store/migrations/postgres"))
        .unwrap()
        .count();
    for previous in [false, true] {
        let Some(db) = fresh_postgres(if previous { "migr_prev" } else { "migr_new" }) else {
            return;
        };
        let sandbox = Sandbox::new();
        if previous {
            migrate_to_previous(&db);
            psql(
                &db,
                "INSERT INTO users (name, role, password_hash, created_at)
                 VALUES ('old-learner', 'learner', 'x', 1)",
            );
        }
        // Started together, before any of them is read from: they migrate at the same time.
        let mut servers: Vec<Child> = (0..3)
            .map(|_| {
                sandbox
                    .checker()
                    .args([
                        "serve",
                        "--no-grade",
                        "--listen",
                        "127.0.0.1:0",
                        "--db",
                        &db,
                    ])
                    .args(["--tasks-dir", &smoke_tasks()])
                    .stdin(Stdio::null())
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for server in &mut servers {
            let line = first_line(server);
            if !line.starts_with("listening on ") {
                let _ = server.kill();
                let output = server.try_wait();
                panic!("a server failed to start ({previous}): {line} {output:?}");
            }
        }
        for mut server in servers {
            let _ = server.kill();
            let _ = server.wait();
        }
        let applied = psql(
            &db,
            "SELECT count(*), count(DISTINCT version), bool_and(success), max(version)
             FROM _sqlx_migrations",
        );
        assert_eq!(
            applied,
            format!("{newest}|{newest}|t|{newest}"),
            "{previous}"
        );
        // The newest migration's column is there, and the older rows kept.
        psql(&db, "SELECT request_id FROM submissions LIMIT 1");
        if previous {
            assert_eq!(
                psql(&db, "SELECT name FROM users WHERE name = 'old-learner'"),
                "old-learner"
            );
        }
    }
}

/// A worker with its health endpoints; killed when dropped.
struct Worker {
    child: Child,
    health: String,
    log: std::path::PathBuf,
}

impl Worker {
    fn start(
        sandbox: &Sandbox,
        db: &str,
        name: &str,
        args: &[&str],
        env: &[(&str, &str)],
    ) -> Worker {
        let log = sandbox.path(&format!("{name}.log"));
        let mut child = sandbox
            .checker()
            .args(["worker", "--db", db, "--listen", "127.0.0.1:0"])
            .args([
                "--tasks-dir",
                &smoke_tasks(),
                "--lease",
                "5s",
                "--poll",
                "200ms",
            ])
            .args(args)
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .unwrap();
        let line = first_line(&mut child);
        let health = line
            .strip_prefix("health on ")
            .unwrap_or_else(|| panic!("the worker did not start: {line}"))
            .to_owned();
        Worker { child, health, log }
    }

    fn terminate(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
    }

    fn exit_code(&mut self, timeout: Duration) -> Option<i32> {
        wait_for("the worker to exit", timeout, || {
            self.child.try_wait().unwrap().map(|s| s.code())
        })
    }

    fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn a_worker_whose_docker_is_down_claims_nothing_and_says_why() {
    let sandbox = Sandbox::new();
    let db = sandbox.sqlite();
    sandbox.add_user(&db, "ada", "learner");
    let ada = sandbox.token(&db, "ada", "1h");
    let server = sandbox.serve(&db, &["--tasks-dir", &smoke_tasks(), "--no-grade"], &[]);
    let id = submit_smoke(&server.url, &ada, "42\n", None);
    let worker = Worker::start(
        &sandbox,
        &db,
        "worker",
        &[],
        &[("DOCKER_HOST", "unix:///nonexistent-checker.sock")],
    );
    let health = wait_for(
        "the worker to give up on Docker",
        Duration::from_secs(20),
        || {
            let reply = get(&worker.health, "/healthz", None);
            (reply.status == 503 && reply.body.contains("unreachable")).then_some(reply)
        },
    );
    let body = health.json();
    assert_eq!(body["status"], "unavailable");
    assert_eq!(body["docker"]["state"], "unreachable");
    assert!(
        body["reason"]
            .as_str()
            .unwrap()
            .contains("no jobs are claimed"),
        "{body}"
    );
    let metrics = get(&worker.health, "/metrics", None).body;
    assert!(
        metrics.contains("checker_worker_docker_up 0\n"),
        "{metrics}"
    );
    assert!(
        metrics.contains("checker_worker_unready{reason="),
        "{metrics}"
    );
    let state = submission(&server.url, &ada, id);
    assert_eq!(
        (state["status"].as_str(), state["attempts"].as_i64()),
        (Some("queued"), Some(0)),
        "{state}"
    );
}

#[test]
fn a_draining_worker_finishes_its_job_or_hands_it_back() {
    if !docker_ready() {
        return;
    }
    let sandbox = Sandbox::new();
    let db = sandbox.sqlite();
    sandbox.add_user(&db, "ada", "learner");
    let ada = sandbox.token(&db, "ada", "1h");
    let server = sandbox.serve(&db, &["--tasks-dir", &smoke_tasks(), "--no-grade"], &[]);
    let running = |id: i64| {
        wait_for("the job to be claimed", Duration::from_secs(60), || {
            (submission(&server.url, &ada, id)["status"] == "running").then_some(())
        })
    };

    // Time enough to drain: the job in hand is finished and stored, once.
    let mut worker = Worker::start(&sandbox, &db, "patient", &["--drain", "60s"], &[]);
    let id = submit_smoke(&server.url, &ada, "42\n", Some(4));
    running(id);
    worker.terminate();
    let draining = wait_for(
        "the worker to report draining",
        Duration::from_secs(5),
        || {
            let reply = try_http("GET", &worker.health, "/healthz", None, None).ok()?;
            (reply.status == 503).then_some(reply.json())
        },
    );
    assert_eq!(draining["draining"], true, "{draining}");
    assert_eq!(worker.exit_code(Duration::from_secs(60)), Some(0));
    let state = submission(&server.url, &ada, id);
    assert_eq!(
        (state["status"].as_str(), state["attempts"].as_i64()),
        (Some("graded"), Some(1)),
        "{state}\n{}",
        worker.log_text()
    );

    // No time to drain: the job goes back to the queue, its attempt refunded, and the next
    // worker grades it once.
    let mut worker = Worker::start(&sandbox, &db, "hasty", &["--drain", "1s"], &[]);
    let id = submit_smoke(&server.url, &ada, "42\n", Some(20));
    running(id);
    worker.terminate();
    assert_eq!(worker.exit_code(Duration::from_secs(30)), Some(0));
    let state = submission(&server.url, &ada, id);
    assert_eq!(
        (state["status"].as_str(), state["attempts"].as_i64()),
        (Some("queued"), Some(0)),
        "{state}\n{}",
        worker.log_text()
    );
    assert!(worker.log_text().contains("handing the job back"));
    let _next = Worker::start(&sandbox, &db, "next", &[], &[]);
    let state = wait_final(&server.url, &ada, id, Duration::from_secs(90));
    assert_eq!(
        (state["status"].as_str(), state["attempts"].as_i64()),
        (Some("graded"), Some(1)),
        "{state}"
    );
}

/// JSON log lines of `log` whose spans or fields hold `request_id`.
fn lines_with_request_id(log: &str, request_id: &str) -> Vec<Value> {
    log.lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|line| {
            line["spans"]
                .as_array()
                .is_some_and(|spans| spans.iter().any(|s| s["request_id"] == request_id))
        })
        .collect()
}

#[test]
fn a_request_id_follows_a_submission_from_upload_to_score() {
    if !docker_ready() {
        return;
    }
    let sandbox = Sandbox::new();
    let db = sandbox.sqlite();
    sandbox.add_user(&db, "ada", "learner");
    let ada = sandbox.token(&db, "ada", "1h");
    let json = ["--log-format", "json"];
    let server = sandbox.serve(
        &db,
        &[
            "--tasks-dir",
            &smoke_tasks(),
            "--no-grade",
            json[0],
            json[1],
        ],
        &[],
    );
    let worker = Worker::start(&sandbox, &db, "worker", &json, &[]);
    let bearer = format!("Bearer {ada}");
    let reply = send(
        "POST",
        &format!("{}/api/submissions?project={SMOKE}", server.url),
        &[("Authorization", &bearer), ("X-Request-Id", "upload-7f3a")],
        Some(Body::Bytes(
            "application/gzip".into(),
            archive(&[("answer.txt", b"42\n")]),
        )),
    )
    .unwrap();
    assert_eq!(reply.status, 202, "{}", reply.body);
    assert_eq!(reply.header("x-request-id"), Some("upload-7f3a"));
    let id = reply.json()["id"].as_i64().unwrap();
    wait_final(&server.url, &ada, id, Duration::from_secs(60));

    let queued = lines_with_request_id(&server.log_text(), "upload-7f3a");
    assert!(
        queued
            .iter()
            .any(|l| l["message"] == "queued" && l["submission"] == id),
        "{queued:?}\n{}",
        server.log_text()
    );
    let graded = wait_for("the worker's log line", Duration::from_secs(10), || {
        let lines = lines_with_request_id(&worker.log_text(), "upload-7f3a");
        lines.into_iter().find(|l| l["message"] == "graded")
    });
    assert_eq!(graded["score"], 100.0, "{graded}");
    assert!(
        graded["spans"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["submission"] == id),
        "{graded}"
    );
    // A request without an id of its own gets a fresh one; a forged one is replaced.
    let fresh = send(
        "GET",
        &format!("{}/healthz", server.url),
        &[("X-Request-Id", "two words")],
        None,
    )
    .unwrap();
    let fresh = fresh.header("x-request-id").unwrap();
    assert_eq!(fresh.len(), 16, "{fresh}");
}

#[test]
fn a_restored_backup_serves_the_same_scores() {
    if !docker_ready() {
        return;
    }
    let Some(db) = fresh_postgres("backup") else {
        return;
    };
    let sandbox = Sandbox::new();
    sandbox.add_user(&db, "ada", "learner");
    sandbox.add_user(&db, "prof", "instructor");
    let ada = sandbox.token(&db, "ada", "1h");
    let prof = sandbox.token(&db, "prof", "1h");
    let server = sandbox.serve(&db, &["--tasks-dir", &smoke_tasks()], &[]);
    for answer in ["41\n", "42\n"] {
        let id = submit_smoke(&server.url, &ada, answer, None);
        wait_final(&server.url, &ada, id, Duration::from_secs(60));
    }
    let scores = get(&server.url, "/api/me/scores", Some(&ada)).json();
    let everyone = get(&server.url, "/api/scores", Some(&prof));
    assert_eq!(scores[0]["best_score"], 100.0, "{scores}");
    drop(server);

    // What deploy/backup and deploy/restore run, on the test's server.
    let dump = sandbox.path("checker.dump");
    let status = Command::new("pg_dump")
        .args(["--format=custom", "--file"])
        .arg(&dump)
        .arg(&db)
        .status()
        .unwrap();
    assert!(status.success());
    let restored = fresh_postgres("restored").unwrap();
    let status = Command::new("pg_restore")
        .args(["--no-owner", "--exit-on-error", "-d", &restored])
        .arg(&dump)
        .status()
        .unwrap();
    assert!(status.success());

    let server = sandbox.serve(&restored, &["--tasks-dir", &smoke_tasks()], &[]);
    assert_eq!(
        get(&server.url, "/api/me/scores", Some(&ada)).json(),
        scores
    );
    let again = get(&server.url, "/api/scores", Some(&prof));
    assert_eq!((again.status, again.body), (everyone.status, everyone.body));
    // The restored queue goes on: ids continue after the restored ones.
    let id = submit_smoke(&server.url, &ada, "42\n", None);
    assert_eq!(id, 3);
    let state = wait_final(&server.url, &ada, id, Duration::from_secs(60));
    assert_eq!(state["score"], 100.0);
}
