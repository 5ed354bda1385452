//! Container removals that outlive the value that owned the container.
//!
//! A [`crate::Sandbox`] dropped without [`crate::Sandbox::remove`] (a cancelled future, a panic)
//! schedules its removal on the runtime. Those removals are tracked here so that a program can
//! wait for them before exiting instead of leaving containers behind.

use std::sync::Mutex;

use tokio::task::JoinHandle;

static PENDING: Mutex<Vec<JoinHandle<()>>> = Mutex::new(Vec::new());

pub(crate) fn track(handle: JoinHandle<()>) {
    let mut pending = PENDING.lock().unwrap_or_else(|p| p.into_inner());
    pending.retain(|h| !h.is_finished());
    pending.push(handle);
}

/// Waits until every container removal scheduled by a dropped sandbox has finished.
///
/// Call it before the process exits, on normal and on interrupted paths alike.
pub async fn finish_cleanup() {
    loop {
        let batch: Vec<_> = std::mem::take(&mut *PENDING.lock().unwrap_or_else(|p| p.into_inner()));
        if batch.is_empty() {
            return;
        }
        for handle in batch {
            let _ = handle.await;
        }
    }
}
