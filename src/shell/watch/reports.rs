//! When the daemon rewrites reports: coalesced during a burst, and after a failure (a
//! read-only or full outbox) retried with a growing wait, up to a minute. The failure
//! is logged once when it starts and once when it ends, not on every retry.
//! Pure: the clock is a parameter; the loop does the writing.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

/// Report writes during a long burst happen at most this often.
pub const REPORT_INTERVAL: Duration = Duration::from_secs(2);
/// First wait after a failed write; doubled each time up to [`MAX_BACKOFF`].
pub(crate) const FIRST_BACKOFF: Duration = Duration::from_secs(5);
/// Longest wait between two tries of a report write that keeps failing.
pub(crate) const MAX_BACKOFF: Duration = Duration::from_secs(60);

/// A run of failed writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Failing {
    /// Failed tries so far.
    pub(crate) tries: u32,
    /// Not before then.
    pub(crate) next_try: Instant,
}

/// Which reports need rewriting, and when they were last written.
#[derive(Debug, Default)]
pub(crate) struct Reports<Id: Ord + Clone> {
    /// `Some(set)`: these pledges changed since the last write.
    dirty: Option<BTreeSet<Id>>,
    last_write: Option<Instant>,
    failing: Option<Failing>,
}

/// How a write attempt went, for the log: only changes of state are worth a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Logged {
    /// The first failure of a run: log it, with the next try.
    StartedFailing { retry_in: Duration },
    /// Another failure of the same run: nothing new to say.
    StillFailing,
    /// Written after a run of failures.
    Recovered { tries: u32 },
    /// Written, as usual.
    Written,
}

impl<Id: Ord + Clone> Reports<Id> {
    pub(crate) fn mark(&mut self, changed: impl IntoIterator<Item = Id>) {
        let mut changed = changed.into_iter().peekable();
        if changed.peek().is_some() {
            self.dirty.get_or_insert_with(BTreeSet::new).extend(changed);
        }
    }

    pub(crate) fn is_dirty(&self) -> bool {
        self.dirty.is_some()
    }

    /// The pledges to write now.
    pub(crate) fn dirty(&self) -> Option<&BTreeSet<Id>> {
        self.dirty.as_ref()
    }

    /// When a write should happen even while files keep arriving.
    pub(crate) fn due_at(&self) -> Option<Instant> {
        self.dirty.as_ref()?;
        let interval = self.last_write.map(|t| t + REPORT_INTERVAL);
        let retry = self.failing.map(|f| f.next_try);
        match (interval, retry) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        }
    }

    /// Write now? When something changed and the inbox is calm, or every
    /// [`REPORT_INTERVAL`] during a long burst — never before the next try after a
    /// failure.
    pub(crate) fn should_write(&self, calm: bool, now: Instant) -> bool {
        if self.dirty.is_none() || self.failing.is_some_and(|f| now < f.next_try) {
            return false;
        }
        calm || self.last_write.is_none_or(|t| now >= t + REPORT_INTERVAL)
    }

    /// Records a successful write.
    pub(crate) fn written(&mut self, now: Instant) -> Logged {
        self.dirty = None;
        self.last_write = Some(now);
        match self.failing.take() {
            Some(f) => Logged::Recovered { tries: f.tries },
            None => Logged::Written,
        }
    }

    /// Records a failed write of `attempted` (which stay dirty) and sets the next try.
    pub(crate) fn failed(
        &mut self,
        attempted: impl IntoIterator<Item = Id>,
        now: Instant,
    ) -> Logged {
        self.mark(attempted);
        self.last_write = Some(now);
        let tries = self.failing.map_or(0, |f| f.tries).saturating_add(1);
        let wait = FIRST_BACKOFF
            .saturating_mul(1 << (tries - 1).min(8))
            .min(MAX_BACKOFF);
        self.failing = Some(Failing {
            tries,
            next_try: now + wait,
        });
        if tries == 1 {
            Logged::StartedFailing { retry_in: wait }
        } else {
            Logged::StillFailing
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dirty(r: &Reports<&'static str>) -> Vec<&'static str> {
        r.dirty()
            .map(|d| d.iter().copied().collect())
            .unwrap_or_default()
    }

    #[test]
    fn reports_wait_for_calm_or_the_interval() {
        let now = Instant::now();
        let mut r: Reports<&str> = Reports::default();
        assert!(!r.should_write(true, now), "nothing dirty");
        r.mark([]);
        assert!(!r.is_dirty(), "an empty change marks nothing");
        r.mark(["p"]);
        assert!(r.should_write(true, now), "calm and never written");
        r.last_write = Some(now);
        assert!(!r.should_write(false, now), "burst going on, just written");
        assert!(r.should_write(false, now + REPORT_INTERVAL));
        assert_eq!(r.due_at(), Some(now + REPORT_INTERVAL));
        assert_eq!(r.written(now), Logged::Written);
        assert!(!r.is_dirty());
    }

    #[test]
    fn failures_back_off_up_to_a_minute_and_are_logged_once_per_change() {
        let t0 = Instant::now();
        let mut r: Reports<&str> = Reports::default();
        r.mark(["a"]);
        let mut now = t0;
        let mut waits = Vec::new();
        for i in 0..10 {
            let logged = r.failed(["b"], now);
            if i == 0 {
                assert_eq!(
                    logged,
                    Logged::StartedFailing {
                        retry_in: FIRST_BACKOFF
                    }
                );
            } else {
                assert_eq!(logged, Logged::StillFailing, "try {i}");
            }
            let next = r.due_at().unwrap();
            assert!(!r.should_write(true, next - Duration::from_millis(1)));
            assert!(r.should_write(true, next));
            waits.push(next - now);
            now = next;
        }
        assert_eq!(waits[0], FIRST_BACKOFF);
        assert!(waits.windows(2).all(|w| w[1] >= w[0]), "{waits:?}");
        assert_eq!(*waits.last().unwrap(), MAX_BACKOFF);
        assert_eq!(dirty(&r), ["a", "b"], "what failed stays to be written");
        assert_eq!(r.written(now), Logged::Recovered { tries: 10 });
        assert_eq!(
            r.failed(["a"], now),
            Logged::StartedFailing {
                retry_in: FIRST_BACKOFF
            }
        );
    }
}
