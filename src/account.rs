//! `checker user`, `checker token` (on the server's database) and `checker login`,
//! `checker scores`, `checker repo link` (a signed-in client of the server).

use std::io::IsTerminal;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Subcommand};
use client::prompt::read_secret;
use web::auth;
use web::parse_duration;
use web::store::Role;

use crate::failure::Failure;
use crate::flags::{DbArg, ServerArg};
use crate::server::open_store;

#[derive(Subcommand)]
pub enum UserCommand {
    /// Add a user; the password is asked for (or read from standard input when piped).
    #[command(after_help = "Examples:
  checker user add ada --role learner --cohort 2026-spring
  echo \"$PASSWORD\" | checker user add grace --role instructor --db postgres://...")]
    Add {
        /// Their name (what they sign in with).
        name: String,
        /// learner (their own submissions), instructor (everyone's) or admin.
        #[arg(long, default_value = "learner")]
        role: Role,
        /// The cohort (class, intake) a learner belongs to; the class grid is filtered by it.
        #[arg(long)]
        cohort: Option<String>,
        #[command(flatten)]
        db: DbArg,
    },
    /// Move a user to another cohort, or out of any with --clear.
    #[command(after_help = "Examples:
  checker user cohort ada 2026-autumn
  checker user cohort ada --clear")]
    Cohort {
        /// The user.
        name: String,
        /// The cohort to put them in.
        #[arg(required_unless_present = "clear", conflicts_with = "clear")]
        cohort: Option<String>,
        /// Put them in no cohort.
        #[arg(long)]
        clear: bool,
        #[command(flatten)]
        db: DbArg,
    },
}

#[derive(Subcommand)]
pub enum TokenCommand {
    /// Create an API token for a user and print it, once (only its hash is stored).
    #[command(after_help = "Examples:
  checker token create ci-bot --expires 30d --label github-actions
  CHECKER_TOKEN=$(checker token create ada) checker submit es6-data-manipulation --server URL")]
    Create {
        /// The user.
        name: String,
        /// Lifetime, e.g. 90d or 12h; `never` for a token that does not expire.
        #[arg(long, default_value = "90d")]
        expires: String,
        /// What the token is for.
        #[arg(long, default_value = "cli")]
        label: String,
        #[command(flatten)]
        db: DbArg,
    },
    /// List your API tokens on the server you signed in to (ids, labels, dates; never the
    /// tokens themselves).
    #[command(after_help = "Examples:
  checker token list
  checker token list --json --server https://checker.example.org")]
    List {
        #[command(flatten)]
        server: ServerArg,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Revoke one of your API tokens by its id (from `checker token list`): it stops working
    /// at once.
    #[command(after_help = "Examples:
  checker token revoke 12")]
    Revoke {
        /// The token's id.
        id: i64,
        #[command(flatten)]
        server: ServerArg,
    },
}

#[derive(Args)]
pub struct LoginArgs {
    #[command(flatten)]
    server: ServerArg,
    /// Use this API token (from `checker token create`) instead of a name and password.
    #[arg(long)]
    token: Option<String>,
    /// Your name (asked for when missing).
    #[arg(long)]
    name: Option<String>,
}

#[derive(Args)]
pub struct ScoresArgs {
    #[command(flatten)]
    server: ServerArg,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Subcommand)]
pub enum RepoCommand {
    /// Link a git repository to your account: its pushes (through the server's webhook) are
    /// graded as yours, one submission per project folder a push touches.
    #[command(after_help = "Examples:
  checker repo link https://github.com/ada/alx-backend-javascript.git
  checker repo link git@github.com:ada/alx-backend-javascript.git --server https://checker.example.org")]
    Link {
        /// The repository's URL (https://, git://, ssh:// or user@host:path).
        url: String,
        #[command(flatten)]
        server: ServerArg,
    },
}

