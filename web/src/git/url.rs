//! Git URLs from users, checked before git ever sees them: only network transports
//! (`git://`, `http(s)://`, `ssh://` and `user@host:path`), only hosts the operator allows, no
//! option-looking or control characters; credentials in them are never shown.

use std::fmt;

/// Why a git URL or revision was refused. Every message says what to send instead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UrlError {
    /// Not a network URL (a local path, `file://`, `ext::`...).
    #[error(
        "`{0}` is not a network git URL; use https://, git://, ssh:// or user@host:path (local paths, file:// and ext:: are refused)"
    )]
    Transport(String),
    /// The host is not on the operator's allow-list.
    #[error("git host `{host}` is not allowed on this server (allowed: {allowed})")]
    Host {
        /// The host asked for.
        host: String,
        /// The allow-list.
        allowed: String,
    },
    /// Characters git could take for options or that have no place in a URL.
    #[error(
        "the git URL holds characters that are not allowed (spaces, control characters, `?`, `#`, `\\`, or a leading `-`)"
    )]
    Characters,
    /// A revision that is not a plain branch, tag or commit name.
    #[error("`{0}` is not a branch, tag or commit name")]
    Rev(String),
}

/// A validated git URL. `Display` and `Debug` hide any password or token in it.
#[derive(Clone, PartialEq, Eq)]
pub struct GitUrl {
    url: String,
    host: String,
    port: Option<u16>,
    path: String,
}

impl GitUrl {
    /// Parses `text` and checks it against the `allowed` hosts (`host` or `host:port`).
    pub fn parse(text: &str, allowed: &[String]) -> Result<GitUrl, UrlError> {
        let text = text.trim();
        if text.is_empty()
            || text.starts_with('-')
            || text.chars().any(|c| c.is_whitespace() || c.is_control())
        {
            return Err(UrlError::Characters);
        }
        let refused = || UrlError::Transport(redact(text));
        // What is checked must be exactly what git's transports will dial: a URL is parsed
        // the way curl and git split it (WHATWG rules end the authority at `/`, `?`, `#` and
        // `\`), and anything that could make two parsers disagree is refused outright.
        if text.contains(['?', '#', '\\']) {
            return Err(UrlError::Characters);
        }
        let (url, host, port, path, scheme) = if let Some((scheme, _)) = text.split_once("://") {
            let scheme = scheme.to_ascii_lowercase();
            if !matches!(scheme.as_str(), "git" | "http" | "https" | "ssh") {
                return Err(refused());
            }
            let parsed = url::Url::parse(text).map_err(|_| refused())?;
            let host = match parsed.host() {
                Some(url::Host::Domain(domain)) => domain.to_owned(),
                Some(url::Host::Ipv4(ip)) => ip.to_string(),
                Some(url::Host::Ipv6(ip)) => format!("[{ip}]"),
                None => return Err(refused()),
            };
            // The URL crate leaves out http's and https's default ports; leave out git's and
            // ssh's too, so `host:443` and `host` are one repository.
            let port = parsed
                .port()
                .filter(|&port| Some(port) != default_port(&scheme));
            let path = parsed.path().to_owned();
            (parsed.as_str().to_owned(), host, port, path, scheme)
        } else if let Some((user_host, path)) = text.split_once(':')
            && let Some((user, host)) = user_host.rsplit_once('@')
            && !user.is_empty()
            && !host.is_empty()
            && host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
            && !path.starts_with(':')
        {
            // scp-like ssh: user@host:path (no port can be given in this form)
            (
                text.to_owned(),
                host.to_owned(),
                None,
                path.to_owned(),
                "ssh".to_owned(),
            )
        } else {
            return Err(refused());
        };
        let host = host.to_ascii_lowercase();
        // `..` is judged on the text as given: the URL parser would quietly resolve it away.
        let dot_dot = text.contains("..") || text.to_ascii_lowercase().contains("%2e");
        if host.is_empty() || path.trim_matches('/').is_empty() || dot_dot {
            return Err(refused());
        }
        let dialed = port.or(default_port(&scheme));
        let on_list = allowed.iter().any(|entry| {
            let entry = entry.trim().to_ascii_lowercase();
            entry == host || dialed.is_some_and(|p| entry == format!("{host}:{p}"))
        });
        if !on_list {
            return Err(UrlError::Host {
                host,
                allowed: if allowed.is_empty() {
                    "none: the operator enables git with `checker serve --git-allow-host HOST`"
                        .into()
                } else {
                    allowed.join(", ")
                },
            });
        }
        Ok(GitUrl {
            url,
            host,
            port,
            path,
        })
    }

    /// The URL, credentials included: for git only, never for output.
    pub fn expose(&self) -> &str {
        &self.url
    }

