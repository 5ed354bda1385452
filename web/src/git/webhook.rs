//! Push webhooks: who sent them (GitHub's `X-Hub-Signature-256` HMAC-SHA256 of the body, or
//! GitLab's `X-Gitlab-Token`), both compared in constant time, and what a push says: the
//! repository, the commit, and the folders its commits touched.

use std::collections::BTreeSet;
use std::fmt;

use axum::http::HeaderMap;
use hmac::{Hmac, Mac};
use serde_json::Value;
use sha2::Sha256;
use subtle::ConstantTimeEq;

/// The shared secret of push webhooks. `Debug` never shows it.
#[derive(Clone)]
pub struct WebhookSecret(String);

impl WebhookSecret {
    /// A secret as the operator set it.
    pub fn new(secret: impl Into<String>) -> WebhookSecret {
        WebhookSecret(secret.into())
    }

    /// `sha256=<hex>` of `body`, as GitHub signs it.
    pub fn sign(&self, body: &[u8]) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(self.0.as_bytes())
            .expect("HMAC takes keys of any length");
        mac.update(body);
        let digest = mac.finalize().into_bytes();
        let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        format!("sha256={hex}")
    }
}

impl fmt::Debug for WebhookSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("WebhookSecret(***)")
    }
}

/// Why a delivery was not believed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// Neither header is there.
    #[error(
        "the delivery is not signed: send X-Hub-Signature-256 (GitHub) or X-Gitlab-Token (GitLab)"
    )]
    Missing,
    /// The signature or token does not match the secret.
    #[error("the delivery's signature does not match this server's webhook secret")]
    Mismatch,
}

/// Checks a delivery's signature (GitHub) or token (GitLab) against `secret`, in constant time.
pub fn verify(
    secret: &WebhookSecret,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<(), SignatureError> {
    if let Some(signature) = headers.get("x-hub-signature-256") {
        let given = signature
            .as_bytes()
            .strip_prefix(b"sha256=")
            .ok_or(SignatureError::Mismatch)?;
        let Some(given) = decode_hex(given) else {
            return Err(SignatureError::Mismatch);
        };
        let mut mac = Hmac::<Sha256>::new_from_slice(secret.0.as_bytes())
            .expect("HMAC takes keys of any length");
        mac.update(body);
        // `verify_slice` compares in constant time.
        return mac
            .verify_slice(&given)
            .map_err(|_| SignatureError::Mismatch);
    }
    if let Some(token) = headers.get("x-gitlab-token") {
        let same: bool = token.as_bytes().ct_eq(secret.0.as_bytes()).into();
        return if same {
            Ok(())
        } else {
            Err(SignatureError::Mismatch)
        };
    }
    Err(SignatureError::Missing)
}

fn decode_hex(text: &[u8]) -> Option<Vec<u8>> {
    let pairs = text.chunks_exact(2);
    if !pairs.remainder().is_empty() {
        return None;
    }
    pairs
        .map(|pair| u8::from_str_radix(std::str::from_utf8(pair).ok()?, 16).ok())
        .collect()
}

/// The id of a delivery, by which replays are recognised: `X-GitHub-Delivery`, GitLab's
/// `X-Gitlab-Event-UUID` or `Idempotency-Key`.
pub fn delivery_id(headers: &HeaderMap) -> Option<String> {
    [
        "x-github-delivery",
        "x-gitlab-event-uuid",
        "idempotency-key",
    ]
    .iter()
    .find_map(|name| headers.get(*name)?.to_str().ok())
    .map(str::trim)
    .filter(|id| !id.is_empty() && id.len() <= 200)
    .map(str::to_owned)
}

/// The URLs a delivery (a push or a ping, GitHub's or GitLab's) gives for its repository:
/// clone, ssh and web.
pub fn repository_urls(payload: &Value) -> Vec<String> {
    let mut urls: Vec<String> = Vec::new();
    for holder in ["repository", "project"] {
        for key in [
            "clone_url",
            "git_url",
            "ssh_url",
            "html_url",
            "git_http_url",
            "git_ssh_url",
            "web_url",
            "url",
            "homepage",
        ] {
            if let Some(url) = payload[holder][key].as_str()
                && !urls.iter().any(|u| u == url)
            {
                urls.push(url.to_owned());
            }
        }
    }
    urls
}

/// What a push says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Push {
    /// URLs the payload gives for the repository (clone, ssh, web).
    pub repository_urls: Vec<String>,
    /// The ref pushed (`refs/heads/main`).
    pub git_ref: String,
    /// The commit the ref now points at.
    pub after: String,
    /// Paths added, modified or removed by the pushed commits; None when the payload does not
    /// say (a force-push back to an older commit, a new branch): then every folder counts.
    pub touched: Option<BTreeSet<String>>,
    /// When the push happened, if the payload says (GitHub's `repository.pushed_at`, seconds).
    pub pushed_at: Option<i64>,
}

