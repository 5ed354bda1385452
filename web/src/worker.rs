//! The grading worker: claims a job with a lease, keeps the lease alive while grading, records
//! progress and the result, and never scores a submission for the platform's failures.
//!
//! What can go wrong, and what happens:
//! - Docker unreachable before a claim: nothing is claimed; jobs stay queued until it is back.
//! - Docker or the sandbox fails during grading: the job goes back to the queue after a delay;
//!   after `max_attempts` claims it ends `failed` with the error, never with a score.
//! - The worker is killed: its lease expires and another worker claims the job again (the claim
//!   counts as an attempt, so a submission that keeps killing workers ends `failed` too).
//! - The lease is lost while grading (expired, claimed by another): the result is dropped, so a
//!   job is graded exactly once.
//! - SIGTERM (the stop signal): no new claim; the job in hand may finish for `drain`, then goes
//!   back to the queue without counting as an attempt.
//!
//! A [`WorkerHealth`] tells what the worker is doing: `checker worker --listen` serves it as
//! `/healthz` (503 while Docker is unreachable or the worker drains) and `/metrics`.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Serialize;

use checker::grading::{Event, GradeError, Grader};
use checker::report::Report;
use checker::submission::{LearnerFile, Submission};
use store::{GradedResult, Job, Outcome, Store};
use tokio::sync::{Notify, mpsc, watch};
use tracing::Instrument;

use crate::api::{check_event, task_event, verdict_counts};
use crate::curriculum::Curriculum;

/// How a worker behaves.
#[derive(Debug, Clone)]
pub struct WorkerConfig {
    /// Name in logs and results (`host/pid` by default).
    pub name: String,
    /// How long a claim lasts without renewal; renewed every third of it.
    pub lease: Duration,
    /// How often an idle worker looks for jobs (a submission to this process wakes it at once).
    pub poll: Duration,
    /// Claims after which a job that never finished ends as a platform failure.
    pub max_attempts: i64,
    /// Wait before a job that met a platform error is tried again (times the attempt number).
    pub retry_delay: Duration,
    /// Sandboxes one submission's tasks are spread over, side by side, as far as free (as
    /// `checker grade --jobs`); default the number of CPU cores.
    pub lanes: usize,
    /// Sandboxes kept started for every shape of project sandbox, so grading starts at once;
    /// default `lanes`. 0 turns the warm pool off.
    pub warm: usize,
    /// After the stop signal, how long the job in hand may go on before it is handed back.
    pub drain: Duration,
}

impl Default for WorkerConfig {
    fn default() -> Self {
        let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
            .map(|h| h.trim().to_owned())
            .unwrap_or_else(|_| "localhost".into());
        let lanes = std::thread::available_parallelism().map_or(1, |n| n.get());
        WorkerConfig {
            name: format!("{host}/{}", std::process::id()),
            lease: Duration::from_secs(60),
            poll: Duration::from_secs(1),
            max_attempts: 3,
            retry_delay: Duration::from_secs(10),
            lanes,
            warm: lanes,
            drain: Duration::from_secs(30),
        }
    }
}

/// A grading worker over a store and a curriculum.
pub struct Worker {
    store: Arc<dyn Store>,
    curriculum: Arc<Curriculum>,
    config: WorkerConfig,
    wake: Arc<Notify>,
    progress: Option<Arc<crate::progress::ProgressHub>>,
    health: Arc<WorkerHealth>,
}

/// How one job ended, for the loop.
enum JobEnd {
    /// Recorded (graded, failed, or given back to the queue).
    Done,
    /// Docker went away: reconnect before claiming again.
    DockerLost,
    /// Shutting down: the job went back to the queue.
    Stopped,
}

impl Worker {
    /// A worker; `wake` is notified when this process queues a submission.
    pub fn new(
        store: Arc<dyn Store>,
        curriculum: Arc<Curriculum>,
        config: WorkerConfig,
        wake: Arc<Notify>,
    ) -> Worker {
        let health = Arc::new(WorkerHealth::new(&config.name));
        Worker {
            store,
            curriculum,
            config,
            wake,
            progress: None,
            health,
        }
    }

    /// What this worker is doing, for `/healthz` and `/metrics` ([`health_router`]).
    pub fn health(&self) -> Arc<WorkerHealth> {
        self.health.clone()
    }

    /// Announces each write about a submission on `hub`, so that this process's progress
    /// streams hear of it at once.
    pub fn with_progress(mut self, hub: Arc<crate::progress::ProgressHub>) -> Worker {
        self.progress = Some(hub);
        self
    }