    /// `text` (git's own messages) with the URL's credentials, in any spelling, hidden.
    pub fn scrub(&self, text: &str) -> String {
        let mut text = text.replace(&self.url, &self.redacted());
        if let Some((_, rest)) = self.url.split_once("://") {
            let authority = &rest[..rest.find('/').unwrap_or(rest.len())];
            if let Some((userinfo, _)) = authority.rsplit_once('@')
                && !userinfo.is_empty()
            {
                text = text.replace(userinfo, "***");
            }
        }
        text
    }

    /// The URL without credentials: what is stored with a submission and shown.
    pub fn redacted(&self) -> String {
        redact(&self.url)
    }

    /// The repository's name: the last segment of its path (`.git` kept; see
    /// [`checker::spec::Project::is_repository`]).
    pub fn name(&self) -> &str {
        let path = self.path.trim_end_matches('/');
        path.rsplit(['/', ':']).next().unwrap_or(path)
    }

    /// The repository's identity, the same whatever the transport spelling or credentials:
    /// `host/path` in lower case, without `.git` or a trailing `/`.
    pub fn key(&self) -> String {
        repo_key(&self.host, self.port, &self.path)
    }
}

/// The port a transport uses when the URL names none.
fn default_port(scheme: &str) -> Option<u16> {
    match scheme {
        "http" => Some(80),
        "https" => Some(443),
        "git" => Some(9418),
        "ssh" => Some(22),
        _ => None,
    }
}

/// `host[:port]/path`, lower case, without a `.git` suffix or slashes at the ends.
fn repo_key(host: &str, port: Option<u16>, path: &str) -> String {
    let path = path.trim_matches('/').to_ascii_lowercase();
    let path = path.strip_suffix(".git").unwrap_or(&path);
    match port {
        Some(port) => format!("{host}:{port}/{path}"),
        None => format!("{host}/{path}"),
    }
}

/// The identity of a repository named in a webhook payload (no allow-list: only looked up,
/// never fetched). None when it is not a URL of a network repository.
pub fn key_of(url: &str) -> Option<String> {
    let everyone = [host_of(url)?];
    GitUrl::parse(url, &everyone).ok().map(|u| u.key())
}

fn host_of(url: &str) -> Option<String> {
    let authority = match url.split_once("://") {
        Some((_, rest)) => rest.split('/').next()?,
        None => url.split_once(':')?.0,
    };
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    Some(host_port.split(':').next()?.to_ascii_lowercase())
}

impl fmt::Display for GitUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

impl fmt::Debug for GitUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "GitUrl({})", self.redacted())
    }
}

/// `https://user:token@host/r.git` -> `https://***@host/r.git`; `ssh` user names are kept.
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) if scheme.eq_ignore_ascii_case("ssh") && !rest[..at].contains(':') => {
            url.to_owned()
        }
        Some(at) => format!("{scheme}://***@{}", &rest[at + 1..]),
        None => url.to_owned(),
    }
}

/// Checks a revision: a branch, a tag, a commit or `HEAD`; never an option or a range.
pub fn check_rev(rev: &str) -> Result<(), UrlError> {
    let ok = !rev.is_empty()
        && rev.len() <= 200
        && !rev.starts_with(['-', '/', '.'])
        && !rev.ends_with(['/', '.'])
        && !rev.contains("..")
        && !rev.contains("//")
        && !rev.ends_with(".lock")
        && rev
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '/'));
    if ok {
        Ok(())
    } else {
        Err(UrlError::Rev(rev.chars().take(80).collect()))
    }
}