impl Push {
    /// Reads a GitHub or GitLab push payload; None when it is not a push (a ping, a tag
    /// deletion: `after` all zeros).
    pub fn parse(payload: &Value) -> Option<Push> {
        let after = payload["after"].as_str()?.to_owned();
        if after.is_empty() || after.bytes().all(|b| b == b'0') {
            return None;
        }
        let git_ref = payload["ref"].as_str().unwrap_or("").to_owned();
        let repository_urls = repository_urls(payload);
        let commits = payload["commits"].as_array().filter(|c| !c.is_empty());
        let forced = payload["forced"].as_bool().unwrap_or(false);
        let touched = match commits {
            Some(commits) if !forced => {
                let mut paths = BTreeSet::new();
                for commit in commits {
                    for kind in ["added", "modified", "removed"] {
                        for path in commit[kind].as_array().into_iter().flatten() {
                            if let Some(path) = path.as_str() {
                                paths.insert(path.to_owned());
                            }
                        }
                    }
                }
                Some(paths)
            }
            _ => None,
        };
        Some(Push {
            repository_urls,
            git_ref,
            after,
            touched,
            pushed_at: payload["repository"]["pushed_at"].as_i64(),
        })
    }

    /// Whether the push touched something under folder `dir` (always, when it does not say).
    pub fn touches(&self, dir: &str) -> bool {
        let dir = dir.trim_matches('/');
        match &self.touched {
            None => true,
            Some(paths) => paths.iter().any(|path| {
                path.strip_prefix(dir)
                    .is_some_and(|rest| rest.starts_with('/'))
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn signatures_are_checked() {
        // GitHub's documented example.
        let documented = WebhookSecret::new("It's a Secret to Everybody");
        assert_eq!(
            documented.sign(b"Hello, World!"),
            "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
        );
        let secret = WebhookSecret::new("s3cret");
        assert!(!format!("{secret:?}").contains("s3cret"));
        let body = br#"{"after":"abc"}"#;
        let mut headers = HeaderMap::new();
        assert_eq!(
            verify(&secret, &headers, body),
            Err(SignatureError::Missing)
        );
        headers.insert(
            "x-hub-signature-256",
            HeaderValue::from_str(&secret.sign(body)).unwrap(),
        );
        assert_eq!(verify(&secret, &headers, body), Ok(()));
        assert_eq!(
            verify(&secret, &headers, b"{\"after\":\"abd\"}"),
            Err(SignatureError::Mismatch)
        );
        let other = WebhookSecret::new("other");
        assert_eq!(
            verify(&other, &headers, body),
            Err(SignatureError::Mismatch)
        );
        headers.insert("x-hub-signature-256", HeaderValue::from_static("sha256=zz"));
        assert_eq!(
            verify(&secret, &headers, body),
            Err(SignatureError::Mismatch)
        );

        let mut gitlab = HeaderMap::new();
        gitlab.insert("x-gitlab-token", HeaderValue::from_static("s3cret"));
        assert_eq!(verify(&secret, &gitlab, body), Ok(()));
        gitlab.insert("x-gitlab-token", HeaderValue::from_static("s3cres"));
        assert_eq!(
            verify(&secret, &gitlab, body),
            Err(SignatureError::Mismatch)
        );
    }

    #[test]
    fn pushes_name_their_folders() {
        let payload = serde_json::json!({
            "ref": "refs/heads/main",
            "after": "1234",
            "repository": { "clone_url": "https://github.com/ada/r.git", "pushed_at": 5 },
            "commits": [
                { "added": ["0x01-a/x.js"], "modified": ["README.md"], "removed": [] },
                { "added": [], "modified": ["0x02-b/y.js"], "removed": ["0x03-c/z.js"] },
            ],
        });
        let push = Push::parse(&payload).unwrap();
        assert!(push.touches("0x01-a") && push.touches("0x02-b") && push.touches("0x03-c/"));
        assert!(!push.touches("0x01") && !push.touches("0x04-d"));
        assert_eq!(push.pushed_at, Some(5));
        let forced = serde_json::json!({ "after": "12", "forced": true, "commits": [] });
        assert!(Push::parse(&forced).unwrap().touches("anything"));
        let deleted = serde_json::json!({ "after": "0000000000" });
        assert!(Push::parse(&deleted).is_none());
    }
}