    fn changed(&self, job: &Job) {
        if let Some(hub) = &self.progress {
            hub.changed(job.id);
        }
    }

    /// Claims and grades jobs until `stop` turns true. A job in hand then has `drain` to
    /// finish; if it does not, it goes back to the queue without counting as an attempt.
    pub async fn run(self, mut stop: watch::Receiver<bool>) {
        tracing::info!(worker = %self.config.name, lease = ?self.config.lease, "worker started");
        let mut docker: Option<Grader> = None;
        let mut docker_backoff = Duration::from_secs(1);
        while !*stop.borrow() {
            let Some(grader) = &docker else {
                match Grader::connect().await {
                    Ok(grader) => {
                        tracing::info!("connected to Docker");
                        self.health.update(|h| h.docker = DockerState::Connected);
                        // Containers of graders that died on this host are of no use to anyone.
                        let _ = grader.sweep_orphans().await;
                        for project in self.curriculum.projects() {
                            grader.keep_warm(project, self.config.warm);
                        }
                        docker = Some(grader);
                        docker_backoff = Duration::from_secs(1);
                    }
                    Err(error) => {
                        tracing::warn!("cannot grade, jobs stay queued: {error}");
                        self.health.docker_lost(&error);
                        pause(&mut stop, docker_backoff, None).await;
                        docker_backoff = (docker_backoff * 2).min(Duration::from_secs(30));
                    }
                }
                continue;
            };
            // A worker whose Docker went away while idle claims nothing it cannot grade.
            if let Err(error) = grader.ping().await {
                tracing::warn!("Docker stopped answering; no more claims until it is back");
                self.health.docker_lost(&error);
                docker = None;
                continue;
            }
            let job = match self.store.claim(&self.config.name, self.config.lease).await {
                Ok(Some(job)) => {
                    self.changed(&job);
                    self.health.update(|h| h.job = Some(job.id));
                    job
                }
                Ok(None) => {
                    pause(&mut stop, self.config.poll, Some(&self.wake)).await;
                    continue;
                }
                Err(error) => {
                    tracing::error!("cannot claim a job: {error}");
                    self.health.update(|h| h.claim_errors += 1);
                    pause(&mut stop, self.config.poll, None).await;
                    continue;
                }
            };
            let end = self.grade_job(grader, &job, &mut stop).await;
            self.health.update(|h| h.job = None);
            match end {
                JobEnd::Done => {}
                JobEnd::DockerLost => {
                    self.health.update(|h| {
                        h.docker = DockerState::Unreachable {
                            reason: "the last grading lost Docker; reconnecting".into(),
                        }
                    });
                    docker = None;
                }
                JobEnd::Stopped => break,
            }
        }
        self.health.update(|h| h.draining = true);
        if let Some(grader) = docker {
            grader.close().await;
        }
        tracing::info!(worker = %self.config.name, "worker stopped");
    }

    async fn grade_job(
        &self,
        grader: &Grader,
        job: &Job,
        stop: &mut watch::Receiver<bool>,
    ) -> JobEnd {
        let span = tracing::info_span!(
            "job",
            submission = job.id,
            attempt = job.attempt,
            request_id = job.request_id.as_deref().unwrap_or("-"),
        );
        self.grade_job_in(grader, job, stop).instrument(span).await
    }

