//! Bounded queues for heavy work that runs off the async workers: password hashing (argon2id,
//! 19 MiB each), photo decoding (up to ~600 MB for a 40-megapixel photo) and compressing
//! answers not yet cached. At most `running`
//! jobs of a kind run at once and at most `waiting` more wait; beyond that the answer is 503
//! with `Retry-After` at once, so a burst costs neither memory nor a growing queue.

use crate::web::error::AppError;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::LazyLock;
use tokio::sync::Semaphore;

pub struct Gate {
    name: &'static str,
    admitted: Semaphore,
    running: Semaphore,
    /// Refusals not yet logged, and when the last report was written (seconds since the
    /// epoch): a flood is one line per interval, not one per request.
    refused: AtomicU64,
    reported_at: AtomicU64,
}

/// The most often a gate reports its refusals.
const REPORT_EVERY_SECS: u64 = 10;

impl Gate {
    fn new(name: &'static str, running: usize, waiting: usize) -> Gate {
        Gate {
            name,
            admitted: Semaphore::new(running + waiting),
            running: Semaphore::new(running),
            refused: AtomicU64::new(0),
            reported_at: AtomicU64::new(0),
        }
    }

    /// Runs `work` on the blocking pool when its turn comes, or refuses at once when the
    /// queue is full.
    pub async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, AppError> {
        let _admitted = self.admitted.try_acquire().map_err(|_| {
            self.note_refusal();
            AppError::Busy(1)
        })?;
        self.run_admitted(work).await
    }

    fn note_refusal(&self) {
        self.refused.fetch_add(1, Ordering::Relaxed);
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let last = self.reported_at.load(Ordering::Relaxed);
        if now >= last.saturating_add(REPORT_EVERY_SECS)
            && self
                .reported_at
                .compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed)
                .is_ok()
        {
            let refused = self.refused.swap(0, Ordering::Relaxed);
            tracing::warn!(gate = self.name, refused, "queue full; refusing with 503");
        }
    }

    /// Like [`Gate::run`], but a full queue is `None`, not an error: for work the caller can
    /// do without (compressing an answer it can send uncompressed).
    pub async fn try_run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Option<T> {
        let _admitted = self.admitted.try_acquire().ok()?;
        self.run_admitted(work).await.ok()
    }

    async fn run_admitted<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, AppError> {
        let _running = self
            .running
            .acquire()
            .await
            .map_err(|e| anyhow::anyhow!("{} gate closed: {e}", self.name))?;
        Ok(tokio::task::spawn_blocking(work)
            .await
            .map_err(|e| anyhow::anyhow!("{} task: {e}", self.name))?)
    }
}

/// Password hashes computed at once, and waiting.
pub const PARALLEL_HASHES: usize = 2;
pub const WAITING_HASHES: usize = 32;
/// Photos decoded at once, and waiting.
pub const PARALLEL_PHOTOS: usize = 1;
pub const WAITING_PHOTOS: usize = 4;

pub static HASHING: LazyLock<Gate> =
    LazyLock::new(|| Gate::new("hashing", PARALLEL_HASHES, WAITING_HASHES));
pub static PHOTOS: LazyLock<Gate> =
    LazyLock::new(|| Gate::new("photos", PARALLEL_PHOTOS, WAITING_PHOTOS));
/// Answers compressed on a request's path (a product's JSON, a preview page not yet cached),
/// and waiting; past that they are sent uncompressed (`precompressed::compress`).
pub const PARALLEL_COMPRESSIONS: usize = 2;
pub const WAITING_COMPRESSIONS: usize = 64;
/// Searches run at once (on the blocking pool: a long query takes milliseconds at 10,000
/// products, which must not stall the async workers), and waiting; past that, 503.
pub const PARALLEL_SEARCHES: usize = 2;
pub const WAITING_SEARCHES: usize = 64;
pub static SEARCHING: LazyLock<Gate> =
    LazyLock::new(|| Gate::new("searching", PARALLEL_SEARCHES, WAITING_SEARCHES));
pub static COMPRESSING: LazyLock<Gate> =
    LazyLock::new(|| Gate::new("compressing", PARALLEL_COMPRESSIONS, WAITING_COMPRESSIONS));
