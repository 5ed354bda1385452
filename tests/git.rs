//! Git as a submission source, end to end: a real `git daemon` on 127.0.0.1 serving a learner's
//! bare repository, real pushes over git://, the real `checker serve` fetching commits, signed
//! webhook deliveries (good, bad, replayed, too old), a push touching two project folders, a
//! force-push back to an older commit, a host that never answers and a repository too large.

mod support;

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use support::dashboard::{csrf_of, http_sign_in};
use support::docker::docker_ready;
use support::git::*;
use support::http::*;
use support::library::github_signature;
use support::server::*;
use support::*;

const SECRET: &str = "webhook-s3cret";

const SUM_OK: &str = "console.log(Number(process.argv[2]) + Number(process.argv[3]));\n";
/// Right for 1 + 2 only: half the checks pass.
const SUM_HALF: &str = "console.log(3);\n";
const GREET_OK: &str = "console.log(`Hello, ${process.argv[2]}`);\n";

/// A server for the git tests, grading when Docker is here.
fn serve_git(sandbox: &Sandbox, db: &str, grade: bool, extra: &[&str]) -> Process {
    let tasks = git_tasks();
    let mut args = vec![
        "--tasks-dir",
        tasks.as_str(),
        "--git-allow-host",
        "127.0.0.1",
        "--webhook-secret",
        SECRET,
        "--rate-limit",
        "0",
        "--poll",
        "100ms",
    ];
    if !grade {
        args.push("--no-grade");
    }
    args.extend_from_slice(extra);
    sandbox.serve(db, &args, &[])
}

fn post_json(base: &str, path: &str, token: &str, body: &Value) -> Reply {
    http(
        "POST",
        base,
        path,
        Some(token),
        Some(("application/json", body.to_string().as_bytes())),
    )
}

fn now_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

