//! Attacks on a running server (real TCP on 127.0.0.1, real SQLite, a real `git daemon`): what
//! an unauthenticated caller or a learner can make the server spend, how sign-in holds up
//! against guessing, races against the submission rate limit and replayed webhooks. Every loop
//! is bounded in count and time.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use web::Curriculum;
use web::api::{AppState, RateLimit};
use web::auth::{ApiToken, hash_password};
use web::git::webhook::WebhookSecret;
use web::store::{self, DbUrl, Role};

/// The tests of this file run one at a time: the memory one reads this process's peak, which
/// a neighbour's password checks would raise.
static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

struct Server {
    base: String,
    _dir: tempfile::TempDir,
    stop: tokio::sync::watch::Sender<bool>,
    /// An API token of the learner `ada`.
    token: String,
    store: Arc<dyn store::Store>,
}

/// The project of these tests: `git-sum`, file `sum.js` in folder `0x01-sum`.
const PROJECT: &str = "git-sum";

async fn start(state: impl FnOnce(AppState) -> AppState) -> Server {
    let dir = tempfile::tempdir().unwrap();
    let url = DbUrl::parse(&dir.path().join("checker.db").display().to_string()).unwrap();
    let store = store::open(&url).await.unwrap();
    let ada = store
        .add_user(
            "ada",
            Role::Learner,
            &hash_password("right horse".into()).await.unwrap(),
        )
        .await
        .unwrap();
    let token = ApiToken::generate();
    store
        .add_token(ada.id, &token.hash(), "test", None)
        .await
        .unwrap();
    let tasks = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/git/tasks");
    let curriculum = Arc::new(Curriculum::load(&tasks).unwrap());
    store.record_projects(&curriculum.versions()).await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let state = state(AppState::new(store.clone(), curriculum));
    tokio::spawn(web::serve(listener, state, None, stopped));
    Server {
        base,
        _dir: dir,
        stop,
        token: token.expose().to_owned(),
        store,
    }
}

/// At most `submissions` per minute.
fn rate(submissions: u32) -> RateLimit {
    RateLimit {
        submissions,
        window: Duration::from_secs(60),
    }
}

/// Answers by status code.
async fn tally(answers: Vec<tokio::task::JoinHandle<u16>>) -> BTreeMap<u16, usize> {
    let mut tally = BTreeMap::new();
    for answer in answers {
        *tally.entry(answer.await.unwrap()).or_insert(0) += 1;
    }
    tally
}

async fn upload(client: &reqwest::Client, server: &Server, archive: Vec<u8>) -> u16 {
    upload_to(client, &server.base, &server.token, archive).await
}

