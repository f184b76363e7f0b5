//! The walk's concurrency: a slot per request in flight, and fewer slots once the service
//! pushes back. A slot given up while every slot is in use (the usual case: requests wait
//! for slots) is taken out of play when the next request in flight ends, so the number of
//! requests in flight really does go down.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// The slots of one walk; cheap to clone.
#[derive(Clone, Debug)]
pub struct Slots {
    permits: Arc<Semaphore>,
    /// Slots given up but still in use: the next ones to end are not handed on.
    owed: Arc<AtomicU32>,
}

/// A request's slot, handed on to the next request when dropped (unless given up).
#[derive(Debug)]
pub struct Slot {
    permit: Option<OwnedSemaphorePermit>,
    owed: Arc<AtomicU32>,
}

impl Slots {
    pub fn new(n: u32) -> Slots {
        Slots {
            permits: Arc::new(Semaphore::new(n as usize)),
            owed: Arc::new(AtomicU32::new(0)),
        }
    }

    /// Waits for a free slot.
    pub async fn take(&self) -> Slot {
        Slot {
            // The semaphore is never closed, so this always gets a permit.
            permit: Arc::clone(&self.permits).acquire_owned().await.ok(),
            owed: Arc::clone(&self.owed),
        }
    }

    /// One slot fewer from now on: a free one at once, else the next one to end.
    pub fn give_up_one(&self) {
        if self.permits.forget_permits(1) == 0 {
            self.owed.fetch_add(1, Ordering::SeqCst);
        }
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let owed = self
            .owed
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1));
        if owed.is_ok()
            && let Some(permit) = self.permit.take()
        {
            permit.forget();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_slot_given_up_while_all_are_in_use_goes_when_one_ends() {
        let slots = Slots::new(4);
        let mut held = Vec::new();
        for _ in 0..4 {
            held.push(slots.take().await);
        }
        slots.give_up_one();
        drop(held);
        assert_eq!(slots.permits.available_permits(), 3);
        slots.give_up_one();
        assert_eq!(
            slots.permits.available_permits(),
            2,
            "a free slot goes at once"
        );
    }
}