#[test]
fn submit_from_a_git_url_grades_exactly_that_commit() {
    if !git_ready() {
        return;
    }
    let grade = docker_ready();
    let sandbox = Sandbox::new();
    let daemon = GitDaemon::start(&sandbox.path("repos"));
    let url = daemon.bare("learner.git");
    let work = WorkingCopy::new(&sandbox.path("work"), &url);
    let half = work.commit(
        &[("0x01-sum/sum.js", SUM_HALF), ("README.md", "# mine\n")],
        "half",
    );
    work.push("main", false);
    let full = work.commit(&[("0x01-sum/sum.js", SUM_OK)], "full");
    work.push("main", false);

    let db = sandbox.sqlite();
    sandbox.add_user(&db, "ada", "learner");
    let token = sandbox.token(&db, "ada", "1h");
    let server = serve_git(&sandbox, &db, grade, &[]);
    let base = &server.url;

    // The API: the branch's commit is fetched, only the project's files are kept.
    let reply = post_json(
        base,
        "/api/submissions",
        &token,
        &json!({ "project": "git-sum", "git": { "url": url, "rev": "main" } }),
    );
    assert_eq!(reply.status, 202, "{}", text(&reply.body));
    let body = reply.json();
    assert_eq!(body["git"]["commit"], full);
    assert_eq!(body["git"]["dir"], "0x01-sum");
    assert_eq!(body["files"], json!(["sum.js"]));
    let id = body["id"].as_i64().unwrap();
    let shown = submission(base, &token, id);
    assert_eq!(shown["git"]["commit"], full);
    assert_eq!(shown["git"]["rev"], "main");
    // The dashboard shows which commit was graded.
    let session = http_sign_in(base, "ada", "password123");
    let page = request(
        "GET",
        base,
        &format!("/submissions/{id}"),
        &[("Cookie", session.as_str())],
        None,
    );
    let html = page.body;
    assert!(html.contains(&format!("title=\"{full}\"")), "{html}");
    assert!(html.contains("folder <code>0x01-sum</code>"), "{html}");
    // ... and links a repository from its settings page, CSRF-protected like every form.
    let cookie = [("Cookie", session.as_str())];
    let settings = request("GET", base, "/settings", &cookie, None);
    assert!(
        settings.body.contains("No repository linked yet."),
        "{}",
        settings.body
    );
    let csrf = csrf_of(&settings.body);
    let forged = request(
        "POST",
        base,
        "/settings/repos",
        &cookie,
        Some(&format!("url={url}")),
    );
    assert_eq!(forged.status, 403);
    let linked = request(
        "POST",
        base,
        "/settings/repos",
        &cookie,
        Some(&format!("csrf={csrf}&url={url}")),
    );
    assert_eq!(linked.status, 303, "{}", linked.body);
    let settings = request("GET", base, "/settings", &cookie, None);
    assert!(settings.body.contains("learner.git"), "{}", settings.body);
    assert!(
        settings.body.contains("/api/hooks/git"),
        "{}",
        settings.body
    );
    let refused = request(
        "POST",
        base,
        "/settings/repos",
        &cookie,
        Some(&format!("csrf={csrf}&url=file:///etc")),
    );
    assert_eq!(refused.status, 200);
    assert!(refused.body.contains("role=\"alert\""), "{}", refused.body);

    // Refused before git runs: other transports, hosts off the list, options in disguise.
    let hosts_port = format!("git://localhost:{}/learner.git", daemon.port);
    for (bad, words) in [
        ("file:///etc", "not a network git URL"),
        ("ext::sh -c id", "not allowed"),
        ("/srv/learner.git", "not a network git URL"),
        (hosts_port.as_str(), "is not allowed on this server"),
        ("--upload-pack=touch /tmp/x", "not allowed"),
    ] {
        let reply = post_json(
            base,
            "/api/submissions",
            &token,
            &json!({ "project": "git-sum", "git": { "url": bad } }),
        );
        assert_eq!(reply.status, 400, "{bad}: {}", text(&reply.body));
        let error = reply.json()["error"].as_str().unwrap().to_owned();
        assert!(error.contains(words), "{bad}: {error}");
    }
    let reply = post_json(
        base,
        "/api/submissions",
        &token,
        &json!({ "project": "git-sum", "git": { "url": url, "rev": "--output=/tmp/x" } }),
    );
    assert_eq!(reply.status, 400, "{}", text(&reply.body));
    let reply = post_json(
        base,
        "/api/submissions",
        &token,
        &json!({ "project": "git-sum", "git": { "url": url, "rev": "no-such-branch" } }),
    );
    assert_eq!(reply.status, 422, "{}", text(&reply.body));
    // Credentials in a URL never come back.
    let secret_url = format!("git://ada:hunter2@127.0.0.1:{}/nothing.git", daemon.port);
    let reply = post_json(
        base,
        "/api/submissions",
        &token,
        &json!({ "project": "git-sum", "git": { "url": secret_url } }),
    );
    assert!(
        !text(&reply.body).contains("hunter2"),
        "{}",
        text(&reply.body)
    );

    // The command line, pinned to the older commit; --min-score decides the exit code.
    let target = format!("{url}@{half}");
    let mut args = vec![
        "submit",
        "git-sum",
        "--git",
        &target,
        "--server",
        base.as_str(),
        "--quiet",
    ];
    if grade {
        args.extend(["--wait", "--min-score", "50"]);
    }
    let output = sandbox
        .checker()
        .args(&args)
        .env("CHECKER_TOKEN", &token)
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}\n{}",
        text(&output.stdout),
        text(&output.stderr)
    );
    if !grade {
        assert!(
            text(&output.stdout).contains(&half),
            "{}",
            text(&output.stdout)
        );
        return;
    }
    assert!(
        text(&output.stderr).contains(&half),
        "{}",
        text(&output.stderr)
    );
    assert!(
        text(&output.stdout).contains("50%"),
        "{}",
        text(&output.stdout)
    );
    let output = sandbox
        .checker()
        .args([
            "submit", "git-sum", "--git", &target, "--server", base, "--quiet",
        ])
        .args(["--wait", "--min-score", "60"])
        .env("CHECKER_TOKEN", &token)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", text(&output.stderr));
    assert!(text(&output.stderr).contains("below the required 60%"));

    let graded = wait_final(base, &token, id, Duration::from_secs(120));
    assert_eq!(graded["status"], "graded", "{graded}");
    assert_eq!(graded["score"], 100.0, "{graded}");
}