async fn upload_to(client: &reqwest::Client, base: &str, token: &str, archive: Vec<u8>) -> u16 {
    client
        .post(format!("{base}/api/submissions?project={PROJECT}"))
        .bearer_auth(token)
        .header("content-type", "application/gzip")
        .body(archive)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

fn archive(files: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let files: BTreeMap<String, checker::submission::LearnerFile> = files
        .iter()
        .map(|(path, contents)| {
            let file = checker::submission::LearnerFile::new(contents.clone());
            ((*path).to_owned(), file)
        })
        .collect();
    checker::upload::pack_tar_gz(&files).unwrap()
}

/// A client whose connections come from `source` (any 127.0.0.0/8 address works on Linux).
fn client_from(source: &str) -> reqwest::Client {
    reqwest::Client::builder()
        .local_address(source.parse::<std::net::IpAddr>().ok())
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap()
}

async fn login(client: &reqwest::Client, base: &str, name: &str, password: &str) -> u16 {
    client
        .post(format!("{base}/api/login"))
        .json(&serde_json::json!({ "name": name, "password": password }))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

/// Peak resident memory of this process (the server runs in it), in MiB.
fn peak_rss_mib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap();
    line.split_whitespace()
        .nth(1)
        .unwrap()
        .parse::<u64>()
        .unwrap()
        / 1024
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sign_in_flood_costs_bounded_memory_and_a_real_sign_in_still_works() {
    let _serial = SERIAL.lock().await;
    let server = start(|state| state).await;
    let attacker = client_from("127.0.0.1");
    // Warm up: one check allocates argon2's memory once.
    assert_eq!(login(&attacker, &server.base, "ada", "nope").await, 401);
    let before = peak_rss_mib();
    let flood: Vec<_> = (0..64)
        .map(|i| {
            let attacker = attacker.clone();
            let base = server.base.clone();
            tokio::spawn(async move { login(&attacker, &base, &format!("user{i}"), "x").await })
        })
        .collect();
    let mut answers = std::collections::BTreeMap::new();
    for answer in flood {
        *answers.entry(answer.await.unwrap()).or_insert(0) += 1;
    }
    let grown = peak_rss_mib().saturating_sub(before);
    // Unbounded, 64 argon2 checks at once hold 64 x 19 MiB (1.2 GiB; 2.7 GiB was measured).
    // Bounded, a few run at a time; what stays is glibc keeping a freed 19 MiB block in each
    // malloc arena the blocking threads used (at most 8 per core), so well under 640 MiB.
    assert!(
        grown < 640,
        "peak memory grew by {grown} MiB under 64 concurrent sign-ins ({answers:?})"
    );
    assert!(
        answers.keys().all(|s| [401, 429, 503].contains(s)),
        "{answers:?}"
    );
    let learner = client_from("127.0.0.2");
    assert_eq!(
        login(&learner, &server.base, "ada", "right horse").await,
        200
    );
    let _ = server.stop.send(true);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn guessing_one_password_is_slowed_down_and_told_when_to_retry() {
    let _serial = SERIAL.lock().await;
    let server = start(|state| state).await;
    let client = client_from("127.0.0.3");
    for _ in 0..5 {
        assert_eq!(login(&client, &server.base, "ada", "guess").await, 401);
    }
    // Even the right password waits now: the guesser cannot tell when they found it.
    let answer = client
        .post(format!("{}/api/login", server.base))
        .json(&serde_json::json!({ "name": "ada", "password": "right horse" }))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status().as_u16(), 429);
    let retry: u64 = answer.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=300).contains(&retry), "Retry-After: {retry}");
    let body: serde_json::Value = answer.json().await.unwrap();
    assert!(
        body["error"]
            .as_str()
            .unwrap()
            .contains("too many failed sign-ins")
    );
    assert!(!body["hint"].as_str().unwrap().is_empty());
    // The dashboard's form shares the same throttle.
    let page = client
        .post(format!("{}/login", server.base))
        .header("cookie", "checker_login_csrf=abc")
        .form(&[
            ("name", "ada"),
            ("password", "right horse"),
            ("csrf", "abc"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(page.status().as_u16(), 429);
    assert!(page.headers().contains_key("retry-after"));
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(
        login(&client, &server.base, "ada", "right horse").await,
        200
    );
    let _ = server.stop.send(true);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn when_every_hashing_slot_is_taken_sign_ins_get_503_with_retry_after() {
    let _serial = SERIAL.lock().await;
    let server = start(|mut state| {
        state.sign_in = Arc::new(web::signin::SignInGuard::new(1, 0));
        state
    })
    .await;
    let answers: Vec<_> = (0..16)
        .map(|i| {
            let client = client_from("127.0.0.4");
            let base = server.base.clone();
            tokio::spawn(async move { login(&client, &base, &format!("u{i}"), "x").await })
        })
        .collect();
    let mut busy = 0;
    for answer in answers {
        match answer.await.unwrap() {
            503 => busy += 1,
            401 => {}
            other => panic!("unexpected {other}"),
        }
    }
    assert!(
        busy > 0,
        "16 concurrent checks on one slot and no queue: some must be refused"
    );
    let _ = server.stop.send(true);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_uploads_get_exactly_the_rate_limit() {
    let _serial = SERIAL.lock().await;
    let server = start(|mut state| {
        state.rate_limit = rate(3);
        state
    })
    .await;
    let client = client_from("127.0.0.5");
    let good = archive(&[("sum.js", b"console.log(3)\n".to_vec())]);
    let answers = (0..12)
        .map(|_| {
            let (client, good) = (client.clone(), good.clone());
            let (base, token) = (server.base.clone(), server.token.clone());
            tokio::spawn(async move { upload_to(&client, &base, &token, good).await })
        })
        .collect();
    let tally = tally(answers).await;
    eprintln!("12 concurrent uploads, limit 3: {tally:?}");
    assert_eq!(tally.get(&202), Some(&3), "{tally:?}");
    assert_eq!(tally.get(&429), Some(&9), "{tally:?}");
    let _ = server.stop.send(true);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_uploads_count_against_the_limit_and_are_never_unpacked_in_full() {
    let _serial = SERIAL.lock().await;
    let server = start(|mut state| {
        state.rate_limit = rate(0);
        state
    })
    .await;
    let client = client_from("127.0.0.6");
    // None of the project's files: 31 files of 1 MiB of zeros (about 32 KiB packed).
    let junk: Vec<(String, Vec<u8>)> = (0..31)
        .map(|i| (format!("junk/{i}.bin"), vec![0u8; 1024 * 1024]))
        .collect();
    let junk: Vec<(&str, Vec<u8>)> = junk.iter().map(|(p, c)| (p.as_str(), c.clone())).collect();
    let refused = archive(&junk);
    assert!(refused.len() < 100 * 1024, "{}", refused.len());
    // Warm up the runtime's and the allocator's pools once.
    assert_eq!(upload(&client, &server, refused.clone()).await, 400);
    let before = peak_rss_mib();
    let started = Instant::now();
    let mut tally = BTreeMap::new();
    for _round in 0..2 {
        let answers = (0..32)
            .map(|_| {
                let (client, refused) = (client.clone(), refused.clone());
                let (base, token) = (server.base.clone(), server.token.clone());
                tokio::spawn(async move { upload_to(&client, &base, &token, refused).await })
            })
            .collect();
        for (status, n) in self::tally(answers).await {
            *tally.entry(status).or_insert(0) += n;
        }
    }
    let grown = peak_rss_mib().saturating_sub(before);
    eprintln!(
        "64 refused {} KiB archives: peak memory +{grown} MiB in {:?} ({tally:?})",
        refused.len() / 1024,
        started.elapsed()
    );
    assert_eq!(tally.get(&400), Some(&64), "{tally:?}");
    // Buffered, 32 at once would hold 32 x 31 MiB (1 GiB); skipped unread, a few MiB.
    assert!(grown < 200, "peak memory grew by {grown} MiB");
    let _ = server.stop.send(true);

    // With a limit, refused uploads take their slot too: the next good one waits.
    let server = start(|mut state| {
        state.rate_limit = rate(2);
        state
    })
    .await;
    for _ in 0..2 {
        assert_eq!(upload(&client, &server, refused.clone()).await, 400);
    }
    let good = archive(&[("sum.js", b"console.log(3)\n".to_vec())]);
    assert_eq!(upload(&client, &server, good).await, 429);
    let _ = server.stop.send(true);
}

/// Whether git is here; under CI it must be.
fn git_ready() -> bool {
    let ready = Command::new("git")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ready && std::env::var_os("CI").is_some_and(|v| v == "true") {
        panic!("git is missing (CI=true): install git");
    }
    if !ready {
        eprintln!("skipped: git is missing");
    }
    ready
}

fn git(dir: &Path, args: &[&str]) -> String {
    let output = Command::new("git")
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_AUTHOR_NAME", "Ada")
        .env("GIT_AUTHOR_EMAIL", "ada@example.org")
        .env("GIT_COMMITTER_NAME", "Ada")
        .env("GIT_COMMITTER_EMAIL", "ada@example.org")
        .args(args)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}

/// A `git daemon` on 127.0.0.1 serving one repository with `commits` commits of
/// `0x01-sum/sum.js`; killed when dropped.
struct Repo {
    daemon: Child,
    url: String,
    commits: Vec<String>,
    _dir: tempfile::TempDir,
}

impl Drop for Repo {
    fn drop(&mut self) {
        let _ = self.daemon.kill();
        let _ = self.daemon.wait();
    }
}

fn repo(commits: usize) -> Repo {
    let dir = tempfile::tempdir().unwrap();
    let work = dir.path().join("work");
    let base = dir.path().join("repos");
    std::fs::create_dir_all(work.join("0x01-sum")).unwrap();
    std::fs::create_dir_all(&base).unwrap();
    git(&work, &["init", "--quiet", "-b", "main"]);
    let mut shas = Vec::new();
    for i in 0..commits {
        std::fs::write(work.join("0x01-sum/sum.js"), format!("console.log({i});\n")).unwrap();
        git(&work, &["add", "."]);
        git(&work, &["commit", "--quiet", "-m", &format!("c{i}")]);
        shas.push(git(&work, &["rev-parse", "HEAD"]));
    }
    git(
        &base,
        &[
            "clone",
            "--bare",
            "--quiet",
            work.to_str().unwrap(),
            "learner.git",
        ],
    );
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let daemon = Command::new("git")
        .current_dir(&base)
        .args([
            "daemon",
            "--export-all",
            "--reuseaddr",
            "--listen=127.0.0.1",
        ])
        .arg(format!("--port={port}"))
        .arg(format!("--base-path={}", base.display()))
        .arg(&base)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "git daemon did not listen");
        std::thread::sleep(Duration::from_millis(50));
    }
    Repo {
        daemon,
        url: format!("git://127.0.0.1:{port}/learner.git"),
        commits: shas,
        _dir: dir,
    }
}

fn with_git(mut state: AppState, submissions: u32) -> AppState {
    state.rate_limit = rate(submissions);
    state.git = Arc::new(web::git::GitConfig {
        allow_hosts: vec!["127.0.0.1".into()],
        ..web::git::GitConfig::default()
    });
    state
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_git_submissions_get_exactly_the_rate_limit() {
    if !git_ready() {
        return;
    }
    let _serial = SERIAL.lock().await;
    let repo = repo(1);
    let server = start(|state| with_git(state, 3)).await;
    let client = client_from("127.0.0.7");
    let answers = (0..10)
        .map(|_| {
            let client = client.clone();
            let (base, token, url) = (server.base.clone(), server.token.clone(), repo.url.clone());
            tokio::spawn(async move {
                client
                    .post(format!("{base}/api/submissions"))
                    .bearer_auth(token)
                    .json(&json!({ "project": PROJECT, "git": { "url": url, "rev": "main" } }))
                    .send()
                    .await
                    .unwrap()
                    .status()
                    .as_u16()
            })
        })
        .collect();
    let tally = tally(answers).await;
    eprintln!("10 concurrent git submissions, limit 3: {tally:?}");
    assert_eq!(tally.get(&202), Some(&3), "{tally:?}");
    assert_eq!(tally.get(&429), Some(&7), "{tally:?}");
    let _ = server.stop.send(true);
}

async fn deliver(
    client: &reqwest::Client,
    base: &str,
    headers: &[(&str, String)],
    body: &[u8],
) -> (u16, Value) {
    let mut request = client
        .post(format!("{base}/api/hooks/git"))
        .header("content-type", "application/json")
        .body(body.to_vec());
    for (name, value) in headers {
        request = request.header(*name, value);
    }
    let answer = request.send().await.unwrap();
    let status = answer.status().as_u16();
    (status, answer.json().await.unwrap_or(Value::Null))
}

fn now_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// Links the repository as `ada`; its webhook secret.
async fn link(client: &reqwest::Client, server: &Server, url: &str) -> String {
    let answer = client
        .post(format!("{}/api/me/repos", server.base))
        .bearer_auth(&server.token)
        .json(&json!({ "url": url }))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status().as_u16(), 201);
    let linked: Value = answer.json().await.unwrap();
    linked["webhook_secret"].as_str().unwrap().to_owned()
}

fn github_push(url: &str, after: &str, pushed_at: i64) -> Vec<u8> {
    json!({
        "ref": "refs/heads/main",
        "after": after,
        "repository": { "clone_url": url, "pushed_at": pushed_at },
        "commits": [{ "added": [], "modified": ["0x01-sum/sum.js"], "removed": [] }],
    })
    .to_string()
    .into_bytes()
}

fn signed(secret: &str, delivery: &str, body: &[u8]) -> Vec<(&'static str, String)> {
    vec![
        ("x-github-event", "push".to_owned()),
        ("x-github-delivery", delivery.to_owned()),
        ("x-hub-signature-256", WebhookSecret::new(secret).sign(body)),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signed_pushes_are_rate_limited_and_replays_under_new_ids_refused() {
    if !git_ready() {
        return;
    }
    let _serial = SERIAL.lock().await;
    let repo = repo(4);
    let server = start(|state| with_git(state, 2)).await;
    let client = client_from("127.0.0.8");
    let secret = link(&client, &server, &repo.url).await;

    // One captured body, delivered again under new delivery ids: graded once.
    let body = github_push(&repo.url, &repo.commits[0], now_secs());
    let mut answers = Vec::new();
    for id in ["d-1", "d-2", "d-3"] {
        answers.push(deliver(&client, &server.base, &signed(&secret, id, &body), &body).await);
    }
    let statuses: Vec<u16> = answers.iter().map(|(s, _)| *s).collect();
    eprintln!("one push delivered under three ids: {statuses:?}");
    assert_eq!(statuses, [202, 409, 409], "{answers:?}");

    // GitLab's payloads carry no date: the same repository, ref and commit is a replay too.
    let gitlab = json!({
        "object_kind": "push",
        "ref": "refs/heads/main",
        "after": repo.commits[0],
        "project": { "git_http_url": repo.url },
        "commits": [{ "added": [], "modified": ["0x01-sum/sum.js"], "removed": [] }],
    })
    .to_string()
    .into_bytes();
    let gitlab_headers = |uuid: &str| {
        vec![
            ("x-gitlab-event", "Push Hook".to_owned()),
            ("x-gitlab-event-uuid", uuid.to_owned()),
            ("x-gitlab-token", secret.clone()),
        ]
    };
    let (status, answer) = deliver(&client, &server.base, &gitlab_headers("g-1"), &gitlab).await;
    assert_eq!(status, 409, "{answer}");

    // A push dated in the future is refused, not waved through.
    let future = github_push(&repo.url, &repo.commits[1], now_secs() + 86_400);
    let (status, answer) = deliver(
        &client,
        &server.base,
        &signed(&secret, "d-4", &future),
        &future,
    )
    .await;
    assert_eq!(status, 400, "{answer}");
    assert!(answer["error"].as_str().unwrap().contains("future"));

    // New commits: the second is the learner's last slot of the minute, the third waits.
    let mut statuses = Vec::new();
    for (i, commit) in repo.commits[1..].iter().enumerate() {
        let body = github_push(&repo.url, commit, now_secs());
        let headers = signed(&secret, &format!("n-{i}"), &body);
        let (status, answer) = deliver(&client, &server.base, &headers, &body).await;
        if status == 429 {
            assert!(
                answer["error"]
                    .as_str()
                    .unwrap()
                    .contains("submissions per")
            );
        }
        statuses.push(status);
    }
    eprintln!("three new pushes with a limit of 2 (one slot used): {statuses:?}");
    assert_eq!(statuses, [202, 429, 429]);
    // A push refused for the rate is not taken for handled: delivered later, it is graded.
    let body = github_push(&repo.url, &repo.commits[2], now_secs());
    let (status, answer) =
        deliver(&client, &server.base, &signed(&secret, "n-9", &body), &body).await;
    assert_eq!(status, 429, "{answer}");
    let _ = server.stop.send(true);
}

/// A new user of `role` with an API token; the token.
async fn user_with_token(server: &Server, name: &str, role: Role) -> String {
    let user = server.store.add_user(name, role, "unused").await.unwrap();
    let token = ApiToken::generate();
    server
        .store
        .add_token(user.id, &token.hash(), "test", None)
        .await
        .unwrap();
    token.expose().to_owned()
}

/// A queued submission of `ada` that no worker will take (none runs in these tests).
async fn queued_submission(client: &reqwest::Client, server: &Server) -> i64 {
    let good = archive(&[("sum.js", b"console.log(3)\n".to_vec())]);
    let answer = client
        .post(format!("{}/api/submissions?project={PROJECT}", server.base))
        .bearer_auth(&server.token)
        .header("content-type", "application/gzip")
        .body(good)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status().as_u16(), 202);
    answer.json::<Value>().await.unwrap()["id"]
        .as_i64()
        .unwrap()
}

async fn open_stream(
    client: &reqwest::Client,
    base: &str,
    token: &str,
    id: i64,
) -> reqwest::Response {
    client
        .get(format!("{base}/api/submissions/{id}/events"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
}

/// CPU time this process used (user and system), from /proc.
fn cpu_time() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap();
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .unwrap()
        .1
        .split_whitespace()
        .collect();
    // utime and stime are fields 14 and 15, counted from the pid; clock ticks of 1/100 s.
    let ticks: u64 = fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap();
    Duration::from_millis(ticks * 10)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_progress_streams_cost_little_cpu() {
    let _serial = SERIAL.lock().await;
    let server = start(|mut state| {
        state.rate_limit = rate(0);
        state
    })
    .await;
    let client = client_from("127.0.0.9");
    let id = queued_submission(&client, &server).await;
    // 300 streams of a submission nobody grades: 38 instructors (who may follow anyone's)
    // with 8 streams each, the most one user may hold.
    let mut streams = Vec::new();
    for i in 0..38 {
        let token = user_with_token(&server, &format!("prof{i}"), Role::Instructor).await;
        for _ in 0..8 {
            if streams.len() == 300 {
                break;
            }
            let stream = open_stream(&client, &server.base, &token, id).await;
            assert_eq!(stream.status().as_u16(), 200);
            streams.push(stream);
        }
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    let (cpu, wall) = (cpu_time(), Instant::now());
    tokio::time::sleep(Duration::from_secs(10)).await;
    let used = cpu_time() - cpu;
    let share = used.as_secs_f64() / wall.elapsed().as_secs_f64();
    eprintln!(
        "300 idle progress streams: {:.0}% of a core ({used:?} in {:?})",
        share * 100.0,
        wall.elapsed()
    );
    // Polling 4 times a second, they kept a core busy; waiting for news, they sleep.
    assert!(share < 0.15, "{:.0}% of a core", share * 100.0);
    drop(streams);
    let _ = server.stop.send(true);
}

/// Reads a stream until it ends or `within` passes; the text read.
async fn read_for(stream: reqwest::Response, within: Duration) -> String {
    let mut body = stream;
    let mut text = String::new();
    let _ = tokio::time::timeout(within, async {
        while let Ok(Some(chunk)) = body.chunk().await {
            text.push_str(&String::from_utf8_lossy(&chunk));
            if text.contains("event: done") {
                break;
            }
        }
    })
    .await;
    text
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn progress_streams_are_capped_per_user_end_after_their_lifetime_and_hear_news_at_once() {
    let _serial = SERIAL.lock().await;
    let mut hub = web::progress::ProgressHub::new(3, Duration::from_secs(2));
    // No fallback poll within the test: news must come from the announcement.
    hub.fallback_poll = Duration::from_secs(600);
    let hub = Arc::new(hub);
    let server = start(|mut state| {
        state.rate_limit = rate(0);
        state.progress = hub.clone();
        state
    })
    .await;
    let client = client_from("127.0.0.10");
    let id = queued_submission(&client, &server).await;
    let mut streams = Vec::new();
    for _ in 0..3 {
        let stream = open_stream(&client, &server.base, &server.token, id).await;
        assert_eq!(stream.status().as_u16(), 200);
        streams.push(stream);
    }
    let refused = open_stream(&client, &server.base, &server.token, id).await;
    assert_eq!(refused.status().as_u16(), 429);
    assert!(refused.headers().contains_key("retry-after"));
    let body: Value = refused.json().await.unwrap();
    assert!(
        body["error"].as_str().unwrap().contains("at once"),
        "{body}"
    );
    // Another user has their own streams.
    let prof = user_with_token(&server, "prof", Role::Instructor).await;
    let other = open_stream(&client, &server.base, &prof, id).await;
    assert_eq!(other.status().as_u16(), 200);

    // Each stream ends after its lifetime with an error event, and frees its place.
    let started = Instant::now();
    let text = read_for(streams.pop().unwrap(), Duration::from_secs(10)).await;
    assert!(text.contains("event: error"), "{text}");
    assert!(text.contains("connect again"), "{text}");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    drop(streams);
    let again = open_stream(&client, &server.base, &server.token, id).await;
    assert_eq!(again.status().as_u16(), 200);

    // News of a change reaches a waiting stream at once, without waiting for a poll.
    let job = server
        .store
        .claim("test", Duration::from_secs(60))
        .await
        .unwrap()
        .unwrap();
    server
        .store
        .finish(
            &job,
            &web::store::Outcome::Failed {
                error: "test".into(),
                report: None,
            },
        )
        .await
        .unwrap();
    let announced = Instant::now();
    hub.changed(id);
    let text = read_for(again, Duration::from_secs(5)).await;
    assert!(text.contains("event: done"), "{text}");
    assert!(
        announced.elapsed() < Duration::from_secs(1),
        "{:?}",
        announced.elapsed()
    );
    let _ = server.stop.send(true);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_huge_project_name_is_not_echoed_and_metrics_are_off_unless_asked() {
    let _serial = SERIAL.lock().await;
    let server = start(|mut state| {
        state.rate_limit = rate(0);
        state
    })
    .await;
    let client = client_from("127.0.0.11");
    let huge = "p".repeat(4 * 1024 * 1024);
    let form = reqwest::multipart::Form::new().text("project", huge).part(
        "archive",
        reqwest::multipart::Part::bytes(archive(&[("sum.js", b"1".to_vec())])),
    );
    let answer = client
        .post(format!("{}/api/submissions", server.base))
        .bearer_auth(&server.token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status().as_u16(), 404);
    let body = answer.bytes().await.unwrap();
    assert!(
        body.len() < 2048,
        "a 4 MiB name came back in {} bytes",
        body.len()
    );

    let metrics = client
        .get(format!("{}/metrics", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(metrics.status().as_u16(), 404);
    let body: Value = metrics.json().await.unwrap();
    assert!(
        body["hint"].as_str().unwrap().contains("--metrics"),
        "{body}"
    );
    let _ = server.stop.send(true);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_token_stops_working_at_once_and_only_its_owner_revokes_it() {
    let _serial = SERIAL.lock().await;
    let server = start(|state| state).await;
    let client = client_from("127.0.0.12");
    let get = |token: String, path: &'static str| {
        let (client, base) = (client.clone(), server.base.clone());
        async move {
            let answer = client
                .get(format!("{base}{path}"))
                .bearer_auth(token)
                .send()
                .await
                .unwrap();
            (
                answer.status().as_u16(),
                answer.json::<Value>().await.unwrap(),
            )
        }
    };
    // A second token from a sign-in: both are listed, the one in use marked.
    let login: Value = client
        .post(format!("{}/api/login", server.base))
        .json(&json!({ "name": "ada", "password": "right horse" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let second = login["token"].as_str().unwrap().to_owned();
    let (status, tokens) = get(second.clone(), "/api/me/tokens").await;
    assert_eq!(status, 200);
    let tokens = tokens.as_array().unwrap().clone();
    assert_eq!(tokens.len(), 2, "{tokens:?}");
    assert_eq!(tokens[0]["label"], "test");
    assert_eq!(
        (
            tokens[0]["current"].as_bool(),
            tokens[1]["current"].as_bool()
        ),
        (Some(false), Some(true))
    );
    assert!(!tokens.iter().any(|t| t.to_string().contains(&second)));
    let first_id = tokens[0]["id"].as_i64().unwrap();

    // Another user cannot revoke it (nor learn it exists).
    let eve = user_with_token(&server, "eve", Role::Learner).await;
    let delete = |token: String, path: String| {
        let (client, base) = (client.clone(), server.base.clone());
        async move {
            client
                .delete(format!("{base}{path}"))
                .bearer_auth(token)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    assert_eq!(delete(eve, format!("/api/me/tokens/{first_id}")).await, 404);
    assert_eq!(get(server.token.clone(), "/api/me").await.0, 200);
    // Revoked by its owner: refused from the next request on.
    assert_eq!(
        delete(second.clone(), format!("/api/me/tokens/{first_id}")).await,
        204
    );
    assert_eq!(get(server.token.clone(), "/api/me").await.0, 401);
    // A token revokes itself.
    assert_eq!(
        delete(second.clone(), "/api/me/tokens/current".into()).await,
        204
    );
    assert_eq!(get(second, "/api/me").await.0, 401);
    let _ = server.stop.send(true);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_that_grades_only_linked_repositories_refuses_anyone_elses() {
    if !git_ready() {
        return;
    }
    let _serial = SERIAL.lock().await;
    let repo = repo(1);
    let server = start(|state| {
        let mut state = with_git(state, 0);
        let mut git = (*state.git).clone();
        git.linked_only = true;
        state.git = Arc::new(git);
        state
    })
    .await;
    let client = client_from("127.0.0.13");
    let submit = |token: String| {
        let (client, base, url) = (client.clone(), server.base.clone(), repo.url.clone());
        async move {
            client
                .post(format!("{base}/api/submissions"))
                .bearer_auth(token)
                .json(&json!({ "project": PROJECT, "git": { "url": url, "rev": "main" } }))
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    assert_eq!(submit(server.token.clone()).await, 403);
    link(&client, &server, &repo.url).await;
    assert_eq!(submit(server.token.clone()).await, 202);
    // Ada's repository is not Eve's to submit.
    let eve = user_with_token(&server, "eve", Role::Learner).await;
    assert_eq!(submit(eve).await, 403);
    let _ = server.stop.send(true);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn over_https_the_sign_in_form_believes_only_a_host_only_csrf_cookie() {
    let _serial = SERIAL.lock().await;
    let server = start(|state| state).await;
    let client = reqwest::Client::builder()
        .local_address("127.0.0.14".parse::<std::net::IpAddr>().ok())
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let post = |cookie: String, csrf: String| {
        let (client, base) = (client.clone(), server.base.clone());
        async move {
            client
                .post(format!("{base}/login"))
                .header("x-forwarded-proto", "https")
                .header("cookie", cookie)
                .form(&[
                    ("name", "ada"),
                    ("password", "right horse"),
                    ("csrf", &csrf),
                ])
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    // A token planted in the plain cookie (from a sibling subdomain or over plain HTTP) and
    // echoed in a forged form is not believed.
    assert_eq!(
        post("checker_login_csrf=abc".into(), "abc".into()).await,
        403
    );
    // The form's own, set by this host over HTTPS as a __Host- cookie, is.
    let page = client
        .get(format!("{}/login", server.base))
        .header("x-forwarded-proto", "https")
        .send()
        .await
        .unwrap();
    let set = page.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(set.starts_with("__Host-checker_login_csrf="), "{set}");
    assert!(set.contains("Secure") && set.contains("Path=/"), "{set}");
    let pair = set.split(';').next().unwrap().to_owned();
    let token = pair.split_once('=').unwrap().1.to_owned();
    assert_eq!(post(pair, token).await, 303);
    let _ = server.stop.send(true);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_squatted_link_passes_to_whoever_proves_the_repository_theirs() {
    if !git_ready() {
        return;
    }
    let _serial = SERIAL.lock().await;
    let repo = repo(1);
    let server = start(|state| with_git(state, 0)).await;
    let client = client_from("127.0.0.15");
    let eve = user_with_token(&server, "eve", Role::Learner).await;
    let link_as = |token: String| {
        let (client, base, url) = (client.clone(), server.base.clone(), repo.url.clone());
        async move {
            let answer = client
                .post(format!("{base}/api/me/repos"))
                .bearer_auth(token)
                .json(&json!({ "url": url }))
                .send()
                .await
                .unwrap();
            (
                answer.status().as_u16(),
                answer.json::<Value>().await.unwrap(),
            )
        }
    };
    // Eve links Ada's repository first: she gets a secret, but cannot set the repository's
    // webhook, so the link stays pending.
    let (status, squatted) = link_as(eve.clone()).await;
    assert_eq!(status, 201, "{squatted}");
    assert_eq!(squatted["confirmed"], false);
    // Ada links it too: the pending link passes to her, with a new secret.
    let (status, mine) = link_as(server.token.clone()).await;
    assert_eq!(status, 201, "{mine}");
    assert_ne!(mine["webhook_secret"], squatted["webhook_secret"]);
    // Eve's old secret no longer signs anything for it.
    let body = github_push(&repo.url, &repo.commits[0], now_secs());
    let eve_secret = squatted["webhook_secret"].as_str().unwrap();
    let (status, _) = deliver(
        &client,
        &server.base,
        &signed(eve_secret, "e-1", &body),
        &body,
    )
    .await;
    assert_eq!(status, 401);
    // Ada's webhook pings with her secret: confirmed, and Eve cannot take it back.
    let ping = json!({ "zen": "hi", "repository": { "clone_url": repo.url } })
        .to_string()
        .into_bytes();
    let secret = mine["webhook_secret"].as_str().unwrap();
    let headers = vec![
        ("x-github-event", "ping".to_owned()),
        (
            "x-hub-signature-256",
            WebhookSecret::new(secret).sign(&ping),
        ),
    ];
    assert_eq!(deliver(&client, &server.base, &headers, &ping).await.0, 200);
    let (status, refused) = link_as(eve).await;
    assert_eq!(status, 409, "{refused}");
    let (status, again) = link_as(server.token.clone()).await;
    assert_eq!((status, &again["confirmed"]), (201, &json!(true)));
    let _ = server.stop.send(true);
}
