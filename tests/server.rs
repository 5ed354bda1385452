//! The grading server's API and its command-line client, end to end: the real `checker`
//! binary serving on 127.0.0.1, a real SQLite file (and PostgreSQL where named), real Docker.

mod support;

use std::os::unix::fs::PermissionsExt;
use std::time::Duration;

use serde_json::Value;
use support::docker::docker_ready;
use support::fixtures;
use support::http::*;
use support::library::archive;
use support::server::*;
use support::*;

/// Every endpoint that needs a token, as (method, path).
fn guarded(own: i64) -> Vec<(&'static str, String)> {
    vec![
        ("GET", "/api/me".into()),
        ("GET", "/api/me/scores".into()),
        ("GET", "/api/scores".into()),
        ("GET", "/api/projects".into()),
        ("GET", format!("/api/projects/{SMOKE}")),
        ("GET", format!("/api/submissions/{own}")),
        ("GET", format!("/api/submissions/{own}/events")),
        ("POST", format!("/api/submissions?project={SMOKE}")),
    ]
}

#[test]
fn strangers_and_bad_tokens_are_refused_everywhere() {
    let sandbox = Sandbox::new();
    let db = sandbox.sqlite();
    for (name, role) in [
        ("ada", "learner"),
        ("bob", "learner"),
        ("prof", "instructor"),
    ] {
        sandbox.add_user(&db, name, role);
    }
    let ada = sandbox.token(&db, "ada", "1h");
    let bob = sandbox.token(&db, "bob", "1h");
    let prof = sandbox.token(&db, "prof", "never");
    let expired = sandbox.token(&db, "ada", "1s");
    let server = sandbox.serve(&db, &["--tasks-dir", &smoke_tasks(), "--no-grade"], &[]);
    let base = &server.url;
    let adas = submit_smoke(base, &ada, "42\n", None);
    let bobs = submit_smoke(base, &bob, "41\n", None);
    std::thread::sleep(Duration::from_millis(1100)); // let the 1 s token expire

    for (method, path) in guarded(adas) {
        for (token, what) in [
            (None, "needs an API token"),
            (Some("chk_0000"), "not valid"),
            (Some("Basic abc"), "not valid"),
            (Some(expired.as_str()), "expired"),
        ] {
            let reply = http(method, base, &path, token, None);
            assert_eq!(reply.status, 401, "{method} {path} with {token:?}");
            assert_eq!(reply.header("www-authenticate"), Some("Bearer"));
            let body = reply.json();
            assert!(
                body["error"].as_str().unwrap().contains(what),
                "{method} {path}: {body}"
            );
            assert!(body["hint"].as_str().is_some_and(|h| !h.is_empty()));
        }
    }

    // A learner never sees another learner's submission, nor learns that it exists.
    for path in [
        format!("/api/submissions/{bobs}"),
        format!("/api/submissions/{bobs}/events"),
    ] {
        let foreign = get(base, &path, Some(&ada));
        let missing = get(base, &path.replace(&bobs.to_string(), "999999"), Some(&ada));
        assert_eq!(foreign.status, 404, "{path}");
        assert_eq!(missing.status, 404);
        assert_eq!(
            foreign.json()["error"]
                .as_str()
                .unwrap()
                .replace(&bobs.to_string(), "N"),
            missing.json()["error"]
                .as_str()
                .unwrap()
                .replace("999999", "N")
        );
    }
    assert_eq!(
        get(base, &format!("/api/submissions/{adas}"), Some(&ada)).status,
        200
    );
    let everyone = get(base, "/api/scores", Some(&ada));
    assert_eq!(everyone.status, 403);
    assert!(
        everyone.json()["hint"]
            .as_str()
            .unwrap()
            .contains("/api/me/scores")
    );
    // An instructor reads everyone's.
    for id in [adas, bobs] {
        let reply = get(base, &format!("/api/submissions/{id}"), Some(&prof));
        assert_eq!(reply.status, 200);
        assert_eq!(reply.json()["status"], "queued");
    }
    assert_eq!(get(base, "/api/scores", Some(&prof)).status, 200);
    assert_eq!(get(base, "/api/me", Some(&bob)).json()["name"], "bob");

    // Signing in: a wrong password and an unknown user get the same answer.
    let login = |name: &str, password: &str| {
        let body = serde_json::json!({ "name": name, "password": password }).to_string();
        http(
            "POST",
            base,
            "/api/login",
            None,
            Some(("application/json", body.as_bytes())),
        )
    };
    let wrong = login("ada", "nope");
    let unknown = login("nobody", "password123");
    assert_eq!((wrong.status, unknown.status), (401, 401));
    assert_eq!(wrong.json()["error"], unknown.json()["error"]);
    let signed_in = login("ada", "password123");
    assert_eq!(signed_in.status, 200);
    let token = signed_in.json()["token"].as_str().unwrap().to_owned();
    assert_eq!(get(base, "/api/me", Some(&token)).json()["role"], "learner");

    // Public endpoints.
    assert_eq!(get(base, "/healthz", None).json()["status"], "ok");
    let metrics = get(base, "/metrics", None);
    assert!(text(&metrics.body).contains("checker_queue_depth 2\n"));
    let openapi = get(base, "/api/openapi.json", None).json();
    for (_, path) in guarded(1) {
        let path = path.split('?').next().unwrap().replace('1', "{id}");
        let path = path.replace(SMOKE, "{id}");
        assert!(
            openapi["paths"][&path].is_object(),
            "{path} is not documented"
        );
    }
}