#[test]
fn signed_pushes_are_graded_per_folder_and_replays_refused() {
    if !git_ready() {
        return;
    }
    let grade = docker_ready();
    let sandbox = Sandbox::new();
    let daemon = GitDaemon::start(&sandbox.path("repos"));
    let url = daemon.bare("alx.git");
    let work = WorkingCopy::new(&sandbox.path("work"), &url);
    let first = work.commit(
        &[
            ("0x01-sum/sum.js", SUM_HALF),
            ("0x02-greet/greet.js", "console.log('hi');\n"),
        ],
        "first",
    );
    work.push("main", false);
    let second = work.commit(
        &[
            ("0x01-sum/sum.js", SUM_OK),
            ("0x02-greet/greet.js", GREET_OK),
        ],
        "second",
    );
    work.push("main", false);

    let db = sandbox.sqlite();
    sandbox.add_user(&db, "ada", "learner");
    sandbox.add_user(&db, "eve", "learner");
    let ada = sandbox.token(&db, "ada", "1h");
    let eve = sandbox.token(&db, "eve", "1h");
    let server = serve_git(&sandbox, &db, grade, &[]);
    let base = &server.url;

    // Ada links the repository; nobody else can claim it.
    let link = |token: &str, url: &str| {
        sandbox
            .checker()
            .args(["repo", "link", url, "--server", base])
            .env("CHECKER_TOKEN", token)
            .output()
            .unwrap()
    };
    let secret_of = |output: &std::process::Output| {
        assert!(output.status.success(), "{}", text(&output.stderr));
        let stdout = text(&output.stdout);
        assert!(stdout.contains("/api/hooks/git"), "{stdout}");
        stdout
            .lines()
            .find_map(|l| l.trim().strip_prefix("secret:"))
            .expect("the webhook secret is printed")
            .trim()
            .to_owned()
    };
    let ada_secret = secret_of(&link(&ada, &url));
    assert_eq!(ada_secret.len(), 48);
    // Linking again keeps the secret the webhook was set up with.
    assert_eq!(secret_of(&link(&ada, &url)), ada_secret);
    // Ada's webhook pings, signed with her secret: that confirms the link, and from then on
    // nobody else can take the repository.
    let ping = json!({ "zen": "hi", "repository": { "clone_url": url } })
        .to_string()
        .into_bytes();
    let pinged = vec![
        ("X-GitHub-Event", "ping".to_owned()),
        ("X-Hub-Signature-256", github_signature(&ada_secret, &ping)),
    ];
    let (status, answer) = deliver(base, &pinged, &ping);
    assert_eq!(status, 200, "{answer}");
    let output = link(&eve, &format!("{url}/"));
    assert_eq!(output.status.code(), Some(2), "{}", text(&output.stderr));
    assert!(text(&output.stderr).contains("another account"));
    let output = link(&eve, "file:///srv/alx.git");
    assert_eq!(output.status.code(), Some(2));
    let mine = get(base, "/api/me/repos", Some(&ada)).json();
    assert_eq!(mine.as_array().unwrap().len(), 1, "{mine}");
    let eve_url = daemon.bare("eve.git");
    let eve_secret = secret_of(&link(&eve, &eve_url));
    assert_ne!(eve_secret, ada_secret);

    let payload = |after: &str, commits: Value, forced: bool, pushed_at: i64| {
        json!({
            "ref": "refs/heads/main",
            "before": "0000000000000000000000000000000000000000",
            "after": after,
            "forced": forced,
            "repository": { "clone_url": url, "pushed_at": pushed_at },
            "commits": commits,
        })
        .to_string()
        .into_bytes()
    };
    let github = |body: &[u8], delivery: &str, secret: &str| {
        vec![
            ("X-GitHub-Event", "push".to_owned()),
            ("X-GitHub-Delivery", delivery.to_owned()),
            ("X-Hub-Signature-256", github_signature(secret, body)),
        ]
    };
    let touched = json!([
        { "added": [], "modified": ["0x01-sum/sum.js", "0x02-greet/greet.js"], "removed": [] }
    ]);
    let body = payload(&second, touched.clone(), false, now_secs());

    // Unsigned, or signed with another secret: refused, and nothing is queued.
    let (status, answer) = deliver(base, &[("X-GitHub-Delivery", "d-0".into())], &body);
    assert_eq!(status, 401, "{answer}");
    let (status, answer) = deliver(base, &github(&body, "d-0", "wrong"), &body);
    assert_eq!(status, 401, "{answer}");
    assert!(answer["error"].as_str().unwrap().contains("does not match"));
    let mut tampered = body.clone();
    tampered.extend_from_slice(b" ");
    let (status, _) = deliver(base, &github(&body, "d-0", SECRET), &tampered);
    assert_eq!(status, 401);

    // Eve's secret signs only Eve's repository.
    let (status, _) = deliver(base, &github(&body, "d-0", &eve_secret), &body);
    assert_eq!(status, 401);

    // Signed with the repository's secret: one submission per folder the push touched, as
    // the learner who linked it.
    let (status, answer) = deliver(base, &github(&body, "d-1", &ada_secret), &body);
    assert_eq!(status, 202, "{answer}");
    assert_eq!(answer["commit"], second);
    let queued = answer["submissions"].as_array().unwrap().clone();
    let mut projects: Vec<&str> = queued
        .iter()
        .map(|s| s["project"].as_str().unwrap())
        .collect();
    projects.sort();
    assert_eq!(projects, ["git-greet", "git-sum"], "{answer}");

    // The same delivery again: refused, nothing queued twice.
    let (status, answer) = deliver(base, &github(&body, "d-1", &ada_secret), &body);
    assert_eq!(status, 409, "{answer}");
    assert!(
        answer["error"]
            .as_str()
            .unwrap()
            .contains("handled already")
    );
    // A new delivery id on an old push: refused as too old.
    let stale = payload(&second, touched.clone(), false, now_secs() - 3 * 86_400);
    let (status, answer) = deliver(base, &github(&stale, "d-2", SECRET), &stale);
    assert_eq!(status, 400, "{answer}");
    assert!(answer["error"].as_str().unwrap().contains("too old"));

    // GitLab's token: wrong then right; a push touching one folder queues one submission.
    let only_sum = json!([{ "added": [], "modified": ["0x01-sum/sum.js"], "removed": [] }]);
    let gitlab_body = json!({
        "object_kind": "push",
        // Another ref: the same ref at the same commit again would be a replay.
        "ref": "refs/heads/gitlab",
        "after": second,
        "project": { "git_http_url": url },
        "commits": only_sum,
    })
    .to_string()
    .into_bytes();
    let gitlab = |token: &str, uuid: &str| {
        vec![
            ("X-Gitlab-Event", "Push Hook".to_owned()),
            ("X-Gitlab-Event-UUID", uuid.to_owned()),
            ("X-Gitlab-Token", token.to_owned()),
        ]
    };
    let (status, _) = deliver(base, &gitlab("nope", "g-1"), &gitlab_body);
    assert_eq!(status, 401);
    let (status, answer) = deliver(base, &gitlab(&ada_secret, "g-1"), &gitlab_body);
    assert_eq!(status, 202, "{answer}");
    assert_eq!(
        answer["submissions"].as_array().unwrap().len(),
        1,
        "{answer}"
    );
    assert_eq!(answer["submissions"][0]["project"], "git-sum");

    // A force-push back to the first commit, through the operator's organisation-wide hook:
    // the payload lists no commits, so every project folder is graded, at the older commit.
    work.push(&format!("{first}:main"), true);
    let forced = payload(&first, json!([]), true, now_secs());
    let (status, answer) = deliver(base, &github(&forced, "d-3", SECRET), &forced);
    assert_eq!(status, 202, "{answer}");
    assert_eq!(answer["commit"], first);
    let rewound = answer["submissions"].as_array().unwrap().clone();
    assert_eq!(rewound.len(), 2, "{answer}");
    for submission_id in rewound.iter().map(|s| s["id"].as_i64().unwrap()) {
        let shown = submission(base, &ada, submission_id);
        assert_eq!(shown["git"]["commit"], first);
        assert_eq!(shown["user"], "ada");
    }

    if !grade {
        return;
    }
    let deadline = Instant::now() + Duration::from_secs(180);
    let score_of = |list: &[Value], project: &str| {
        let id = list.iter().find(|s| s["project"] == project).unwrap()["id"]
            .as_i64()
            .unwrap();
        let left = deadline.saturating_duration_since(Instant::now());
        wait_final(base, &ada, id, left)["score"].as_f64()
    };
    assert_eq!(score_of(&queued, "git-sum"), Some(100.0));
    assert_eq!(score_of(&queued, "git-greet"), Some(100.0));
    assert_eq!(score_of(&rewound, "git-sum"), Some(50.0));
    assert_eq!(score_of(&rewound, "git-greet"), Some(0.0));
}

