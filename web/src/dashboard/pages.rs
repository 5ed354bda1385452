//! The dashboard's pages: each handler gathers what its page shows and renders it.

use std::collections::HashMap;

use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use checker::report::{Report, TaskReport};
use futures_util::StreamExt;
use maud::{Markup, html};
use serde::Deserialize;
use store::dashboard::{
    GridFilter, GridOrder, GridQuery, ProjectMean, STRUGGLING_BELOW, SubmissionSummary,
};
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

/// Rows of a class grid page when the link does not say.
const PAGE_SIZE: u32 = 50;
/// Most rows a class grid page shows (`size=` above is cut to it).
const MAX_PAGE_SIZE: u32 = 100;
/// Rows the CSV reads from the database at a time while it streams.
const CSV_BATCH: i64 = 500;

/// The class grid's query string: order, filters and page. Empty values (a form's "all")
/// mean no filter.
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct GridParams {
    sort: Option<String>,
    dir: Option<String>,
    cohort: Option<String>,
    project: Option<String>,
    struggling: Option<String>,
    page: Option<u32>,
    size: Option<u32>,
}

impl GridParams {
    fn sort(&self) -> &str {
        self.sort
            .as_deref()
            .filter(|s| !s.is_empty())
            .unwrap_or("name")
    }

    /// The order asked for: scores high to low unless `dir=asc`, names A to Z unless
    /// `dir=desc`.
    fn descending(&self) -> bool {
        match self.dir.as_deref().filter(|d| !d.is_empty()) {
            Some(dir) => dir == "desc",
            None => self.sort() != "name",
        }
    }

    fn filter(&self) -> GridFilter {
        let given = |value: &Option<String>| value.clone().filter(|v| !v.is_empty());
        GridFilter {
            cohort: given(&self.cohort),
            project: given(&self.project),
            struggling: self.struggling.as_deref().is_some_and(|s| !s.is_empty()),
        }
    }

    fn page(&self) -> u32 {
        self.page.unwrap_or(1).max(1)
    }

    fn size(&self) -> u32 {
        self.size.unwrap_or(PAGE_SIZE).clamp(1, MAX_PAGE_SIZE)
    }

    /// `path` with this query, changed by `change`; defaults are left out, so links stay short.
    fn link(&self, path: &str, change: impl FnOnce(&mut GridParams)) -> String {
        let mut params = self.clone();
        change(&mut params);
        let filter = params.filter();
        let mut pairs: Vec<(&str, String)> = Vec::new();
        if params.sort() != "name" {
            pairs.push(("sort", params.sort().to_owned()));
        }
        if let Some(dir) = params.dir.as_deref().filter(|d| !d.is_empty()) {
            pairs.push(("dir", dir.to_owned()));
        }
        if let Some(cohort) = filter.cohort {
            pairs.push(("cohort", cohort));
        }
        if let Some(project) = filter.project {
            pairs.push(("project", project));
        }
        if filter.struggling {
            pairs.push(("struggling", "1".to_owned()));
        }
        if params.page() > 1 {
            pairs.push(("page", params.page().to_string()));
        }
        if params.size() != PAGE_SIZE {
            pairs.push(("size", params.size().to_string()));
        }
        let query: Vec<String> = pairs
            .iter()
            .map(|(key, value)| format!("{key}={}", view::url_encode(value)))
            .collect();
        if query.is_empty() {
            path.to_owned()
        } else {
            format!("{path}?{}", query.join("&"))
        }
    }
}

/// The columns of a grid: the filter's project alone, or the curriculum's projects then any
/// other with scores among the filter's learners.
fn grid_columns(
    state: &AppState,
    filter: &GridFilter,
    means: &[ProjectMean],
) -> Vec<(String, String)> {
    match &filter.project {
        Some(project) => vec![(project.clone(), title_of(state, project))],
        None => project_columns(state, means.iter().map(|m| m.project_id.as_str())),
    }
}