#[test]
fn uploads_are_checked_before_anything_is_stored() {
    let sandbox = Sandbox::new();
    let db = sandbox.sqlite();
    sandbox.add_user(&db, "ada", "learner");
    let ada = sandbox.token(&db, "ada", "1h");
    // Refused attempts take submission slots too, so each refusal below is another learner's.
    let refusers: Vec<String> = (0..10)
        .map(|i| {
            let name = format!("eve{i}");
            sandbox.add_user(&db, &name, "learner");
            sandbox.token(&db, &name, "1h")
        })
        .collect();
    let mut refusers = refusers.iter();
    let mut eve = || refusers.next().expect("enough refusing learners").clone();
    sandbox.add_user(&db, "bob", "learner");
    let bob = sandbox.token(&db, "bob", "1h");
    let server = sandbox.serve(
        &db,
        &[
            "--tasks-dir",
            &smoke_tasks(),
            "--no-grade",
            "--rate-limit",
            "3",
        ],
        &[],
    );
    let base = &server.url;
    let post = |token: &str, query: &str, content_type: &str, body: &[u8]| {
        http(
            "POST",
            base,
            &format!("/api/submissions{query}"),
            Some(token),
            Some((content_type, body)),
        )
    };
    let good = archive(&[("answer.txt", b"42\n"), ("node_modules/x.js", b"junk")]);
    let refused = |reply: Reply, status: u16, words: &str| {
        assert_eq!(reply.status, status, "{}", text(&reply.body));
        let body = reply.json();
        assert!(
            body["error"].as_str().unwrap().contains(words),
            "expected `{words}` in {body}"
        );
        assert!(
            body["hint"].as_str().is_some_and(|h| !h.is_empty()),
            "{body}"
        );
    };
    let project = format!("?project={SMOKE}");

    refused(
        post(&eve(), &project, "text/plain", b"hello"),
        415,
        "text/plain",
    );
    refused(
        post(&eve(), "", "application/gzip", &good),
        400,
        "which project",
    );
    let unknown = post(&eve(), "?project=nope", "application/gzip", &good);
    assert_eq!(unknown.status, 404);
    assert!(unknown.json()["hint"].as_str().unwrap().contains(SMOKE));
    refused(
        post(&eve(), &project, "application/gzip", b"not gzip"),
        400,
        "not a valid",
    );
    refused(
        post(
            &eve(),
            &project,
            "application/gzip",
            &archive(&[("other.txt", b"x")]),
        ),
        400,
        "none of the files",
    );
    let many: Vec<(String, Vec<u8>)> = (0..1001).map(|i| (format!("f{i}"), Vec::new())).collect();
    let many: Vec<(&str, &[u8])> = many
        .iter()
        .map(|(p, c)| (p.as_str(), c.as_slice()))
        .collect();
    refused(
        post(&eve(), &project, "application/gzip", &archive(&many)),
        413,
        "entries",
    );
    refused(
        http_head_only(
            base,
            &format!("/api/submissions{project}"),
            &eve(),
            "application/gzip",
            64 << 20,
        ),
        413,
        "bytes",
    );
    for hostile in [
        hostile_archive(&sandbox, "link"),
        hostile_archive(&sandbox, "dotdot"),
    ] {
        let reply = post(&eve(), &project, "application/gzip", &hostile);
        assert_eq!(reply.status, 400, "{}", text(&reply.body));
    }

    // Accepted: a raw body and a multipart form; only the project's files are kept, and the
    // optional ones its `extra_files` globs accept.
    let with_notes = archive(&[
        ("answer.txt", b"42\n"),
        ("notes/hint.txt", b"think"),
        ("notes/deep/x.txt", b"no"),
        ("node_modules/x.js", b"junk"),
    ]);
    let raw = post(&ada, &project, "application/gzip", &with_notes);
    assert_eq!(raw.status, 202, "{}", text(&raw.body));
    let raw = raw.json();
    assert_eq!(raw["status"], "queued");
    assert_eq!(
        raw["files"],
        serde_json::json!(["answer.txt", "notes/hint.txt"])
    );
    assert_eq!(raw["ignored_files"], 2);
    let boundary = "checker-test-boundary";
    let mut form = Vec::new();
    form.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"project\"\r\n\r\n{SMOKE}\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"archive\"; filename=\"s.tar.gz\"\r\n\
             Content-Type: application/gzip\r\n\r\n"
        )
        .as_bytes(),
    );
    form.extend_from_slice(&good);
    form.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let multipart = post(
        &ada,
        "",
        &format!("multipart/form-data; boundary={boundary}"),
        &form,
    );
    assert_eq!(multipart.status, 202, "{}", text(&multipart.body));
    assert!(
        multipart
            .header("location")
            .unwrap()
            .starts_with("/api/submissions/")
    );

    // Nothing refused was stored.
    assert!(text(&get(base, "/metrics", None).body).contains("checker_queue_depth 2\n"));

    // Rate limit: 3 per minute per user, then 429 with Retry-After.
    assert_eq!(post(&ada, &project, "application/gzip", &good).status, 202);
    let limited = post(&ada, &project, "application/gzip", &good);
    assert_eq!(limited.status, 429);
    let retry: u64 = limited.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry), "Retry-After {retry}");
    assert!(
        limited.json()["error"]
            .as_str()
            .unwrap()
            .contains("at most 3")
    );
    // Another user is not held back by ada's submissions.
    assert_eq!(post(&bob, &project, "application/gzip", &good).status, 202);
}

