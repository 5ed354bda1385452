//! What every backend of the store must do, checked on each through the [`Store`] trait alone.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use store::dashboard::{GridFilter, GridOrder, GridQuery, ProjectMean};
use store::git::GitSource;
use store::{
    GradedResult, NewSubmission, Outcome, ProjectVersion, Role, Slot, Status, Store, StoreError,
    StoredFile, now_ms,
};

use crate::support::on_both_backends;

fn result(score: f64, bonus: f64, duration_ms: i64) -> GradedResult {
    GradedResult {
        score,
        bonus,
        passed: score == 100.0,
        duration_ms,
        spec_version: "v1".into(),
        report: format!("{{\"score\":{score}}}"),
        verdicts: vec![("passed".into(), 2), ("wrong_output".into(), 1)],
        graded_by: "test".into(),
    }
}

fn graded(score: f64) -> Outcome {
    Outcome::Graded(result(score, 0.0, 10))
}

fn file(path: &str, contents: &[u8], executable: bool) -> StoredFile {
    StoredFile {
        path: path.into(),
        contents: contents.to_vec(),
        executable,
    }
}

fn new_submission(user: i64, project: &str) -> NewSubmission {
    NewSubmission {
        user_id: user,
        project_id: project.into(),
        spec_version: "v1".into(),
        source: "upload".into(),
        files: vec![
            file("src/b.js", b"2", true),
            file("a.js", &[0, 159, 146, 150], false),
        ],
        request_id: Some("req-1".into()),
    }
}

async fn submit(store: &dyn Store, user: i64, project: &str) -> i64 {
    store
        .add_submission(&new_submission(user, project))
        .await
        .unwrap()
}

/// Grades the next job of the queue with `outcome`; its submission id.
async fn grade_next(store: &dyn Store, outcome: Outcome) -> i64 {
    let job = store
        .claim("w", Duration::from_secs(60))
        .await
        .unwrap()
        .expect("a queued job");
    // The request that brought the submission follows it to the worker.
    assert_eq!(job.request_id.as_deref(), Some("req-1"));
    assert!(store.finish(&job, &outcome).await.unwrap());
    job.id
}

/// The first page of 10 of the class grid.
fn page(filter: GridFilter, order: GridOrder, descending: bool, offset: i64) -> GridQuery {
    GridQuery {
        filter,
        order,
        descending,
        offset,
        limit: 10,
    }
}

#[tokio::test]
async fn users_and_tokens() {
    on_both_backends("users", |store| async move {
        store.ping().await.unwrap();
        let ada = store
            .add_user("ada", Role::Learner, "hash-a")
            .await
            .unwrap();
        let prof = store
            .add_user("prof", Role::Instructor, "hash-p")
            .await
            .unwrap();
        assert_eq!((ada.name.as_str(), ada.role), ("ada", Role::Learner));
        assert_ne!(ada.id, prof.id);
        assert!(matches!(
            store.add_user("ada", Role::Admin, "other").await,
            Err(StoreError::Conflict(_))
        ));

        let (user, hash) = store.user_with_password("ada").await.unwrap().unwrap();
        assert_eq!((user, hash.as_str()), (ada.clone(), "hash-a"));
        assert!(store.user_with_password("nobody").await.unwrap().is_none());

        store
            .add_token(ada.id, "token-hash", "laptop", Some(123))
            .await
            .unwrap();
        store
            .add_token(prof.id, "forever", "ci", None)
            .await
            .unwrap();
        assert_eq!(
            store.user_by_token("token-hash").await.unwrap(),
            Some((ada.clone(), Some(123)))
        );
        assert_eq!(
            store.user_by_token("forever").await.unwrap(),
            Some((prof.clone(), None))
        );
        assert!(store.user_by_token("unknown").await.unwrap().is_none());

        let dashboard = store.dashboard();
        assert_eq!(dashboard.user_by_name("prof").await.unwrap(), Some(prof));
        assert_eq!(dashboard.user_by_name("nobody").await.unwrap(), None);
        store.add_user("bob", Role::Learner, "h").await.unwrap();
        let learners: Vec<String> = dashboard
            .grid_page(&page(GridFilter::default(), GridOrder::Name, false, 0))
            .await
            .unwrap()
            .rows
            .into_iter()
            .map(|u| u.name)
            .collect();
        assert_eq!(learners, ["ada", "bob"], "learners only, by name");
    })
    .await;
}