const DOUBLE_OK: &str = "console.log(Number(process.argv[2]) * 2);\n";

/// `git-double` names `repository: alx-backend-javascript` and `folder: 0x03-double`: a
/// repository of that name (any case, `.git` or not) is graded in the folder, by push and by
/// `submit --git`, beside other projects' folders; a repository of another name is not graded
/// on push, and `submit --git` takes the project's files from its top folder when it has no
/// such folder.
#[test]
fn the_school_repository_is_graded_in_the_projects_folder() {
    if !git_ready() {
        return;
    }
    let grade = docker_ready();
    let sandbox = Sandbox::new();
    let daemon = GitDaemon::start(&sandbox.path("repos"));
    let url = daemon.bare("Alx-Backend-JavaScript.git");
    let work = WorkingCopy::new(&sandbox.path("work"), &url);
    let commit = work.commit(
        &[
            ("0x03-double/double.js", DOUBLE_OK),
            ("0x01-sum/sum.js", SUM_OK),
            ("README.md", "# alx-backend-javascript\n"),
        ],
        "two projects",
    );
    work.push("main", false);
    let other_url = daemon.bare("double-alone.git");
    let other = WorkingCopy::new(&sandbox.path("other"), &other_url);
    let other_commit = other.commit(&[("double.js", DOUBLE_OK)], "alone");
    other.push("main", false);

    let db = sandbox.sqlite();
    sandbox.add_user(&db, "ada", "learner");
    let token = sandbox.token(&db, "ada", "1h");
    let server = serve_git(&sandbox, &db, grade, &[]);
    let base = &server.url;

    // submit --git: the folder of the school's repository.
    let reply = post_json(
        base,
        "/api/submissions",
        &token,
        &json!({ "project": "git-double", "git": { "url": url } }),
    );
    assert_eq!(reply.status, 202, "{}", text(&reply.body));
    let body = reply.json();
    assert_eq!(body["git"]["dir"], "0x03-double", "{body}");
    assert_eq!(body["files"], json!(["double.js"]));
    let submitted = body["id"].as_i64().unwrap();
    // Another repository without the folder: its top folder.
    let reply = post_json(
        base,
        "/api/submissions",
        &token,
        &json!({ "project": "git-double", "git": { "url": other_url } }),
    );
    assert_eq!(reply.status, 202, "{}", text(&reply.body));
    let body = reply.json();
    assert_eq!(body["git"]["commit"], other_commit);
    assert!(body["git"]["dir"].is_null(), "{body}");
    assert_eq!(body["files"], json!(["double.js"]));

    // A push touching both folders: one submission per project, each from its folder.
    let push = |url: &str, after: &str| {
        json!({
            "ref": "refs/heads/main",
            "before": "0000000000000000000000000000000000000000",
            "after": after,
            "repository": { "clone_url": url, "pushed_at": now_secs() },
            "commits": [{
                "added": ["0x03-double/double.js", "0x01-sum/sum.js", "README.md"],
                "modified": [],
                "removed": [],
            }],
        })
        .to_string()
        .into_bytes()
    };
    let signed = |body: &[u8], delivery: &str| {
        vec![
            ("X-GitHub-Event", "push".to_owned()),
            ("X-GitHub-Delivery", delivery.to_owned()),
            ("X-Hub-Signature-256", github_signature(SECRET, body)),
        ]
    };
    let link = sandbox
        .checker()
        .args(["repo", "link", &url, "--server", base])
        .env("CHECKER_TOKEN", &token)
        .output()
        .unwrap();
    assert!(link.status.success(), "{}", text(&link.stderr));
    let body = push(&url, &commit);
    let (status, answer) = deliver(base, &signed(&body, "school-1"), &body);
    assert_eq!(status, 202, "{answer}");
    let mut projects: Vec<&str> = answer["submissions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["project"].as_str().unwrap())
        .collect();
    projects.sort();
    assert_eq!(projects, ["git-double", "git-sum"], "{answer}");
    let pushed = answer["submissions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["project"] == "git-double")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    assert_eq!(
        submission(base, &token, pushed)["git"]["dir"],
        "0x03-double"
    );

    // The same folder in a repository of another name is not the project's.
    let link = sandbox
        .checker()
        .args(["repo", "link", &other_url, "--server", base])
        .env("CHECKER_TOKEN", &token)
        .output()
        .unwrap();
    assert!(link.status.success(), "{}", text(&link.stderr));
    let body = push(&other_url, &other_commit);
    let (status, answer) = deliver(base, &signed(&body, "other-1"), &body);
    let graded: Vec<&str> = answer["submissions"]
        .as_array()
        .map(|s| s.iter().filter_map(|s| s["project"].as_str()).collect())
        .unwrap_or_default();
    assert!(!graded.contains(&"git-double"), "{status} {answer}");

    if !grade {
        return;
    }
    for id in [submitted, pushed] {
        let done = wait_final(base, &token, id, Duration::from_secs(120));
        assert_eq!(done["score"].as_f64(), Some(100.0), "{done}");
    }
}

#[test]
fn hanging_hosts_and_huge_repositories_are_bounded() {
    if !git_ready() {
        return;
    }
    let sandbox = Sandbox::new();
    let silent = SilentHost::start();
    let daemon = GitDaemon::start(&sandbox.path("repos"));
    let url = daemon.bare("huge.git");
    let work = WorkingCopy::new(&sandbox.path("work"), &url);
    // 2 MB that do not compress.
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let noise: String = (0..2_000_000)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            char::from(b'!' + (state % 90) as u8)
        })
        .collect();
    work.commit(&[("0x01-sum/sum.js", SUM_OK), ("data.txt", &noise)], "big");
    work.push("main", false);

    let db = sandbox.sqlite();
    sandbox.add_user(&db, "ada", "learner");
    let token = sandbox.token(&db, "ada", "1h");
    let server = serve_git(
        &sandbox,
        &db,
        false,
        &["--git-timeout", "2s", "--git-max-bytes", "500000"],
    );
    let base = &server.url;

    let started = Instant::now();
    let hanging = format!("git://127.0.0.1:{}/stuck.git", silent.port);
    let reply = post_json(
        base,
        "/api/submissions",
        &token,
        &json!({ "project": "git-sum", "git": { "url": hanging } }),
    );
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(reply.status, 504, "{}", text(&reply.body));
    let error = reply.json()["error"].as_str().unwrap().to_owned();
    assert!(error.contains("took longer than 2s"), "{error}");

    let reply = post_json(
        base,
        "/api/submissions",
        &token,
        &json!({ "project": "git-sum", "git": { "url": url } }),
    );
    assert_eq!(reply.status, 413, "{}", text(&reply.body));
    assert!(text(&reply.body).contains("larger than the 500000 bytes"));
    // A learner file that is a symbolic link is refused, never followed.
    let linked = daemon.bare("linked.git");
    let work = WorkingCopy::new(&sandbox.path("linked"), &linked);
    std::fs::create_dir_all(work.dir.join("0x01-sum")).unwrap();
    std::os::unix::fs::symlink("/etc/passwd", work.dir.join("0x01-sum/sum.js")).unwrap();
    work.commit(&[("README.md", "link\n")], "a link");
    work.push("main", false);
    let reply = post_json(
        base,
        "/api/submissions",
        &token,
        &json!({ "project": "git-sum", "git": { "url": linked } }),
    );
    assert_eq!(reply.status, 400, "{}", text(&reply.body));
    assert!(text(&reply.body).contains("`sum.js` is a symbolic link"));

    // Nothing was queued by any of them.
    let metrics = text(&get(base, "/metrics", None).body);
    assert!(!metrics.contains("status=\"queued\"} 1"), "{metrics}");
}

