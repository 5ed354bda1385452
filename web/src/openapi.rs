//! The frame of the OpenAPI 3.1 document served at `/api/openapi.json`: its title, the bearer
//! token scheme, and the schemas no handler names (the progress stream's events). The paths and
//! their bodies are derived from the handlers' `#[utoipa::path]` attributes and the [`wire`]
//! types by [`crate::api::app`].

use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};

/// The document's frame.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Checker",
        description = "Submit a project's files, follow the grading, read reports and scores."
    ),
    security(("bearer" = [])),
    modifiers(&BearerToken),
    components(schemas(
        wire::StatusEvent,
        wire::CheckEvent,
        wire::TaskEvent,
        wire::DoneEvent,
        wire::ErrorEvent
    ))
)]
pub(crate) struct ApiDoc;

/// Declares the `bearer` scheme the document's security requirements name.
struct BearerToken;

impl Modify for BearerToken {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
}
