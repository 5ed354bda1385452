//! Reporting results back per commit: when a git submission is final, its result is POSTed as
//! JSON to the operator's URL template (`checker serve --git-callback-url`), signed like GitHub
//! signs webhooks when a webhook secret is set, and retried with exponential backoff.
//!
//! What is due is kept in the database (a `git_callbacks` row written with the submission), so a
//! restarted server picks up where it stopped; a short claim keeps two servers from sending the
//! same callback at once.

use std::sync::Arc;
use std::time::Duration;

use serde_json::json;
use store::git::Callback;
use store::{Store, now_ms};

use super::webhook::WebhookSecret;

/// Where and how results are reported back.
#[derive(Debug, Clone)]
pub struct CallbackConfig {
    /// URL template; `{commit}`, `{project}`, `{submission}`, `{user}` and `{status}` are
    /// replaced.
    pub url_template: String,
    /// Signs the body (`X-Hub-Signature-256`) when set.
    pub secret: Option<WebhookSecret>,
    /// Attempts before giving up.
    pub max_attempts: i64,
    /// Wait after the first failure; doubled after each next one.
    pub backoff: Duration,
    /// Longest wait between attempts.
    pub max_backoff: Duration,
    /// How often due callbacks are looked for.
    pub poll: Duration,
}

impl CallbackConfig {
    /// A template with the default retry policy: 8 attempts, 1 s doubling up to 5 min.
    pub fn new(url_template: impl Into<String>) -> CallbackConfig {
        CallbackConfig {
            url_template: url_template.into(),
            secret: None,
            max_attempts: 8,
            backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(300),
            poll: Duration::from_millis(500),
        }
    }

    /// The wait before attempt `attempts + 1`, after `attempts` failures.
    fn delay(&self, attempts: i64) -> Duration {
        let factor = 2u32.saturating_pow((attempts.clamp(1, 30) - 1) as u32);
        self.backoff.saturating_mul(factor).min(self.max_backoff)
    }
}

/// The URL a callback goes to. Placeholders are filled in one pass, each value
/// percent-encoded: a learner's name can neither add a path, a query nor another placeholder.
fn render(template: &str, callback: &Callback) -> String {
    const SAFE: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'_')
        .remove(b'.')
        .remove(b'~');
    let mut url = String::with_capacity(template.len() + 64);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        url.push_str(&rest[..open]);
        let after = &rest[open..];
        let value = after.find('}').and_then(|close| {
            let value = match &after[1..close] {
                "commit" => callback.source.commit.clone(),
                "project" => callback.project_id.clone(),
                "submission" => callback.submission_id.to_string(),
                "user" => callback.user.clone(),
                "status" => callback.status.clone(),
                _ => return None,
            };
            Some((value, close))
        });
        match value {
            Some((value, close)) => {
                url.extend(percent_encoding::utf8_percent_encode(&value, SAFE));
                rest = &after[close + 1..];
            }
            None => {
                url.push('{');
                rest = &after[1..];
            }
        }
    }
    url.push_str(rest);
    url
}

/// Sends due callbacks until `stop` turns true.
pub async fn run(
    store: Arc<dyn Store>,
    config: CallbackConfig,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    let http = match reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .user_agent(concat!("checker/", env!("CARGO_PKG_VERSION")))
        .build()
    {
        Ok(http) => http,
        Err(error) => {
            tracing::error!("result callbacks are off: {error}");
            return;
        }
    };
    while !*stop.borrow() {
        match store.git().due_callbacks(now_ms(), 20).await {
            Ok(due) => {
                for callback in due {
                    send(&http, &*store, &config, &callback).await;
                }
            }
            Err(error) => tracing::warn!("result callbacks: {error}"),
        }
        tokio::select! {
            _ = stop.changed() => {}
            () = tokio::time::sleep(config.poll) => {}
        }
    }
}

async fn send(
    http: &reqwest::Client,
    store: &dyn Store,
    config: &CallbackConfig,
    callback: &Callback,
) {
    let id = callback.submission_id;
    // Held for longer than one attempt can take.
    match store
        .git()
        .claim_callback(callback, now_ms() + 60_000)
        .await
    {
        Ok(true) => {}
        Ok(false) => return,
        Err(error) => {
            tracing::warn!("result callback of submission {id}: {error}");
            return;
        }
    }
    let url = render(&config.url_template, callback);
    let body = json!({
        "submission": id,
        "project": callback.project_id,
        "user": callback.user,
        "status": callback.status,
        "score": callback.score,
        "bonus": callback.bonus,
        "passed": callback.passed,
        "error": callback.error,
        "repository": callback.source.url,
        "rev": callback.source.rev,
        "commit": callback.source.commit,
        "dir": callback.source.dir,
        "url": format!("/api/submissions/{id}"),
    })
    .to_string();
    let mut request = http
        .post(&url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header(
            "X-Checker-Delivery",
            format!("{id}-{}", callback.attempts + 1),
        );
    if let Some(secret) = &config.secret {
        request = request.header("X-Hub-Signature-256", secret.sign(body.as_bytes()));
    }
    let outcome = match request.body(body).send().await {
        Ok(response) if response.status().is_success() => Ok(()),
        Ok(response) => Err(format!("HTTP {}", response.status().as_u16())),
        Err(error) => Err(format!(
            "cannot reach the callback URL: {}",
            error.without_url()
        )),
    };
    let attempts = callback.attempts + 1;
    let recorded = match outcome {
        Ok(()) => {
            tracing::info!(submission = id, attempts, "result reported back");
            store.git().record_callback(id, true, None, None).await
        }
        Err(error) if attempts >= config.max_attempts => {
            tracing::warn!(
                submission = id,
                attempts,
                "result callback given up: {error}"
            );
            store
                .git()
                .record_callback(id, false, None, Some(&error))
                .await
        }
        Err(error) => {
            let wait = config.delay(attempts);
            tracing::info!(
                submission = id,
                attempts,
                "result callback failed ({error}); retrying in {}",
                humantime::format_duration(wait)
            );
            let next = now_ms() + wait.as_millis() as i64;
            store
                .git()
                .record_callback(id, false, Some(next), Some(&error))
                .await
        }
    };
    if let Err(error) = recorded {
        tracing::warn!("result callback of submission {id}: {error}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_filled_once_and_encoded() {
        let callback = Callback {
            submission_id: 7,
            attempts: 0,
            next_at: 0,
            user: "eve/../admin?x={status}#".into(),
            project_id: "p1".into(),
            status: "graded".into(),
            score: None,
            bonus: None,
            passed: None,
            error: None,
            source: store::git::GitSource {
                url: String::new(),
                rev: "HEAD".into(),
                commit: "abc123".into(),
                dir: None,
            },
        };
        assert_eq!(
            render(
                "https://ci/{commit}/{user}?p={project}&s={status}&{other}",
                &callback
            ),
            "https://ci/abc123/eve%2F..%2Fadmin%3Fx%3D%7Bstatus%7D%23?p=p1&s=graded&{other}"
        );
    }

    #[test]
    fn backoff_doubles_up_to_its_bound() {
        let config = CallbackConfig::new("http://x/{commit}");
        let waits: Vec<u64> = (1..=10).map(|a| config.delay(a).as_secs()).collect();
        assert_eq!(waits, [1, 2, 4, 8, 16, 32, 64, 128, 256, 300]);
    }
}