#[test]
fn results_are_reported_back_per_commit_with_retries() {
    if !git_ready() || !docker_ready() {
        return;
    }
    let sandbox = Sandbox::new();
    let daemon = GitDaemon::start(&sandbox.path("repos"));
    let url = daemon.bare("learner.git");
    let work = WorkingCopy::new(&sandbox.path("work"), &url);
    let commit = work.commit(&[("0x01-sum/sum.js", SUM_OK)], "sum");
    work.push("main", false);
    let receiver = CallbackReceiver::start(2);
    let template = format!(
        "http://127.0.0.1:{}/status/{{commit}}?project={{project}}",
        receiver.port
    );

    let db = sandbox.sqlite();
    sandbox.add_user(&db, "ada", "learner");
    let token = sandbox.token(&db, "ada", "1h");
    let server = serve_git(
        &sandbox,
        &db,
        true,
        &[
            "--git-callback-url",
            &template,
            "--git-callback-backoff",
            "300ms",
        ],
    );
    let base = &server.url;
    let reply = post_json(
        base,
        "/api/submissions",
        &token,
        &json!({ "project": "git-sum", "git": { "url": url } }),
    );
    assert_eq!(reply.status, 202, "{}", text(&reply.body));
    let id = reply.json()["id"].as_i64().unwrap();
    let graded = wait_final(base, &token, id, Duration::from_secs(120));
    assert_eq!(graded["score"], 100.0, "{graded}");

    // Two refused attempts, then one accepted; the waits between them double.
    let received = wait_for("three callback attempts", Duration::from_secs(30), || {
        let received = receiver.received();
        (received.len() >= 3).then_some(received)
    });
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(
        receiver.received().len(),
        3,
        "nothing after the accepted one"
    );
    let first_wait = received[1].at - received[0].at;
    let second_wait = received[2].at - received[1].at;
    assert!(first_wait >= Duration::from_millis(300), "{first_wait:?}");
    assert!(second_wait >= Duration::from_millis(600), "{second_wait:?}");
    let last = &received[2];
    assert_eq!(last.path, format!("/status/{commit}?project=git-sum"));
    assert_eq!(
        last.headers.get("x-hub-signature-256"),
        Some(&github_signature(SECRET, &last.body))
    );
    let body: Value = serde_json::from_slice(&last.body).unwrap();
    assert_eq!(body["commit"], commit);
    assert_eq!(body["submission"], id);
    assert_eq!(body["status"], "graded");
    assert_eq!(body["score"], 100.0);
    assert_eq!(body["passed"], true);
    assert_eq!(body["user"], "ada");
}

