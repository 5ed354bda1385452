//! Who follows grading progress, and how they learn of news: the worker of this process
//! announces every write it makes about a submission (claimed, an event recorded, released,
//! finished) on a broadcast channel, so an event stream reads the store only when something
//! changed. A submission graded by a worker on another host is announced by nobody here: for
//! it, streams also look every [`ProgressHub::fallback_poll`]. Streams are bounded per user and
//! in lifetime, so an idle server is not kept busy by streams nobody closes.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::broadcast;

/// The progress streams of this process and the news they wait for.
#[derive(Debug)]
pub struct ProgressHub {
    changed: broadcast::Sender<i64>,
    open: Mutex<HashMap<i64, usize>>,
    /// Streams one user may hold open at once.
    pub per_user: usize,
    /// How long one stream lives; then it ends and the client reconnects or polls.
    pub lifetime: Duration,
    /// How often a stream reads the store when nobody in this process announced news.
    pub fallback_poll: Duration,
}

impl Default for ProgressHub {
    fn default() -> Self {
        ProgressHub::new(8, Duration::from_secs(30 * 60))
    }
}

impl ProgressHub {
    /// A hub allowing `per_user` streams per user, each for `lifetime`.
    pub fn new(per_user: usize, lifetime: Duration) -> ProgressHub {
        ProgressHub {
            // News that overflows it is not lost: a lagging stream reads the store anyway.
            changed: broadcast::channel(256).0,
            open: Mutex::new(HashMap::new()),
            per_user,
            lifetime,
            fallback_poll: Duration::from_secs(5),
        }
    }

    /// Announces that submission `id` changed in the store.
    pub fn changed(&self, id: i64) {
        // No receiver is no error: nobody is following.
        let _ = self.changed.send(id);
    }

    /// The news of submissions changed from now on.
    pub(crate) fn subscribe(&self) -> broadcast::Receiver<i64> {
        self.changed.subscribe()
    }

    /// Opens a stream for `user_id`, unless they hold `per_user` already. The stream counts
    /// until the returned guard is dropped.
    pub(crate) fn open(self: &Arc<Self>, user_id: i64) -> Option<StreamGuard> {
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        let count = open.entry(user_id).or_insert(0);
        if *count >= self.per_user {
            return None;
        }
        *count += 1;
        Some(StreamGuard {
            hub: self.clone(),
            user_id,
        })
    }
}

/// One open stream; dropping it (the client went away, or the stream ended) frees its place.
#[derive(Debug)]
pub(crate) struct StreamGuard {
    hub: Arc<ProgressHub>,
    user_id: i64,
}

impl Drop for StreamGuard {
    fn drop(&mut self) {
        let mut open = self.hub.open.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(count) = open.get_mut(&self.user_id) {
            *count -= 1;
            if *count == 0 {
                open.remove(&self.user_id);
            }
        }
    }
}