/// Adds a user, asking for their password (twice on a terminal), or changes their cohort.
pub async fn user(command: UserCommand) -> Result<ExitCode, Failure> {
    let (name, role, cohort, db) = match command {
        UserCommand::Add {
            name,
            role,
            cohort,
            db,
        } => (name, role, cohort, db),
        UserCommand::Cohort {
            name, cohort, db, ..
        } => {
            let cohort = cohort.as_deref().map(auth::check_cohort).transpose()?;
            let store = open_store(&db).await?;
            auth::set_cohort(store.as_ref(), &name, cohort.as_deref()).await?;
            match cohort {
                Some(cohort) => println!("`{name}` is in cohort `{cohort}`"),
                None => println!("`{name}` is in no cohort"),
            }
            return Ok(ExitCode::SUCCESS);
        }
    };
    let name = auth::check_user_name(&name)?;
    // A bad cohort is refused before the password is asked for.
    let cohort = cohort.as_deref().map(auth::check_cohort).transpose()?;
    let password = read_secret(&format!("password for {name}: ")).map_err(Failure::bad)?;
    if std::io::stdin().is_terminal() {
        let again = read_secret("the same password again: ").map_err(Failure::bad)?;
        if again != password {
            return Err(Failure::bad(
                "the two passwords differ; nothing was changed",
            ));
        }
    }
    auth::check_password(&password)?;
    let store = open_store(&db).await?;
    let user = auth::add_user(store.as_ref(), &name, role, password).await?;
    match &cohort {
        Some(cohort) => {
            auth::set_cohort(store.as_ref(), &user.name, Some(cohort)).await?;
            println!(
                "added {} `{}` in cohort `{cohort}`",
                user.role.as_str(),
                user.name
            );
        }
        None => println!("added {} `{}`", user.role.as_str(), user.name),
    }
    Ok(ExitCode::SUCCESS)
}

/// Issues an API token and prints it, once (on the server's database); lists or revokes the
/// signed-in user's tokens (through the server).
pub async fn token(command: TokenCommand) -> Result<ExitCode, Failure> {
    let (name, expires, label, db) = match command {
        TokenCommand::Create {
            name,
            expires,
            label,
            db,
        } => (name, expires, label, db),
        TokenCommand::List { server, json } => {
            client::tokens(server.server.as_deref(), json).await?;
            return Ok(ExitCode::SUCCESS);
        }
        TokenCommand::Revoke { id, server } => {
            client::revoke_token(server.server.as_deref(), id).await?;
            return Ok(ExitCode::SUCCESS);
        }
    };
    let lifetime = match expires.as_str() {
        "never" => None,
        text => Some(parse_duration(text).map_err(Failure::bad)?),
    };
    let store = open_store(&db).await?;
    let (user, token) = auth::issue_token(store.as_ref(), &name, &label, lifetime).await?;
    println!("{}", token.expose());
    if std::io::stdout().is_terminal() {
        eprintln!(
            "token for `{}` ({}), shown only this once{}",
            user.name,
            user.role.as_str(),
            lifetime
                .map(|l| format!("; it expires in {}", humantime_short(l)))
                .unwrap_or_default()
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn humantime_short(duration: Duration) -> String {
    let days = duration.as_secs() / 86_400;
    if days > 0 {
        format!("{days} days")
    } else {
        format!("{} s", duration.as_secs())
    }
}

pub async fn login(args: LoginArgs) -> Result<ExitCode, Failure> {
    client::login(client::LoginOptions {
        server: args.server.server,
        token: args.token,
        name: args.name,
    })
    .await?;
    Ok(ExitCode::SUCCESS)
}

pub async fn scores(args: ScoresArgs) -> Result<ExitCode, Failure> {
    client::scores(args.server.server.as_deref(), args.json).await?;
    Ok(ExitCode::SUCCESS)
}

pub async fn repo(command: RepoCommand) -> Result<ExitCode, Failure> {
    let RepoCommand::Link { url, server } = command;
    client::link_repo(server.server.as_deref(), &url).await?;
    Ok(ExitCode::SUCCESS)
}