#[test]
fn git_sources_links_deliveries_and_callbacks_on_postgresql() {
    if !git_ready() {
        return;
    }
    let Some(db) = fresh_postgres("git") else {
        return;
    };
    let grade = docker_ready();
    let sandbox = Sandbox::new();
    let daemon = GitDaemon::start(&sandbox.path("repos"));
    let url = daemon.bare("pg.git");
    let work = WorkingCopy::new(&sandbox.path("work"), &url);
    let commit = work.commit(
        &[
            ("0x01-sum/sum.js", SUM_OK),
            ("0x02-greet/greet.js", GREET_OK),
        ],
        "both",
    );
    work.push("main", false);
    let receiver = CallbackReceiver::start(1);
    let template = format!("http://127.0.0.1:{}/{{submission}}", receiver.port);
    sandbox.add_user(&db, "ada", "learner");
    sandbox.add_user(&db, "eve", "learner");
    let ada = sandbox.token(&db, "ada", "1h");
    let eve = sandbox.token(&db, "eve", "1h");
    let server = serve_git(
        &sandbox,
        &db,
        grade,
        &[
            "--git-callback-url",
            &template,
            "--git-callback-backoff",
            "200ms",
        ],
    );
    let base = &server.url;

    let body = json!({
        "ref": "refs/heads/main",
        "after": commit,
        "repository": { "clone_url": url, "pushed_at": now_secs() },
        "commits": [{ "added": ["0x02-greet/greet.js"], "modified": [], "removed": [] }],
    })
    .to_string()
    .into_bytes();
    let headers = vec![
        ("X-GitHub-Event", "push".to_owned()),
        ("X-GitHub-Delivery", "pg-1".to_owned()),
        ("X-Hub-Signature-256", github_signature(SECRET, &body)),
    ];
    // Before the repository is linked: refused, and the delivery is not spent.
    let (status, answer) = deliver(base, &headers, &body);
    assert_eq!(status, 404, "{answer}");
    assert!(
        answer["error"]
            .as_str()
            .unwrap()
            .contains("no learner linked")
    );
    let reply = post_json(base, "/api/me/repos", &ada, &json!({ "url": url }));
    assert_eq!(reply.status, 201, "{}", text(&reply.body));
    let reply = post_json(
        base,
        "/api/me/repos",
        &ada,
        &json!({ "url": format!("{url}/") }),
    );
    assert_eq!(reply.status, 201, "linking one's own again is fine");
    let secret = reply.json()["webhook_secret"].as_str().unwrap().to_owned();
    let ping = json!({ "zen": "hi", "repository": { "clone_url": url } })
        .to_string()
        .into_bytes();
    let pinged = vec![
        ("X-GitHub-Event", "ping".to_owned()),
        ("X-Hub-Signature-256", github_signature(&secret, &ping)),
    ];
    assert_eq!(
        deliver(base, &pinged, &ping).0,
        200,
        "the ping confirms the link"
    );
    let reply = post_json(base, "/api/me/repos", &eve, &json!({ "url": url }));
    assert_eq!(reply.status, 409, "{}", text(&reply.body));

    let (status, answer) = deliver(base, &headers, &body);
    assert_eq!(status, 202, "{answer}");
    assert_eq!(
        answer["submissions"].as_array().unwrap().len(),
        1,
        "{answer}"
    );
    assert_eq!(answer["submissions"][0]["project"], "git-greet");
    let (status, _) = deliver(base, &headers, &body);
    assert_eq!(status, 409);
    let id = answer["submissions"][0]["id"].as_i64().unwrap();
    assert_eq!(submission(base, &ada, id)["git"]["commit"], commit);

    if !grade {
        return;
    }
    assert_eq!(
        wait_final(base, &ada, id, Duration::from_secs(120))["score"],
        100.0
    );
    let received = wait_for("the callback", Duration::from_secs(30), || {
        let received = receiver.received();
        (received.len() >= 2).then_some(received)
    });
    assert_eq!(received[1].path, format!("/{id}"));
    let reported: Value = serde_json::from_slice(&received[1].body).unwrap();
    assert_eq!(reported["commit"], commit);
    assert_eq!(reported["project"], "git-greet");
}
