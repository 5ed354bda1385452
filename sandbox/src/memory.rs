//! Memory accounting: the learner container's out-of-memory counters (read inside the
//! container) and its working set (read from the engine's statistics), which tell a command
//! killed for lack of memory from one that failed or timed out on its own.

use std::time::Duration;

use futures_util::StreamExt;

use crate::SandboxError;
use crate::pod::Sandbox;
use crate::run::{self, RunRequest};

/// Cumulative memory events of a container.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct MemoryCounters {
    /// Processes killed by the kernel for lack of memory.
    pub oom_kills: u64,
    /// Times usage ran into the limit (reclaim was forced).
    pub limit_hits: u64,
}

impl MemoryCounters {
    /// Reads `key value` pairs (see `run::MEMORY_COUNTERS`), after an optional marker.
    pub(crate) fn parse(text: &[u8]) -> MemoryCounters {
        let text = String::from_utf8_lossy(text);
        let tokens: Vec<&str> = text.split_whitespace().collect();
        let mut counters = MemoryCounters::default();
        for pair in tokens.windows(2) {
            let value = pair[1].parse::<u64>().ok();
            match (pair[0], value) {
                ("oom_kill", Some(n)) => counters.oom_kills = n,
                ("max", Some(n)) => counters.limit_hits = n,
                _ => {}
            }
        }
        counters
    }
}

impl Sandbox {
    /// Reads the container's cumulative memory counters.
    pub(crate) async fn read_memory_counters(&self) -> Result<MemoryCounters, SandboxError> {
        let request = RunRequest::new(run::MEMORY_COUNTERS, Duration::from_secs(10));
        let outcome = run::run_raw(self, &request, "0:0").await?;
        if outcome.exit_code != Some(0) {
            return Err(SandboxError::Lost(format!(
                "the sandbox stopped answering (exit code {:?})",
                outcome.exit_code
            )));
        }
        Ok(MemoryCounters::parse(&outcome.stdout))
    }

    /// Whether the container's working set (memory use less reclaimable file cache, as
    /// `docker stats` counts it) is within 10% of its limit, from the engine's statistics:
    /// readable from outside even when nothing can start inside.
    pub(crate) async fn at_memory_limit(&self) -> bool {
        let options = bollard::query_parameters::StatsOptionsBuilder::default()
            .stream(false)
            .one_shot(true)
            .build();
        let mut stats = self.docker.stats(&self.id, Some(options));
        let Some(Ok(stats)) = stats.next().await else {
            return false;
        };
        let Some(memory) = stats.memory_stats else {
            return false;
        };
        let (Some(usage), Some(limit)) = (memory.usage, memory.limit) else {
            return false;
        };
        let cache = memory
            .stats
            .as_ref()
            .and_then(|s| {
                s.get("total_inactive_file")
                    .or_else(|| s.get("inactive_file"))
            })
            .copied()
            .unwrap_or(0);
        limit > 0 && usage.saturating_sub(cache) * 10 >= limit * 9
    }
}
