//! Attacks on a running server (real TCP on 127.0.0.1, real SQLite): what an unauthenticated
//! caller can make the server spend, and how sign-in holds up against guessing. Every loop is
//! bounded in count and time.

use std::sync::Arc;
use std::time::Duration;

use web::Curriculum;
use web::api::AppState;
use web::auth::hash_password;
use web::store::{self, DbUrl, Role};

/// The tests of this file run one at a time: the memory one reads this process's peak, which
/// a neighbour's password checks would raise.
static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

struct Server {
    base: String,
    _dir: tempfile::TempDir,
    stop: tokio::sync::watch::Sender<bool>,
}

async fn start(state: impl FnOnce(AppState) -> AppState) -> Server {
    let dir = tempfile::tempdir().unwrap();
    let url = DbUrl::parse(&dir.path().join("checker.db").display().to_string()).unwrap();
    let store = store::open(&url).await.unwrap();
    store
        .add_user(
            "ada",
            Role::Learner,
            &hash_password("right horse".into()).await.unwrap(),
        )
        .await
        .unwrap();
    let curriculum = Arc::new(Curriculum::from_projects(Vec::new()));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let state = state(AppState::new(store, curriculum));
    tokio::spawn(web::serve(listener, state, None, stopped));
    Server {
        base,
        _dir: dir,
        stop,
    }
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
