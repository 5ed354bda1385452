//! The tests' one HTTP client (reqwest), for the API, the dashboard's pages and webhooks alike.
//! It follows no redirect, keeps no cookie and uses no proxy: the tests see every answer as the
//! server gave it.

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::Value;

/// An HTTP answer.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    /// Each header's last value, by lower-case name.
    pub headers: BTreeMap<String, String>,
    /// Every `Set-Cookie`, in order.
    pub cookies: Vec<String>,
    /// The body as text (every answer of the server is text: JSON, HTML, CSV, events).
    pub body: String,
}

impl Reply {
    /// The body as JSON; panics with the body when it is not.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .get(&name.to_ascii_lowercase())
            .map(String::as_str)
    }

    /// The value a `Set-Cookie` gave `name`.
    pub fn cookie(&self, name: &str) -> Option<String> {
        self.cookies.iter().find_map(|c| {
            c.split(';')
                .next()?
                .split_once('=')
                .filter(|(k, _)| *k == name)
                .map(|(_, v)| v.to_owned())
        })
    }

    /// The whole `Set-Cookie` line of `name`.
    pub fn set_cookie(&self, name: &str) -> Option<&str> {
        self.cookies
            .iter()
            .find(|c| c.starts_with(&format!("{name}=")))
            .map(String::as_str)
    }
}

/// A request's body: its content type and bytes, or a stream that announces `length` bytes in
/// its head and never sends them (a server that refuses by `Content-Length` answers at once).
pub enum Body {
    Bytes(String, Vec<u8>),
    Announced(String, usize),
}

/// Sends one request to `url` with extra `headers`; the answer, or why there was none (the
/// server is gone). Works from plain and from async tests: the request runs on a thread of its
/// own with its own runtime.
pub fn send(
    method: &str,
    url: &str,
    headers: &[(&str, &str)],
    body: Option<Body>,
) -> Result<Reply, String> {
    let method = reqwest::Method::from_bytes(method.as_bytes()).expect("an HTTP method");
    let headers: Vec<(String, String)> = headers
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    let url = url.to_owned();
    std::thread::scope(|scope| {
        scope
            .spawn(move || {
                tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("a runtime")
                    .block_on(exchange(method, url, headers, body))
            })
            .join()
            .expect("the request's thread")
    })
}

async fn exchange(
    method: reqwest::Method,
    url: String,
    headers: Vec<(String, String)>,
    body: Option<Body>,
) -> Result<Reply, String> {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .timeout(Duration::from_secs(60))
        .build()
        .expect("an HTTP client");
    let mut request = client.request(method.clone(), &url);
    for (name, value) in &headers {
        request = request.header(name, value);
    }
    request = match body {
        Some(Body::Bytes(content_type, bytes)) => request
            .header(reqwest::header::CONTENT_TYPE, content_type)
            .body(bytes),
        Some(Body::Announced(content_type, length)) => request
            .header(reqwest::header::CONTENT_TYPE, content_type)
            .header(reqwest::header::CONTENT_LENGTH, length)
            .body(reqwest::Body::wrap_stream(futures_util::stream::pending::<
                Result<Vec<u8>, std::io::Error>,
            >())),
        None if method == reqwest::Method::POST => request.body(Vec::new()),
        None => request,
    };
    let response = request
        .send()
        .await
        .map_err(|e| format!("{method} {url}: no answer: {e}"))?;
    let status = response.status().as_u16();
    let mut reply_headers = BTreeMap::new();
    let mut cookies = Vec::new();
    for (name, value) in response.headers() {
        let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
        if name == reqwest::header::SET_COOKIE {
            cookies.push(value.clone());
        }
        reply_headers.insert(name.as_str().to_owned(), value);
    }
    let body = response
        .bytes()
        .await
        .map_err(|e| format!("{method} {url}: the body broke off: {e}"))?;
    Ok(Reply {
        status,
        headers: reply_headers,
        cookies,
        body: String::from_utf8_lossy(&body).into_owned(),
    })
}

/// One API request with an optional bearer `token`; `body` is (content type, bytes).
pub fn http(
    method: &str,
    base: &str,
    path: &str,
    token: Option<&str>,
    body: Option<(&str, &[u8])>,
) -> Reply {
    try_http(method, base, path, token, body).unwrap_or_else(|e| panic!("{e}"))
}

/// [`http`], or why there was no answer (the server is gone).
pub fn try_http(
    method: &str,
    base: &str,
    path: &str,
    token: Option<&str>,
    body: Option<(&str, &[u8])>,
) -> Result<Reply, String> {
    let bearer = token.map(|t| format!("Bearer {t}"));
    let headers: Vec<(&str, &str)> = bearer
        .iter()
        .map(|b| ("Authorization", b.as_str()))
        .collect();
    send(
        method,
        &format!("{base}{path}"),
        &headers,
        body.map(|(t, b)| Body::Bytes(t.to_owned(), b.to_vec())),
    )
}

pub fn get(base: &str, path: &str, token: Option<&str>) -> Reply {
    http("GET", base, path, token, None)
}

/// A POST whose head announces `length` bytes of `content_type` that never come, and the answer
/// (a server that refuses by `Content-Length` answers without waiting for the body).
pub fn http_head_only(
    base: &str,
    path: &str,
    token: &str,
    content_type: &str,
    length: usize,
) -> Reply {
    let bearer = format!("Bearer {token}");
    send(
        "POST",
        &format!("{base}{path}"),
        &[("Authorization", &bearer)],
        Some(Body::Announced(content_type.to_owned(), length)),
    )
    .unwrap_or_else(|e| panic!("{e}"))
}

/// A browser-like request with extra `headers` (cookies, forwarding) and an optional form body.
pub fn request(
    method: &str,
    base: &str,
    path: &str,
    headers: &[(&str, &str)],
    form: Option<&str>,
) -> Reply {
    let body = (method == "POST").then(|| {
        Body::Bytes(
            "application/x-www-form-urlencoded".to_owned(),
            form.unwrap_or("").as_bytes().to_vec(),
        )
    });
    send(method, &format!("{base}{path}"), headers, body).unwrap_or_else(|e| panic!("{e}"))
}
