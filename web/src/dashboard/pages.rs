//! The dashboard's pages: each handler gathers what its page shows and renders it.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use checker::report::{Report, TaskReport};
use maud::{Markup, html};
use serde::Deserialize;
use store::dashboard::SubmissionSummary;
use store::{ScoreRecord, Status, User};

use super::PageError;
use super::chart::{self, Point};
use super::session::{Viewer, origin};
use super::view::{self, bar, date, page, percent, status_words};
use crate::api::AppState;
use crate::auth::AuthUser;

/// How many submissions a history or list shows at most.
const HISTORY: i64 = 200;

fn require_instructor(viewer: &Viewer) -> Result<(), PageError> {
    if viewer.user.role.reads_everything() {
        Ok(())
    } else {
        Err(PageError::Forbidden(
            "This page is for instructors. Your own projects and scores are on your home page."
                .into(),
        ))
    }
}

/// Project ids to show: the curriculum's, in its order, then any others that have scores.
fn project_columns<'a>(
    state: &AppState,
    extra: impl Iterator<Item = &'a str>,
) -> Vec<(String, String)> {
    let mut columns: Vec<(String, String)> = state
        .curriculum
        .projects()
        .map(|p| (p.id.clone(), p.title.clone()))
        .collect();
    let mut others: Vec<&str> = extra
        .filter(|id| state.curriculum.get(id).is_none())
        .collect();
    others.sort_unstable();
    others.dedup();
    columns.extend(others.into_iter().map(|id| (id.to_owned(), id.to_owned())));
    columns
}

fn title_of(state: &AppState, id: &str) -> String {
    state
        .curriculum
        .get(id)
        .map_or_else(|| id.to_owned(), |p| p.title.clone())
}

/// `GET /`: the signed-in user's projects, scores and score histories.
pub(crate) async fn home(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
) -> Result<Markup, PageError> {
    let user = &viewer.user;
    let scores = state.store.scores(Some(user.id)).await?;
    let submissions = state
        .store
        .dashboard()
        .submissions_of(user.id, None, HISTORY)
        .await?;
    let columns = project_columns(&state, scores.iter().map(|s| s.project.as_str()));
    let by_project: HashMap<&str, &ScoreRecord> =
        scores.iter().map(|s| (s.project.as_str(), s)).collect();
    let mut history: HashMap<&str, Vec<Point>> = HashMap::new();
    for s in submissions.iter().rev() {
        if let Some(score) = s.score {
            history
                .entry(s.project_id.as_str())
                .or_default()
                .push(Point {
                    submission: s.id,
                    score,
                });
        }
    }
    let pending: Vec<&SubmissionSummary> = submissions
        .iter()
        .filter(|s| !s.status.is_final())
        .collect();
    let server = origin(&headers);
    let content = html! {
        h1 { "My projects" }
        @if submissions.is_empty() && user.role.reads_everything() {
            p.card { "You see the whole class on the " a href="/class" { "Class" } " page." }
        }
        @if submissions.is_empty() {
            section.card.empty {
                h2 { "Nothing submitted yet" }
                p { "Submit a project from your terminal, in the folder that holds your files:" }
                pre { code {
                    "checker login --server " (server) "\n"
                    "checker submit " (columns.first().map_or("PROJECT", |c| c.0.as_str())) " . --wait"
                } }
                p { "Your score appears here as soon as it is graded. Projects on this server: "
                    @for (i, (id, _)) in columns.iter().enumerate() {
                        @if i > 0 { ", " }
                        code { (id) }
                    }
                    "."
                }
            }
        }
        @if !pending.is_empty() {
            section.card {
                h2 { "Being graded" }
                ul {
                    @for s in &pending {
                        li { a href=(format!("/submissions/{}", s.id)) {
                            (title_of(&state, &s.project_id)) " #" (s.id) } ": " (status_words(s.status)) }
                    }
                }
            }
        }
        ul.projects {
            @for (id, title) in &columns {
                li.card.project {
                    h2 { a href=(format!("/projects/{id}")) { (title) } }
                    @if let Some(score) = by_project.get(id.as_str()) {
                        div.scoreline {
                            span.label { "Best" }
                            (bar(score.best_score))
                            a href=(format!("/submissions/{}", score.best_submission)) { "#" (score.best_submission) }
                        }
                        div.scoreline {
                            span.label { "Latest" }
                            (bar(score.latest_score))
                            a href=(format!("/submissions/{}", score.latest_submission)) { "#" (score.latest_submission) }
                        }
                        p.muted {
                            (score.graded) " graded · last on " (date(score.updated_at))
                            @if score.best_bonus > 0.0 { " · best bonus " (percent(score.best_bonus)) }
                        }
                        (chart::history(history.get(id.as_str()).map_or(&[][..], Vec::as_slice)))
                    } @else {
                        p.muted { "Not graded yet: " code { "checker submit " (id) " . --wait" } }
                    }
                }
            }
        }
        @if !submissions.is_empty() {
            h2 { "Recent submissions" }
            (submission_table(&state, &submissions[..submissions.len().min(10)], true))
        }
    };
    Ok(page("My projects", Some(&viewer), None, content))
}

