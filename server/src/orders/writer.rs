//! Order requests are written in batches: one writer per server takes every request waiting
//! and stores them in one transaction, in a few multi-row statements, with one commit — so
//! one flush to disk — for the whole batch (group commit).
//!
//! Why: SQLite has one writer at a time and each commit waits for the disk (`synchronous =
//! FULL`, about half a millisecond here); each statement is also a hand-off to the driver's
//! thread and back. One transaction of ~14 statements per order, contending for the write
//! lock through SQLite's sleeping busy handler, capped the server near 200 orders/s with a
//! p99 over a second at 64 clients (`cargo xtask bench load`). A request is answered only after
//! its batch committed: an acknowledged order is on disk, as before. If a batch fails as a
//! whole, each of its requests is tried again alone, so one bad request fails only itself.

use super::create::{store_batch, Pending};
use crate::store::Db;
use crate::web::error::AppError;
use axum::response::Response;
use tokio::sync::{mpsc, oneshot};

/// The most requests one transaction holds.
pub const MAX_BATCH: usize = 64;
/// Requests waiting for the writer; past this a request waits to be queued.
const QUEUE: usize = 1024;

struct Job {
    order: Pending,
    reply: oneshot::Sender<Result<Response, AppError>>,
}

/// The handle requests queue their work through.
#[derive(Clone)]
pub struct Writer {
    queue: mpsc::Sender<Job>,
}

impl Writer {
    /// Starts the writer on a thread of its own (its waits on the database never hold up an
    /// event loop, nor theirs it).
    pub fn start(db: Db) -> std::io::Result<Writer> {
        let (queue, jobs) = mpsc::channel(QUEUE);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        std::thread::Builder::new()
            .name("order-writer".into())
            .spawn(move || runtime.block_on(write_batches(db, jobs)))?;
        Ok(Writer { queue })
    }

    /// Stores `order` with the next batch and answers once the batch committed (or failed).
    pub async fn write(&self, order: Pending) -> Result<Response, AppError> {
        let (reply, answer) = oneshot::channel();
        self.queue
            .send(Job { order, reply })
            .await
            .map_err(|_| anyhow::anyhow!("the order writer has stopped"))?;
        answer
            .await
            .map_err(|_| anyhow::anyhow!("the order writer dropped a request"))?
    }
}

/// Ends when every `Writer` handle is gone.
async fn write_batches(db: Db, mut jobs: mpsc::Receiver<Job>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while jobs.recv_many(&mut batch, MAX_BATCH).await > 0 {
        let (orders, replies): (Vec<Pending>, Vec<_>) = std::mem::take(&mut batch)
            .into_iter()
            .map(|j| (j.order, j.reply))
            .unzip();
        match write(&db, &orders).await {
            Ok(answers) => {
                for (reply, answer) in replies.into_iter().zip(answers) {
                    let _ = reply.send(answer);
                }
            }
            Err(e) if orders.len() > 1 => {
                tracing::warn!(error = ?e, requests = orders.len(), "a batch of orders failed; storing each alone");
                for (order, reply) in orders.iter().zip(replies) {
                    let answer = match write(&db, std::slice::from_ref(order)).await {
                        Ok(mut answers) => answers.pop().unwrap_or_else(|| {
                            Err(AppError::Internal(anyhow::anyhow!("no answer")))
                        }),
                        Err(e) => Err(e),
                    };
                    let _ = reply.send(answer);
                }
            }
            Err(e) => {
                for reply in replies {
                    let _ = reply.send(Err(AppError::Internal(anyhow::anyhow!("{e:?}"))));
                }
            }
        }
    }
}

/// One transaction for `orders`, committed only if the whole batch stored.
async fn write(db: &Db, orders: &[Pending]) -> Result<Vec<Result<Response, AppError>>, AppError> {
    let mut tx = db.write_tx().await?;
    match store_batch(&mut tx, orders).await {
        Ok(answers) => {
            tx.commit().await?;
            Ok(answers)
        }
        Err(e) => {
            let _ = tx.rollback().await;
            Err(e)
        }
    }
}
