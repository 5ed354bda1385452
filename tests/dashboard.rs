//! The dashboard, end to end: the real `checker serve` on 127.0.0.1 with a SQLite file, plain
//! HTTP for sessions, cookies and CSRF, and Debian's Chromium (headless, through chromedriver)
//! for what a person sees: signing in, a submission graded live, scores, the instructor's grid.
//! Screenshots of the main pages land in `target/screenshots/`.

mod support;

use std::time::Duration;

use fantoccini::Locator;
use support::dashboard::*;
use support::docker::docker_ready;
use support::http::request;
use support::server::{Sandbox, fresh_postgres, smoke_tasks, submit_smoke, wait_final};

/// Learners ada and bob, instructor prof (password `password123`), and API tokens of the two.
fn class(sandbox: &Sandbox, db: &str) -> (String, String) {
    for (name, role) in [
        ("ada", "learner"),
        ("bob", "learner"),
        ("prof", "instructor"),
    ] {
        sandbox.add_user(db, name, role);
    }
    (
        sandbox.token(db, "ada", "1h"),
        sandbox.token(db, "bob", "1h"),
    )
}

#[test]
fn sessions_cookies_csrf_and_who_sees_what() {
    let sandbox = Sandbox::new();
    let db = sandbox.sqlite();
    let (ada_token, bob_token) = class(&sandbox, &db);
    let server = sandbox.serve(&db, &["--tasks-dir", &smoke_tasks(), "--no-grade"], &[]);
    let base = &server.url;
    let adas = submit_smoke(base, &ada_token, "42\n", None);
    let bobs = submit_smoke(base, &bob_token, "41\n", None);

    // Strangers go to the sign-in page; every page carries the security headers.
    let home = request("GET", base, "/", &[], None);
    assert_eq!(home.status, 303);
    assert_eq!(home.header("location"), Some("/login?next=/"));
    let form = request("GET", base, "/login", &[], None);
    assert_eq!(form.status, 200);
    let csp = form.header("content-security-policy").unwrap();
    for rule in [
        "default-src 'none'",
        "script-src 'self'",
        "frame-ancestors 'none'",
    ] {
        assert!(csp.contains(rule), "{csp}");
    }
    assert!(!csp.contains("unsafe-inline"));
    assert_eq!(form.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(form.header("cache-control"), Some("no-store"));
    assert!(form.body.contains("name=\"viewport\""));
    let script = request("GET", base, "/static/dashboard.js", &[], None);
    assert!(
        script
            .header("content-type")
            .unwrap()
            .contains("javascript")
    );
    assert!(script.body.contains("EventSource"));

    // Signing in needs the form's token; a wrong password is refused without saying which.
    let csrf = form.cookie("checker_login_csrf").unwrap();
    let login_cookie = format!("checker_login_csrf={csrf}");
    let body = format!("name=ada&password=password123&csrf={csrf}");
    let no_token = request(
        "POST",
        base,
        "/login",
        &[],
        Some("name=ada&password=password123"),
    );
    assert_eq!(no_token.status, 403, "{}", no_token.body);
    assert!(no_token.body.contains("security token"));
    let wrong_token = request(
        "POST",
        base,
        "/login",
        &[("Cookie", &login_cookie)],
        Some("name=ada&password=password123&csrf=0000"),
    );
    assert_eq!(wrong_token.status, 403);
    let wrong = request(
        "POST",
        base,
        "/login",
        &[("Cookie", &login_cookie)],
        Some(&format!("name=ada&password=nope&csrf={csrf}")),
    );
    assert_eq!(wrong.status, 401);
    assert!(wrong.body.contains("Wrong name or password"));
    let signed_in = request(
        "POST",
        base,
        "/login",
        &[("Cookie", &login_cookie)],
        Some(&format!("{body}&next=/projects/server-smoke")),
    );
    assert_eq!(signed_in.status, 303);
    assert_eq!(signed_in.header("location"), Some("/projects/server-smoke"));
    let session = signed_in.set_cookie("checker_session").unwrap();
    for flag in ["HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(session.contains(flag), "{session}");
    }
    assert!(!session.contains("Secure"), "plain HTTP: {session}");
    let behind_tls = request(
        "POST",
        base,
        "/login",
        // Over HTTPS the form's token is in a `__Host-` cookie, which only this host can set.
        &[
            ("Cookie", &format!("__Host-{login_cookie}")),
            ("X-Forwarded-Proto", "https"),
        ],
        Some(&body),
    );
    assert!(
        behind_tls
            .set_cookie("checker_session")
            .unwrap()
            .contains("; Secure")
    );
    // Off-site redirects after signing in are refused.
    let elsewhere = request(
        "POST",
        base,
        "/login",
        &[("Cookie", &login_cookie)],
        Some(&format!("{body}&next=//evil.example/")),
    );
    assert_eq!(elsewhere.header("location"), Some("/"));

    // The learner sees their own work, and nothing of anyone else's.
    let ada = http_sign_in(base, "ada", "password123");
    let with_ada = [("Cookie", ada.as_str())];
    let home = request("GET", base, "/", &with_ada, None);
    assert_eq!(home.status, 200);
    assert!(home.body.contains("Being graded"), "{}", home.body);
    assert!(home.body.contains(&format!("/submissions/{adas}")));
    let page = request(
        "GET",
        base,
        &format!("/submissions/{adas}"),
        &with_ada,
        None,
    );
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Queued"));
    assert!(
        page.body
            .contains("<noscript><meta http-equiv=\"refresh\" content=\"3\"></noscript>")
    );
    assert!(
        page.body
            .contains(&format!("data-events=\"/submissions/{adas}/events\""))
    );
    for (path, status) in [
        (format!("/submissions/{bobs}"), 404),
        ("/submissions/999999".to_owned(), 404),
        ("/class".to_owned(), 403),
        ("/class.csv".to_owned(), 403),
        ("/class/projects/server-smoke".to_owned(), 403),
        ("/learners/bob".to_owned(), 403),
        ("/projects/server-smoke?learner=bob".to_owned(), 403),
        ("/projects/nope".to_owned(), 404),
    ] {
        let reply = request("GET", base, &path, &with_ada, None);
        assert_eq!(reply.status, status, "{path}");
        assert!(reply.body.contains("<h1>"), "an HTML page for {path}");
    }
    let foreign_events = request(
        "GET",
        base,
        &format!("/submissions/{bobs}/events"),
        &with_ada,
        None,
    );
    assert_eq!(foreign_events.status, 404);
    // The API does not take the session cookie: it keeps its bearer tokens.
    assert_eq!(request("GET", base, "/api/me", &with_ada, None).status, 401);

    // Signing out needs the session's token too, and ends the session.
    let no_token = request("POST", base, "/logout", &with_ada, Some(""));
    assert_eq!(no_token.status, 403);
    let wrong_token = request("POST", base, "/logout", &with_ada, Some("csrf=abc"));
    assert_eq!(wrong_token.status, 403);
    let out = request(
        "POST",
        base,
        "/logout",
        &with_ada,
        Some(&format!("csrf={}", csrf_of(&home.body))),
    );
    assert_eq!(out.status, 303);
    assert!(
        out.set_cookie("checker_session")
            .unwrap()
            .contains("Max-Age=0")
    );
    assert_eq!(request("GET", base, "/", &with_ada, None).status, 303);

    // The instructor sees everyone.
    let prof = http_sign_in(base, "prof", "password123");
    let with_prof = [("Cookie", prof.as_str())];
    let grid = request("GET", base, "/class", &with_prof, None);
    assert_eq!(grid.status, 200);
    assert!(
        grid.body.contains("2 learners × 1 project;"),
        "{}",
        grid.body
    );
    let csv = request("GET", base, "/class.csv", &with_prof, None);
    assert_eq!(csv.status, 200);
    assert!(csv.header("content-type").unwrap().starts_with("text/csv"));
    assert_eq!(
        csv.body,
        "learner,cohort,server-smoke,mean\r\nada,,,0\r\nbob,,,0\r\n"
    );
    let learner = request("GET", base, "/learners/bob", &with_prof, None);
    assert!(learner.body.contains(&format!("/submissions/{bobs}")));
    assert_eq!(
        request(
            "GET",
            base,
            &format!("/submissions/{bobs}"),
            &with_prof,
            None
        )
        .status,
        200
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_browser_follows_grading_live_and_shows_scores() {
    if !docker_ready() {
        return;
    }
    let Some(browser) = Browser::start(1280, 900).await else {
        return;
    };
    let sandbox = Sandbox::new();
    let db = sandbox.sqlite();
    let (ada_token, bob_token) = class(&sandbox, &db);
    let server = sandbox.serve(&db, &["--tasks-dir", &smoke_tasks()], &[]);
    let base = server.url.clone();
    let wait = Duration::from_secs(15);

    // Sign in; a new learner is told how to submit.
    browser.client.goto(&base).await.unwrap();
    browser.wait_text("h1", "Sign in", wait).await;
    browser.screenshot("01-sign-in").await;
    browser.sign_in(&base, "ada", "password123").await;
    let text = browser
        .wait_text("main", "Nothing submitted yet", wait)
        .await;
    assert!(text.contains("checker login --server"), "{text}");
    assert!(
        text.contains("checker submit server-smoke . --wait"),
        "{text}"
    );
    browser.screenshot("02-home-empty").await;

    // Submit through the API; the page fills in while the grading runs.
    let id = submit_smoke(&base, &ada_token, "42\n", Some(4));
    browser
        .client
        .goto(&format!("{base}/submissions/{id}"))
        .await
        .unwrap();
    let live = browser
        .wait_text("#live li", "holds the answer", Duration::from_secs(60))
        .await;
    assert!(live.contains("✓ Passed"), "{live}");
    let state = browser
        .client
        .execute("return document.body.getAttribute('data-live')", vec![])
        .await
        .unwrap();
    assert_eq!(state, "open", "the script follows the event stream");
    browser.screenshot("03-submission-live").await;
    browser
        .wait_text("#status", "Graded", Duration::from_secs(120))
        .await;
    let text = browser.body_text().await;
    assert!(text.contains("Score 100%"), "{text}");
    assert!(text.contains("Passed holds the answer"), "{text}");
    assert!(text.contains("Task passed"), "{text}");
    browser.screenshot("04-submission-graded").await;

    // The project page: each task's status from the latest graded submission.
    browser
        .client
        .goto(&format!("{base}/projects/server-smoke"))
        .await
        .unwrap();
    let tasks = browser.wait_text("main", "Tasks", wait).await;
    assert!(
        tasks.contains("mandatory") && tasks.contains("advanced"),
        "{tasks}"
    );
    assert_eq!(tasks.matches("✓ Passed").count(), 2, "{tasks}");
    browser.screenshot("05a-project").await;

    // The home page shows the 100% bar, the date and the history.
    browser.client.goto(&base).await.unwrap();
    let card = browser
        .wait_text(".project", "Server smoke test", wait)
        .await;
    assert!(card.contains("Best") && card.contains("100%"), "{card}");
    assert!(card.contains("1 graded · last on"), "{card}");
    let chart = browser
        .client
        .find(Locator::Css("svg.chart"))
        .await
        .unwrap()
        .attr("aria-label")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(chart, "Score history, oldest first: 100%");
    browser.screenshot("05-home-100").await;

    // A wrong answer: the diff, in words and signs, not only in color.
    let wrong = submit_smoke(&base, &ada_token, "41\n", None);
    wait_final(&base, &ada_token, wrong, Duration::from_secs(120));
    browser
        .client
        .goto(&format!("{base}/submissions/{wrong}"))
        .await
        .unwrap();
    let text = browser.wait_text("main", "Wrong output", wait).await;
    assert!(text.contains("-42") && text.contains("+41"), "{text}");
    assert!(text.contains("Task failed"), "{text}");
    browser.screenshot("06-submission-wrong").await;
    browser.client.set_window_size(390, 844).await.unwrap();
    browser.client.goto(&base).await.unwrap();
    let card = browser.wait_text(".project", "Latest", wait).await;
    assert!(card.contains("0%") && card.contains("100%"), "{card}");
    browser.screenshot("07-home-phone").await;
    browser.client.set_window_size(1280, 900).await.unwrap();

    // Another learner's submission and the instructor's pages are closed to a learner.
    let bobs = submit_smoke(&base, &bob_token, "41\n", None);
    wait_final(&base, &bob_token, bobs, Duration::from_secs(120));
    browser
        .client
        .goto(&format!("{base}/submissions/{bobs}"))
        .await
        .unwrap();
    browser.wait_text("h1", "Not found", wait).await;
    browser.client.goto(&format!("{base}/class")).await.unwrap();
    browser.wait_text("h1", "Not allowed", wait).await;

    // A form post without its CSRF token is refused, even from the signed-in browser.
    browser.client.goto(&base).await.unwrap();
    let status = browser
        .client
        .execute(
            "return fetch('/logout', {method: 'POST', headers: \
             {'Content-Type': 'application/x-www-form-urlencoded'}, body: 'x=1'}) \
             .then(r => r.status)",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(status, 403);
    browser.client.goto(&base).await.unwrap();
    browser.wait_text("header", "ada", wait).await;
    browser.sign_out().await;

    // The instructor: the grid, sortable, its CSV, the checks failed most, a learner's page.
    browser.sign_in(&base, "prof", "password123").await;
    browser
        .client
        .goto(&format!("{base}/class?sort=server-smoke&dir=asc"))
        .await
        .unwrap();
    let grid = browser.wait_text("table.grid", "ada", wait).await;
    let first = browser
        .client
        .find(Locator::Css("table.grid tbody tr"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(first.starts_with("bob"), "ascending by score: {grid}");
    browser.screenshot("08-class-grid").await;
    browser.client.set_window_size(390, 844).await.unwrap();
    browser.client.refresh().await.unwrap();
    browser.wait_text("table.grid", "ada", wait).await;
    browser.screenshot("08b-class-phone").await;
    browser.client.set_window_size(1280, 900).await.unwrap();
    let csv = browser
        .client
        .execute("return fetch('/class.csv').then(r => r.text())", vec![])
        .await
        .unwrap();
    assert_eq!(
        csv.as_str().unwrap(),
        "learner,cohort,server-smoke,mean\r\nada,,100,100\r\nbob,,0,0\r\n"
    );
    browser
        .client
        .goto(&format!("{base}/class/projects/server-smoke"))
        .await
        .unwrap();
    let failing = browser.wait_text("main", "holds the answer", wait).await;
    assert!(failing.contains("2 of 2 (100%)"), "{failing}");
    assert!(failing.contains("Wrong output × 2"), "{failing}");
    browser.screenshot("09-class-project").await;
    browser
        .client
        .goto(&format!("{base}/learners/bob"))
        .await
        .unwrap();
    let page = browser.wait_text("main", &format!("#{bobs}"), wait).await;
    assert!(page.contains("Scores"), "{page}");
    browser.close().await;
}

/// The visible rows of the class grid: each learner's name and cells.
async fn grid_rows(browser: &Browser) -> Vec<String> {
    let mut rows = Vec::new();
    for row in browser
        .client
        .find_all(Locator::Css("table.grid tbody tr"))
        .await
        .unwrap()
    {
        rows.push(row.text().await.unwrap());
    }
    rows
}

/// Follows the link whose text is `text`, and waits for the grid's summary to say `summary`.
async fn follow(browser: &Browser, text: &str, summary: &str) -> String {
    browser
        .client
        .find(Locator::LinkText(text))
        .await
        .unwrap_or_else(|e| panic!("no link `{text}`: {e}"))
        .click()
        .await
        .unwrap();
    browser
        .wait_text("#summary", summary, Duration::from_secs(15))
        .await;
    browser.client.current_url().await.unwrap().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_class_grid_pages_and_filters_by_cohort_project_and_struggling() {
    if !docker_ready() {
        return;
    }
    let Some(browser) = Browser::start(1280, 900).await else {
        return;
    };
    let sandbox = Sandbox::new();
    let db = sandbox.sqlite();
    // Cohorts given when a learner is added, or changed later; a bad one is refused first.
    for (name, cohort) in [("ana", "north"), ("ben", "north"), ("cat", "south")] {
        let out = sandbox.run(
            &["user", "add", name, "--cohort", cohort, "--db", &db],
            "password123\n",
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(String::from_utf8_lossy(&out.stdout).contains(&format!("in cohort `{cohort}`")));
    }
    for name in ["dan", "eli"] {
        sandbox.add_user(&db, name, "learner");
    }
    sandbox.add_user(&db, "prof", "instructor");
    let bad = sandbox.run(&["user", "cohort", "dan", "no spaces", "--db", &db], "");
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("a cohort is"));
    let nobody = sandbox.run(&["user", "cohort", "nobody", "south", "--db", &db], "");
    assert_eq!(nobody.status.code(), Some(2));
    let moved = sandbox.run(&["user", "cohort", "dan", "south", "--db", &db], "");
    assert!(
        moved.status.success(),
        "{}",
        String::from_utf8_lossy(&moved.stderr)
    );
    let server = sandbox.serve(&db, &["--tasks-dir", &smoke_tasks()], &[]);
    let base = server.url.clone();
    // ana passes (100%), ben and cat fail (0%): they are struggling; dan and eli never submit.
    for (name, answer) in [("ana", "42\n"), ("ben", "41\n"), ("cat", "41\n")] {
        let token = sandbox.token(&db, name, "1h");
        let id = submit_smoke(&base, &token, answer, None);
        wait_final(&base, &token, id, Duration::from_secs(120));
    }
    let wait = Duration::from_secs(15);
    browser.sign_in(&base, "prof", "password123").await;

    // Pages of 2: each link keeps the page size; names A to Z across the pages.
    browser
        .client
        .goto(&format!("{base}/class?size=2"))
        .await
        .unwrap();
    let summary = browser.wait_text("#summary", "5 learners", wait).await;
    assert!(summary.contains("showing 1–2"), "{summary}");
    assert!(browser.body_text().await.contains("Page 1 of 3"));
    let names = |rows: Vec<String>| -> Vec<String> {
        rows.iter()
            .map(|r| r.split_whitespace().next().unwrap_or_default().to_owned())
            .collect()
    };
    assert_eq!(names(grid_rows(&browser).await), ["ana", "ben"]);
    assert!(grid_rows(&browser).await[0].contains("north"), "cohort tag");
    let url = follow(&browser, "Next ›", "showing 3–4").await;
    assert!(url.contains("size=2") && url.contains("page=2"), "{url}");
    assert_eq!(names(grid_rows(&browser).await), ["cat", "dan"]);
    follow(&browser, "Last »", "showing 5–5").await;
    assert_eq!(names(grid_rows(&browser).await), ["eli"]);
    assert!(
        browser
            .client
            .find(Locator::LinkText("Next ›"))
            .await
            .is_err()
    );
    browser.screenshot("10-class-paged").await;

    // Sorting goes back to page 1 and keeps the size: by mean, high to low, ties by name.
    let url = follow(&browser, "Mean", "showing 1–2").await;
    assert!(url.contains("sort=mean") && url.contains("size=2"), "{url}");
    assert_eq!(names(grid_rows(&browser).await), ["ana", "ben"]);
    follow(&browser, "Next ›", "showing 3–4").await;
    assert_eq!(names(grid_rows(&browser).await), ["cat", "dan"]);

    // The filter form: cohort north, struggling only. The order and size stay.
    let form = browser
        .client
        .form(Locator::Css("form.filters"))
        .await
        .unwrap();
    browser
        .client
        .find(Locator::Css("#cohort"))
        .await
        .unwrap()
        .select_by_value("north")
        .await
        .unwrap();
    browser
        .client
        .find(Locator::Css("input[name=struggling]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    form.submit().await.unwrap();
    let summary = browser.wait_text("#summary", "1 learner match", wait).await;
    assert!(summary.contains("1 project"), "{summary}");
    let url = browser.client.current_url().await.unwrap().to_string();
    for part in ["cohort=north", "struggling=1", "sort=mean", "size=2"] {
        assert!(url.contains(part), "{part} in {url}");
    }
    assert!(
        !url.contains("page="),
        "a new filter starts at page 1: {url}"
    );
    let rows = grid_rows(&browser).await;
    assert_eq!(names(rows.clone()), ["ben"], "{rows:?}");
    browser.screenshot("11-class-filtered").await;

    // The CSV link carries the filters and the order, and holds every matching learner.
    let csv_link = browser
        .client
        .find(Locator::LinkText("Download as CSV"))
        .await
        .unwrap()
        .attr("href")
        .await
        .unwrap()
        .unwrap();
    assert!(
        csv_link.contains("cohort=north") && !csv_link.contains("size"),
        "{csv_link}"
    );
    let csv = browser
        .client
        .execute(
            &format!("return fetch('{csv_link}').then(r => r.text())"),
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        csv.as_str().unwrap(),
        "learner,cohort,server-smoke,mean\r\nben,north,0,0\r\n"
    );
    // Struggling in every cohort, and one project's column, through links that keep both.
    browser
        .client
        .goto(&format!(
            "{base}/class?struggling=1&project=server-smoke&sort=name&dir=desc"
        ))
        .await
        .unwrap();
    browser
        .wait_text("#summary", "2 learners match", wait)
        .await;
    assert_eq!(names(grid_rows(&browser).await), ["cat", "ben"]);
    let csv = browser
        .client
        .execute(
            "return fetch('/class.csv?struggling=1&project=server-smoke&sort=name&dir=desc')\
             .then(r => r.text())",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        csv.as_str().unwrap(),
        "learner,cohort,server-smoke,mean\r\ncat,south,0,0\r\nben,north,0,0\r\n"
    );
    // A filter nobody matches says so, with the way back.
    follow(&browser, "Clear filters", "5 learners").await;
    browser
        .client
        .goto(&format!("{base}/class?cohort=nowhere"))
        .await
        .unwrap();
    let empty = browser.wait_text("main", "No learner matches", wait).await;
    assert!(empty.contains("Show everyone"), "{empty}");
    browser.close().await;
}

#[test]
fn the_dashboard_runs_on_postgresql_too() {
    let Some(db) = fresh_postgres("dashboard") else {
        return;
    };
    let sandbox = Sandbox::new();
    let (ada_token, _) = class(&sandbox, &db);
    // With Docker, grade for real, so that the grid and its CSV hold a score.
    let grading = docker_ready();
    let tasks = smoke_tasks();
    let mut args = vec!["--tasks-dir", tasks.as_str()];
    if !grading {
        args.push("--no-grade");
    }
    let server = sandbox.serve(&db, &args, &[]);
    let base = &server.url;
    let adas = submit_smoke(base, &ada_token, "42\n", None);
    if grading {
        wait_final(base, &ada_token, adas, Duration::from_secs(120));
    }

    let ada = http_sign_in(base, "ada", "password123");
    let with_ada = [("Cookie", ada.as_str())];
    let home = request("GET", base, "/", &with_ada, None);
    assert_eq!(home.status, 200);
    assert!(home.body.contains(&format!("/submissions/{adas}")));
    for path in [
        format!("/submissions/{adas}"),
        "/projects/server-smoke".to_owned(),
    ] {
        let page = request("GET", base, &path, &with_ada, None);
        assert_eq!(page.status, 200, "{path}: {}", page.body);
        assert!(page.body.contains(&format!("#{adas}")), "{path}");
    }
    assert_eq!(request("GET", base, "/class", &with_ada, None).status, 403);

    let prof = http_sign_in(base, "prof", "password123");
    let with_prof = [("Cookie", prof.as_str())];
    let grid = request("GET", base, "/class?sort=server-smoke", &with_prof, None);
    assert!(
        grid.body.contains("2 learners × 1 project;"),
        "{}",
        grid.body
    );
    let learner = request("GET", base, "/learners/ada", &with_prof, None);
    assert!(learner.body.contains(&format!("/submissions/{adas}")));
    let failing = request(
        "GET",
        base,
        "/class/projects/server-smoke",
        &with_prof,
        None,
    );
    let csv = request("GET", base, "/class.csv", &with_prof, None);
    if grading {
        assert_eq!(
            csv.body,
            "learner,cohort,server-smoke,mean\r\nada,,100,100\r\nbob,,,0\r\n"
        );
        assert!(
            failing.body.contains("sleeps as long as asked"),
            "{}",
            failing.body
        );
        assert!(failing.body.contains("1 of 1 (100%)"), "{}", failing.body);
    } else {
        assert_eq!(
            csv.body,
            "learner,cohort,server-smoke,mean\r\nada,,,0\r\nbob,,,0\r\n"
        );
        assert!(failing.body.contains("No graded submission yet."));
    }
    let out = request(
        "POST",
        base,
        "/logout",
        &with_prof,
        Some(&format!("csrf={}", csrf_of(&grid.body))),
    );
    assert_eq!(out.status, 303);
    assert_eq!(request("GET", base, "/class", &with_prof, None).status, 303);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_javascript_pages_still_work_and_refresh_while_grading() {
    if !docker_ready() {
        return;
    }
    let Some(browser) =
        Browser::start_with(1024, 768, &["--blink-settings=scriptEnabled=false"]).await
    else {
        return;
    };
    let sandbox = Sandbox::new();
    let db = sandbox.sqlite();
    let (ada_token, _) = class(&sandbox, &db);
    let server = sandbox.serve(&db, &["--tasks-dir", &smoke_tasks()], &[]);
    let base = server.url.clone();
    browser.sign_in(&base, "ada", "password123").await;
    let id = submit_smoke(&base, &ada_token, "42\n", Some(3));
    browser
        .client
        .goto(&format!("{base}/submissions/{id}"))
        .await
        .unwrap();
    let text = browser.body_text().await;
    assert!(
        text.contains("This page reloads every 3 seconds"),
        "the note for pages without script: {text}"
    );
    // No script: the page reloads itself until the report is there.
    browser
        .wait_text("#status", "Graded", Duration::from_secs(120))
        .await;
    let text = browser.body_text().await;
    assert!(text.contains("Score 100%"), "{text}");
    browser.screenshot("10-no-script-graded").await;
    browser.sign_out().await;
    browser.close().await;
}

/// A style check's findings, `file:line:col CODE message` one per line, as the learner reads them
/// after `checker submit --wait` and on the submission's page: each finding its own line, quotes
/// and backslashes as written, nothing escaped twice, the page not broken by them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn style_findings_read_one_per_line_in_the_terminal_and_the_browser() {
    let python = std::process::Command::new("docker")
        .args(["image", "inspect", "checker/python:bookworm"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !docker_ready()
        || !support::available(
            "checker/python:bookworm",
            python,
            "run `checker images build python`",
        )
    {
        return;
    }
    let Some(browser) = Browser::start(1280, 900).await else {
        return;
    };
    let sandbox = Sandbox::new();
    let db = sandbox.sqlite();
    let (ada_token, _) = class(&sandbox, &db);
    let fixtures = support::root().join("tests/fixtures/python-style");
    let tasks = sandbox.path("tasks");
    support::fixtures::copy_dir(&fixtures.join("project"), &tasks.join("python-style"));
    let tasks_arg = tasks.display().to_string();
    let server = sandbox.serve(&db, &["--tasks-dir", &tasks_arg], &[]);
    let base = server.url.clone();

    // The reference with the flawed 0-add.py: every style tool finds something.
    let dir = sandbox.path("flawed");
    support::fixtures::copy_dir(&fixtures.join("reference"), &dir);
    std::fs::copy(fixtures.join("flawed/0-add.py"), dir.join("0-add.py")).unwrap();
    let output = sandbox
        .checker()
        .args(["submit", "python-style", &dir.display().to_string()])
        .args(["--wait", "--server", &base])
        .env("CHECKER_TOKEN", &ada_token)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let printed = support::stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{printed}");
    let findings = [
        "0-add.py:3:1 E741 ambiguous variable name 'l'",
        "0-add.py:4:23 W605 invalid escape sequence '\\d'",
        "0-add.py:5:1 E302 expected 2 blank lines, found 0",
    ];
    // In the terminal: the count, then each finding on its own indented line.
    let mut expected = String::from("      pycodestyle 2.5.0 found 3 problems:\n");
    for finding in findings {
        expected.push_str(&format!("      {finding}\n"));
    }
    assert!(printed.contains(&expected), "{printed}");
    assert!(
        printed.contains("      mypy found 1 problem:\n      0-add.py:6:12 return-value"),
        "{printed}"
    );
    let id: i64 = support::stderr(&output)
        .split_once("submitted as #")
        .and_then(|(_, rest)| rest.split(|c: char| !c.is_ascii_digit()).next())
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("no submission id in: {}", support::stderr(&output)));

    // In the browser: the count as the reason's sentence, the findings below it line by line.
    browser.sign_in(&base, "ada", "password123").await;
    browser
        .client
        .goto(&format!("{base}/submissions/{id}"))
        .await
        .unwrap();
    browser
        .wait_text("#status", "Graded", Duration::from_secs(30))
        .await;
    let check = browser
        .wait_text(
            "li.check",
            "follows pycodestyle 2.5",
            Duration::from_secs(15),
        )
        .await;
    assert!(
        check.contains("Wrong output") && check.contains("pycodestyle 2.5.0 found 3 problems:"),
        "{check}"
    );
    let blocks = browser
        .client
        .find_all(Locator::Css("li.check pre.findings"))
        .await
        .unwrap();
    let mut shown = Vec::new();
    for block in blocks {
        shown.push(block.text().await.unwrap());
    }
    assert!(
        shown.iter().any(|text| text.lines().eq(findings)),
        "the findings, one per line: {shown:#?}"
    );
    // Rendered as lines, not one run of text: the block is as tall as its three lines.
    let heights = browser
        .client
        .execute(
            "return [...document.querySelectorAll('pre.findings')].map(e => { \
             const s = getComputedStyle(e); \
             const line = parseFloat(s.lineHeight) || parseFloat(s.fontSize) * 1.2; \
             return (e.clientHeight - parseFloat(s.paddingTop) - parseFloat(s.paddingBottom)) \
             / line; })",
            vec![],
        )
        .await
        .unwrap();
    let tallest = heights
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|h| h.as_f64())
        .fold(0.0, f64::max);
    assert!(tallest > 2.9, "lines of the blocks: {heights}");
    let page = browser.body_text().await;
    for escaped in ["\\n", "&#39;", "&amp;", "\\'"] {
        assert!(!page.contains(escaped), "`{escaped}` in the page:\n{page}");
    }
    browser
        .client
        .execute(
            "document.querySelector('pre.findings').scrollIntoView({block: 'center'})",
            vec![],
        )
        .await
        .unwrap();
    browser.screenshot("10-style-findings").await;
    browser.close().await;
}
