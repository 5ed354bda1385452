//! Databases for the tests: a SQLite file in a temporary folder, a fresh PostgreSQL database.

use std::future::Future;
use std::sync::Arc;

use sqlx::Connection;
use sqlx::postgres::PgConnection;
use store::{Backend, DbUrl, Store};

/// A database of one test; dropped (PostgreSQL) or deleted (SQLite) by [`TestDb::remove`].
pub struct TestDb {
    pub url: DbUrl,
    // Keeps the SQLite file's folder until the test ends.
    _dir: Option<tempfile::TempDir>,
    // The server URL and the database name, to drop it.
    postgres: Option<(String, String)>,
}

impl TestDb {
    /// A new SQLite file.
    pub fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("store.db");
        TestDb {
            url: DbUrl::parse(&path.display().to_string()).unwrap(),
            _dir: Some(dir),
            postgres: None,
        }
    }

    /// A new, empty database on the test server, or None (with a message) when there is no
    /// server to use; under `CI=true` a missing server fails the test.
    pub async fn postgres(test: &str) -> Option<TestDb> {
        let server = postgres_server()?;
        let name = format!(
            "checker_store_{test}_{}_{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .subsec_nanos()
        );
        let mut admin = PgConnection::connect(&server)
            .await
            .expect("CHECKER_TEST_POSTGRES answers");
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut admin)
            .await
            .expect("a test database can be created");
        admin.close().await.ok();
        let base = server.rsplit_once('/').expect("a database URL").0;
        Some(TestDb {
            url: DbUrl::parse(&format!("{base}/{name}")).unwrap(),
            _dir: None,
            postgres: Some((server, name)),
        })
    }

    /// Which database this is, for messages.
    pub fn backend(&self) -> Backend {
        self.url.backend()
    }

    /// Drops a PostgreSQL database (its connections too); a SQLite folder goes with `self`.
    pub async fn remove(self) {
        if let Some((server, name)) = &self.postgres {
            let mut admin = PgConnection::connect(server).await.unwrap();
            sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .execute(&mut admin)
                .await
                .unwrap();
        }
    }
}

fn ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

/// The PostgreSQL server of the tests (`CHECKER_TEST_POSTGRES`).
fn postgres_server() -> Option<String> {
    let url = std::env::var("CHECKER_TEST_POSTGRES")
        .ok()
        .filter(|u| !u.is_empty());
    if url.is_none() {
        assert!(
            !ci(),
            "CI=true but CHECKER_TEST_POSTGRES is not set: the store's tests need PostgreSQL"
        );
        eprintln!("CHECKER_TEST_POSTGRES unset: the PostgreSQL half of this test is skipped");
    }
    url
}

/// Runs `check` on a fresh SQLite store, then on a fresh PostgreSQL store (when there is a
/// server). A failure names the backend it happened on.
pub async fn on_both_backends<F, Fut>(test: &str, check: F)
where
    F: Fn(Arc<dyn Store>) -> Fut,
    Fut: Future<Output = ()>,
{
    let mut databases = vec![TestDb::sqlite()];
    databases.extend(TestDb::postgres(test).await);
    for db in databases {
        eprintln!("{test} on {:?}", db.backend());
        let store = store::open(&db.url).await.expect("the store opens");
        check(store).await;
        db.remove().await;
    }
}
