//! The dashboard's end-to-end tests: Debian's Chromium driven through WebDriver (chromedriver on
//! 127.0.0.1, headless), and signing in over plain HTTP with cookies.

use std::net::TcpStream;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

use super::available;
use super::http::request;

fn find_program(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain([
            PathBuf::from("/usr/bin"),
            PathBuf::from("/usr/lib/chromium"),
        ])
        .flat_map(|dir| names.iter().map(move |name| dir.join(name)))
        .find(|candidate| candidate.is_file())
}

/// Headless Chromium under chromedriver, both ended (with their whole process group) on drop.
pub struct Browser {
    pub client: Client,
    _driver: Driver,
}

impl Browser {
    /// Starts chromedriver and a headless Chromium of `width` x `height`. `None` (with a note)
    /// when they are not installed; under `CI=true` their absence fails the test.
    pub async fn start(width: u32, height: u32) -> Option<Browser> {
        Self::start_with(width, height, &[]).await
    }

    /// [`Browser::start`] with more Chromium flags.
    pub async fn start_with(width: u32, height: u32, flags: &[&str]) -> Option<Browser> {
        let driver = find_program(&["chromedriver"]);
        let chromium = find_program(&["chromium", "chromium-browser"]);
        let (Some(driver), Some(chromium)) = (driver, chromium) else {
            available(
                "chromium or chromedriver",
                false,
                "apt-get install chromium chromium-driver (.ci/run does)",
            );
            return None;
        };
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let driver = Command::new(driver)
            .arg(format!("--port={port}"))
            .arg("--allowed-ips=127.0.0.1")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            // Its own process group, so that Chromium goes with it even when a test panics.
            .process_group(0)
            .spawn()
            .expect("chromedriver starts");
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "chromedriver did not listen");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let mut args: Vec<String> = [
            "--headless=new",
            "--no-sandbox",
            "--disable-dev-shm-usage",
            "--disable-gpu",
            "--no-first-run",
            "--disable-extensions",
        ]
        .iter()
        .chain(flags)
        .map(|flag| flag.to_string())
        .collect();
        args.push(format!("--window-size={width},{height}"));
        let mut capabilities = serde_json::Map::new();
        capabilities.insert(
            "goog:chromeOptions".into(),
            json!({
                "binary": chromium,
                "args": args,
            }),
        );
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        let client = ClientBuilder::new(connector)
            .capabilities(capabilities)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .expect("a WebDriver session with Chromium");
        Some(Browser {
            client,
            _driver: Driver(driver),
        })
    }

    /// Waits until an element matching `css` holds `text` (its visible text), and returns that.
    pub async fn wait_text(&self, css: &str, text: &str, timeout: Duration) -> String {
        let deadline = Instant::now() + timeout;
        let mut last = String::new();
        loop {
            if let Ok(elements) = self.client.find_all(Locator::Css(css)).await {
                for element in elements {
                    if let Ok(found) = element.text().await {
                        if found.contains(text) {
                            return found;
                        }
                        last = found;
                    }
                }
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for `{text}` in `{css}`; last seen: {last:?}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The page's visible text.
    pub async fn body_text(&self) -> String {
        self.client
            .find(Locator::Css("body"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }

    /// Saves a screenshot as `target/screenshots/NAME.png`.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        let png = self.client.screenshot().await.expect("a screenshot");
        let dir = screenshots_dir();
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, png).unwrap();
        path
    }

    /// Signs in through the form.
    pub async fn sign_in(&self, base: &str, name: &str, password: &str) {
        self.client.goto(&format!("{base}/login")).await.unwrap();
        let form = self.client.form(Locator::Css("form.login")).await.unwrap();
        form.set_by_name("name", name).await.unwrap();
        form.set_by_name("password", password).await.unwrap();
        form.submit().await.unwrap();
        self.wait_text("header", name, Duration::from_secs(10))
            .await;
    }

    /// Signs out with the header's button.
    pub async fn sign_out(&self) {
        self.client
            .find(Locator::Css("nav form.inline button"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        self.wait_text("h1", "Sign in", Duration::from_secs(10))
            .await;
    }

    /// Ends the session and the browser.
    pub async fn close(self) {
        let _ = self.client.close().await;
    }
}

struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        // The whole group: chromedriver and the Chromium it started.
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", self.0.id())])
            .status();
        let _ = self.0.wait();
    }
}

/// `target/screenshots`.
pub fn screenshots_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"));
    target.join("screenshots")
}

/// Signs in over plain HTTP; the `Cookie` header value of the new session.
pub fn http_sign_in(base: &str, name: &str, password: &str) -> String {
    let form = request("GET", base, "/login", &[], None);
    let csrf = form.cookie("checker_login_csrf").expect("a sign-in token");
    let cookie = format!("checker_login_csrf={csrf}");
    let reply = request(
        "POST",
        base,
        "/login",
        &[("Cookie", &cookie)],
        Some(&format!("name={name}&password={password}&csrf={csrf}")),
    );
    assert_eq!(reply.status, 303, "sign in as {name}: {}", reply.body);
    format!(
        "checker_session={}",
        reply.cookie("checker_session").expect("a session cookie")
    )
}

/// The CSRF token in a page's forms.
pub fn csrf_of(page: &str) -> String {
    let at = page
        .find("name=\"csrf\" value=\"")
        .expect("a form with a CSRF token");
    let rest = &page[at + "name=\"csrf\" value=\"".len()..];
    rest[..rest.find('"').unwrap()].to_owned()
}
