//! Password checks on a few threads of their own.
//!
//! An Argon2id check allocates its memory (~19 MiB) for the duration of the check. Run on
//! tokio's blocking pool, successive checks land on ever new threads, and the allocator keeps
//! each thread's freed 19 MiB for that thread: a burst of sign-ins left the process hundreds of
//! megabytes larger, for good. Here a fixed set of threads (`max_concurrent_password_checks`)
//! does every check, so at most that many checks run at once, the rest wait in line, and the
//! memory held is bounded by the number of threads, whatever the burst: each thread keeps one
//! working buffer and reuses it (`auth::verify_password_in`).

use crate::auth::verify_password_in;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use tokio::sync::oneshot;

struct Job {
    password: String,
    hash: String,
    answer: oneshot::Sender<bool>,
}

/// Sign-ins waiting for a check beyond this are refused at once (the rate limits keep a normal
/// day far below it).
const QUEUE: usize = 1024;

#[derive(Debug)]
pub struct PasswordChecks {
    jobs: mpsc::SyncSender<Job>,
}

impl PasswordChecks {
    /// Starts `threads` checking threads (at least one).
    pub fn start(threads: u32) -> PasswordChecks {
        let (jobs, queue) = mpsc::sync_channel::<Job>(QUEUE);
        let queue = Arc::new(Mutex::new(queue));
        for i in 0..threads.max(1) {
            let queue = queue.clone();
            std::thread::Builder::new()
                .name(format!("refdesk-password-{i}"))
                .spawn(move || {
                    // This thread's Argon2 memory, reused for every check it makes.
                    let mut memory = Vec::new();
                    loop {
                        // The lock is held only while waiting for the next job.
                        let job = match queue.lock() {
                            Ok(q) => q.recv(),
                            Err(_) => return,
                        };
                        let Ok(job) = job else { return };
                        if job.answer.is_closed() {
                            // The sign-in was given up (the client went away): no check.
                            continue;
                        }
                        let ok = verify_password_in(&mut memory, &job.password, &job.hash);
                        let _ = job.answer.send(ok);
                    }
                })
                .expect("a password-check thread starts");
        }
        PasswordChecks { jobs }
    }

    /// Whether `password` matches the PHC string `hash`, once a checking thread is free.
    /// `Err(Busy)` when the line of waiting checks is full.
    pub async fn verify(&self, password: String, hash: String) -> Result<bool, CheckFailed> {
        let (answer, answered) = oneshot::channel();
        self.jobs
            .try_send(Job {
                password,
                hash,
                answer,
            })
            .map_err(|e| match e {
                mpsc::TrySendError::Full(_) => CheckFailed::Busy,
                mpsc::TrySendError::Disconnected(_) => CheckFailed::Stopped,
            })?;
        answered.await.map_err(|_| CheckFailed::Stopped)
    }
}

/// Why a password could not be checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CheckFailed {
    #[error("too many sign-ins are waiting for a password check")]
    Busy,
    #[error("the password-check threads stopped")]
    Stopped,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::hash_password;

    #[tokio::test]
    async fn checks_answer_in_any_number_with_few_threads() {
        let checks = Arc::new(PasswordChecks::start(2));
        let hash = hash_password("correct horse").unwrap();
        let mut answers = vec![];
        for i in 0..6 {
            let (checks, hash) = (checks.clone(), hash.clone());
            let password = if i % 2 == 0 { "correct horse" } else { "wrong" };
            answers.push(tokio::spawn(async move {
                checks.verify(password.to_owned(), hash).await.unwrap()
            }));
        }
        let mut got = vec![];
        for a in answers {
            got.push(a.await.unwrap());
        }
        assert_eq!(got, vec![true, false, true, false, true, false]);
    }
}