/// Splits `URL@REV` (as `checker submit --git` takes it); the revision is `HEAD` when absent.
/// An `@` inside credentials or an scp-like `git@host:path` is not taken for a revision.
pub fn split_url_rev(text: &str) -> (String, String) {
    if let Some((url, rev)) = text.rsplit_once('@')
        && check_rev(rev).is_ok()
    {
        let has_path = match url.split_once("://") {
            Some((_, rest)) => rest.trim_end_matches('/').contains('/'),
            None => url.contains('@') && url.contains(':'),
        };
        if has_path {
            return (url.to_owned(), rev.to_owned());
        }
    }
    (text.to_owned(), "HEAD".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allowed() -> Vec<String> {
        vec!["github.com".into(), "127.0.0.1:9418".into()]
    }

    #[test]
    fn a_repository_is_named_by_the_last_segment_of_its_path() {
        let name = |url: &str| GitUrl::parse(url, &allowed()).unwrap().name().to_owned();
        assert_eq!(
            name("https://github.com/ada/alx-backend-javascript.git"),
            "alx-backend-javascript.git"
        );
        assert_eq!(name("https://github.com/ada/Alx-Backend/"), "Alx-Backend");
        assert_eq!(
            name("git@github.com:ada/alx-interview.git"),
            "alx-interview.git"
        );
        assert_eq!(name("git://127.0.0.1:9418/alx.git"), "alx.git");
    }

    #[test]
    fn only_network_transports_on_allowed_hosts() {
        for bad in [
            "file:///etc",
            "/srv/repo.git",
            "../repo",
            "ext::sh -c touch% /tmp/x",
            "ext::sh",
            "fd::3",
            "-uupload-pack=touch /tmp/x",
            "https://github.com",
            "https://github.com/a/../b",
            "ftp://github.com/a/b",
        ] {
            assert!(GitUrl::parse(bad, &allowed()).is_err(), "{bad}");
        }
        assert!(matches!(
            GitUrl::parse("https://gitlab.com/a/b.git", &allowed()),
            Err(UrlError::Host { .. })
        ));
        assert!(matches!(
            GitUrl::parse("git://127.0.0.1:9999/a.git", &allowed()),
            Err(UrlError::Host { .. })
        ));
        let url = GitUrl::parse("git://127.0.0.1:9418/a.git", &allowed()).unwrap();
        // git's default port is left out of the key, as https's 443 is.
        assert_eq!(url.key(), "127.0.0.1/a");
        let a = GitUrl::parse("https://github.com/Ada/Repo.git", &allowed()).unwrap();
        let b = GitUrl::parse("git@github.com:ada/repo", &allowed()).unwrap();
        let c = GitUrl::parse("https://x:tok@github.com/ada/repo/", &allowed()).unwrap();
        assert_eq!(a.key(), b.key());
        assert_eq!(a.key(), c.key());
        assert_eq!(key_of("https://github.com/ada/repo.git"), Some(a.key()));
    }

    #[test]
    fn the_host_checked_is_the_host_git_dials() {
        let allowed = vec!["127.0.0.1:18401".to_owned()];
        // curl ends the authority at `?`, `#` and `\`: each of these would reach :18402.
        for smuggled in [
            "http://127.0.0.1:18402?@127.0.0.1:18401/a/b",
            "http://127.0.0.1:18402#@127.0.0.1:18401/a/b",
            "http://127.0.0.1:18402\\@127.0.0.1:18401/a/b",
            "http://127.0.0.1:18401/a/b?x=1",
            "https://github.com/a/%2e%2e/b",
        ] {
            assert!(GitUrl::parse(smuggled, &allowed).is_err(), "{smuggled}");
        }
        assert!(GitUrl::parse("http://127.0.0.1:18401/a/b", &allowed).is_ok());
        assert!(GitUrl::parse("git@evil.example/x:a/b", &allowed).is_err());
    }

    #[test]
    fn one_repository_one_key() {
        let a = GitUrl::parse("https://github.com/ada/repo", &allowed()).unwrap();
        let b = GitUrl::parse("https://GitHub.com:443/ada/repo.git", &allowed()).unwrap();
        let c = GitUrl::parse("ssh://git@github.com:22/ada/repo", &allowed()).unwrap();
        assert_eq!(a.key(), b.key());
        assert_eq!(a.key(), c.key());
        assert!(!b.expose().contains(":443"), "git gets the normalized URL");
    }

    #[test]
    fn credentials_never_show() {
        let url = GitUrl::parse("https://ada:s3cret@github.com/ada/r.git", &allowed()).unwrap();
        assert_eq!(url.to_string(), "https://***@github.com/ada/r.git");
        assert!(!format!("{url:?}").contains("s3cret"));
        assert!(url.expose().contains("s3cret"));
        assert_eq!(
            url.scrub("unable to look up ada:s3cret@github.com (port 9418)"),
            "unable to look up ***@github.com (port 9418)"
        );
        assert_eq!(
            redact("ssh://git@github.com/a/b"),
            "ssh://git@github.com/a/b"
        );
    }

    #[test]
    fn revisions_and_the_at_sign() {
        for good in ["main", "HEAD", "v1.2", "feature/x", "0123abcd"] {
            assert!(check_rev(good).is_ok(), "{good}");
        }
        for bad in ["-x", "a..b", "a b", "--upload-pack=x", "a:b", "@{1}", ""] {
            assert!(check_rev(bad).is_err(), "{bad}");
        }
        assert_eq!(
            split_url_rev("https://h/r.git@feature/x"),
            ("https://h/r.git".into(), "feature/x".into())
        );
        assert_eq!(
            split_url_rev("https://u:t@h/r.git"),
            ("https://u:t@h/r.git".into(), "HEAD".into())
        );
        assert_eq!(
            split_url_rev("git@github.com:a/b.git"),
            ("git@github.com:a/b.git".into(), "HEAD".into())
        );
        assert_eq!(
            split_url_rev("git@github.com:a/b.git@main"),
            ("git@github.com:a/b.git".into(), "main".into())
        );
    }
}