/// A list of submissions as a table.
fn submission_table(state: &AppState, list: &[SubmissionSummary], with_project: bool) -> Markup {
    html! {
        div.scroll {
            table.list {
                thead { tr {
                    th scope="col" { "Submission" }
                    @if with_project { th scope="col" { "Project" } }
                    th scope="col" { "Submitted" }
                    th scope="col" { "Status" }
                    th scope="col" { "Score" }
                } }
                tbody {
                    @for s in list {
                        tr {
                            td { a href=(format!("/submissions/{}", s.id)) { "#" (s.id) } }
                            @if with_project { td { (title_of(state, &s.project_id)) } }
                            td { (date(s.created_at)) }
                            td { (status_words(s.status)) }
                            td { @if let Some(score) = s.score { (percent(score)) } @else { "–" } }
                        }
                    }
                }
            }
        }
    }
}

#[derive(Deserialize)]
pub(crate) struct LearnerQuery {
    learner: Option<String>,
}

/// The user a page is about: the viewer, or (for instructors) the learner named.
async fn subject(
    state: &AppState,
    viewer: &Viewer,
    learner: Option<&str>,
) -> Result<User, PageError> {
    match learner {
        Some(name) if name != viewer.user.name => {
            require_instructor(viewer)?;
            state
                .store
                .dashboard()
                .user_by_name(name)
                .await?
                .ok_or_else(|| {
                    PageError::NotFound(format!("No user `{}`.", crate::api::echo(name)))
                })
        }
        _ => Ok(viewer.user.clone()),
    }
}

/// `GET /projects/{id}[?learner=NAME]`: the project's tasks and the learner's status on each.
pub(crate) async fn project(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Query(query): Query<LearnerQuery>,
) -> Result<Markup, PageError> {
    let project = state.curriculum.get(&id).ok_or_else(|| {
        PageError::NotFound(format!(
            "No project `{}` on this server.",
            crate::api::echo(&id)
        ))
    })?;
    let user = subject(&state, &viewer, query.learner.as_deref()).await?;
    let submissions = state
        .store
        .dashboard()
        .submissions_of(user.id, Some(&id), HISTORY)
        .await?;
    let latest = match submissions.iter().find(|s| s.status == Status::Graded) {
        Some(s) => load_report(&state, &viewer, s.id).await?,
        None => None,
    };
    let tasks: HashMap<&str, &TaskReport> = latest
        .iter()
        .flat_map(|r| &r.tasks)
        .map(|t| (t.id.as_str(), t))
        .collect();
    let whose = if user.id == viewer.user.id {
        "Your".to_owned()
    } else {
        format!("{}’s", user.name)
    };
    let content = html! {
        h1 { (project.title) }
        p.muted { code { (project.id) } " · " (project.tasks.len()) " tasks · files: "
            (project.learner_files().join(", ")) }
        @if let Some(report) = &latest {
            p { (whose) " latest graded submission: " (bar(report.score)) }
        } @else {
            p.card.empty { "Not graded yet. Submit with " code { "checker submit " (project.id) " . --wait" } }
        }
        h2 { "Tasks" }
        div.scroll {
            table.list {
                thead { tr {
                    th scope="col" { "Task" }
                    th scope="col" { "Kind" }
                    th scope="col" { "Checks" }
                    th scope="col" { (whose) " status" }
                } }
                tbody {
                    @for task in &project.tasks {
                        tr {
                            td { (task.title) br; code.muted { (task.id) } }
                            td { (if task.mandatory { "mandatory" } else { "advanced" }) }
                            td { (task.checks.len()) }
                            td {
                                @match tasks.get(task.id.as_str()) {
                                    Some(t) if t.passed => span.ok { "✓ Passed" },
                                    Some(t) => span.bad { "✗ Failed: "
                                        (t.checks.iter().filter(|c| c.verdict == checker::report::Verdict::Passed).count())
                                        " of " (t.checks.len()) " checks passed" },
                                    None => span.muted { "– Not graded yet" },
                                }
                            }
                        }
                    }
                }
            }
        }
        h2 { (whose) " submissions" }
        @if submissions.is_empty() {
            p.muted { "None yet." }
        } @else {
            (submission_table(&state, &submissions, false))
        }
    };
    Ok(page(&project.title, Some(&viewer), None, content))
}

