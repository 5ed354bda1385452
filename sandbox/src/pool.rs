//! The warm pool: started pods of one configuration kept ready so that opening one does not
//! wait for Docker. Each pod serves exactly one submission and is then removed, so nothing of
//! one learner's run can reach another's. The whole configuration, services included, is the
//! pool's key: a pod is only handed out for the configuration it was made for.

use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use crate::engine::Engine;
use crate::lock;
use crate::pod::{Sandbox, SandboxConfig};

/// Started pods of one configuration, ready to be handed out.
pub(crate) struct Pool {
    config: SandboxConfig,
    target: usize,
    ready: Mutex<Vec<Sandbox>>,
    /// Refills in flight, so that the pool is not overfilled.
    pending: AtomicUsize,
}

impl Engine {
    /// Keeps `count` started pods of `config` ready, so that [`Engine::open`] hands one out at
    /// once instead of creating it. Every pod serves one submission and is then removed; the
    /// pool refills in the background.
    pub fn keep_warm(&self, config: &SandboxConfig, count: usize) {
        let pool = Arc::new(Pool {
            config: config.clone(),
            target: count,
            ready: Mutex::new(Vec::new()),
            pending: AtomicUsize::new(0),
        });
        lock(&self.pools).push(pool.clone());
        self.refill(&pool);
    }

    /// Removes every warm pod and stops refilling. Call before exiting.
    pub async fn close_pools(&self) {
        let pools: Vec<Arc<Pool>> = std::mem::take(&mut *lock(&self.pools));
        for pool in pools {
            // Let refills in flight land, so that their pods are removed too.
            while pool.pending.load(Ordering::SeqCst) > 0 {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            let ready: Vec<Sandbox> = std::mem::take(&mut *lock(&pool.ready));
            for sandbox in ready {
                let _ = sandbox.remove().await;
            }
        }
    }

    fn refill(&self, pool: &Arc<Pool>) {
        let missing = pool
            .target
            .saturating_sub(lock(&pool.ready).len() + pool.pending.load(Ordering::SeqCst));
        for _ in 0..missing {
            pool.pending.fetch_add(1, Ordering::SeqCst);
            let (engine, pool) = (self.clone(), pool.clone());
            tokio::spawn(async move {
                if let Ok(sandbox) = Sandbox::create(&engine, &pool.config).await {
                    // A pool closed meanwhile must not keep the pod.
                    if lock(&engine.pools).iter().any(|p| Arc::ptr_eq(p, &pool)) {
                        lock(&pool.ready).push(sandbox);
                    } else {
                        let _ = sandbox.remove().await;
                    }
                }
                pool.pending.fetch_sub(1, Ordering::SeqCst);
            });
        }
    }

    /// A warm pod of `config`, if one is ready and all its containers are still running.
    pub(crate) async fn take_warm(&self, config: &SandboxConfig) -> Option<Sandbox> {
        let pool = lock(&self.pools)
            .iter()
            .find(|p| p.config == *config)
            .cloned()?;
        loop {
            let candidate = lock(&pool.ready).pop();
            self.refill(&pool);
            let sandbox = candidate?;
            if sandbox.all_running().await {
                return Some(sandbox);
            }
        }
    }
}