/// The store's order for a sort key: a column's id, `mean`, or the name.
fn grid_order(sort: &str, columns: &[(String, String)]) -> GridOrder {
    if sort == "mean" {
        GridOrder::Mean
    } else if columns.iter().any(|(id, _)| id == sort) {
        GridOrder::Project(sort.to_owned())
    } else {
        GridOrder::Name
    }
}

/// A learner's best score in each column, and their mean over every column (none counts 0).
fn grid_cells(
    row: &store::dashboard::GridRow,
    columns: &[(String, String)],
) -> (Vec<Option<f64>>, f64) {
    let cells: Vec<Option<f64>> = columns
        .iter()
        .map(|(id, _)| {
            row.best
                .iter()
                .find(|(p, _)| p == id)
                .map(|(_, best)| *best)
        })
        .collect();
    let sum = cells.iter().flatten().fold(0.0, |sum, best| sum + best);
    let mean = if columns.is_empty() {
        0.0
    } else {
        sum / columns.len() as f64
    };
    (cells, mean)
}

/// `GET /class?sort=name|mean|PROJECT&dir=asc|desc&cohort=C&project=P&struggling=1&page=N&size=N`:
/// one page of the learners x projects grid.
pub(crate) async fn class(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(params): Query<GridParams>,
) -> Result<Markup, PageError> {
    require_instructor(&viewer)?;
    let dashboard = state.store.dashboard();
    let filter = params.filter();
    let means = dashboard.grid_means(&filter).await?;
    let columns = grid_columns(&state, &filter, &means);
    let sort = params.sort();
    let descending = params.descending();
    let size = params.size();
    let page_no = params.page();
    let grid = dashboard
        .grid_page(&GridQuery {
            filter: filter.clone(),
            order: grid_order(sort, &columns),
            descending,
            offset: i64::from(page_no - 1) * i64::from(size),
            limit: i64::from(size),
        })
        .await?;
    let cohorts = dashboard.cohorts().await?;
    let pages = u32::try_from((grid.total + i64::from(size) - 1) / i64::from(size))
        .unwrap_or(u32::MAX)
        .max(1);
    let first_row = i64::from(page_no - 1) * i64::from(size) + 1;
    // A column's header link: sort by it, or flip the order when it already is; back to page 1.
    let sort_link = |key: &str| {
        let dir = if key == sort {
            if descending { "asc" } else { "desc" }
        } else if key == "name" {
            "asc"
        } else {
            "desc"
        };
        params.link("/class", |p| {
            p.sort = Some(key.to_owned());
            p.dir = Some(dir.to_owned());
            p.page = None;
        })
    };
    let aria_sort = |key: &str| {
        (key == sort).then_some(if descending {
            "descending"
        } else {
            "ascending"
        })
    };
    let page_link = |n: u32| params.link("/class", |p| p.page = Some(n));
    let mean_of: HashMap<&str, f64> = means
        .iter()
        .map(|m| (m.project_id.as_str(), m.mean))
        .collect();
    let curriculum: Vec<(String, String)> = project_columns(&state, std::iter::empty());
    let filtered = filter != GridFilter::default();
    let pager = html! {
        nav.pager aria-label="Pages of learners" {
            @if page_no > 1 {
                a href=(page_link(1)) { "« First" }
                a href=(page_link(page_no - 1)) rel="prev" { "‹ Previous" }
            }
            span { "Page " (page_no) " of " (pages) }
            @if page_no < pages {
                a href=(page_link(page_no + 1)) rel="next" { "Next ›" }
                a href=(page_link(pages)) { "Last »" }
            }
        }
    };
    let content = html! {
        h1 { "Class" }
        form.filters method="get" action="/class" {
            label for="cohort" { "Cohort" }
            select #cohort name="cohort" {
                option value="" { "All cohorts" }
                @for (cohort, n) in &cohorts {
                    option value=(cohort) selected[filter.cohort.as_deref() == Some(cohort)] {
                        (cohort) " (" (n) ")"
                    }
                }
            }
            label for="project" { "Project" }
            select #project name="project" {
                option value="" { "All projects" }
                @for (id, title) in &curriculum {
                    option value=(id) selected[filter.project.as_deref() == Some(id)] { (title) }
                }
            }
            label.check {
                input type="checkbox" name="struggling" value="1" checked[filter.struggling];
                " Struggling only"
            }
            input type="hidden" name="sort" value=(sort);
            input type="hidden" name="dir" value=(if descending { "desc" } else { "asc" });
            @if size != PAGE_SIZE { input type="hidden" name="size" value=(size); }
            button type="submit" { "Show" }
            @if filtered { a href="/class" { "Clear filters" } }
        }
        p.muted.legend {
            "Struggling: a best score under " (percent(STRUGGLING_BELOW))
            " on a project they submitted (of those shown)."
        }
        p #summary {
            (count(usize::try_from(grid.total).unwrap_or(usize::MAX), "learner"))
            @if filtered { " match" }
            " × " (count(columns.len(), "project")) "; best scores"
            @if !grid.rows.is_empty() {
                "; showing " (first_row) "–" (first_row + grid.rows.len() as i64 - 1)
            }
            ". "
            a href=(params.link("/class.csv", |p| { p.page = None; p.size = None; })) download { "Download as CSV" }
        }
        @if grid.total == 0 {
            @if filtered {
                p.card.empty { "No learner matches these filters. " a href="/class" { "Show everyone" } }
            } @else {
                p.card.empty { "No learners yet. An operator adds them with "
                    code { "checker user add NAME --role learner --cohort COHORT" } "." }
            }
        } @else if grid.rows.is_empty() {
            p.card.empty { "There are only " (pages) " pages. " a href=(page_link(1)) { "Back to the first" } }
        } @else {
            (pager)
            div.scroll {
                table.grid {
                    caption.visually-hidden { "Best score of each learner on each project; select a column header to sort by it" }
                    thead {
                        tr {
                            th scope="col" aria-sort=[aria_sort("name")] { a href=(sort_link("name")) { "Learner" } }
                            @for (id, title) in &columns {
                                th scope="col" aria-sort=[aria_sort(id)] {
                                    a href=(sort_link(id)) title=(title) { (title) }
                                }
                            }
                            th scope="col" aria-sort=[aria_sort("mean")] { a href=(sort_link("mean")) { "Mean" } }
                        }
                        tr.summary {
                            th scope="row" {
                                @if filter.cohort.is_some() { "Cohort mean" } @else { "Class mean" }
                                " · checks failed most"
                            }
                            @for (id, _) in &columns {
                                td { a href=(params.link(&format!("/class/projects/{}", view::segment(id)), |p| {
                                    *p = GridParams { cohort: p.cohort.clone(), ..GridParams::default() };
                                })) {
                                    @if let Some(mean) = mean_of.get(id.as_str()) { (percent((mean * 10.0).round() / 10.0)) } @else { "–" }
                                } }
                            }
                            td {}
                        }
                    }
                    tbody {
                        @for row in &grid.rows {
                            @let (cells, mean) = grid_cells(row, &columns);
                            tr {
                                th scope="row" {
                                    a href=(format!("/learners/{}", view::segment(&row.name))) { (row.name) }
                                    @if let Some(cohort) = &row.cohort { " " span.tag { (cohort) } }
                                }
                                @for cell in &cells {
                                    @match cell {
                                        Some(best) => td class=(cell_class(*best)) { (checker::report::format_percent(*best)) },
                                        None => td.none { "–" },
                                    }
                                }
                                td { (checker::report::format_percent((mean * 10.0).round() / 10.0)) }
                            }
                        }
                    }
                }
            }
            (pager)
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

/// `GET /class.csv` with the grid's order and filters: every learner they keep (not one page),
/// best scores, empty when never graded. Streamed a batch of rows at a time, so a school's
/// class is never held whole in memory.
pub(crate) async fn class_csv(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(params): Query<GridParams>,
) -> Result<Response, PageError> {
    require_instructor(&viewer)?;
    let filter = params.filter();
    let means = state.store.dashboard().grid_means(&filter).await?;
    let columns = grid_columns(&state, &filter, &means);
    let mut head = String::from("learner,cohort");
    for (id, _) in &columns {
        head.push(',');
        head.push_str(&csv_field(id));
    }
    head.push_str(",mean\r\n");
    let query = GridQuery {
        order: grid_order(params.sort(), &columns),
        descending: params.descending(),
        filter,
        offset: 0,
        limit: CSV_BATCH,
    };
    struct Batches {
        state: AppState,
        query: GridQuery,
        columns: Vec<(String, String)>,
        done: bool,
    }
    let batches = Batches {
        state,
        query,
        columns,
        done: false,
    };
    let rows = futures_util::stream::unfold(batches, |mut b| async move {
        if b.done {
            return None;
        }
        let page = match b.state.store.dashboard().grid_page(&b.query).await {
            Ok(page) => page,
            Err(error) => {
                // The status line is gone: cut the body, so the download fails visibly
                // rather than looking complete.
                tracing::error!("class CSV: {error}");
                b.done = true;
                return Some((Err(std::io::Error::other(error.to_string())), b));
            }
        };
        b.done = page.rows.len() < usize::try_from(b.query.limit).unwrap_or(0);
        b.query.offset += b.query.limit;
        let mut csv = String::new();
        for row in &page.rows {
            let (cells, mean) = grid_cells(row, &b.columns);
            csv.push_str(&csv_field(&row.name));
            csv.push(',');
            csv.push_str(&csv_field(row.cohort.as_deref().unwrap_or_default()));
            for cell in &cells {
                csv.push(',');
                if let Some(best) = cell {
                    csv.push_str(&checker::report::format_percent(*best));
                }
            }
            csv.push(',');
            csv.push_str(&checker::report::format_percent(mean));
            csv.push_str("\r\n");
        }
        Some((Ok(csv), b))
    });
    let body = futures_util::stream::once(async { Ok::<_, std::io::Error>(head) }).chain(rows);
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"checker-scores.csv\"",
            ),
        ],
        Body::from_stream(body),
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