    async fn grade_job_in(
        &self,
        grader: &Grader,
        job: &Job,
        stop: &mut watch::Receiver<bool>,
    ) -> JobEnd {
        if job.attempt > self.config.max_attempts {
            let error = format!(
                "grading was started {} times and never finished (the grader stopped each \
                 time); this is the platform's fault, not the submission's",
                job.attempt - 1
            );
            self.record(
                job,
                Outcome::Failed {
                    error,
                    report: None,
                },
            )
            .await;
            return JobEnd::Done;
        }
        let Some(project) = self.curriculum.get(&job.project_id) else {
            let error = format!(
                "worker {} does not have project `{}`; give it the same tasks directory as the \
                 server",
                self.config.name, job.project_id
            );
            self.retry_or_fail(job, error, None).await;
            return JobEnd::Done;
        };
        if project.version != job.spec_version {
            tracing::warn!(
                accepted = %job.spec_version, current = %project.version,
                "the spec changed since the submission was accepted; grading with the current one"
            );
        }
        let files = match self.store.submission_files(job.id).await {
            Ok(files) => files,
            Err(error) => {
                self.retry_or_fail(job, format!("cannot read the files: {error}"), None)
                    .await;
                return JobEnd::Done;
            }
        };
        let files = files
            .into_iter()
            .map(|f| {
                (
                    f.path,
                    LearnerFile::new(f.contents).executable(f.executable),
                )
            })
            .collect();
        let submission = Submission::from_files(files, project);
        tracing::info!(project = %project.id, "grading");

        let (events, mut recorded) = mpsc::unbounded_channel::<(&'static str, String)>();
        let grading = async move {
            let mut on_event = |event: Event<'_>| {
                let _ = match event {
                    Event::CheckFinished(task, check) => {
                        events.send(("check", check_event(&task.id, check)))
                    }
                    Event::TaskFinished(_, task) => events.send(("task", task_event(task))),
                    _ => Ok(()),
                };
            };
            grader
                .grade(project, &submission, self.config.lanes, &mut on_event)
                .await
        };
        let recorder = async {
            while let Some((kind, payload)) = recorded.recv().await {
                if let Err(error) = self.store.add_event(job, kind, &payload).await {
                    tracing::warn!("cannot record progress: {error}");
                }
                self.changed(job);
            }
        };
        let result = tokio::select! {
            (result, ()) = futures_util::future::join(grading, recorder) => result,
            () = self.keep_lease(job) => {
                tracing::warn!("lease lost while grading; another worker has the job");
                self.health.update(|h| h.leases_lost += 1);
                return JobEnd::Done;
            }
            () = self.drained(stop) => {
                // The sandbox went with the grading future; give the job back.
                tracing::info!("drain time is up; handing the job back to the queue");
                if let Err(error) = self
                    .store
                    .release(job, Duration::ZERO, "the worker stopped while grading", true)
                    .await
                {
                    // The lease expires and another worker claims it: late, never lost.
                    tracing::error!("cannot hand the job back: {error}");
                }
                self.health.update(|h| h.released += 1);
                self.changed(job);
                return JobEnd::Stopped;
            }
        };
        match result {
            Ok(report) if report.platform_error.is_none() => {
                let outcome = Outcome::Graded(self.graded(&report));
                tracing::info!(score = report.score, bonus = report.bonus, "graded");
                self.record(job, outcome).await;
                JobEnd::Done
            }
            Ok(report) => {
                let error = report.platform_error.clone().unwrap_or_default();
                self.retry_or_fail(job, error, Some(self.graded(&report)))
                    .await;
                JobEnd::DockerLost
            }
            Err(GradeError::DockerUnreachable { reason }) => {
                // Not this submission's doing: back to the queue, the attempt refunded.
                let error = format!("Docker became unreachable: {reason}");
                tracing::warn!("{error}");
                let _ = self.store.release(job, Duration::ZERO, &error, true).await;
                self.health.update(|h| h.released += 1);
                self.changed(job);
                JobEnd::DockerLost
            }
            Err(error) => {
                self.retry_or_fail(job, error.to_string(), None).await;
                JobEnd::DockerLost
            }
        }
    }

    /// Resolves `drain` after the stop signal; until then the job in hand may finish.
    async fn drained(&self, stop: &mut watch::Receiver<bool>) {
        stopped(stop).await;
        self.health.update(|h| h.draining = true);
        tracing::info!(drain = ?self.config.drain, "stopping: finishing the job in hand first");
        tokio::time::sleep(self.config.drain).await;
    }

    /// Renews the lease every third of its length; returns only when it is lost.
    async fn keep_lease(&self, job: &Job) {
        loop {
            tokio::time::sleep(self.config.lease / 3).await;
            match self.store.renew(job, self.config.lease).await {
                Ok(true) => {}
                Ok(false) => return,
                Err(error) => tracing::warn!("cannot renew the lease: {error}"),
            }
        }
    }

    fn graded(&self, report: &Report) -> GradedResult {
        GradedResult {
            score: report.score,
            bonus: report.bonus,
            passed: report.all_mandatory_passed(),
            duration_ms: report.duration_ms as i64,
            spec_version: report.spec_version.clone(),
            report: serde_json::to_string(report).unwrap_or_default(),
            verdicts: verdict_counts(report),
            graded_by: self.config.name.clone(),
        }
    }

