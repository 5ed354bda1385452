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

use std::sync::Arc;
use std::time::Duration;

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
        Worker {
            store,
            curriculum,
            config,
            wake,
            progress: None,
        }
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

    /// Claims and grades jobs until `stop` turns true. A job in hand when it does goes back to
    /// the queue without counting as an attempt.
    pub async fn run(self, mut stop: watch::Receiver<bool>) {
        tracing::info!(worker = %self.config.name, lease = ?self.config.lease, "worker started");
        let mut docker: Option<Grader> = None;
        let mut docker_backoff = Duration::from_secs(1);
        while !*stop.borrow() {
            let Some(grader) = &docker else {
                match Grader::connect().await {
                    Ok(grader) => {
                        tracing::info!("connected to Docker");
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
                        pause(&mut stop, docker_backoff, None).await;
                        docker_backoff = (docker_backoff * 2).min(Duration::from_secs(30));
                    }
                }
                continue;
            };
            let job = match self.store.claim(&self.config.name, self.config.lease).await {
                Ok(Some(job)) => {
                    self.changed(&job);
                    job
                }
                Ok(None) => {
                    pause(&mut stop, self.config.poll, Some(&self.wake)).await;
                    continue;
                }
                Err(error) => {
                    tracing::error!("cannot claim a job: {error}");
                    pause(&mut stop, self.config.poll, None).await;
                    continue;
                }
            };
            match self.grade_job(grader, &job, &mut stop).await {
                JobEnd::Done => {}
                JobEnd::DockerLost => docker = None,
                JobEnd::Stopped => break,
            }
        }
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
        let span = tracing::info_span!("job", submission = job.id, attempt = job.attempt);
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
                return JobEnd::Done;
            }
            () = stopped(stop) => {
                // The sandbox went with the grading future; give the job back.
                let _ = self
                    .store
                    .release(job, Duration::ZERO, "the worker stopped while grading", true)
                    .await;
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
                self.changed(job);
                JobEnd::DockerLost
            }
            Err(error) => {
                self.retry_or_fail(job, error.to_string(), None).await;
                JobEnd::DockerLost
            }
        }
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
            self.changed(job);
        }
    }

    async fn record(&self, job: &Job, outcome: Outcome) {
        match self.store.finish(job, &outcome).await {
            Ok(true) => {}
            Ok(false) => tracing::warn!("lease lost before the result was stored; dropped"),
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