#[derive(Deserialize)]
pub(crate) struct CohortQuery {
    cohort: Option<String>,
}

/// A stored verdict in words (one this release does not know is shown as stored).
fn verdict_text(verdict: &str) -> String {
    serde_json::from_value::<checker::report::Verdict>(serde_json::Value::from(verdict))
        .map_or_else(
            |_| verdict.to_owned(),
            |v| view::verdict_words(v).1.to_owned(),
        )
}

/// `GET /class/projects/{id}[?cohort=C]`: the checks a class (or a cohort) fails most, on each
/// learner's latest graded submission.
pub(crate) async fn class_project(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Query(query): Query<CohortQuery>,
) -> Result<Markup, PageError> {
    require_instructor(&viewer)?;
    let cohort = query.cohort.filter(|c| !c.is_empty());
    let failing = state
        .store
        .dashboard()
        .failing_checks(&id, cohort.as_deref())
        .await?;
    if failing.graded == 0 && state.curriculum.get(&id).is_none() {
        return Err(PageError::NotFound(format!(
            "No project `{}` on this server.",
            crate::api::echo(&id)
        )));
    }
    let title = title_of(&state, &id);
    let graded = failing.graded;
    let back = match &cohort {
        Some(cohort) => format!("/class?cohort={}", view::url_encode(cohort)),
        None => "/class".to_owned(),
    };
    let content = html! {
        p.crumbs { a href=(back) { "Class" } " › " (title) }
        h1 { (title) ": checks failed most" }
        p { "On the latest graded submission of each of " (graded) " learners"
            @if let Some(cohort) = &cohort { " of cohort " strong { (cohort) } }
            "." }
        @if failing.checks.is_empty() {
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
                        @for f in failing.checks.iter().take(50) {
                            tr {
                                td { (f.check_name) }
                                td { (f.task_title) }
                                td { (f.learners) " of " (graded) " (" (percent((f.learners as f64 * 1000.0 / graded.max(1) as f64).round() / 10.0)) ")" }
                                td { @for (i, (verdict, n)) in f.verdicts.iter().enumerate() {
                                    @if i > 0 { ", " }
                                    (verdict_text(verdict)) " × " (n)
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
