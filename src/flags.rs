//! Flags shared by several commands.

use std::path::PathBuf;

use clap::Args;

/// `--tasks-dir`: where the curriculum is.
#[derive(Args)]
pub struct TasksDir {
    /// The curriculum: a folder of project folders, each holding a project.yaml.
    #[arg(long, env = "CHECKER_TASKS_DIR", default_value = "tasks")]
    pub tasks_dir: PathBuf,
}

/// `--db`: the server's database.
#[derive(Args)]
pub struct DbArg {
    /// Database: a SQLite file (created if missing) or postgres://user:password@host/db.
    #[arg(
        long,
        env = "CHECKER_DB",
        hide_env_values = true,
        default_value = "sqlite://checker.db"
    )]
    pub db: String,
}

/// `--server`: the grading server a client command talks to.
#[derive(Args)]
pub struct ServerArg {
    /// The grading server (default: the one of the last `checker login`).
    #[arg(long, env = "CHECKER_SERVER")]
    pub server: Option<String>,
}
