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
    /// A file holding the database password (its first line), for a `--db` URL without one;
    /// keeps the password off command lines and out of the environment (e.g. a Docker secret).
    #[arg(long, env = "CHECKER_DB_PASSWORD_FILE", value_name = "FILE")]
    pub db_password_file: Option<PathBuf>,
}

/// `--log-format`: how the server and workers write their logs.
#[derive(Args)]
pub struct LogArg {
    /// `text` for people, `json` for log collectors (one object per line, with the
    /// `request_id` and `submission` of the lines about a submission).
    #[arg(
        long,
        env = "CHECKER_LOG_FORMAT",
        default_value = "text",
        value_parser = parse_log_format
    )]
    pub log_format: web::LogFormat,
}

fn parse_log_format(text: &str) -> Result<web::LogFormat, String> {
    text.parse()
}

/// `--server`: the grading server a client command talks to.
#[derive(Args)]
pub struct ServerArg {
    /// The grading server (default: the one of the last `checker login`).
    #[arg(long, env = "CHECKER_SERVER")]
    pub server: Option<String>,
}