#[tokio::test]
async fn submissions_keep_their_files_and_projects_their_versions() {
    on_both_backends("submissions", |store| async move {
        let version = ProjectVersion {
            project_id: "p".into(),
            version: "v1".into(),
            title: "P".into(),
            spec: "id: p".into(),
            learner_files: vec!["a.js".into()],
        };
        // Known versions are kept as they are: recording twice is no error.
        store
            .record_projects(std::slice::from_ref(&version))
            .await
            .unwrap();
        store.record_projects(&[version]).await.unwrap();

        let ada = store.add_user("ada", Role::Learner, "h").await.unwrap();
        let before = now_ms() - 1;
        let id = submit(&*store, ada.id, "p").await;
        assert_eq!(
            store.submission_files(id).await.unwrap(),
            [
                file("a.js", &[0, 159, 146, 150], false),
                file("src/b.js", b"2", true)
            ]
        );
        let record = store.submission(id).await.unwrap().unwrap();
        assert_eq!(
            (record.user_name.as_str(), record.project_id.as_str()),
            ("ada", "p")
        );
        assert_eq!((record.status, record.attempts), (Status::Queued, 0));
        assert!(record.result.is_none() && record.started_at.is_none());
        assert!(store.submission(id + 1000).await.unwrap().is_none());

        submit(&*store, ada.id, "p").await;
        let (count, oldest) = store.recent_submissions(ada.id, before).await.unwrap();
        assert_eq!((count, oldest), (2, Some(record.created_at)));
        assert_eq!(
            store
                .recent_submissions(ada.id, now_ms() + 1)
                .await
                .unwrap(),
            (0, None)
        );
    })
    .await;
}

#[tokio::test]
async fn tokens_are_listed_and_revoked_by_their_owner_only() {
    on_both_backends("tokens", |store| async move {
        let ada = store.add_user("ada", Role::Learner, "h").await.unwrap();
        let bob = store.add_user("bob", Role::Learner, "h").await.unwrap();
        store
            .add_token(ada.id, "h1", "login", Some(5))
            .await
            .unwrap();
        store.add_token(ada.id, "h2", "ci", None).await.unwrap();
        let tokens = store.tokens(ada.id).await.unwrap();
        let labels: Vec<(&str, &str, Option<i64>)> = tokens
            .iter()
            .map(|t| (t.token_hash.as_str(), t.label.as_str(), t.expires_at))
            .collect();
        assert_eq!(labels, [("h1", "login", Some(5)), ("h2", "ci", None)]);
        assert!(!store.revoke_token(bob.id, tokens[0].id).await.unwrap());
        assert!(store.revoke_token(ada.id, tokens[0].id).await.unwrap());
        assert!(store.user_by_token("h1").await.unwrap().is_none());
        assert!(store.user_by_token("h2").await.unwrap().is_some());
        assert_eq!(store.tokens(ada.id).await.unwrap().len(), 1);
    })
    .await;
}

#[tokio::test]
async fn concurrent_callers_get_exactly_the_limit_of_submission_slots() {
    on_both_backends("slots", |store| async move {
        let ada = store.add_user("ada", Role::Learner, "h").await.unwrap();
        let bob = store.add_user("bob", Role::Learner, "h").await.unwrap();
        let now = now_ms();
        let callers: Vec<_> = (0..12)
            .map(|_| {
                let store = store.clone();
                tokio::spawn(async move {
                    store
                        .take_submission_slot(ada.id, now - 60_000, 3, now)
                        .await
                        .unwrap()
                })
            })
            .collect();
        let mut taken = 0;
        for caller in callers {
            match caller.await.unwrap() {
                Slot::Taken => taken += 1,
                Slot::Full { oldest } => assert_eq!(oldest, now),
            }
        }
        assert_eq!(taken, 3, "12 concurrent callers, 3 slots");
        // Another user's slots are their own; a later window frees the old ones.
        assert_eq!(
            store
                .take_submission_slot(bob.id, now - 60_000, 3, now)
                .await
                .unwrap(),
            Slot::Taken
        );
        let later = now + 60_001;
        assert_eq!(
            store
                .take_submission_slot(ada.id, later - 60_000, 3, later)
                .await
                .unwrap(),
            Slot::Taken
        );
    })
    .await;
}

