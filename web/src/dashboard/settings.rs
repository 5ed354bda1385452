//! `/settings`: the learner's linked git repositories, and a form to link one (the dashboard's
//! side of `checker repo link`).

use axum::Form;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;

use super::PageError;
use super::session::{Viewer, origin, same_secret};
use super::view::page;
use crate::api::AppState;

/// `GET /settings`.
pub(crate) async fn settings(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
) -> Result<Markup, PageError> {
    render(&state, &viewer, &headers, None).await
}

#[derive(Deserialize)]
pub(crate) struct LinkForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    url: String,
}

/// `POST /settings/repos`: links a repository, then back to the settings page.
pub(crate) async fn link(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Form(form): Form<LinkForm>,
) -> Result<Response, PageError> {
    if !same_secret(&viewer.csrf, &form.csrf) {
        return Err(PageError::Csrf);
    }
    match crate::git::link_for(&state, &viewer.user, form.url.trim()).await {
        Ok(_) => Ok(Redirect::to("/settings").into_response()),
        Err(refused) => {
            let problem = refused.message();
            Ok(render(&state, &viewer, &headers, Some(&problem))
                .await?
                .into_response())
        }
    }
}

async fn render(
    state: &AppState,
    viewer: &Viewer,
    headers: &HeaderMap,
    problem: Option<&str>,
) -> Result<Markup, PageError> {
    let links = state.store.git().repo_links(viewer.user.id).await?;
    let hook = format!("{}/api/hooks/git", origin(headers));
    let content = html! {
        h1 { "Settings" }
        section.card {
            h2 { "Git repositories" }
            p {
                "Pushes to a linked repository are graded: each project folder a push touches is \
                 submitted. Add the webhook below to the repository (content type JSON); its first \
                 delivery (the ping) confirms that the repository is yours."
            }
            @if let Some(problem) = problem {
                p.problem role="alert" { "⚠ " (problem) }
            }
            @if links.is_empty() {
                p.muted { "No repository linked yet." }
            } @else {
                table {
                    thead { tr { th { "Repository" } th { "Webhook URL" } th { "Secret" } th { "Link" } } }
                    tbody {
                        @for link in &links {
                            tr {
                                td { (crate::git::url::redact(&link.url)) }
                                td { code { (hook) } }
                                td { code { (link.webhook_secret) } }
                                td { @if link.confirmed { "confirmed" } @else { "pending: waiting for the webhook" } }
                            }
                        }
                    }
                }
            }
            form method="post" action="/settings/repos" {
                input type="hidden" name="csrf" value=(viewer.csrf);
                label for="repo-url" { "Repository URL" }
                input #repo-url type="url" name="url" required
                    placeholder="https://github.com/you/alx-backend-javascript.git";
                button type="submit" { "Link" }
            }
        }
    };
    Ok(page("Settings", Some(viewer), None, content))
}
