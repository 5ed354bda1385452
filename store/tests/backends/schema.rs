//! Both backends' migrations build the same schema: tables, columns (with equivalent types and
//! nullability), primary keys, foreign keys and indexes, read back from each database's own
//! catalogue. (Defaults and CHECK constraints are not compared.)

use std::collections::{BTreeMap, BTreeSet};

use sqlx::{Connection, PgConnection, Row, SqliteConnection};

use crate::support::TestDb;

/// A column: its name, its kind of type, whether it may be NULL.
type Column = (String, &'static str, bool);

/// An index: its table, its columns in order, whether it is unique.
type IndexShape = (String, Vec<String>, bool);

/// A foreign key: table, column, referenced table, referenced column, what a delete does.
type ForeignKey = (String, String, String, String, String);

#[derive(Debug, Default, PartialEq)]
struct Schema {
    /// Columns of each table, in their declared order.
    tables: BTreeMap<String, Vec<Column>>,
    /// Primary key columns of each table, in key order.
    primary_keys: BTreeMap<String, Vec<String>>,
    /// Indexes made by `CREATE INDEX`, by name.
    named_indexes: BTreeMap<String, IndexShape>,
    /// Indexes made by `UNIQUE` constraints (their names are the database's own).
    unique_constraints: BTreeSet<IndexShape>,
    /// Foreign keys.
    foreign_keys: BTreeSet<ForeignKey>,
    /// Migrations applied.
    migrations: Vec<i64>,
}

/// The kind of a declared type, so SQLite's and PostgreSQL's names of it compare equal.
fn kind(declared: &str) -> &'static str {
    match declared.to_ascii_lowercase().as_str() {
        "integer" | "bigint" => "integer",
        "text" => "text",
        "real" | "double precision" => "float",
        "blob" | "bytea" => "bytes",
        "boolean" => "boolean",
        other => panic!("a column type the store does not use: {other}"),
    }
}

async fn sqlite_schema(db: &TestDb) -> Schema {
    let mut conn = SqliteConnection::connect(db.url.expose()).await.unwrap();
    let mut schema = Schema::default();
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table'
            AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations'",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    for table in tables {
        let columns = sqlx::query(
            "SELECT name, type, \"notnull\", pk FROM pragma_table_info($1) ORDER BY cid",
        )
        .bind(&table)
        .fetch_all(&mut conn)
        .await
        .unwrap();
        let mut key: Vec<(i64, String)> = Vec::new();
        let mut shaped = Vec::new();
        for column in columns {
            let name: String = column.get("name");
            let pk: i64 = column.get("pk");
            let not_null: bool = column.get("notnull");
            if pk > 0 {
                key.push((pk, name.clone()));
            }
            // A primary key column is never NULL on PostgreSQL; SQLite's pragma reports it as
            // nullable unless declared NOT NULL, so the key decides here.
            shaped.push((name, kind(column.get("type")), !(not_null || pk > 0)));
        }
        key.sort();
        schema.primary_keys.insert(
            table.clone(),
            key.into_iter().map(|(_, name)| name).collect(),
        );
        let indexes = sqlx::query("SELECT name, \"unique\", origin FROM pragma_index_list($1)")
            .bind(&table)
            .fetch_all(&mut conn)
            .await
            .unwrap();
        for index in indexes {
            let name: String = index.get("name");
            let origin: String = index.get("origin");
            let columns: Vec<String> =
                sqlx::query_scalar("SELECT name FROM pragma_index_info($1) ORDER BY seqno")
                    .bind(&name)
                    .fetch_all(&mut conn)
                    .await
                    .unwrap();
            let shape = (table.clone(), columns, index.get::<bool, _>("unique"));
            match origin.as_str() {
                "c" => {
                    schema.named_indexes.insert(name, shape);
                }
                "u" => {
                    schema.unique_constraints.insert(shape);
                }
                // Primary keys are compared above.
                _ => {}
            }
        }
        let keys = sqlx::query(
            "SELECT \"from\", \"table\", \"to\", on_delete FROM pragma_foreign_key_list($1)",
        )
        .bind(&table)
        .fetch_all(&mut conn)
        .await
        .unwrap();
        for key in keys {
            schema.foreign_keys.insert((
                table.clone(),
                key.get("from"),
                key.get("table"),
                key.get("to"),
                key.get("on_delete"),
            ));
        }
        schema.tables.insert(table, shaped);
    }
    schema.migrations =
        sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success ORDER BY version")
            .fetch_all(&mut conn)
            .await
            .unwrap();
    schema
}

