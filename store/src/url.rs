//! Database URLs: which database they name, and a printed form without the password.

use std::fmt;

/// Which database a URL names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// A SQLite file.
    Sqlite,
    /// A PostgreSQL server.
    Postgres,
}

/// A database URL. Its `Debug` and `Display` hide the password, so it can be logged.
#[derive(Clone, PartialEq, Eq)]
pub struct DbUrl {
    backend: Backend,
    url: String,
}

impl DbUrl {
    /// `postgres://user:password@host/db`, `sqlite://file.db`, `sqlite::memory:`, or a plain
    /// file path (SQLite).
    pub fn parse(text: &str) -> anyhow::Result<DbUrl> {
        let text = text.trim();
        if text.is_empty() {
            anyhow::bail!("the database URL is empty; use e.g. sqlite://checker.db");
        }
        let (backend, url) = if text.starts_with("postgres://") || text.starts_with("postgresql://")
        {
            (Backend::Postgres, text.to_owned())
        } else if text.starts_with("sqlite:") {
            (Backend::Sqlite, text.to_owned())
        } else if text.contains("://") {
            anyhow::bail!(
                "unsupported database URL scheme in {}; use sqlite://FILE or postgres://...",
                redact(text)
            );
        } else {
            (Backend::Sqlite, format!("sqlite://{text}"))
        };
        Ok(DbUrl { backend, url })
    }

    /// Which database.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The full URL, password included: for the driver only, never for output.
    pub fn expose(&self) -> &str {
        &self.url
    }

    /// The URL with `password` set, for a password kept in a file rather than in the URL.
    /// Refused for SQLite, and when the URL holds a password already (which one would win?).
    pub fn with_password(mut self, password: &str) -> anyhow::Result<DbUrl> {
        if self.backend != Backend::Postgres {
            anyhow::bail!("a database password file is only for postgres:// URLs");
        }
        let rest = self.url.find("://").map_or(0, |i| i + 3);
        let authority_end = self.url[rest..]
            .find(['/', '?'])
            .map_or(self.url.len(), |i| rest + i);
        let Some(at) = self.url[rest..authority_end].rfind('@').map(|i| rest + i) else {
            anyhow::bail!(
                "the database URL {self} names no user; use postgres://USER@HOST/DB with a \
                 password file"
            );
        };
        if self.url[rest..at].contains(':') {
            anyhow::bail!(
                "the database URL {self} holds a password and a password file was given; \
                 keep it in one place (the file)"
            );
        }
        if password.is_empty() {
            anyhow::bail!("the database password file is empty");
        }
        let encoded =
            percent_encoding::utf8_percent_encode(password, percent_encoding::NON_ALPHANUMERIC);
        self.url.insert_str(at, &format!(":{encoded}"));
        Ok(self)
    }
}

impl fmt::Debug for DbUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DbUrl")
            .field("backend", &self.backend)
            .field("url", &redact(&self.url))
            .finish()
    }
}

impl fmt::Display for DbUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&redact(&self.url))
    }
}

/// `postgres://user:secret@host/db?password=x` -> `postgres://user:***@host/db?password=***`.
fn redact(url: &str) -> String {
    let mut out = url.to_owned();
    if let Some(scheme_end) = out.find("://") {
        let rest = scheme_end + 3;
        let authority_end = out[rest..].find(['/', '?']).map_or(out.len(), |i| rest + i);
        if let Some(at) = out[rest..authority_end].rfind('@') {
            let userinfo = &out[rest..rest + at];
            if let Some(colon) = userinfo.find(':') {
                out.replace_range(rest + colon + 1..rest + at, "***");
            }
        }
    }
    if let Some(query_start) = out.find('?') {
        let (base, query) = out.split_at(query_start + 1);
        let query: Vec<String> = query
            .split('&')
            .map(|pair| match pair.split_once('=') {
                Some((key, _)) if secret_key(key) => format!("{key}=***"),
                _ => pair.to_owned(),
            })
            .collect();
        out = format!("{base}{}", query.join("&"));
    }
    out
}

/// Whether a query parameter holds a secret: `password`, `sslpassword`, and any other
/// spelling or casing of a password, secret or token.
fn secret_key(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    ["pass", "secret", "token"]
        .iter()
        .any(|word| key.contains(word))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_from_a_file_goes_into_the_url_encoded() {
        let url = DbUrl::parse("postgres://checker@db:5432/checker")
            .unwrap()
            .with_password("p@ss:w/rd")
            .unwrap();
        assert_eq!(
            url.expose(),
            "postgres://checker:p%40ss%3Aw%2Frd@db:5432/checker"
        );
        assert_eq!(url.to_string(), "postgres://checker:***@db:5432/checker");
        let twice = DbUrl::parse("postgres://checker:x@db/checker").unwrap();
        assert!(twice.with_password("y").is_err());
        let nobody = DbUrl::parse("postgres://db/checker").unwrap();
        assert!(nobody.with_password("y").is_err());
        let file = DbUrl::parse("sqlite://checker.db").unwrap();
        assert!(file.with_password("y").is_err());
    }

    #[test]
    fn database_urls_never_show_their_password() {
        let url = DbUrl::parse("postgres://checker:s3cret@db.example:5432/checker").unwrap();
        assert_eq!(url.backend(), Backend::Postgres);
        assert_eq!(
            url.to_string(),
            "postgres://checker:***@db.example:5432/checker"
        );
        assert!(!format!("{url:?}").contains("s3cret"));
        assert!(url.expose().contains("s3cret"));
        let url = DbUrl::parse("postgresql://u@h/db?sslmode=disable&password=hunter2").unwrap();
        assert_eq!(
            url.to_string(),
            "postgresql://u@h/db?sslmode=disable&password=***"
        );
        let url = DbUrl::parse("postgres://u@h/db?SSLPassword=k3y&Password=x&passfile=/p").unwrap();
        assert_eq!(
            url.to_string(),
            "postgres://u@h/db?SSLPassword=***&Password=***&passfile=***"
        );
        let url = DbUrl::parse("postgres://u:p%40ss@h/db").unwrap();
        assert_eq!(url.to_string(), "postgres://u:***@h/db");
    }

    #[test]
    fn plain_paths_are_sqlite_files() {
        let url = DbUrl::parse("data/checker.db").unwrap();
        assert_eq!(url.backend(), Backend::Sqlite);
        assert_eq!(url.expose(), "sqlite://data/checker.db");
        assert!(DbUrl::parse("mysql://x").is_err());
        assert!(
            DbUrl::parse("mysql://u:pw@x")
                .unwrap_err()
                .to_string()
                .contains("***")
        );
    }
}
