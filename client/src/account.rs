//! `checker login`, `checker scores`, `checker token list|revoke` and `checker repo link`: the
//! signed-in user's side.

use checker::report::format_percent;

use crate::credentials::{Credentials, SavedLogin, Token};
use crate::error::ClientError;
use crate::http::Client;
use crate::prompt::{read_line, read_secret};

/// How to sign in.
#[derive(Debug, Clone, Default)]
pub struct LoginOptions {
    /// The server (default: the last login's).
    pub server: Option<String>,
    /// An API token to save instead of signing in with a name and password.
    pub token: Option<String>,
    /// The user's name (asked for when missing and no token is given).
    pub name: Option<String>,
}

/// Signs in (with a token, or a name and a password asked for) and saves the token for the
/// server, mode 0600, as the default server.
pub async fn login(options: LoginOptions) -> Result<(), ClientError> {
    let input = |e: &dyn std::fmt::Display| ClientError::Input(e.to_string());
    let mut credentials = Credentials::load().map_err(|e| input(&e))?;
    let server = credentials
        .server(options.server.as_deref())
        .ok_or_else(|| ClientError::Input("which server? pass --server URL".into()))?;
    let (token, name, role) = match options.token {
        Some(token) => {
            let token = Token::new(token.trim());
            let me = Client::new(&server, Some(token.clone()))?.me().await?;
            (token, me.name, me.role)
        }
        None => {
            let name = match options.name {
                Some(name) => name,
                None => read_line("name: ").map_err(|e| input(&e))?,
            };
            let password = read_secret("password: ").map_err(|e| input(&e))?;
            let (token, role) = Client::new(&server, None)?
                .login(name.trim(), &password)
                .await?;
            (token, name.trim().to_owned(), role)
        }
    };
    let replaced = credentials
        .token(&server)
        .filter(|old| old.expose() != token.expose());
    credentials.default_server = Some(server.clone());
    credentials.servers.insert(
        server.clone(),
        SavedLogin {
            user: name.clone(),
            token: token.expose().to_owned(),
        },
    );
    let path = credentials
        .save()
        .map_err(|e| ClientError::Failed(e.to_string()))?;
    println!(
        "signed in to {server} as {name} ({role}); token saved in {}",
        path.display()
    );
    if let Some(old) = replaced {
        revoke_replaced_login(&server, old).await;
    }
    Ok(())
}

/// Revokes the token an earlier `checker login` saved for the server, now replaced, so logins
/// do not pile up tokens. Only a token made by a login is revoked (one from `checker token
/// create` may serve elsewhere); a failure leaves it to expire.
async fn revoke_replaced_login(server: &str, old: Token) {
    let Ok(client) = Client::new(server, Some(old)) else {
        return;
    };
    let Ok(tokens) = client.tokens().await else {
        return;
    };
    if let Some(old) = tokens.iter().find(|t| t.current && t.label == "login")
        && client.revoke_token(old.id).await.is_ok()
    {
        println!("revoked the token of the previous login");
    }
}

/// Prints the signed-in user's API tokens (never the tokens themselves).
pub async fn tokens(server: Option<&str>, json: bool) -> Result<(), ClientError> {
    let tokens = Client::signed_in(server)?.tokens().await?;
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&tokens).unwrap_or_default()
        );
        return Ok(());
    }
    println!(
        "{:>6}  {:<24} {:<22} {:<22}",
        "ID", "LABEL", "CREATED", "EXPIRES"
    );
    for token in &tokens {
        println!(
            "{:>6}  {:<24} {:<22} {:<22}{}",
            token.id,
            token.label,
            date(token.created_at),
            token.expires_at.map_or_else(|| "never".into(), date),
            if token.current { "  (this one)" } else { "" },
        );
    }
    Ok(())
}

/// Revokes the signed-in user's token `id`.
pub async fn revoke_token(server: Option<&str>, id: i64) -> Result<(), ClientError> {
    Client::signed_in(server)?.revoke_token(id).await?;
    println!("token {id} revoked");
    Ok(())
}

/// Unix milliseconds as a UTC date and time.
fn date(ms: i64) -> String {
    let time = std::time::UNIX_EPOCH + std::time::Duration::from_millis(ms.max(0) as u64);
    humantime::format_rfc3339_seconds(time).to_string()
}

/// Prints the signed-in user's best and latest score per project, as a table or JSON.
pub async fn scores(server: Option<&str>, json: bool) -> Result<(), ClientError> {
    let scores = Client::signed_in(server)?.my_scores().await?;
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&scores).unwrap_or_default()
        );
        return Ok(());
    }
    if scores.is_empty() {
        println!("no graded submission yet; submit with `checker submit PROJECT DIR`");
        return Ok(());
    }
    let percent = |value: Option<f64>| {
        value
            .map(|v| format!("{}%", format_percent(v)))
            .unwrap_or_default()
    };
    println!(
        "{:<32} {:>8} {:>8} {:>8} {:>8} {:>7}",
        "PROJECT", "BEST", "BONUS", "LATEST", "BONUS", "GRADED"
    );
    for score in &scores {
        println!(
            "{:<32} {:>8} {:>8} {:>8} {:>8} {:>7}",
            score.title,
            percent(score.best_score),
            percent(score.best_bonus),
            percent(score.latest_score),
            percent(score.latest_bonus),
            score.graded,
        );
    }
    Ok(())
}

/// Links the repository `url` to the signed-in learner and prints the webhook to add to it.
pub async fn link_repo(server: Option<&str>, url: &str) -> Result<(), ClientError> {
    let client = Client::signed_in(server)?;
    let linked = client.link_repo(url).await?;
    println!(
        "linked {} to your account.\n\
         To grade each push, add a webhook to the repository:\n  \
         payload URL:  {}/api/hooks/git\n  \
         content type: application/json\n  \
         secret:       {}\n\
         (GitLab: put the secret in the webhook's \"Secret token\".){}",
        linked.url,
        client.server(),
        linked.webhook_secret,
        if linked.confirmed {
            ""
        } else {
            "\nThe link is pending until the webhook's first delivery (its ping) arrives."
        },
    );
    Ok(())
}