async fn postgres_schema(db: &TestDb) -> Schema {
    let mut conn = PgConnection::connect(db.url.expose()).await.unwrap();
    let mut schema = Schema::default();
    let columns = sqlx::query(
        "SELECT table_name::text AS table_name, column_name::text AS column_name,
            data_type::text AS data_type, is_nullable::text AS is_nullable
        FROM information_schema.columns
        WHERE table_schema = 'public' AND table_name <> '_sqlx_migrations'
        ORDER BY table_name, ordinal_position",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    for column in columns {
        let table: String = column.get("table_name");
        let nullable = column.get::<String, _>("is_nullable") == "YES";
        schema.tables.entry(table.clone()).or_default().push((
            column.get("column_name"),
            kind(column.get("data_type")),
            nullable,
        ));
        schema.primary_keys.entry(table).or_default();
    }
    let keys = sqlx::query(
        "SELECT k.table_name::text AS table_name, k.column_name::text AS column_name,
            c.constraint_name::text AS constraint_name
        FROM information_schema.table_constraints c
        JOIN information_schema.key_column_usage k
            ON k.constraint_name = c.constraint_name AND k.table_schema = c.table_schema
        WHERE c.table_schema = 'public' AND c.constraint_type = 'PRIMARY KEY'
            AND c.table_name <> '_sqlx_migrations'
        ORDER BY k.table_name, k.ordinal_position",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    let mut key_indexes = BTreeSet::new();
    for key in keys {
        let table: String = key.get("table_name");
        schema
            .primary_keys
            .entry(table)
            .or_default()
            .push(key.get("column_name"));
        key_indexes.insert(key.get::<String, _>("constraint_name"));
    }
    let unique_constraints: BTreeSet<String> = sqlx::query_scalar(
        "SELECT constraint_name::text FROM information_schema.table_constraints
        WHERE table_schema = 'public' AND constraint_type = 'UNIQUE'",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap()
    .into_iter()
    .collect();
    let indexes = sqlx::query(
        "SELECT tablename::text AS tablename, indexname::text AS indexname, indexdef
        FROM pg_indexes WHERE schemaname = 'public' AND tablename <> '_sqlx_migrations'",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    for index in indexes {
        let name: String = index.get("indexname");
        if key_indexes.contains(&name) {
            continue;
        }
        // `CREATE [UNIQUE] INDEX name ON public.table USING btree (a, b)`: the store indexes
        // plain columns only.
        let definition: String = index.get("indexdef");
        let columns = definition
            .rsplit_once('(')
            .and_then(|(_, list)| list.strip_suffix(')'))
            .unwrap_or_else(|| panic!("an index over plain columns: {definition}"))
            .split(", ")
            .map(str::to_owned)
            .collect();
        let unique = definition.starts_with("CREATE UNIQUE INDEX");
        let shape = (index.get("tablename"), columns, unique);
        if unique_constraints.contains(&name) {
            schema.unique_constraints.insert(shape);
        } else {
            schema.named_indexes.insert(name, shape);
        }
    }
    let keys = sqlx::query(
        "SELECT k.table_name::text AS table_name, k.column_name::text AS column_name,
            c.table_name::text AS ref_table, c.column_name::text AS ref_column,
            r.delete_rule::text AS delete_rule
        FROM information_schema.referential_constraints r
        JOIN information_schema.key_column_usage k
            ON k.constraint_name = r.constraint_name AND k.constraint_schema = r.constraint_schema
        JOIN information_schema.constraint_column_usage c
            ON c.constraint_name = r.constraint_name AND c.constraint_schema = r.constraint_schema
        WHERE r.constraint_schema = 'public'",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    for key in keys {
        schema.foreign_keys.insert((
            key.get("table_name"),
            key.get("column_name"),
            key.get("ref_table"),
            key.get("ref_column"),
            key.get("delete_rule"),
        ));
    }
    schema.migrations =
        sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success ORDER BY version")
            .fetch_all(&mut conn)
            .await
            .unwrap();
    schema
}

#[tokio::test]
async fn both_backends_migrate_to_the_same_schema() {
    let sqlite = TestDb::sqlite();
    store::open(&sqlite.url).await.unwrap();
    let lite = sqlite_schema(&sqlite).await;
    // The reading above must have found the schema, not an empty database.
    assert!(lite.tables.contains_key("submissions") && lite.named_indexes.len() >= 5);
    assert!(lite.unique_constraints.len() >= 3 && lite.foreign_keys.len() >= 10);

    let Some(postgres) = TestDb::postgres("schema").await else {
        return;
    };
    store::open(&postgres.url).await.unwrap();
    let pg = postgres_schema(&postgres).await;
    postgres.remove().await;

    assert_eq!(
        lite.tables.keys().collect::<Vec<_>>(),
        pg.tables.keys().collect::<Vec<_>>(),
        "tables"
    );
    for (table, columns) in &lite.tables {
        assert_eq!(columns, &pg.tables[table], "columns of {table}");
    }
    assert_eq!(lite.primary_keys, pg.primary_keys, "primary keys");
    assert_eq!(lite.named_indexes, pg.named_indexes, "indexes");
    assert_eq!(
        lite.unique_constraints, pg.unique_constraints,
        "unique constraints"
    );
    assert_eq!(lite.foreign_keys, pg.foreign_keys, "foreign keys");
    assert_eq!(lite.migrations, pg.migrations, "migrations applied");
}

/// Migrates `db` with every migration of `folder` before `version`: the database a release
/// with migration `version` meets.
async fn migrate_before<DB: sqlx::Database>(pool: &sqlx::Pool<DB>, folder: &str, version: i64)
where
    DB::Connection: sqlx::migrate::Migrate,
{
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(folder);
    let mut migrator = sqlx::migrate::Migrator::new(path.as_path()).await.unwrap();
    let older: Vec<_> = migrator
        .migrations
        .iter()
        .filter(|m| m.version < version)
        .cloned()
        .collect();
    migrator.migrations = older.into();
    migrator.run(pool).await.unwrap();
}

/// A learner, a graded submission whose report fails two checks of one task, and its scores.
const BEFORE_FAILED_CHECKS: [&str; 4] = [
    "INSERT INTO users (id, name, role, password_hash, created_at) VALUES (1, 'ada', 'learner', 'x', 1)",
    "INSERT INTO submissions (id, user_id, project_id, spec_version, source, status, attempts,
        not_before, created_at) VALUES (7, 1, 'p', 'v1', 'upload', 'graded', 1, 1, 1)",
    r#"INSERT INTO results (submission_id, spec_version, score, bonus, passed, duration_ms, report,
        graded_by, created_at) VALUES (7, 'v1', 0, 0, FALSE, 1, '{"tasks": [
            {"id": "0-a", "title": "Task A", "checks": [
                {"name": "prints", "verdict": "wrong_output"},
                {"name": "exits", "verdict": "passed"},
                {"name": "runs", "verdict": "time_limit"}]},
            {"id": "1-b", "title": "Task B", "checks": []}]}', 'w', 1)"#,
    "INSERT INTO scores (user_id, project_id, best_score, best_bonus, best_submission,
        latest_score, latest_bonus, latest_submission, graded, updated_at)
        VALUES (1, 'p', 0, 0, 7, 0, 0, 7, 1, 1)",
];

