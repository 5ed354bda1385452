//! The API keeps the contract its OpenAPI document states: every documented route is called
//! (signed in where it needs a token, and without a token), and every answer has a documented
//! status and a body that validates against the documented schema. Refusals, axum's own
//! rejections included, are JSON `{error, hint}`. In process (`tower::ServiceExt::oneshot`), on a
//! real SQLite store in a temporary folder.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, Response, StatusCode, header};
use checker::report::{CheckReport, Report, TaskReport, Verdict};
use checker::submission::LearnerFile;
use serde_json::{Value, json};
use tower::ServiceExt;
use web::Curriculum;
use web::api::AppState;
use web::auth::{ApiToken, hash_password};
use web::git::GitConfig;
use web::git::webhook::WebhookSecret;
use web::store::{self, DbUrl, GradedResult, NewSubmission, Outcome, Role, Store, StoredFile};

const PROJECT: &str = "es6-data-manipulation";
const REPO: &str = "https://example.org/ada/projects.git";

/// A server with a learner, an instructor, a graded submission with progress events, and a
/// linked repository.
struct World {
    _dir: tempfile::TempDir,
    app: Router,
    learner: String,
    instructor: String,
    graded: i64,
    archive: Vec<u8>,
    webhook_secret: String,
    /// Two more tokens of the learner, for revoking (by id, and the current one).
    spare: String,
    spare_id: i64,
}

async fn token(store: &dyn Store, name: &str, role: Role) -> String {
    let hash = hash_password("password123".into()).await.unwrap();
    let user = store.add_user(name, role, &hash).await.unwrap();
    let token = ApiToken::generate();
    store
        .add_token(user.id, &token.hash(), "test", None)
        .await
        .unwrap();
    token.expose().to_owned()
}

async fn world() -> World {
    let dir = tempfile::tempdir().unwrap();
    let url = DbUrl::parse(&dir.path().join("api.db").display().to_string()).unwrap();
    let store = store::open(&url).await.unwrap();
    let tasks = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tasks");
    let curriculum = Arc::new(Curriculum::load(&tasks).unwrap());
    store.record_projects(&curriculum.versions()).await.unwrap();
    let learner = token(store.as_ref(), "ada", Role::Learner).await;
    let instructor = token(store.as_ref(), "prof", Role::Instructor).await;
    let spare = ApiToken::generate();
    let ada = store.user_with_password("ada").await.unwrap().unwrap().0;
    store
        .add_token(ada.id, &spare.hash(), "spare", None)
        .await
        .unwrap();
    let spare = spare.expose().to_owned();
    store
        .add_token(ada.id, &ApiToken::generate().hash(), "spare", None)
        .await
        .unwrap();
    let spare_id = store.tokens(ada.id).await.unwrap().last().unwrap().id;

    let project = curriculum.get(PROJECT).unwrap();
    let files: BTreeMap<String, LearnerFile> = project
        .learner_files()
        .into_iter()
        .map(|f| (f.to_owned(), LearnerFile::new("export default 1;\n")))
        .collect();
    let archive = checker::upload::pack_tar_gz(&files).unwrap();
    let graded = store
        .add_submission(&NewSubmission {
            user_id: ada.id,
            project_id: PROJECT.into(),
            spec_version: project.version.clone(),
            source: "upload".into(),
            files: files
                .iter()
                .map(|(path, file)| StoredFile {
                    path: path.clone(),
                    contents: file.contents.clone(),
                    executable: file.executable,
                })
                .collect(),
            request_id: None,
        })
        .await
        .unwrap();
    let job = store
        .claim("test", Duration::from_secs(60))
        .await
        .unwrap()
        .unwrap();
    let check = CheckReport::bare("prints the list", Verdict::Passed, 1, false);
    let hidden = CheckReport {
        expected: Some("[]".into()),
        actual: Some("[]".into()),
        ..CheckReport::bare("handles an empty list", Verdict::Passed, 1, true)
    };
    let task = TaskReport::new("0-task", "Task 0", true, vec![check.clone(), hidden]);
    let check_event = wire::CheckEvent {
        task_id: "0-task".into(),
        check,
        attempt: 0,
    };
    let task_event = wire::TaskEvent {
        task: task.clone(),
        attempt: 0,
    };
    store
        .add_event(&job, "check", &serde_json::to_string(&check_event).unwrap())
        .await
        .unwrap();
    store
        .add_event(&job, "task", &serde_json::to_string(&task_event).unwrap())
        .await
        .unwrap();
    let report = Report::new(PROJECT, "ES6", &project.version, vec![task], 1200);
    let finished = store
        .finish(
            &job,
            &Outcome::Graded(GradedResult {
                score: 100.0,
                bonus: 0.0,
                passed: true,
                duration_ms: 1200,
                spec_version: project.version.clone(),
                report: serde_json::to_string(&report).unwrap(),
                verdicts: vec![("passed".into(), 2)],
                graded_by: "test".into(),
            }),
        )
        .await
        .unwrap();
    assert!(finished);

    let mut state = AppState::new(store, curriculum);
    state.metrics = true;
    state.git = Arc::new(GitConfig {
        allow_hosts: vec!["example.org".into()],
        ..GitConfig::default()
    });
    let app = web::app(state);
    let mut world = World {
        _dir: dir,
        app,
        learner,
        instructor,
        graded,
        archive,
        webhook_secret: String::new(),
        spare,
        spare_id,
    };
    let linked = world
        .send(post_json("/api/me/repos", json!({ "url": REPO })).bearer(&world.learner))
        .await;
    assert_eq!(linked.status, StatusCode::CREATED, "{:?}", linked.json());
    world.webhook_secret = linked.json()["webhook_secret"].as_str().unwrap().to_owned();
    world
}

