//! The OpenAPI 3.1 description of the HTTP API, served at `/api/openapi.json`.

use serde_json::{Value, json};

fn error_response(description: &str) -> Value {
    json!({
        "description": description,
        "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } }
    })
}

fn json_response(description: &str, schema: Value) -> Value {
    json!({ "description": description, "content": { "application/json": { "schema": schema } } })
}

fn id_parameter() -> Value {
    json!({ "name": "id", "in": "path", "required": true, "schema": { "type": "integer" } })
}

/// The document.
pub(crate) fn document() -> Value {
    let unauthorized = error_response("no API token, or an unknown or expired one");
    let not_found = error_response("no such submission, or not yours to see");
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Checker",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Submit a project's files, follow the grading, read reports and scores."
        },
        "security": [{ "bearer": [] }],
        "paths": {
            "/healthz": { "get": {
                "summary": "The server and its database answer",
                "security": [],
                "responses": {
                    "200": json_response("healthy", json!({ "type": "object" })),
                    "503": error_response("the database does not answer")
                }
            }},
            "/metrics": { "get": {
                "summary": "Prometheus metrics: queue depth, grading time histogram, verdict counts",
                "security": [],
                "responses": { "200": {
                    "description": "Prometheus text format",
                    "content": { "text/plain": { "schema": { "type": "string" } } }
                }}
            }},
            "/api/login": { "post": {
                "summary": "Exchange a name and password for an API token",
                "security": [],
                "requestBody": { "required": true, "content": { "application/json": { "schema": {
                    "type": "object", "required": ["name", "password"],
                    "properties": { "name": { "type": "string" }, "password": { "type": "string" } }
                }}}},
                "responses": {
                    "200": json_response("a new token", json!({
                        "type": "object",
                        "properties": {
                            "token": { "type": "string" },
                            "expires_at": { "type": "integer", "description": "Unix milliseconds" },
                            "user": { "$ref": "#/components/schemas/User" }
                        }
                    })),
                    "401": error_response("wrong name or password")
                }
            }},
            "/api/me": { "get": {
                "summary": "The signed-in user",
                "responses": {
                    "200": json_response("the user", json!({ "$ref": "#/components/schemas/User" })),
                    "401": unauthorized
                }
            }},
            "/api/me/scores": { "get": {
                "summary": "The signed-in user's best and latest score per project",
                "responses": {
                    "200": json_response("scores", json!({ "type": "array", "items": { "$ref": "#/components/schemas/Score" } })),
                    "401": unauthorized
                }
            }},
            "/api/scores": { "get": {
                "summary": "Everyone's scores (instructors and admins)",
                "responses": {
                    "200": json_response("scores", json!({ "type": "array", "items": { "$ref": "#/components/schemas/Score" } })),
                    "401": unauthorized,
                    "403": error_response("learners see only their own scores")
                }
            }},
            "/api/projects": { "get": {
                "summary": "Projects this server grades",
                "responses": {
                    "200": json_response("projects", json!({ "type": "array", "items": { "$ref": "#/components/schemas/Project" } })),
                    "401": unauthorized
                }
            }},
            "/api/projects/{id}": { "get": {
                "summary": "One project: its files, tasks and upload limits",
                "parameters": [{ "name": "id", "in": "path", "required": true, "schema": { "type": "string" } }],
                "responses": {
                    "200": json_response("the project", json!({ "$ref": "#/components/schemas/Project" })),
                    "401": unauthorized,
                    "404": error_response("no such project")
                }
            }},
            "/api/submissions": { "post": {
                "summary": "Submit a project's files; stored before the answer, graded by a worker",
                "parameters": [{ "name": "project", "in": "query", "required": false, "schema": { "type": "string" },
                    "description": "the project id (or the `project` form field)" }],
                "requestBody": { "required": true, "content": {
                    "application/gzip": { "schema": { "type": "string", "format": "binary" } },
                    "multipart/form-data": { "schema": {
                        "type": "object", "required": ["archive"],
                        "properties": {
                            "project": { "type": "string" },
                            "archive": { "type": "string", "format": "binary", "description": ".tar.gz of the project's files" }
                        }
                    }}
                }},
                "responses": {
                    "202": json_response("queued", json!({
                        "type": "object",
                        "properties": {
                            "id": { "type": "integer" },
                            "status": { "const": "queued" },
                            "project": { "type": "string" },
                            "spec_version": { "type": "string" },
                            "files": { "type": "array", "items": { "type": "string" } },
                            "ignored_files": { "type": "integer" },
                            "url": { "type": "string" },
                            "events": { "type": "string" }
                        }
                    })),
                    "400": error_response("not a safe .tar.gz, no project, none of the project's files"),
                    "401": unauthorized,
                    "404": error_response("no such project"),
                    "413": error_response("over a size or file-count limit"),
                    "415": error_response("neither application/gzip nor multipart/form-data"),
                    "429": {
                        "description": "too many submissions; see Retry-After",
                        "headers": { "Retry-After": { "schema": { "type": "integer" } } },
                        "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } }
                    }
                }
            }},
            "/api/submissions/{id}": { "get": {
                "summary": "A submission's status and report (hidden checks redacted for learners)",
                "parameters": [id_parameter()],
                "responses": {
                    "200": json_response("the submission", json!({ "$ref": "#/components/schemas/Submission" })),
                    "401": unauthorized,
                    "404": not_found
                }
            }},
            "/api/submissions/{id}/events": { "get": {
                "summary": "Server-sent events: `status`, `check` per finished check, `task` per finished task, then `done`",
                "parameters": [id_parameter()],
                "responses": {
                    "200": { "description": "an event stream", "content": { "text/event-stream": { "schema": { "type": "string" } } } },
                    "401": unauthorized,
                    "404": not_found
                }
            }}
        },
        "components": {
            "securitySchemes": { "bearer": { "type": "http", "scheme": "bearer" } },
            "schemas": {
                "Error": {
                    "type": "object", "required": ["error"],
                    "properties": { "error": { "type": "string" }, "hint": { "type": "string" } }
                },
                "User": {
                    "type": "object",
                    "properties": {
                        "name": { "type": "string" },
                        "role": { "enum": ["learner", "instructor", "admin"] }
                    }
                },
                "Project": {
                    "type": "object",
                    "properties": {
                        "id": { "type": "string" },
                        "title": { "type": "string" },
                        "spec_version": { "type": "string" },
                        "files": { "type": "array", "items": { "type": "string" } },
                        "tasks": { "type": "array", "items": { "type": "object" } },
                        "limits": { "type": "object" }
                    }
                },
                "Submission": {
                    "type": "object",
                    "properties": {
                        "id": { "type": "integer" },
                        "user": { "type": "string" },
                        "project": { "type": "string" },
                        "spec_version": { "type": "string" },
                        "status": { "enum": ["queued", "running", "graded", "failed"] },
                        "attempts": { "type": "integer" },
                        "error": { "type": ["string", "null"] },
                        "score": { "type": ["number", "null"] },
                        "bonus": { "type": ["number", "null"] },
                        "passed": { "type": ["boolean", "null"] },
                        "report": { "type": ["object", "null"], "description": "the same JSON as `checker grade --json`" }
                    }
                },
                "Score": {
                    "type": "object",
                    "properties": {
                        "user": { "type": "string" },
                        "project": { "type": "string" },
                        "title": { "type": "string" },
                        "best_score": { "type": "number" },
                        "best_bonus": { "type": "number" },
                        "best_submission": { "type": "integer" },
                        "latest_score": { "type": "number" },
                        "latest_bonus": { "type": "number" },
                        "latest_submission": { "type": "integer" },
                        "graded": { "type": "integer" }
                    }
                }
            }
        }
    })
}