    /// A platform error: the job is tried again later, or fails (without a score) once it has
    /// had its attempts.
    async fn retry_or_fail(&self, job: &Job, error: String, report: Option<GradedResult>) {
        tracing::warn!("platform error: {error}");
        if job.attempt >= self.config.max_attempts {
            let error = format!(
                "the platform failed {} times to grade this submission: {error}",
                job.attempt
            );
            self.record(job, Outcome::Failed { error, report }).await;
        } else {
            let delay = self.config.retry_delay * u32::try_from(job.attempt).unwrap_or(1);
            if let Err(e) = self.store.release(job, delay, &error, false).await {
                // The lease will expire and the job will be claimed again anyway.
                tracing::error!("cannot give the job back to the queue: {e}");
            }
            self.health.update(|h| h.released += 1);
            self.changed(job);
        }
    }

    async fn record(&self, job: &Job, outcome: Outcome) {
        match self.store.finish(job, &outcome).await {
            Ok(true) => self.health.update(|h| match outcome {
                Outcome::Graded(_) => h.graded += 1,
                Outcome::Failed { .. } => h.failed += 1,
            }),
            Ok(false) => {
                tracing::warn!("lease lost before the result was stored; dropped");
                self.health.update(|h| h.leases_lost += 1);
            }
            // The lease will expire and the job will be graded again.
            Err(error) => tracing::error!("cannot store the result: {error}"),
        }
        self.changed(job);
    }
}

/// Waits for `duration`, a wake-up, or the stop signal, whichever comes first.
async fn pause(stop: &mut watch::Receiver<bool>, duration: Duration, wake: Option<&Notify>) {
    let woken = async {
        match wake {
            Some(wake) => wake.notified().await,
            None => std::future::pending().await,
        }
    };
    tokio::select! {
        () = tokio::time::sleep(duration) => {}
        () = woken => {}
        () = stopped(stop) => {}
    }
}

/// Resolves when `stop` turns true (or its sender is gone).
async fn stopped(stop: &mut watch::Receiver<bool>) {
    let _ = stop.wait_for(|stop| *stop).await;
}

/// Whether a worker can reach its Docker engine.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum DockerState {
    /// Not connected yet.
    Connecting,
    /// Connected and answering.
    Connected,
    /// Unreachable: the worker claims no job until it is back.
    Unreachable {
        /// What the last attempt said.
        reason: String,
    },
}

/// A snapshot of what a worker is doing.
#[derive(Debug, Clone, Serialize)]
pub struct HealthState {
    /// The worker's name.
    pub worker: String,
    /// Its Docker engine.
    pub docker: DockerState,
    /// Stopping: no new claims.
    pub draining: bool,
    /// The submission being graded.
    pub job: Option<i64>,
    /// Jobs graded and stored by this worker.
    pub graded: u64,
    /// Jobs ended as platform failures by this worker.
    pub failed: u64,
    /// Jobs handed back to the queue (a platform error, Docker lost, or draining).
    pub released: u64,
    /// Jobs whose lease was lost (another worker grades them; this result was dropped).
    pub leases_lost: u64,
    /// Claims the database refused or did not answer.
    pub claim_errors: u64,
}

/// What a worker is doing, shared with its health endpoints.
#[derive(Debug)]
pub struct WorkerHealth {
    state: Mutex<HealthState>,
}

impl WorkerHealth {
    /// A worker that has not connected to Docker yet.
    pub fn new(worker: &str) -> WorkerHealth {
        WorkerHealth {
            state: Mutex::new(HealthState {
                worker: worker.to_owned(),
                docker: DockerState::Connecting,
                draining: false,
                job: None,
                graded: 0,
                failed: 0,
                released: 0,
                leases_lost: 0,
                claim_errors: 0,
            }),
        }
    }