#[tokio::test]
async fn leases_expire_and_only_their_holder_finishes() {
    on_both_backends("leases", |store| async move {
        let user = store.add_user("ada", Role::Learner, "hash").await.unwrap();
        let first = submit(&*store, user.id, "p").await;
        let second = submit(&*store, user.id, "p").await;

        let lease = Duration::from_millis(300);
        let a = store.claim("a", lease).await.unwrap().unwrap();
        let b = store.claim("b", lease).await.unwrap().unwrap();
        assert_eq!((a.id, a.attempt, b.id), (first, 1, second));
        assert_ne!(a.lease_owner, b.lease_owner);
        assert!(store.claim("c", lease).await.unwrap().is_none());
        assert!(store.renew(&b, lease).await.unwrap());
        store.add_event(&a, "task", "{\"n\":1}").await.unwrap();
        assert_eq!(store.events_after(first, 0).await.unwrap().len(), 1);

        // a's lease runs out: the job is claimed again (its events of attempt 1 dropped), and
        // a can no longer renew or finish it.
        tokio::time::sleep(Duration::from_millis(350)).await;
        let c = store.claim("c", lease).await.unwrap().unwrap();
        assert_eq!((c.id, c.attempt), (first, 2));
        assert!(store.events_after(first, 0).await.unwrap().is_empty());
        assert!(!store.finish(&a, &graded(100.0)).await.unwrap());
        assert!(!store.renew(&a, lease).await.unwrap());
        assert!(
            !store
                .release(&a, Duration::ZERO, "late", false)
                .await
                .unwrap()
        );

        // b's lease ran out too, but nobody took its job: b may still finish it.
        assert!(store.finish(&b, &graded(50.0)).await.unwrap());
        assert!(store.finish(&c, &graded(100.0)).await.unwrap());
        let record = store.submission(first).await.unwrap().unwrap();
        assert_eq!((record.status, record.attempts), (Status::Graded, 2));
        assert!(record.finished_at.is_some() && record.started_at.is_some());
        // A finished job is finished: its holder cannot finish it twice.
        assert!(!store.finish(&c, &graded(0.0)).await.unwrap());
    })
    .await;
}

#[tokio::test]
async fn releases_count_attempts_unless_refunded_and_wait_their_turn() {
    on_both_backends("release", |store| async move {
        let user = store.add_user("ada", Role::Learner, "hash").await.unwrap();
        let id = submit(&*store, user.id, "p").await;
        let lease = Duration::from_secs(60);

        // A refunded release does not count as an attempt.
        let job = store.claim("d", lease).await.unwrap().unwrap();
        assert!(
            store
                .release(&job, Duration::ZERO, "stopping", true)
                .await
                .unwrap()
        );
        let job = store.claim("d", lease).await.unwrap().unwrap();
        assert_eq!((job.id, job.attempt), (id, 1));

        // A failed attempt counts, keeps its error, and waits `retry_in` before the next claim.
        assert!(
            store
                .release(&job, Duration::from_millis(300), "docker is down", false)
                .await
                .unwrap()
        );
        let record = store.submission(id).await.unwrap().unwrap();
        assert_eq!(record.status, Status::Queued);
        assert_eq!(record.last_error.as_deref(), Some("docker is down"));
        assert!(store.claim("d", lease).await.unwrap().is_none());
        tokio::time::sleep(Duration::from_millis(350)).await;
        let job = store.claim("d", lease).await.unwrap().unwrap();
        assert_eq!((job.id, job.attempt), (id, 2));

        // The platform gives up: no score, a partial report kept for operators.
        let failed = Outcome::Failed {
            error: "the platform failed".into(),
            report: Some(result(40.0, 0.0, 5)),
        };
        assert!(store.finish(&job, &failed).await.unwrap());
        let record = store.submission(id).await.unwrap().unwrap();
        assert_eq!(record.status, Status::Failed);
        assert!(record.status.is_final());
        assert_eq!(record.last_error.as_deref(), Some("the platform failed"));
        assert_eq!(record.result.map(|r| r.score), Some(40.0));
        assert!(store.scores(Some(user.id)).await.unwrap().is_empty());
        let stats = store.stats().await.unwrap();
        assert_eq!(stats.graded, 0);
        assert!(stats.verdicts.is_empty());
    })
    .await;
}

#[tokio::test]
async fn two_claimers_never_get_the_same_job() {
    on_both_backends("claimers", |store| async move {
        let user = store.add_user("ada", Role::Learner, "hash").await.unwrap();
        let mut submitted = BTreeSet::new();
        for _ in 0..40 {
            submitted.insert(submit(&*store, user.id, "p").await);
        }
        // Eight workers claim at once until the queue is empty.
        let workers: Vec<_> = (0..8)
            .map(|w| {
                let store = Arc::clone(&store);
                tokio::spawn(async move {
                    let mut jobs = Vec::new();
                    while let Some(job) = store
                        .claim(&format!("w{w}"), Duration::from_secs(60))
                        .await
                        .unwrap()
                    {
                        jobs.push(job.id);
                    }
                    jobs
                })
            })
            .collect();
        let mut claimed = Vec::new();
        for worker in workers {
            claimed.extend(worker.await.unwrap());
        }
        let unique: BTreeSet<i64> = claimed.iter().copied().collect();
        assert_eq!(unique.len(), claimed.len(), "a job was claimed twice");
        assert_eq!(unique, submitted);
    })
    .await;
}