/// An answer, read whole.
struct Answer {
    status: StatusCode,
    content_type: String,
    body: Vec<u8>,
}

impl Answer {
    async fn read(response: Response<Body>) -> Answer {
        let status = response.status();
        let content_type = response
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        let body = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap()
            .to_vec();
        Answer {
            status,
            content_type,
            body,
        }
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "not JSON ({e}): {} {}",
                self.status,
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    /// Asserts the answer is `status` with a JSON `{error, hint}` body.
    #[track_caller]
    fn assert_error(&self, status: StatusCode) -> wire::ErrorBody {
        assert_eq!(
            self.status,
            status,
            "{}",
            String::from_utf8_lossy(&self.body)
        );
        assert!(
            self.content_type.starts_with("application/json"),
            "{status}: {}",
            self.content_type
        );
        let body: wire::ErrorBody = serde_json::from_value(self.json()).unwrap();
        assert!(!body.error.is_empty());
        body
    }
}

/// A request under construction.
struct Call(axum::http::request::Builder, Body);

fn call(method: &str, path: &str) -> Call {
    Call(Request::builder().method(method).uri(path), Body::empty())
}

fn post_json(path: &str, body: Value) -> Call {
    call("POST", path)
        .header("content-type", "application/json")
        .body(body.to_string())
}

impl Call {
    fn header(self, name: &str, value: &str) -> Call {
        Call(self.0.header(name, value), self.1)
    }

    fn bearer(self, token: &str) -> Call {
        self.header("authorization", &format!("Bearer {token}"))
    }

    fn body(self, body: impl Into<Body>) -> Call {
        Call(self.0, body.into())
    }
}

impl World {
    async fn send(&self, call: Call) -> Answer {
        let request = call.0.body(call.1).unwrap();
        Answer::read(self.app.clone().oneshot(request).await.unwrap()).await
    }