/// The report of a submission as the viewer may see it (hidden checks redacted for learners).
async fn load_report(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
) -> Result<Option<Report>, PageError> {
    let Some(record) = state.store.submission(id).await? else {
        return Ok(None);
    };
    Ok(record
        .result
        .and_then(|r| serde_json::from_str::<Report>(&r.report).ok())
        .map(|r| redact_for(viewer, r)))
}

fn redact_for(viewer: &Viewer, report: Report) -> Report {
    if viewer.user.role.reads_everything() {
        report
    } else {
        report.redacted()
    }
}

/// `GET /submissions/{id}`: every task and check; live while grading runs.
pub(crate) async fn submission(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> Result<Markup, PageError> {
    let record = match state.store.submission(id).await? {
        Some(r) if r.user_id == viewer.user.id || viewer.user.role.reads_everything() => r,
        _ => return Err(PageError::NotFound(format!("No submission {id}."))),
    };
    let title = title_of(&state, &record.project_id);
    let report = record
        .result
        .as_ref()
        .and_then(|r| serde_json::from_str::<Report>(&r.report).ok())
        .map(|r| redact_for(&viewer, r));
    let running = !record.status.is_final();
    let live = running.then(|| format!("/submissions/{id}/events"));
    let git = state.store.git().git_source(id).await?;
    let content = html! {
        p.crumbs { a href=(format!("/projects/{}", record.project_id)) { (title) } " › submission #" (id) }
        h1 { (title) ": submission #" (id) }
        p #status.status { (status_words(record.status)) }
        @if record.status == Status::Graded {
            @if let Some(result) = &record.result { p { "Score " (bar(result.score)) } }
        }
        dl.facts {
            dt { "Learner" } dd {
                @if viewer.user.role.reads_everything() {
                    a href=(format!("/learners/{}", view::segment(&record.user_name))) { (record.user_name) }
                } @else { (record.user_name) }
            }
            dt { "Submitted" } dd { (date(record.created_at)) }
            @if let Some(git) = &git {
                dt { "Commit" } dd {
                    code title=(git.commit) { (git.commit.get(..12).unwrap_or(&git.commit)) }
                    " of " (git.url) " (" (git.rev)
                    @if let Some(dir) = &git.dir { ", folder " code { (dir) } }
                    ")"
                }
            }
            @if let Some(started) = record.started_at { dt { "Started" } dd { (date(started)) } }
            @if let Some(finished) = record.finished_at { dt { "Finished" } dd { (date(finished)) } }
            @if record.attempts > 1 { dt { "Attempts" } dd { (record.attempts) } }
        }
        @if record.status == Status::Failed {
            p.problem role="alert" {
                "⚠ The platform could not grade this submission: "
                (record.last_error.as_deref().unwrap_or("unknown error"))
                ". This is not your fault and does not count as a score; submit again later."
            }
        }
        @if running {
            section.card #progress {
                h2 { "Progress" }
                p.muted #live-note { "Checks appear here as they finish." }
                noscript { p.muted { "This page reloads every 3 seconds until grading is done." } }
                ol #live aria-live="polite" {}
            }
        }
        @if let (Some(report), Status::Graded) = (&report, record.status) {
            h2 { "Report" }
            (view::report(report))
        }
    };
    Ok(page(
        &format!("{title} #{id}"),
        Some(&viewer),
        live.as_deref(),
        content,
    ))
}