    /// The current state.
    pub fn snapshot(&self) -> HealthState {
        self.state.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Why the worker cannot take a job now, or None when it can.
    pub fn unready_reason(&self) -> Option<String> {
        let state = self.snapshot();
        match &state.docker {
            _ if state.draining => Some("draining: the worker is stopping".into()),
            DockerState::Connected => None,
            DockerState::Connecting => Some("connecting to Docker".into()),
            DockerState::Unreachable { reason } => Some(format!(
                "Docker is unreachable, no jobs are claimed: {reason}"
            )),
        }
    }

    fn update(&self, change: impl FnOnce(&mut HealthState)) {
        change(&mut self.state.lock().unwrap_or_else(|p| p.into_inner()));
    }

    fn docker_lost(&self, error: &GradeError) {
        let reason = match error {
            GradeError::DockerUnreachable { reason } => reason.clone(),
            other => other.to_string(),
        };
        self.update(|h| h.docker = DockerState::Unreachable { reason });
    }

    /// The state in the Prometheus text format.
    pub fn render_metrics(&self) -> String {
        use std::fmt::Write;
        let state = self.snapshot();
        let mut out = String::new();
        let mut gauge = |name: &str, help: &str, value: u64| {
            let _ = writeln!(out, "# HELP {name} {help}");
            let _ = writeln!(out, "# TYPE {name} gauge");
            let _ = writeln!(out, "{name} {value}");
        };
        gauge(
            "checker_worker_docker_up",
            "Whether the worker reaches its Docker engine (0: it claims no job).",
            u64::from(state.docker == DockerState::Connected),
        );
        gauge(
            "checker_worker_draining",
            "Whether the worker is stopping.",
            u64::from(state.draining),
        );
        gauge(
            "checker_worker_busy",
            "Whether the worker is grading a job.",
            u64::from(state.job.is_some()),
        );
        let _ = writeln!(
            out,
            "# HELP checker_worker_jobs_total Jobs this worker ended, by how."
        );
        let _ = writeln!(out, "# TYPE checker_worker_jobs_total counter");
        for (outcome, n) in [
            ("graded", state.graded),
            ("failed", state.failed),
            ("released", state.released),
            ("lease_lost", state.leases_lost),
        ] {
            let _ = writeln!(
                out,
                "checker_worker_jobs_total{{outcome=\"{outcome}\"}} {n}"
            );
        }
        let _ = writeln!(
            out,
            "# HELP checker_worker_claim_errors_total Claims the database failed."
        );
        let _ = writeln!(out, "# TYPE checker_worker_claim_errors_total counter");
        let _ = writeln!(
            out,
            "checker_worker_claim_errors_total {}",
            state.claim_errors
        );
        if let DockerState::Unreachable { reason } = &state.docker {
            // The reason as a label, so that an alert can say why.
            let reason = reason.replace(['\\', '"', '\n'], " ");
            let _ = writeln!(
                out,
                "# HELP checker_worker_unready Why the worker claims no job."
            );
            let _ = writeln!(out, "# TYPE checker_worker_unready gauge");
            let _ = writeln!(out, "checker_worker_unready{{reason=\"{reason}\"}} 1");
        }
        out
    }
}

/// A worker's own endpoints (`checker worker --listen`): `/healthz` answers 200 while it can
/// grade, 503 with the reason while Docker is unreachable or it drains; `/metrics` in the
/// Prometheus text format.
pub fn health_router(health: Arc<WorkerHealth>) -> Router {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics))
        .with_state(health)
}

/// Serves [`health_router`] on `listener` until the task is dropped or aborted.
pub async fn serve_health(
    listener: tokio::net::TcpListener,
    health: Arc<WorkerHealth>,
) -> std::io::Result<()> {
    axum::serve(listener, health_router(health)).await
}

#[derive(Serialize)]
struct HealthBody {
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
    #[serde(flatten)]
    state: HealthState,
}

async fn healthz(State(health): State<Arc<WorkerHealth>>) -> Response {
    let reason = health.unready_reason();
    let status = if reason.is_some() {
        StatusCode::SERVICE_UNAVAILABLE
    } else {
        StatusCode::OK
    };
    let body = HealthBody {
        status: if reason.is_some() {
            "unavailable"
        } else {
            "ok"
        },
        reason,
        state: health.snapshot(),
    };
    (status, axum::Json(body)).into_response()
}

async fn metrics(State(health): State<Arc<WorkerHealth>>) -> Response {
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        health.render_metrics(),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unreachable_docker_shows_in_health_and_metrics() {
        let health = WorkerHealth::new("host/1");
        assert_eq!(
            health.unready_reason().as_deref(),
            Some("connecting to Docker")
        );
        health.docker_lost(&GradeError::DockerUnreachable {
            reason: "connection refused".into(),
        });
        let reason = health.unready_reason().unwrap();
        assert!(reason.contains("connection refused"), "{reason}");
        let text = health.render_metrics();
        assert!(text.contains("checker_worker_docker_up 0\n"), "{text}");
        assert!(text.contains("checker_worker_unready{reason=\"connection refused\"} 1"));

        health.update(|h| {
            h.docker = DockerState::Connected;
            h.graded = 3;
        });
        assert_eq!(health.unready_reason(), None);
        let text = health.render_metrics();
        assert!(text.contains("checker_worker_docker_up 1\n"));
        assert!(text.contains("checker_worker_jobs_total{outcome=\"graded\"} 3\n"));
        assert!(!text.contains("checker_worker_unready"));

        health.update(|h| h.draining = true);
        assert!(health.unready_reason().unwrap().starts_with("draining"));
    }
}