    /// The request that exercises an operation, signed in as whoever may call it.
    fn request_for(&self, method: &str, path: &str, signed_in: bool) -> Call {
        let sign = |call: Call, token: &str| {
            if signed_in { call.bearer(token) } else { call }
        };
        let learner = self.learner.as_str();
        match (method, path) {
            ("get", "/healthz") => call("GET", "/healthz"),
            ("get", "/metrics") => call("GET", "/metrics"),
            ("post", "/api/login") => post_json(
                "/api/login",
                json!({ "name": "ada", "password": "password123" }),
            ),
            ("get", "/api/me/tokens") => sign(call("GET", path), learner),
            ("delete", "/api/me/tokens/{id}") => sign(
                call("DELETE", &format!("/api/me/tokens/{}", self.spare_id)),
                learner,
            ),
            ("delete", "/api/me/tokens/current") => sign(call("DELETE", path), &self.spare),
            ("get", "/api/me" | "/api/me/scores" | "/api/projects" | "/api/me/repos") => {
                sign(call("GET", path), learner)
            }
            ("get", "/api/scores") => sign(call("GET", path), &self.instructor),
            ("get", "/api/projects/{id}") => {
                sign(call("GET", &format!("/api/projects/{PROJECT}")), learner)
            }
            ("post", "/api/submissions") => sign(
                call("POST", &format!("/api/submissions?project={PROJECT}"))
                    .header("content-type", "application/gzip")
                    .body(self.archive.clone()),
                learner,
            ),
            ("get", "/api/submissions/{id}") => sign(
                call("GET", &format!("/api/submissions/{}", self.graded)),
                learner,
            ),
            ("get", "/api/submissions/{id}/events") => sign(
                call("GET", &format!("/api/submissions/{}/events", self.graded)),
                learner,
            ),
            ("post", "/api/me/repos") => sign(
                post_json(
                    "/api/me/repos",
                    json!({ "url": "https://example.org/ada/second.git" }),
                ),
                learner,
            ),
            ("post", "/api/hooks/git") => {
                let body =
                    json!({ "zen": "hello", "repository": { "clone_url": REPO } }).to_string();
                let signature =
                    WebhookSecret::new(self.webhook_secret.clone()).sign(body.as_bytes());
                call("POST", "/api/hooks/git")
                    .header("content-type", "application/json")
                    .header("x-github-event", "ping")
                    .header("x-hub-signature-256", &signature)
                    .body(body)
            }
            _ => panic!("the test has no request for {method} {path}: add one"),
        }
    }
}

/// Validates `instance` against a schema of the document (whose `$ref`s point into it).
#[track_caller]
fn validate(document: &Value, schema: &Value, instance: &Value, what: &str) {
    let mut root = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "components": document["components"],
    });
    root.as_object_mut()
        .unwrap()
        .extend(schema.as_object().unwrap().clone());
    let validator = jsonschema::validator_for(&root).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(instance)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{what}: {instance} does not match {schema}: {errors:?}"
    );
}

/// Server-sent events as (name, data).
fn sse_events(text: &str) -> Vec<(String, String)> {
    text.split("\n\n")
        .filter_map(|block| {
            let mut name = None;
            let mut data = None;
            for line in block.lines() {
                if let Some(n) = line.strip_prefix("event:") {
                    name = Some(n.trim().to_owned());
                } else if let Some(d) = line.strip_prefix("data:") {
                    data = Some(d.trim().to_owned());
                }
            }
            Some((name?, data?))
        })
        .collect()
}

/// Checks that `answer` is one of `operation`'s documented responses, in its documented shape.
#[track_caller]
fn check_documented(document: &Value, operation: &Value, answer: &Answer, what: &str) {
    let response = &operation["responses"][answer.status.as_str()];
    assert!(
        response.is_object(),
        "{what} answered {} ({}), which is not documented",
        answer.status,
        String::from_utf8_lossy(&answer.body)
    );
    let Some(content) = response["content"].as_object() else {
        assert!(
            answer.body.is_empty(),
            "{what}: a body where none is documented"
        );
        return;
    };
    let media = answer.content_type.split(';').next().unwrap().trim();
    let documented = &content
        .get(media)
        .unwrap_or_else(|| panic!("{what}: {media} is not documented for {}", answer.status))["schema"];
    match media {
        "application/json" => validate(document, documented, &answer.json(), what),
        "text/event-stream" => {
            let text = String::from_utf8(answer.body.clone()).unwrap();
            let events = sse_events(&text);
            let names: Vec<&str> = events.iter().map(|(n, _)| n.as_str()).collect();
            assert_eq!(names, ["status", "check", "task", "done"], "{what}");
            for (name, data) in &events {
                let mut schema_name = format!("{name}Event");
                schema_name[..1].make_ascii_uppercase();
                let schema = json!({ "$ref": format!("#/components/schemas/{schema_name}") });
                let data: Value = serde_json::from_str(data).unwrap();
                validate(document, &schema, &data, &format!("{what}: event {name}"));
            }
        }
        _ => assert!(!answer.body.is_empty(), "{what}: empty {media} body"),
    }
    if answer.status.is_client_error() || answer.status.is_server_error() {
        answer.assert_error(answer.status);
    }
}