/// `GET /submissions/{id}/events`: the API's progress stream, for a signed-in browser (an
/// `EventSource` cannot send the API's bearer token).
pub(crate) async fn submission_events(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> Response {
    crate::api::events(State(state), AuthUser(viewer.user), Path(id))
        .await
        .into_response()
}

#[derive(Deserialize)]
pub(crate) struct GridQuery {
    sort: Option<String>,
    dir: Option<String>,
}

/// The order asked for: scores high to low unless `dir=asc`, names A to Z unless `dir=desc`.
fn descending(query: &GridQuery) -> bool {
    match query.dir.as_deref() {
        Some(dir) => dir == "desc",
        None => query.sort.as_deref().is_some_and(|sort| sort != "name"),
    }
}

/// Learners x projects: best scores.
struct Grid {
    columns: Vec<(String, String)>,
    rows: Vec<GridRow>,
}

struct GridRow {
    name: String,
    /// Best score per column.
    cells: Vec<Option<f64>>,
    /// Mean of the best scores over every project (none counts as 0).
    mean: f64,
}

async fn grid(state: &AppState, query: &GridQuery) -> Result<Grid, PageError> {
    let dashboard = state.store.dashboard();
    let learners = dashboard.learners().await?;
    let scores = dashboard.grid_scores().await?;
    let columns = project_columns(
        state,
        scores
            .iter()
            .flat_map(|row| row.best.iter().map(|(p, _)| p.as_str())),
    );
    let column_of: HashMap<&str, usize> = columns
        .iter()
        .enumerate()
        .map(|(i, (id, _))| (id.as_str(), i))
        .collect();
    let row_of: HashMap<i64, usize> = learners
        .iter()
        .enumerate()
        .map(|(i, u)| (u.id, i))
        .collect();
    let mut rows: Vec<GridRow> = learners
        .into_iter()
        .map(|u| GridRow {
            name: u.name,
            cells: vec![None; columns.len()],
            mean: 0.0,
        })
        .collect();
    for scored in &scores {
        let Some(&r) = row_of.get(&scored.user_id) else {
            continue;
        };
        for (project, best) in &scored.best {
            if let Some(&c) = column_of.get(project.as_str()) {
                rows[r].cells[c] = Some(*best);
            }
        }
    }
    for row in &mut rows {
        let sum = row.cells.iter().flatten().fold(0.0, |sum, best| sum + best);
        row.mean = if columns.is_empty() {
            0.0
        } else {
            sum / columns.len() as f64
        };
    }
    let sort = query.sort.as_deref().unwrap_or("name");
    let descending = descending(query);
    let order = |o: std::cmp::Ordering| if descending { o.reverse() } else { o };
    // Ties always go by name, A to Z.
    if sort == "mean" {
        rows.sort_by(|a, b| order(a.mean.total_cmp(&b.mean)).then_with(|| a.name.cmp(&b.name)));
    } else if let Some(&c) = column_of.get(sort) {
        let key = |row: &GridRow| row.cells[c].unwrap_or(-1.0);
        rows.sort_by(|a, b| order(key(a).total_cmp(&key(b))).then_with(|| a.name.cmp(&b.name)));
    } else {
        rows.sort_by(|a, b| order(a.name.cmp(&b.name)));
    }
    Ok(Grid { columns, rows })
}

/// `GET /class?sort=name|mean|PROJECT&dir=asc|desc`: the learners x projects grid.
pub(crate) async fn class(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<GridQuery>,
) -> Result<Markup, PageError> {
    require_instructor(&viewer)?;
    let grid = grid(&state, &query).await?;
    let sort = query.sort.as_deref().unwrap_or("name");
    let descending = descending(&query);
    // A column's header link: sort by it, or flip the order when it already is.
    let sort_link = |key: &str| {
        let dir = if key == sort {
            if descending { "asc" } else { "desc" }
        } else if key == "name" {
            "asc"
        } else {
            "desc"
        };
        format!("/class?sort={}&dir={dir}", view::url_encode(key))
    };
    let aria_sort = |key: &str| {
        (key == sort).then_some(if descending {
            "descending"
        } else {
            "ascending"
        })
    };
    let means: Vec<Option<f64>> = (0..grid.columns.len())
        .map(|c| {
            let scores: Vec<f64> = grid.rows.iter().filter_map(|r| r.cells[c]).collect();
            (!scores.is_empty()).then(|| scores.iter().sum::<f64>() / scores.len() as f64)
        })
        .collect();
    let content = html! {
        h1 { "Class" }
        p {
            (count(grid.rows.len(), "learner")) " × " (count(grid.columns.len(), "project")) "; best scores. "
            a href="/class.csv" download { "Download as CSV" }
        }
        @if grid.rows.is_empty() {
            p.card.empty { "No learners yet. An operator adds them with "
                code { "checker user add NAME --role learner" } "." }
        } @else {
            div.scroll {
                table.grid {
                    caption.visually-hidden { "Best score of each learner on each project; select a column header to sort by it" }
                    thead {
                        tr {
                            th scope="col" aria-sort=[aria_sort("name")] { a href=(sort_link("name")) { "Learner" } }
                            @for (id, title) in &grid.columns {
                                th scope="col" aria-sort=[aria_sort(id)] {
                                    a href=(sort_link(id)) title=(title) { (title) }
                                }
                            }
                            th scope="col" aria-sort=[aria_sort("mean")] { a href=(sort_link("mean")) { "Mean" } }
                        }
                        tr.summary {
                            th scope="row" { "Class mean · checks failed most" }
                            @for (i, (id, _)) in grid.columns.iter().enumerate() {
                                td { a href=(format!("/class/projects/{}", view::segment(id))) {
                                    @if let Some(mean) = means[i] { (percent((mean * 10.0).round() / 10.0)) } @else { "–" }
                                } }
                            }
                            td {}
                        }
                    }
                    tbody {
                        @for row in &grid.rows {
                            tr {
                                th scope="row" { a href=(format!("/learners/{}", view::segment(&row.name))) { (row.name) } }
                                @for cell in &row.cells {
                                    @match cell {
                                        Some(best) => td class=(cell_class(*best)) { (checker::report::format_percent(*best)) },
                                        None => td.none { "–" },
                                    }
                                }
                                td { (checker::report::format_percent((row.mean * 10.0).round() / 10.0)) }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(page("Class", Some(&viewer), None, content))
}

/// `1 project`, `2 projects`.
fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

fn cell_class(score: f64) -> &'static str {
    if score >= 100.0 {
        "full"
    } else if score >= 50.0 {
        "half"
    } else {
        "low"
    }
}

/// `GET /class.csv`: the grid as CSV (best scores; empty when never graded).
pub(crate) async fn class_csv(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<GridQuery>,
) -> Result<Response, PageError> {
    require_instructor(&viewer)?;
    let grid = grid(&state, &query).await?;
    let mut csv = String::from("learner");
    for (id, _) in &grid.columns {
        csv.push(',');
        csv.push_str(&csv_field(id));
    }
    csv.push_str(",mean\r\n");
    for row in &grid.rows {
        csv.push_str(&csv_field(&row.name));
        for cell in &row.cells {
            csv.push(',');
            if let Some(best) = cell {
                csv.push_str(&checker::report::format_percent(*best));
            }
        }
        csv.push(',');
        csv.push_str(&checker::report::format_percent(row.mean));
        csv.push_str("\r\n");
    }
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"checker-scores.csv\"",
            ),
        ],
        csv,
    )
        .into_response())
}

/// A CSV field, quoted when needed; a leading formula sign is defused for spreadsheets.
fn csv_field(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@']) {
        format!("'{text}")
    } else {
        text.to_owned()
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

/// `GET /class/projects/{id}`: the checks a class fails most, on each learner's latest graded
/// submission.
pub(crate) async fn class_project(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Result<Markup, PageError> {
    require_instructor(&viewer)?;
    let reports = state.store.dashboard().latest_reports(&id).await?;
    if reports.is_empty() && state.curriculum.get(&id).is_none() {
        return Err(PageError::NotFound(format!(
            "No project `{id}` on this server."
        )));
    }
    let title = title_of(&state, &id);
    struct Failing {
        task: String,
        check: String,
        failed: usize,
        verdicts: HashMap<checker::report::Verdict, usize>,
    }
    let mut failing: HashMap<(String, String), Failing> = HashMap::new();
    let mut graded = 0usize;
    for text in &reports {
        let Ok(report) = serde_json::from_str::<Report>(text) else {
            continue;
        };
        graded += 1;
        for task in &report.tasks {
            for check in &task.checks {
                if check.verdict == checker::report::Verdict::Passed {
                    continue;
                }
                let entry = failing
                    .entry((task.id.clone(), check.name.clone()))
                    .or_insert_with(|| Failing {
                        task: task.title.clone(),
                        check: check.name.clone(),
                        failed: 0,
                        verdicts: HashMap::new(),
                    });
                entry.failed += 1;
                *entry.verdicts.entry(check.verdict).or_default() += 1;
            }
        }
    }
    let mut failing: Vec<Failing> = failing.into_values().collect();
    failing.sort_by(|a, b| b.failed.cmp(&a.failed).then_with(|| a.check.cmp(&b.check)));
    let content = html! {
        p.crumbs { a href="/class" { "Class" } " › " (title) }
        h1 { (title) ": checks failed most" }
        p { "On the latest graded submission of each of " (graded) " learners." }
        @if failing.is_empty() {
            p.card.empty { @if graded == 0 { "No graded submission yet." } @else { "✓ Every learner passes every check." } }
        } @else {
            div.scroll {
                table.list {
                    thead { tr {
                        th scope="col" { "Check" }
                        th scope="col" { "Task" }
                        th scope="col" { "Failed by" }
                        th scope="col" { "Verdicts" }
                    } }
                    tbody {
                        @for f in failing.iter().take(50) {
                            @let verdicts = most_common_first(&f.verdicts);
                            tr {
                                td { (f.check) }
                                td { (f.task) }
                                td { (f.failed) " of " (graded) " (" (percent((f.failed as f64 * 1000.0 / graded as f64).round() / 10.0)) ")" }
                                td { @for (i, (verdict, n)) in verdicts.iter().enumerate() {
                                    @if i > 0 { ", " }
                                    (view::verdict_words(*verdict).1) " × " (n)
                                } }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(page(
        &format!("{title}: checks failed most"),
        Some(&viewer),
        None,
        content,
    ))
}

/// Verdicts and their counts, the most common first.
fn most_common_first(
    counts: &HashMap<checker::report::Verdict, usize>,
) -> Vec<(checker::report::Verdict, usize)> {
    let mut list: Vec<_> = counts.iter().map(|(v, n)| (*v, *n)).collect();
    list.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.as_str().cmp(b.0.as_str())));
    list
}

/// `GET /learners/{name}`: one learner's scores and submissions, for instructors.
pub(crate) async fn learner(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(name): Path<String>,
) -> Result<Markup, PageError> {
    require_instructor(&viewer)?;
    let user = state
        .store
        .dashboard()
        .user_by_name(&name)
        .await?
        .ok_or_else(|| PageError::NotFound(format!("No user `{}`.", crate::api::echo(&name))))?;
    let scores = state.store.scores(Some(user.id)).await?;
    let submissions = state
        .store
        .dashboard()
        .submissions_of(user.id, None, HISTORY)
        .await?;
    let content = html! {
        p.crumbs { a href="/class" { "Class" } " › " (user.name) }
        h1 { (user.name) }
        p.muted { (user.role.as_str()) }
        h2 { "Scores" }
        @if scores.is_empty() {
            p.muted { "No graded submission yet." }
        } @else {
            ul.projects {
                @for s in &scores {
                    li.card.project {
                        h3 { a href=(format!("/projects/{}?learner={}", s.project, view::url_encode(&user.name))) { (title_of(&state, &s.project)) } }
                        div.scoreline { span.label { "Best" } (bar(s.best_score)) }
                        div.scoreline { span.label { "Latest" } (bar(s.latest_score)) }
                        p.muted { (s.graded) " graded · last on " (date(s.updated_at)) }
                    }
                }
            }
        }
        h2 { "Submissions" }
        @if submissions.is_empty() {
            p.muted { "None yet." }
        } @else {
            (submission_table(&state, &submissions, true))
        }
    };
    Ok(page(&user.name, Some(&viewer), None, content))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_and_defused() {
        assert_eq!(csv_field("ada"), "ada");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("=cmd()"), "'=cmd()");
    }
}