#[tokio::test]
async fn results_keep_the_best_and_the_latest_score() {
    on_both_backends("scores", |store| async move {
        let ada = store.add_user("ada", Role::Learner, "h").await.unwrap();
        let bob = store.add_user("bob", Role::Learner, "h").await.unwrap();
        let first = submit(&*store, ada.id, "p").await;
        let second = submit(&*store, ada.id, "p").await;
        let third = submit(&*store, ada.id, "p").await;
        let lease = Duration::from_secs(60);
        let jobs = [
            store.claim("w", lease).await.unwrap().unwrap(),
            store.claim("w", lease).await.unwrap().unwrap(),
            store.claim("w", lease).await.unwrap().unwrap(),
        ];
        // Finished out of order: latest follows the newest submission, best the higher score,
        // the higher bonus breaking a tie.
        let outcome = |score, bonus, ms| Outcome::Graded(result(score, bonus, ms));
        assert!(
            store
                .finish(&jobs[2], &outcome(80.0, 0.0, 1_500))
                .await
                .unwrap()
        );
        assert!(
            store
                .finish(&jobs[0], &outcome(80.0, 50.0, 400))
                .await
                .unwrap()
        );
        assert!(
            store
                .finish(&jobs[1], &outcome(100.0, 0.0, 70_000))
                .await
                .unwrap()
        );
        assert_eq!(jobs.map(|j| j.id), [first, second, third]);

        let scores = store.scores(Some(ada.id)).await.unwrap();
        assert_eq!(scores.len(), 1);
        let score = &scores[0];
        assert_eq!((score.user.as_str(), score.project.as_str()), ("ada", "p"));
        assert_eq!(
            (score.best_score, score.best_bonus, score.best_submission),
            (100.0, 0.0, second)
        );
        assert_eq!(
            (
                score.latest_score,
                score.latest_bonus,
                score.latest_submission
            ),
            (80.0, 0.0, third)
        );
        assert_eq!(score.graded, 3);

        // A tie on score: the higher bonus wins.
        let tie = submit(&*store, bob.id, "q").await;
        let better = submit(&*store, bob.id, "q").await;
        grade_next(&*store, outcome(60.0, 10.0, 10)).await;
        grade_next(&*store, outcome(60.0, 20.0, 10)).await;
        let everyone = store.scores(None).await.unwrap();
        let order: Vec<(&str, &str)> = everyone
            .iter()
            .map(|s| (s.user.as_str(), s.project.as_str()))
            .collect();
        assert_eq!(order, [("ada", "p"), ("bob", "q")]);
        assert_eq!(
            (everyone[1].best_bonus, everyone[1].best_submission),
            (20.0, better)
        );
        assert_ne!(tie, better);

        let record = store.submission(second).await.unwrap().unwrap();
        let result = record.result.unwrap();
        assert_eq!(
            (
                result.score,
                result.bonus,
                result.passed,
                result.duration_ms
            ),
            (100.0, 0.0, true, 70_000)
        );
        assert_eq!(result.report, "{\"score\":100}");

        let stats = store.stats().await.unwrap();
        assert_eq!(stats.graded, 5);
        assert_eq!(stats.grading_ms_sum, 1_500 + 400 + 70_000 + 10 + 10);
        let bucket = |bound| {
            stats
                .grading_buckets
                .iter()
                .find(|(b, _)| *b == bound)
                .unwrap()
                .1
        };
        assert_eq!(
            (
                bucket(1_000),
                bucket(2_000),
                bucket(60_000),
                bucket(120_000)
            ),
            (3, 4, 4, 5)
        );
        assert_eq!(stats.by_status, [("graded".to_owned(), 5)]);
        assert_eq!(
            stats.verdicts,
            [("passed".to_owned(), 10), ("wrong_output".to_owned(), 5)]
        );
    })
    .await;
}