#[tokio::test]
async fn every_documented_route_answers_in_its_documented_shape() {
    let world = world().await;
    let served = world.send(call("GET", "/api/openapi.json")).await;
    assert_eq!(served.status, StatusCode::OK);
    let document = served.json();
    assert_eq!(document, serde_json::to_value(web::api::openapi()).unwrap());
    assert_eq!(document["openapi"], "3.1.0");

    let mut walked = 0;
    for (path, item) in document["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let needs_token = operation.get("security").is_none();
            let what = format!("{method} {path}");
            let answer = world.send(world.request_for(method, path, true)).await;
            assert!(
                answer.status.is_success(),
                "{what}: {} {}",
                answer.status,
                String::from_utf8_lossy(&answer.body)
            );
            check_documented(&document, operation, &answer, &what);
            if needs_token {
                let stranger = world.send(world.request_for(method, path, false)).await;
                stranger.assert_error(StatusCode::UNAUTHORIZED);
                check_documented(&document, operation, &stranger, &format!("{what} unsigned"));
            }
            walked += 1;
        }
    }
    assert_eq!(
        walked, 17,
        "every route of the API is documented and walked"
    );
}

#[tokio::test]
async fn axum_rejections_are_json_errors() {
    let world = world().await;
    let document = world.send(call("GET", "/api/openapi.json")).await.json();
    let login = &document["paths"]["/api/login"]["post"];

    let malformed = world
        .send(
            call("POST", "/api/login")
                .header("content-type", "application/json")
                .body("{\"name\":"),
        )
        .await;
    malformed.assert_error(StatusCode::BAD_REQUEST);
    check_documented(&document, login, &malformed, "malformed JSON");

    let incomplete = world
        .send(post_json("/api/login", json!({ "name": "ada" })))
        .await;
    incomplete.assert_error(StatusCode::UNPROCESSABLE_ENTITY);
    check_documented(&document, login, &incomplete, "JSON without a password");

    let untyped = world
        .send(
            call("POST", "/api/login").body(json!({ "name": "ada", "password": "x" }).to_string()),
        )
        .await;
    let error = untyped.assert_error(StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert!(error.hint.unwrap().contains("application/json"));
    check_documented(&document, login, &untyped, "JSON without its content type");

    let not_a_number = world
        .send(call("GET", "/api/submissions/abc").bearer(&world.learner))
        .await;
    not_a_number.assert_error(StatusCode::BAD_REQUEST);
    let submission = &document["paths"]["/api/submissions/{id}"]["get"];
    check_documented(
        &document,
        submission,
        &not_a_number,
        "a path that does not parse",
    );

    let doubled = world
        .send(
            call("POST", "/api/submissions?project=a&project=b")
                .bearer(&world.learner)
                .header("content-type", "application/gzip")
                .body(world.archive.clone()),
        )
        .await;
    let error = doubled.assert_error(StatusCode::BAD_REQUEST);
    assert!(error.error.contains("project"), "{error:?}");
}

#[tokio::test]
async fn unknown_api_routes_and_wrong_methods_are_json_errors() {
    let world = world().await;
    for path in ["/api", "/api/", "/api/nothing", "/api/me/nothing/here"] {
        let answer = world.send(call("GET", path).bearer(&world.learner)).await;
        let error = answer.assert_error(StatusCode::NOT_FOUND);
        assert!(error.hint.unwrap().contains("/api/openapi.json"));
    }
    for (method, path) in [
        ("DELETE", "/api/me"),
        ("PUT", "/api/login"),
        ("GET", "/api/login"),
        ("POST", "/healthz"),
        ("DELETE", "/api/me/repos"),
    ] {
        let answer = world.send(call(method, path)).await;
        let error = answer.assert_error(StatusCode::METHOD_NOT_ALLOWED);
        assert!(error.error.contains(method), "{error:?}");
    }

    // The dashboard's pages keep answering HTML, and its unknown paths are not the API's.
    let page = world.send(call("GET", "/login")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.content_type.starts_with("text/html"),
        "{}",
        page.content_type
    );
    let nowhere = world.send(call("GET", "/nowhere")).await;
    assert_eq!(nowhere.status, StatusCode::NOT_FOUND);
    assert!(!nowhere.content_type.starts_with("application/json"));
}

#[tokio::test]
async fn errors_do_not_echo_huge_input() {
    let world = world().await;
    let huge = "a".repeat(20_000);
    let answer = world
        .send(call("GET", &format!("/api/submissions/{huge}")).bearer(&world.learner))
        .await;
    let error = answer.assert_error(StatusCode::BAD_REQUEST);
    assert!(error.error.len() < 400, "{} bytes", error.error.len());
    assert!(error.error.ends_with('…'));

    let body = json!({ "name": huge, "password": 1 }).to_string();
    let answer = world
        .send(
            call("POST", "/api/login")
                .header("content-type", "application/json")
                .body(body),
        )
        .await;
    let error = answer.assert_error(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(error.error.len() < 400, "{} bytes", error.error.len());
}

/// The progress stream as `token`'s holder sees it, read with the wire types.
async fn events(world: &World, token: &str) -> Vec<wire::Event> {
    let answer = world
        .send(call("GET", &format!("/api/submissions/{}/events", world.graded)).bearer(token))
        .await;
    let text = String::from_utf8(answer.body).unwrap();
    sse_events(&text)
        .iter()
        .map(|(name, data)| wire::Event::parse(name, data).unwrap().unwrap())
        .collect()
}

#[tokio::test]
async fn events_read_back_as_wire_types_with_hidden_outputs_withheld_from_learners() {
    let world = world().await;
    let hidden_expected = |events: &[wire::Event]| {
        let wire::Event::Task(task) = &events[2] else {
            panic!("{events:?}")
        };
        assert_eq!(task.attempt, 1, "the stored attempt is streamed");
        assert!(task.task.checks[1].hidden);
        task.task.checks[1].expected.clone()
    };
    let learner = events(&world, &world.learner).await;
    assert_eq!(hidden_expected(&learner), None);
    let wire::Event::Check(check) = &learner[1] else {
        panic!("{learner:?}")
    };
    assert_eq!((check.task_id.as_str(), check.attempt), ("0-task", 1));
    let wire::Event::Done(done) = &learner[3] else {
        panic!("{learner:?}")
    };
    assert_eq!(
        (done.status, done.score),
        (wire::Status::Graded, Some(100.0))
    );
    let instructor = events(&world, &world.instructor).await;
    assert_eq!(hidden_expected(&instructor).as_deref(), Some("[]"));
}

#[tokio::test]
async fn the_schema_check_refuses_a_wrong_shape() {
    let document = serde_json::to_value(web::api::openapi()).unwrap();
    let user = json!({ "$ref": "#/components/schemas/User" });
    validate(
        &document,
        &user,
        &json!({ "name": "ada", "role": "admin" }),
        "a user",
    );
    let wrong = std::panic::catch_unwind(|| {
        validate(
            &document,
            &user,
            &json!({ "name": 1, "role": "king" }),
            "not a user",
        )
    });
    assert!(wrong.is_err(), "a wrong shape must not validate");
}
