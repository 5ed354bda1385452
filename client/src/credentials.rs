//! What `checker login` saves (a token per server, readable by its owner only) and how a
//! command finds the server and token it uses.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::ClientError;

/// An API token. Its `Debug` never shows it; [`Token::expose`] is for sending it and saving it.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

impl Token {
    /// A token given by a user, or read from their credentials.
    pub fn new(token: impl Into<String>) -> Token {
        Token(token.into())
    }

    /// The token itself.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(***)")
    }
}

/// What `checker login` saved: a token per server, and the server used by default.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Credentials {
    /// The server of the last login.
    pub default_server: Option<String>,
    /// Saved logins by server URL.
    pub servers: BTreeMap<String, SavedLogin>,
}

/// A saved login.
#[derive(Serialize, Deserialize)]
pub struct SavedLogin {
    /// Who.
    pub user: String,
    /// Their token.
    pub token: String,
}

impl fmt::Debug for SavedLogin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SavedLogin")
            .field("user", &self.user)
            .field("token", &"***")
            .finish()
    }
}

impl Credentials {
    /// `$XDG_CONFIG_HOME/checker/credentials.json` (or `~/.config/checker/credentials.json`).
    pub fn path() -> anyhow::Result<PathBuf> {
        let base = std::env::var_os("XDG_CONFIG_HOME")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))
            .ok_or_else(|| anyhow::anyhow!("neither XDG_CONFIG_HOME nor HOME is set"))?;
        Ok(base.join("checker").join("credentials.json"))
    }

    /// The saved credentials; none when the file does not exist.
    pub fn load() -> anyhow::Result<Credentials> {
        let path = Self::path()?;
        match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| {
                anyhow::anyhow!(
                    "{} is not valid ({e}); delete it and run `checker login` again",
                    path.display()
                )
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Credentials::default()),
            Err(e) => Err(anyhow::anyhow!("cannot read {}: {e}", path.display())),
        }
    }

    /// Writes the file readable by its owner only (0600, in a 0700 folder), atomically.
    pub fn save(&self) -> anyhow::Result<PathBuf> {
        use std::io::Write;
        use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
        let path = Self::path()?;
        let dir = path.parent().unwrap_or(Path::new("."));
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)?;
        let temporary = dir.join(format!(".credentials.{}.tmp", std::process::id()));
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o600)
            .open(&temporary)?;
        file.write_all(&serde_json::to_vec_pretty(self)?)?;
        file.sync_all()?;
        std::fs::rename(&temporary, &path)?;
        Ok(path)
    }

    /// The server to use: the one given, else the default one.
    pub fn server(&self, given: Option<&str>) -> Option<String> {
        given
            .map(|s| s.trim_end_matches('/').to_owned())
            .or_else(|| self.default_server.clone())
    }

    /// The saved token for `server`.
    pub fn token(&self, server: &str) -> Option<Token> {
        self.servers
            .get(server.trim_end_matches('/'))
            .map(|login| Token::new(login.token.clone()))
    }
}

/// The server and token a command uses: `server` (a flag or `CHECKER_SERVER`), else the last
/// login's; the token from `CHECKER_TOKEN`, else the one saved for that server.
pub fn signed_in(server: Option<&str>) -> Result<(String, Token), ClientError> {
    let credentials = Credentials::load().map_err(|e| ClientError::Input(e.to_string()))?;
    let server = credentials.server(server).ok_or_else(|| {
        ClientError::Input(
            "which server? pass --server URL (or run `checker login --server URL` once)".into(),
        )
    })?;
    let token = std::env::var("CHECKER_TOKEN")
        .ok()
        .filter(|t| !t.is_empty())
        .map(Token::new)
        .or_else(|| credentials.token(&server))
        .ok_or_else(|| {
            ClientError::Input(format!(
                "not signed in to {server}: run `checker login --server {server}` (or set CHECKER_TOKEN)"
            ))
        })?;
    Ok((server, token))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_never_show_in_debug_output() {
        let token = Token::new("chk_secret");
        assert_eq!(format!("{token:?}"), "Token(***)");
        let login = SavedLogin {
            user: "ada".into(),
            token: "chk_secret".into(),
        };
        assert!(!format!("{login:?}").contains("chk_secret"));
    }

    #[test]
    fn the_given_server_wins_over_the_default_and_finds_its_token() {
        let mut credentials = Credentials {
            default_server: Some("http://a".into()),
            ..Credentials::default()
        };
        credentials.servers.insert(
            "http://b".into(),
            SavedLogin {
                user: "ada".into(),
                token: "chk_b".into(),
            },
        );
        assert_eq!(credentials.server(None).unwrap(), "http://a");
        let b = credentials.server(Some("http://b/")).unwrap();
        assert_eq!(b, "http://b");
        assert_eq!(credentials.token(&b).unwrap().expose(), "chk_b");
        assert!(credentials.token("http://a").is_none());
    }
}