#[tokio::test]
async fn dashboard_sessions_histories_and_the_class_grid() {
    on_both_backends("dashboard", |store| async move {
        let dashboard = store.dashboard();
        let ada = store.add_user("ada", Role::Learner, "h").await.unwrap();
        let bob = store.add_user("bob", Role::Learner, "h").await.unwrap();

        let now = now_ms();
        dashboard
            .create_session(ada.id, "old", "csrf-old", now - 1)
            .await
            .unwrap();
        dashboard
            .create_session(ada.id, "cookie", "csrf", now + 60_000)
            .await
            .unwrap();
        let session = dashboard.session("cookie").await.unwrap().unwrap();
        assert_eq!(
            (session.user, session.csrf.as_str(), session.expires_at),
            (ada.clone(), "csrf", now + 60_000)
        );
        // Starting a session dropped the expired one.
        assert!(dashboard.session("old").await.unwrap().is_none());
        dashboard.delete_session("cookie").await.unwrap();
        assert!(dashboard.session("cookie").await.unwrap().is_none());

        let p1 = submit(&*store, ada.id, "p").await;
        let q1 = submit(&*store, ada.id, "q").await;
        let p2 = submit(&*store, ada.id, "p").await;
        submit(&*store, bob.id, "p").await;
        grade_next(&*store, Outcome::Graded(result(33.333, 0.0, 10))).await;
        let failed = Outcome::Failed {
            error: "boom".into(),
            report: Some(result(90.0, 0.0, 10)),
        };
        grade_next(&*store, failed).await;
        grade_next(&*store, graded(100.0)).await;

        let history = dashboard.submissions_of(ada.id, None, 10).await.unwrap();
        let ids: Vec<i64> = history.iter().map(|s| s.id).collect();
        assert_eq!(ids, [p2, q1, p1]);
        assert_eq!(history[0].score, Some(100.0));
        // A platform-failed attempt keeps its report, never a score.
        assert_eq!(
            (history[1].status, history[1].score),
            (Status::Failed, None)
        );
        assert_eq!(history[2].user_name, "ada");
        let of_p = dashboard
            .submissions_of(ada.id, Some("p"), 1)
            .await
            .unwrap();
        assert_eq!(of_p.iter().map(|s| s.id).collect::<Vec<_>>(), [p2]);

        let grid = dashboard
            .grid_page(&page(GridFilter::default(), GridOrder::Name, false, 0))
            .await
            .unwrap();
        assert_eq!(grid.total, 2);
        assert_eq!(grid.rows[0].user_id, ada.id);
        assert_eq!(grid.rows[0].best, [("p".to_owned(), 100.0)]);
        assert!(grid.rows[1].best.is_empty(), "bob is not graded yet");

        // `result()`'s reports hold no tasks: nothing failed, one learner graded on p.
        let failing = dashboard.failing_checks("p", None).await.unwrap();
        assert_eq!((failing.graded, failing.checks.len()), (1, 0));
        assert_eq!(
            dashboard.failing_checks("q", None).await.unwrap(),
            Default::default()
        );
    })
    .await;
}

#[tokio::test]
async fn git_sources_links_deliveries_and_callbacks() {
    on_both_backends("git", |store| async move {
        let git = store.git();
        let ada = store.add_user("ada", Role::Learner, "h").await.unwrap();
        let bob = store.add_user("bob", Role::Learner, "h").await.unwrap();

        let source = GitSource {
            url: "https://example.test/ada/p.git".into(),
            rev: "main".into(),
            commit: "0123abcd".into(),
            dir: None,
        };
        let with_callback = git
            .add_git_submission(&new_submission(ada.id, "p"), &source, true)
            .await
            .unwrap();
        let nested = GitSource {
            dir: Some("p".into()),
            ..source.clone()
        };
        let quiet = git
            .add_git_submission(&new_submission(ada.id, "p"), &nested, false)
            .await
            .unwrap();
        assert_eq!(git.git_source(with_callback).await.unwrap(), Some(source));
        assert_eq!(git.git_source(quiet).await.unwrap(), Some(nested));
        assert_eq!(store.submission_files(quiet).await.unwrap().len(), 2);
        let upload = submit(&*store, ada.id, "p").await;
        assert_eq!(git.git_source(upload).await.unwrap(), None);

        // Links: one repository, one learner; relinking one's own keeps the secret.
        let link = git
            .link_repo(
                ada.id,
                "https://tok@example.test/ada/p",
                "example.test/ada/p",
                "s1",
            )
            .await
            .unwrap();
        assert_eq!((link.user_id, link.webhook_secret.as_str()), (ada.id, "s1"));
        let again = git
            .link_repo(
                ada.id,
                "https://example.test/ada/p",
                "example.test/ada/p",
                "s2",
            )
            .await
            .unwrap();
        assert_eq!((again.id, again.webhook_secret.as_str()), (link.id, "s1"));
        assert_eq!(again.url, "https://example.test/ada/p");
        assert!(!again.confirmed);
        // Unconfirmed, the link passes to whoever links the repository next, with their secret.
        let taken = git
            .link_repo(
                bob.id,
                "https://example.test/ada/p",
                "example.test/ada/p",
                "s3",
            )
            .await
            .unwrap();
        assert_eq!(
            (taken.id, taken.user_id, taken.webhook_secret.as_str()),
            (link.id, bob.id, "s3")
        );
        let back = git
            .link_repo(
                ada.id,
                "https://example.test/ada/p",
                "example.test/ada/p",
                "s1",
            )
            .await
            .unwrap();
        assert_eq!((back.user_id, back.webhook_secret.as_str()), (ada.id, "s1"));
        // Confirmed, it is the learner's for good.
        git.confirm_link(back.id, 7).await.unwrap();
        let again = git.repo_link("example.test/ada/p").await.unwrap().unwrap();
        assert!(again.confirmed);
        assert!(matches!(
            git.link_repo(
                bob.id,
                "https://example.test/ada/p",
                "example.test/ada/p",
                "s3"
            )
            .await,
            Err(StoreError::Conflict(_))
        ));
        assert_eq!(
            git.repo_link("example.test/ada/p").await.unwrap(),
            Some(again.clone())
        );
        assert_eq!(git.repo_link("example.test/none").await.unwrap(), None);
        git.link_repo(
            ada.id,
            "https://example.test/ada/q",
            "example.test/ada/q",
            "s4",
        )
        .await
        .unwrap();
        let links = git.repo_links(ada.id).await.unwrap();
        assert_eq!(links.len(), 2);
        assert_eq!(links[0], again);
        assert!(git.repo_links(bob.id).await.unwrap().is_empty());

        // Deliveries: the first is taken, a replay refused, a forgotten one taken again.
        assert!(git.first_delivery("d1", 1).await.unwrap());
        assert!(!git.first_delivery("d1", 2).await.unwrap());
        git.forget_delivery("d1").await.unwrap();
        assert!(git.first_delivery("d1", 3).await.unwrap());

        // Callbacks are due once their submission is final.
        let later = now_ms() + 1_000;
        assert!(git.due_callbacks(later, 10).await.unwrap().is_empty());
        let graded_id = grade_next(&*store, graded(100.0)).await;
        assert_eq!(graded_id, with_callback);
        let due = git.due_callbacks(later, 10).await.unwrap();
        assert_eq!(due.len(), 1);
        let callback = &due[0];
        assert_eq!(
            (
                callback.submission_id,
                callback.attempts,
                callback.user.as_str()
            ),
            (with_callback, 0, "ada")
        );
        assert_eq!(
            (callback.status.as_str(), callback.score, callback.passed),
            ("graded", Some(100.0), Some(true))
        );
        assert_eq!(callback.source.commit, "0123abcd");
        // One server takes it; another, holding the same row, does not.
        assert!(git.claim_callback(callback, later + 5_000).await.unwrap());
        assert!(!git.claim_callback(callback, later + 5_000).await.unwrap());
        assert!(git.due_callbacks(later, 10).await.unwrap().is_empty());
        // A failed delivery is retried at `next_at`; a delivered one is done.
        git.record_callback(with_callback, false, Some(later), Some("timeout"))
            .await
            .unwrap();
        let due = git.due_callbacks(later, 10).await.unwrap();
        assert_eq!(due[0].attempts, 1);
        git.record_callback(with_callback, true, None, None)
            .await
            .unwrap();
        assert!(git.due_callbacks(i64::MAX, 10).await.unwrap().is_empty());
    })
    .await;
}

