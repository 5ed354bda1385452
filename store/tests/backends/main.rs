//! The store against real databases: one conformance suite run on SQLite and on PostgreSQL, and
//! a check that both backends' migrations build the same schema.
//!
//! PostgreSQL comes from `CHECKER_TEST_POSTGRES` (a server URL; each test creates its own
//! database). Without it the PostgreSQL half is skipped with a message, except under `CI=true`,
//! where its absence fails the test.

mod conformance;
mod schema;
mod support;