#[tokio::test]
async fn a_database_from_before_cohorts_gets_its_sums_and_failed_checks_filled_in() {
    let mut databases = vec![TestDb::sqlite()];
    databases.extend(TestDb::postgres("backfill").await);
    for db in databases {
        match db.backend() {
            store::Backend::Sqlite => {
                let options: sqlx::sqlite::SqliteConnectOptions = db.url.expose().parse().unwrap();
                let pool = sqlx::SqlitePool::connect_with(options.create_if_missing(true))
                    .await
                    .unwrap();
                migrate_before(&pool, "migrations/sqlite", 7).await;
                for sql in BEFORE_FAILED_CHECKS {
                    sqlx::query(sql).execute(&pool).await.unwrap();
                }
                pool.close().await;
            }
            store::Backend::Postgres => {
                let pool = sqlx::PgPool::connect(db.url.expose()).await.unwrap();
                migrate_before(&pool, "migrations/postgres", 7).await;
                for sql in BEFORE_FAILED_CHECKS {
                    sqlx::query(sql).execute(&pool).await.unwrap();
                }
                pool.close().await;
            }
        }
        let store = store::open(&db.url).await.unwrap();
        let failing = store.dashboard().failing_checks("p", None).await.unwrap();
        let found: Vec<(&str, &str, &str, i64)> = failing
            .checks
            .iter()
            .map(|c| {
                (
                    c.task_title.as_str(),
                    c.check_name.as_str(),
                    c.verdicts[0].0.as_str(),
                    c.learners,
                )
            })
            .collect();
        assert_eq!(failing.graded, 1, "{:?}", db.backend());
        assert_eq!(
            found,
            [
                ("Task A", "prints", "wrong_output", 1),
                ("Task A", "runs", "time_limit", 1)
            ],
            "{:?}",
            db.backend()
        );
        // ada's 0% on p makes her struggling, from the sums migration 7 filled in.
        let struggling = store
            .dashboard()
            .grid_page(&store::dashboard::GridQuery {
                filter: store::dashboard::GridFilter {
                    struggling: true,
                    ..Default::default()
                },
                order: store::dashboard::GridOrder::Mean,
                descending: true,
                offset: 0,
                limit: 10,
            })
            .await
            .unwrap();
        assert_eq!(struggling.total, 1, "{:?}", db.backend());
        drop(store);
        db.remove().await;
    }
}