#[tokio::test]
async fn the_class_grid_pages_sorts_and_filters_by_cohort_project_and_struggling() {
    on_both_backends("grid", |store| async move {
        let dashboard = store.dashboard();
        // Upper case sorts before lower case on both databases, as in Rust.
        let names = ["ada", "Bob", "cy", "dee", "eve"];
        let mut ids = Vec::new();
        for name in names {
            ids.push(store.add_user(name, Role::Learner, "h").await.unwrap().id);
        }
        let prof = store.add_user("prof", Role::Instructor, "h").await.unwrap();
        for (name, cohort) in [("ada", "2026-a"), ("Bob", "2026-a"), ("cy", "2026-b")] {
            assert!(dashboard.set_cohort(name, Some(cohort)).await.unwrap());
        }
        assert!(!dashboard.set_cohort("nobody", Some("x")).await.unwrap());
        // An instructor's cohort is no learner's.
        assert!(dashboard.set_cohort("prof", Some("staff")).await.unwrap());
        assert_eq!(
            dashboard.cohorts().await.unwrap(),
            [("2026-a".to_owned(), 2), ("2026-b".to_owned(), 1)]
        );
        // p: ada 100, Bob 40, cy 60; q: ada 20, dee 90. eve has nothing; prof has a score.
        let graded_ones = [
            (ids[0], "p", 100.0),
            (ids[1], "p", 40.0),
            (ids[2], "p", 60.0),
            (ids[0], "q", 20.0),
            (ids[3], "q", 90.0),
            (prof.id, "p", 0.0),
        ];
        for (user, project, score) in graded_ones {
            submit(&*store, user, project).await;
            grade_next(&*store, graded(score)).await;
        }
        let names_of = |query: GridQuery| {
            let dashboard = store.dashboard();
            async move {
                let page = dashboard.grid_page(&query).await.unwrap();
                let names: Vec<String> = page.rows.into_iter().map(|r| r.name).collect();
                (page.total, names)
            }
        };
        let all = GridFilter::default();
        assert_eq!(
            names_of(page(all.clone(), GridOrder::Name, false, 0)).await,
            (
                5,
                ["Bob", "ada", "cy", "dee", "eve"]
                    .map(String::from)
                    .to_vec()
            )
        );
        assert_eq!(
            names_of(page(all.clone(), GridOrder::Name, true, 0))
                .await
                .1,
            ["eve", "dee", "cy", "ada", "Bob"]
        );
        // Mean: ada 120, dee 90, cy 60, Bob 40, eve 0 (sums over the same columns).
        assert_eq!(
            names_of(page(all.clone(), GridOrder::Mean, true, 0))
                .await
                .1,
            ["ada", "dee", "cy", "Bob", "eve"]
        );
        // By project: never graded sorts below 0, ties by name A to Z in both directions.
        let by_p = GridOrder::Project("p".into());
        assert_eq!(
            names_of(page(all.clone(), by_p.clone(), true, 0)).await.1,
            ["ada", "cy", "Bob", "dee", "eve"]
        );
        assert_eq!(
            names_of(page(all.clone(), by_p.clone(), false, 0)).await.1,
            ["dee", "eve", "Bob", "cy", "ada"]
        );
        // Pages of 2 follow the order and count every learner the filter keeps.
        let mut paged = Vec::new();
        for offset in [0, 2, 4] {
            let mut query = page(all.clone(), by_p.clone(), true, offset);
            query.limit = 2;
            let (total, names) = names_of(query).await;
            assert_eq!(total, 5);
            paged.extend(names);
        }
        assert_eq!(paged, ["ada", "cy", "Bob", "dee", "eve"]);
        // Past the end: no rows, the total still counted.
        assert_eq!(
            names_of(page(all.clone(), GridOrder::Name, false, 10)).await,
            (5, vec![])
        );

        let cohort_a = GridFilter {
            cohort: Some("2026-a".into()),
            ..GridFilter::default()
        };
        assert_eq!(
            names_of(page(cohort_a.clone(), GridOrder::Mean, false, 0)).await,
            (2, ["Bob", "ada"].map(String::from).to_vec())
        );
        // Struggling: a submitted project under 50% (ada's q, Bob's p); eve submitted nothing.
        let struggling = GridFilter {
            struggling: true,
            ..GridFilter::default()
        };
        assert_eq!(
            names_of(page(struggling.clone(), GridOrder::Name, false, 0))
                .await
                .1,
            ["Bob", "ada"]
        );
        // On project p alone only Bob is under 50%, and his cells are p's only.
        let struggling_on_p = GridFilter {
            project: Some("p".into()),
            struggling: true,
            ..GridFilter::default()
        };
        let on_p = dashboard
            .grid_page(&page(struggling_on_p.clone(), GridOrder::Mean, false, 0))
            .await
            .unwrap();
        assert_eq!(on_p.total, 1);
        assert_eq!(on_p.rows[0].best, [("p".to_owned(), 40.0)]);
        assert_eq!(on_p.rows[0].cohort.as_deref(), Some("2026-a"));
        // A project filter keeps every learner (the cells are that project's); mean is p's.
        let only_q = GridFilter {
            project: Some("q".into()),
            ..GridFilter::default()
        };
        let q = dashboard
            .grid_page(&page(only_q.clone(), GridOrder::Mean, true, 0))
            .await
            .unwrap();
        assert_eq!(q.total, 5);
        assert_eq!(q.rows[0].name, "dee");
        assert_eq!(q.rows[1].best, [("q".to_owned(), 20.0)]);

        // Class means over the learners a filter keeps (the instructor's 0 is not one).
        let means_of = |filter: GridFilter| {
            let dashboard = store.dashboard();
            async move {
                let mut means = dashboard.grid_means(&filter).await.unwrap();
                means.sort_by(|a, b| a.project_id.cmp(&b.project_id));
                means
            }
        };
        assert_eq!(
            means_of(all).await,
            [
                ProjectMean {
                    project_id: "p".into(),
                    mean: 200.0 / 3.0,
                    learners: 3
                },
                ProjectMean {
                    project_id: "q".into(),
                    mean: 55.0,
                    learners: 2
                },
            ]
        );
        assert_eq!(
            means_of(cohort_a.clone()).await,
            [
                ProjectMean {
                    project_id: "p".into(),
                    mean: 70.0,
                    learners: 2
                },
                ProjectMean {
                    project_id: "q".into(),
                    mean: 20.0,
                    learners: 1
                },
            ]
        );
        // The means compare a page's learners with the whole class (or cohort): struggling or
        // not, every learner with a score counts.
        let mean = |project: &str, mean: f64, learners: i64| ProjectMean {
            project_id: project.into(),
            mean,
            learners,
        };
        assert_eq!(means_of(struggling_on_p).await, [mean("p", 200.0 / 3.0, 3)]);
        // A learner who changes cohort takes their scores along.
        assert!(dashboard.set_cohort("Bob", Some("2026-b")).await.unwrap());
        assert_eq!(
            means_of(cohort_a.clone()).await,
            [mean("p", 100.0, 1), mean("q", 20.0, 1)]
        );
        let cohort_b = GridFilter {
            cohort: Some("2026-b".into()),
            ..GridFilter::default()
        };
        assert_eq!(means_of(cohort_b).await, [mean("p", 50.0, 2)]);
        // A better score moves the mean; a worse one does not (best scores).
        for score in [90.0, 10.0] {
            submit(&*store, ids[1], "p").await;
            grade_next(&*store, graded(score)).await;
        }
        let all_p = GridFilter {
            project: Some("p".into()),
            ..GridFilter::default()
        };
        assert_eq!(means_of(all_p).await, [mean("p", 250.0 / 3.0, 3)]);
    })
    .await;
}