/// A `.tar.gz` made by GNU tar holding a symbolic link, or a `../` path.
fn hostile_archive(sandbox: &Sandbox, kind: &str) -> Vec<u8> {
    let dir = sandbox.path(&format!("hostile-{kind}"));
    std::fs::create_dir_all(dir.join("inner")).unwrap();
    let out = sandbox.path(&format!("{kind}.tar.gz"));
    let status = match kind {
        "link" => {
            std::os::unix::fs::symlink("/etc/passwd", dir.join("answer.txt")).unwrap();
            std::process::Command::new("tar")
                .args([
                    "-czf",
                    out.to_str().unwrap(),
                    "-C",
                    dir.to_str().unwrap(),
                    "answer.txt",
                ])
                .status()
        }
        _ => {
            std::fs::write(dir.join("answer.txt"), "42\n").unwrap();
            std::process::Command::new("tar")
                .args([
                    "-czPf",
                    out.to_str().unwrap(),
                    "-C",
                    dir.join("inner").to_str().unwrap(),
                ])
                .arg("../answer.txt")
                .status()
        }
    };
    assert!(status.unwrap().success());
    std::fs::read(out).unwrap()
}

#[test]
fn the_cli_signs_in_submits_and_waits_like_grade() {
    if !docker_ready() {
        return;
    }
    let sandbox = Sandbox::new();
    let db = sandbox.sqlite();
    sandbox.add_user(&db, "ada", "learner");
    let server = sandbox.serve(&db, &[], &[]);
    let base = server.url.clone();

    // Not signed in yet: a clear refusal (exit 2), and a dead server is the platform's fault.
    let reference = fixtures::submission("es6-data-manipulation", "reference").arg();
    let wrong_output = fixtures::submission("es6-data-manipulation", "wrong-output");
    let anonymous = sandbox.run(
        &[
            "submit",
            "es6-data-manipulation",
            &reference,
            "--server",
            &base,
        ],
        "",
    );
    assert_eq!(anonymous.status.code(), Some(2));
    assert!(text(&anonymous.stderr).contains("checker login"));

    let login = sandbox.run(&["login", "--server", &base], "ada\npassword123\n");
    assert!(login.status.success(), "{}", text(&login.stderr));
    assert!(text(&login.stdout).contains("as ada (learner)"));
    let credentials = sandbox.path("config/checker/credentials.json");
    let mode = std::fs::metadata(&credentials)
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
    let saved: Value = serde_json::from_slice(&std::fs::read(&credentials).unwrap()).unwrap();
    let token = saved["servers"][&base]["token"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(token.starts_with("chk_"));
    assert!(
        !text(&login.stdout).contains(&token),
        "the token is never printed"
    );

    let dead = sandbox
        .checker()
        .args([
            "submit",
            "es6-data-manipulation",
            &reference,
            "--server",
            "http://127.0.0.1:9",
        ])
        .env("CHECKER_TOKEN", &token)
        .output()
        .unwrap();
    assert_eq!(dead.status.code(), Some(3), "{}", text(&dead.stderr));

    // The reference scores 100, as with `checker grade`.
    let graded = sandbox.run(
        &[
            "submit",
            "es6-data-manipulation",
            &reference,
            "--wait",
            "--json",
        ],
        "",
    );
    assert_eq!(graded.status.code(), Some(0), "{}", text(&graded.stderr));
    let report: Value = serde_json::from_slice(&graded.stdout).unwrap();
    assert_eq!(
        (report["score"].as_f64(), report["bonus"].as_f64()),
        (Some(100.0), Some(100.0))
    );
    assert_eq!(report["passed_tasks"], 12);
    // A learner's report keeps hidden checks' expected output to itself.
    let hidden = report["tasks"][0]["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["hidden"] == true)
        .expect("a hidden check");
    assert_eq!(hidden["expected"], Value::Null);

    // A broken one: the terminal report, live, and exit 1.
    let broken = sandbox.run(
        &[
            "submit",
            "es6-data-manipulation",
            &wrong_output.arg(),
            "--wait",
        ],
        "",
    );
    assert_eq!(broken.status.code(), Some(1), "{}", text(&broken.stderr));
    let out = text(&broken.stdout);
    assert!(
        out.contains("✘ wrong output sums the ids of the students"),
        "{out}"
    );
    assert!(
        out.contains("ES6 data manipulation: 93.18% (11/12 tasks), bonus 100%"),
        "{out}"
    );
    assert_eq!(
        out.matches("\n3-get_ids_sum ").count(),
        1,
        "each task once: {out}"
    );

    // Scores: best and latest.
    let scores = sandbox.run(&["scores", "--json"], "");
    assert!(scores.status.success());
    let scores: Value = serde_json::from_slice(&scores.stdout).unwrap();
    let es6 = &scores[0];
    assert_eq!(es6["project"], "es6-data-manipulation");
    assert_eq!(es6["best_score"], 100.0);
    assert_eq!(es6["latest_score"], 93.18);
    assert_eq!(es6["graded"], 2);
    let table = text(&sandbox.run(&["scores"], "").stdout);
    assert!(
        table.contains("ES6 data manipulation") && table.contains("93.18%"),
        "{table}"
    );

    // The progress stream of a finished submission replays its checks, then `done`.
    let latest = es6["latest_submission"].as_i64().unwrap();
    let stream = text(
        &get(
            &base,
            &format!("/api/submissions/{latest}/events"),
            Some(&token),
        )
        .body,
    );
    let checks = stream.matches("event: check\n").count();
    assert_eq!(
        checks,
        report["tasks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["checks"].as_array().unwrap().len())
            .sum::<usize>()
    );
    assert_eq!(stream.matches("event: task\n").count(), 12);
    let done = stream
        .split("event: done\ndata: ")
        .nth(1)
        .expect("a done event");
    let done: Value = serde_json::from_str(done.lines().next().unwrap()).unwrap();
    assert_eq!(
        (done["status"].as_str(), done["score"].as_f64()),
        (Some("graded"), Some(93.18))
    );
    for data in stream.split("event: check\ndata: ").skip(1) {
        let event: Value = serde_json::from_str(data.lines().next().unwrap()).unwrap();
        if event["check"]["hidden"] == true {
            assert_eq!(
                event["check"]["expected"],
                Value::Null,
                "hidden outputs stay hidden"
            );
        }
    }

    let metrics = text(&get(&base, "/metrics", None).body);
    assert!(
        metrics.contains("checker_submissions{status=\"graded\"} 2\n"),
        "{metrics}"
    );
    assert!(
        metrics.contains("checker_check_verdicts_total{verdict=\"wrong_output\"} 3\n"),
        "{metrics}"
    );
    assert!(metrics.contains("checker_grading_seconds_count 2\n"));
}

#[test]
fn secrets_stay_out_of_logs_and_help() {
    let Some(db) = fresh_postgres("secrets") else {
        return;
    };
    let password = db
        .split_once("://")
        .and_then(|(_, rest)| rest.split_once('@'))
        .and_then(|(userinfo, _)| userinfo.split_once(':'))
        .map(|(_, password)| password.to_owned())
        .expect("the test database URL has a password");
    let sandbox = Sandbox::new();
    sandbox.add_user(&db, "ada", "learner");
    let token = sandbox.token(&db, "ada", "1h");
    let mut server = sandbox.serve(&db, &["--tasks-dir", &smoke_tasks(), "--no-grade"], &[]);
    submit_smoke(&server.url, &token, "42\n", None);
    assert_eq!(get(&server.url, "/api/me", Some("chk_wrong")).status, 401);
    assert_eq!(
        server.terminate(),
        Some(0),
        "SIGTERM stops the server cleanly"
    );
    let log = server.log_text();
    assert!(log.contains("database ready"), "{log}");
    assert!(
        log.contains("***@127.0.0.1"),
        "the URL is logged redacted: {log}"
    );
    assert!(
        !log.contains(&password),
        "the database password leaked: {log}"
    );
    assert!(
        !log.contains(&token) && !log.contains(&token[4..]),
        "a token leaked: {log}"
    );

    let help = sandbox
        .checker()
        .args(["serve", "--help"])
        .env("CHECKER_DB", &db)
        .output()
        .unwrap();
    assert!(help.status.success());
    assert!(
        !text(&help.stdout).contains(&password),
        "--help shows CHECKER_DB's value"
    );
    let wrong = db.replace(&password, "not-the-password");
    let refused = sandbox.run(&["token", "create", "ada", "--db", &wrong], "");
    assert_eq!(refused.status.code(), Some(3));
    assert!(
        !text(&refused.stderr).contains("not-the-password"),
        "{}",
        text(&refused.stderr)
    );
}