/// A graded report of project `p` whose task `t` fails the checks named.
fn failing(names: &[(&str, &str)]) -> Outcome {
    let checks: Vec<String> = names
        .iter()
        .map(|(name, verdict)| format!("{{\"name\": \"{name}\", \"verdict\": \"{verdict}\"}}"))
        .chain(["{\"name\": \"fine\", \"verdict\": \"passed\"}".to_owned()])
        .collect();
    let mut result = result(0.0, 0.0, 10);
    result.report = format!(
        "{{\"tasks\": [{{\"id\": \"t\", \"title\": \"Task T\", \"checks\": [{}]}}]}}",
        checks.join(", ")
    );
    Outcome::Graded(result)
}

#[tokio::test]
async fn the_checks_a_class_fails_most_count_latest_submissions_by_cohort() {
    on_both_backends("failing", |store| async move {
        let dashboard = store.dashboard();
        let ada = store.add_user("ada", Role::Learner, "h").await.unwrap();
        let bob = store.add_user("bob", Role::Learner, "h").await.unwrap();
        dashboard.set_cohort("ada", Some("north")).await.unwrap();
        // ada's first submission fails `a`, her latest fails `b`; bob's fails `b` and `c`.
        submit(&*store, ada.id, "p").await;
        grade_next(&*store, failing(&[("a", "wrong_output")])).await;
        submit(&*store, ada.id, "p").await;
        grade_next(&*store, failing(&[("b", "time_limit")])).await;
        submit(&*store, bob.id, "p").await;
        grade_next(
            &*store,
            failing(&[("b", "wrong_output"), ("c", "missing_file")]),
        )
        .await;
        // A platform failure's report is not a learner's result.
        submit(&*store, bob.id, "p").await;
        let failed = Outcome::Failed {
            error: "boom".into(),
            report: match failing(&[("d", "internal_error")]) {
                Outcome::Graded(result) => Some(result),
                Outcome::Failed { .. } => unreachable!(),
            },
        };
        grade_next(&*store, failed).await;

        let class = dashboard.failing_checks("p", None).await.unwrap();
        assert_eq!(class.graded, 2);
        let rows: Vec<(&str, i64, Vec<(String, i64)>)> = class
            .checks
            .iter()
            .map(|c| (c.check_name.as_str(), c.learners, c.verdicts.clone()))
            .collect();
        assert_eq!(
            rows,
            [
                (
                    "b",
                    2,
                    vec![("time_limit".into(), 1), ("wrong_output".into(), 1)]
                ),
                ("c", 1, vec![("missing_file".into(), 1)]),
            ]
        );
        assert_eq!(class.checks[0].task_title, "Task T");
        // An older submission graded after a newer one leaves the newer one's failed checks.
        let older = submit(&*store, bob.id, "q").await;
        let newer = submit(&*store, bob.id, "q").await;
        let first = store
            .claim("w", Duration::from_secs(60))
            .await
            .unwrap()
            .unwrap();
        let second = store
            .claim("w", Duration::from_secs(60))
            .await
            .unwrap()
            .unwrap();
        assert_eq!((first.id, second.id), (older, newer));
        assert!(
            store
                .finish(&second, &failing(&[("new", "wrong_output")]))
                .await
                .unwrap()
        );
        assert!(
            store
                .finish(&first, &failing(&[("old", "wrong_output")]))
                .await
                .unwrap()
        );
        let q = dashboard.failing_checks("q", None).await.unwrap();
        let names: Vec<&str> = q.checks.iter().map(|c| c.check_name.as_str()).collect();
        assert_eq!((q.graded, names), (1, vec!["new"]));

        let north = dashboard.failing_checks("p", Some("north")).await.unwrap();
        assert_eq!(north.graded, 1);
        assert_eq!(north.checks.len(), 1);
        assert_eq!(north.checks[0].verdicts, [("time_limit".to_owned(), 1)]);
    })
    .await;
}
