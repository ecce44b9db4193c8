//! `gongyak watch`: the daemon loop (SPEC §6).
//!
//! File-system events only say "look again"; what is taken is decided by the inbox
//! listing. A file is taken once its size and modification time have not changed for
//! the settle time *and* it opens: a Windows copy sets the full size at once and Excel
//! saves through a temp file and a rename, so no single event means "complete". The
//! settled file is read once; those bytes are what is checked, hashed and recorded. A
//! file that does not open yet is given back and retried (it may still be arriving)
//! until it has stayed unchanged for [`UNREADABLE_GRACE`]; only then is it rejected as
//! unreadable.
//!
//! A periodic rescan is the safety net for lost events, and the content hash in the
//! ledger, not the name or the time, decides whether a file was already processed.
//! In polling mode (network shares, where no events arrive) the rescan *is* the
//! watcher: the listing is the source of truth either way, so a separate poller would
//! only stat the same files a second time.
//!
//! Report writes are coalesced: the reports are rewritten once the inbox has calmed
//! down (nothing left arriving or settling), or every [`REPORT_INTERVAL`] during a
//! long burst.

use crate::core::model::PledgeId;
use crate::shell::engine::{Config, Engine, Incoming, IntakeError, Load};
use crate::shell::inbox::{self, Entry};
use anyhow::{Context, Result};
use notify::event::{AccessKind, AccessMode};
use notify::{EventKind, RecommendedWatcher, RecursiveMode, Watcher};
use rayon::prelude::*;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant, SystemTime};

/// How the daemon watches.
#[derive(Debug, Clone, Copy)]
pub struct WatchOptions {
    /// Poll interval for network shares; `None` uses native file-system events.
    pub poll: Option<Duration>,
    /// How long size and modification time must stay unchanged.
    pub settle: Duration,
    /// Full rescan interval (safety net for lost events).
    pub rescan: Duration,
}

impl Default for WatchOptions {
    fn default() -> Self {
        Self {
            poll: None,
            settle: Duration::from_millis(500),
            rescan: Duration::from_secs(30),
        }
    }
}

/// How long a file that does not open is given, unchanged, before it is rejected as
/// unreadable: a copy that pauses longer than this between chunks is not a copy.
pub const UNREADABLE_GRACE: Duration = Duration::from_secs(10);
/// Report writes during a long burst happen at most this often.
pub const REPORT_INTERVAL: Duration = Duration::from_secs(2);
/// Polling interval used when native events cannot be had (e.g. the inotify limit).
const FALLBACK_POLL: Duration = Duration::from_secs(2);
/// After the ledger could not be written, wait this long before the next try.
const FAILURE_BACKOFF: Duration = Duration::from_secs(5);
/// Longest wait between two looks at a file that does not open or cannot be read.
const MAX_RETRY: Duration = Duration::from_secs(30);

enum Wake {
    Fs,
    Stop,
}

/// The stop handler can be installed once per process; it forwards to the channel of
/// the daemon currently running.
static STOP_TX: OnceLock<Mutex<Option<mpsc::Sender<Wake>>>> = OnceLock::new();

fn install_stop_handler(tx: mpsc::Sender<Wake>) -> Result<()> {
    let mut first = false;
    let slot = STOP_TX.get_or_init(|| {
        first = true;
        Mutex::new(None)
    });
    if let Ok(mut s) = slot.lock() {
        *s = Some(tx);
    }
    if first {
        ctrlc::set_handler(|| {
            if let Some(m) = STOP_TX.get()
                && let Ok(s) = m.lock()
                && let Some(tx) = s.as_ref()
            {
                let _ = tx.send(Wake::Stop);
            }
        })
        .context("cannot install the SIGINT/SIGTERM handler")?;
    }
    Ok(())
}

/// A file seen in the inbox but not taken yet.
#[derive(Debug, Clone)]
struct Pending {
    size: u64,
    modified: Option<SystemTime>,
    /// When size and time were last seen to change (or first seen).
    changed_at: Instant,
    /// Arrival order, so that files of one batch are recorded as they came.
    order: u64,
    /// Not before then (a file that did not open or could not be read).
    retry_after: Option<Instant>,
    /// Looks at a file that did not open or could not be read, for the back-off.
    tries: u32,
}

impl Pending {
    fn ready_at(&self, settle: Duration) -> Instant {
        let settled = self.changed_at + settle;
        self.retry_after.map_or(settled, |r| r.max(settled))
    }

    fn back_off(&mut self, now: Instant, settle: Duration) {
        self.tries = self.tries.saturating_add(1);
        let wait = settle
            .max(Duration::from_millis(200))
            .saturating_mul(1 << self.tries.min(8))
            .min(MAX_RETRY);
        self.retry_after = Some(now + wait);
    }
}

/// Where news of the inbox comes from.
enum Source {
    /// Native events; the watcher must stay alive.
    Events { _watcher: RecommendedWatcher },
    /// No events: the periodic listing is all there is.
    Poll,
}

fn start_source(inbox: &Path, opts: &WatchOptions, tx: &mpsc::Sender<Wake>) -> Source {
    if opts.poll.is_some() {
        return Source::Poll;
    }
    match native_watcher(inbox, tx.clone()) {
        Ok(w) => Source::Events { _watcher: w },
        Err(e) => {
            tracing::warn!(error = %format!("{e:#}"), interval_s = FALLBACK_POLL.as_secs_f64(), "file events unavailable; polling instead");
            Source::Poll
        }
    }
}

fn native_watcher(inbox: &Path, tx: mpsc::Sender<Wake>) -> Result<RecommendedWatcher> {
    let handler = move |res: notify::Result<notify::Event>| match res {
        Ok(ev) => {
            // Our own reads open files in the inbox; only changes matter.
            let relevant = match ev.kind {
                EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
                EventKind::Access(_) => false,
                _ => true,
            };
            if relevant {
                let _ = tx.send(Wake::Fs);
            }
        }
        Err(e) => {
            tracing::warn!(error = %e, "watcher error; the rescan will catch up");
            let _ = tx.send(Wake::Fs);
        }
    };
    let mut w = notify::recommended_watcher(handler).context("cannot start the file watcher")?;
    w.watch(inbox, RecursiveMode::NonRecursive)
        .with_context(|| format!("cannot watch {}", inbox.display()))?;
    Ok(w)
}

/// Runs until SIGINT/SIGTERM: finishes the batch in hand, writes the reports, returns.
///
/// # Errors
/// Start-up failures (definitions, lock, folders, signal handler), and a ledger that
/// can no longer be written safely; a bad file never stops it.
pub fn watch(cfg: Config, opts: WatchOptions) -> Result<()> {
    let mut engine = Engine::open(cfg)?;
    let inbox_dir = engine.config().inbox.clone();
    let (tx, rx) = mpsc::channel::<Wake>();
    install_stop_handler(tx.clone())?;

    // Events first, then the first listing: nothing dropped meanwhile is missed.
    let mut source = start_source(&inbox_dir, &opts, &tx);
    let scan_every = match (&source, opts.poll) {
        (Source::Poll, Some(p)) => p.min(opts.rescan),
        (Source::Poll, None) => FALLBACK_POLL.min(opts.rescan),
        (Source::Events { .. }, _) => opts.rescan,
    }
    .max(Duration::from_millis(10));

    // Reports first, so the outbox is current even before anything new arrives.
    let mut reports = Reports::default();
    reports.write(&mut engine, true);
    // Ready: anything dropped from now on is answered.
    tracing::info!(
        inbox = %inbox_dir.display(),
        outbox = %engine.config().outbox.display(),
        mode = match source { Source::Events { .. } => "events", Source::Poll => "poll" },
        scan_every_s = scan_every.as_secs_f64(),
        settle_ms = opts.settle.as_millis() as u64,
        "watching"
    );

    let tick = (opts.settle / 5).clamp(Duration::from_millis(10), Duration::from_millis(100));
    let mut state = Inbox::default();
    let mut next_scan = Instant::now();
    let mut need_scan = true;
    let mut inbox_lost = false;
    let mut stop = false;
    let mut paused_until: Option<Instant> = None;

    while !stop {
        let now = Instant::now();
        let mut wake_at = next_scan;
        if !state.pending.is_empty() {
            // Look again every tick (a copy in progress changes size), and exactly
            // when the first file could be taken.
            let mut earliest = state
                .pending
                .values()
                .map(|p| p.ready_at(opts.settle))
                .min();
            if let Some(t) = paused_until {
                earliest = earliest.map(|e| e.max(t));
            }
            wake_at = wake_at.min(now + tick);
            if let Some(e) = earliest {
                wake_at = wake_at.min(e.max(now));
            }
        }
        if let Some(at) = reports.due_at() {
            wake_at = wake_at.min(at);
        }
        match rx.recv_timeout(wake_at.saturating_duration_since(now)) {
            Ok(Wake::Fs) => need_scan = true,
            Ok(Wake::Stop) => stop = true,
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => stop = true,
        }
        // Drain what queued up meanwhile: one listing answers many events.
        while let Ok(w) = rx.try_recv() {
            match w {
                Wake::Fs => need_scan = true,
                Wake::Stop => stop = true,
            }
        }
        if stop {
            break;
        }

        let now = Instant::now();
        if need_scan || now >= next_scan || !state.pending.is_empty() {
            match refresh(&inbox_dir, &mut state, now) {
                Ok(()) => {
                    if inbox_lost {
                        inbox_lost = false;
                        tracing::info!(inbox = %inbox_dir.display(), "inbox reachable again");
                        if let Source::Events { .. } = source {
                            // The old watch died with the folder it watched.
                            source = start_source(&inbox_dir, &opts, &tx);
                        }
                    }
                }
                Err(e) => {
                    if !inbox_lost {
                        tracing::error!(error = %format!("{e:#}"), "cannot list the inbox; retrying");
                        inbox_lost = true;
                    }
                }
            }
            need_scan = false;
            if now >= next_scan {
                next_scan = now + scan_every;
            }
        }

        if paused_until.is_none_or(|t| now >= t) {
            paused_until = None;
            match take_ready(&mut engine, &mut state.pending, opts.settle, now) {
                Ok(changed) => reports.mark(changed),
                Err(e) if e.is_fatal() => return Err(e.into()),
                Err(e) => {
                    tracing::error!(error = %format!("{e:#}"), "batch not recorded; its files stay in the inbox and are retried");
                    paused_until = Some(now + FAILURE_BACKOFF);
                }
            }
        }

        // Coalesce report writes: when nothing is waiting any more, or every few
        // seconds during a long burst.
        // Files waiting for a retry (not opening yet, locked) do not hold it up.
        let calm = state.pending.values().all(|p| p.retry_after.is_some());
        if reports.should_write(calm, Instant::now()) {
            reports.write(&mut engine, false);
        }
    }

    tracing::info!("stopping");
    if reports.dirty.is_some() {
        reports.write(&mut engine, false);
    }
    drop(source);
    tracing::info!("stopped");
    Ok(())
}

/// What the loop knows about the inbox between two listings.
#[derive(Default)]
struct Inbox {
    pending: HashMap<PathBuf, Pending>,
    /// Links and special files, logged once each while they stay.
    refused: HashSet<PathBuf>,
    arrivals: u64,
}

/// Re-lists the inbox and updates what is pending, noting size/time changes.
fn refresh(dir: &Path, state: &mut Inbox, now: Instant) -> Result<()> {
    let mut present = Vec::new();
    let mut refused = HashSet::new();
    for e in inbox::scan(dir)? {
        match e {
            Entry::Candidate(p) => present.push(p),
            Entry::Refused(p, why) => {
                if !state.refused.contains(&p) {
                    tracing::warn!(file = %inbox::log_name(&inbox::display_name(&p)), reason = why, "left in inbox, not read");
                }
                refused.insert(p);
            }
            Entry::Ignored => {}
        }
    }
    state.refused = refused;
    let present_set: HashSet<&PathBuf> = present.iter().collect();
    let pending = &mut state.pending;
    let arrivals = &mut state.arrivals;
    pending.retain(|p, _| present_set.contains(p));
    for path in &present {
        let Ok(meta) = std::fs::symlink_metadata(path) else {
            pending.remove(path);
            continue;
        };
        let size = meta.len();
        let modified = meta.modified().ok();
        match pending.get_mut(path) {
            Some(p) if p.size == size && p.modified == modified => {}
            Some(p) => {
                p.size = size;
                p.modified = modified;
                p.changed_at = now;
                p.retry_after = None;
            }
            None => {
                tracing::info!(file = %inbox::log_name(&inbox::display_name(path)), size, "received");
                *arrivals += 1;
                pending.insert(
                    path.clone(),
                    Pending {
                        size,
                        modified,
                        changed_at: now,
                        order: *arrivals,
                        retry_after: None,
                        tries: 0,
                    },
                );
            }
        }
    }
    Ok(())
}

/// Reads the settled files (once each), hands the complete ones to the engine and
/// puts the rest back to wait. Returns the pledges whose reports may have changed.
fn take_ready(
    engine: &mut Engine,
    pending: &mut HashMap<PathBuf, Pending>,
    settle: Duration,
    now: Instant,
) -> Result<BTreeSet<PledgeId>, IntakeError> {
    let mut ready: Vec<(&PathBuf, &Pending)> = pending
        .iter()
        .filter(|(_, p)| now >= p.ready_at(settle))
        .collect();
    if ready.is_empty() {
        return Ok(BTreeSet::new());
    }
    ready.sort_by(|a, b| (a.1.order, a.0).cmp(&(b.1.order, b.0)));
    let n = engine.batch_limit().take(ready.iter().map(|(_, p)| p.size));
    let batch: Vec<PathBuf> = ready[..n].iter().map(|(path, _)| (*path).clone()).collect();

    let limits = engine.config().limits;
    let loads: Vec<(PathBuf, Load)> = batch
        .into_par_iter()
        .map(|path| {
            let load = Incoming::load(&path, &limits);
            (path, load)
        })
        .collect();

    let mut take: Vec<Incoming> = Vec::new();
    let mut taken: HashMap<PathBuf, Pending> = HashMap::new();
    for (path, load) in loads {
        let Some(p) = pending.get_mut(&path) else {
            continue;
        };
        match load {
            Load::Ready(mut f) => {
                if f.stamp() != (p.size, p.modified) {
                    // Changed since the last look: not settled after all.
                    (p.size, p.modified) = f.stamp();
                    p.changed_at = now;
                    p.retry_after = None;
                    continue;
                }
                f.hold_unreadable = now.duration_since(p.changed_at) < UNREADABLE_GRACE;
                if let Some(p) = pending.remove(&path) {
                    taken.insert(path, p);
                }
                take.push(f);
            }
            Load::Gone => {
                pending.remove(&path);
            }
            Load::Changed => {
                p.changed_at = now;
                p.retry_after = None;
            }
            Load::Failed(e) => {
                if p.tries == 0 {
                    tracing::warn!(file = %inbox::log_name(&inbox::display_name(&path)), error = %e, "cannot read yet (open in another program?); will retry");
                }
                p.back_off(now, settle);
            }
        }
    }
    if take.is_empty() {
        return Ok(BTreeSet::new());
    }
    match engine.process_loaded(take) {
        Ok(summary) => {
            for path in summary.held {
                if let Some(mut p) = taken.remove(&path) {
                    if p.tries == 0 {
                        tracing::info!(file = %inbox::log_name(&inbox::display_name(&path)), "does not open yet (still being copied?); will look again");
                    }
                    // A steady pace, so that a file that never opens is rejected
                    // soon after the grace period.
                    p.tries = p.tries.saturating_add(1);
                    p.retry_after = Some(now + settle.max(Duration::from_secs(1)));
                    pending.insert(path, p);
                }
            }
            // Recorded, but the move failed (a program holding the file open): wait
            // longer each time instead of failing again every settle period.
            for path in summary.unmoved {
                if let Some(mut p) = taken.remove(&path) {
                    p.back_off(now, settle);
                    pending.insert(path, p);
                }
            }
            Ok(summary.changed)
        }
        Err(e) => {
            // Nothing was recorded: they wait in the inbox and are retried.
            for (path, mut p) in taken {
                p.retry_after = Some(now + FAILURE_BACKOFF);
                pending.insert(path, p);
            }
            Err(e)
        }
    }
}

/// Which reports need rewriting, and when they were last written.
#[derive(Default)]
struct Reports {
    /// `Some(set)`: these pledges changed since the last write.
    dirty: Option<BTreeSet<PledgeId>>,
    last_write: Option<Instant>,
    failed_at: Option<Instant>,
}

impl Reports {
    fn mark(&mut self, changed: BTreeSet<PledgeId>) {
        if !changed.is_empty() {
            self.dirty.get_or_insert_with(BTreeSet::new).extend(changed);
        }
    }

    /// When a write should happen even while files keep arriving.
    fn due_at(&self) -> Option<Instant> {
        self.dirty.as_ref()?;
        let interval = self.last_write.map(|t| t + REPORT_INTERVAL);
        let retry = self.failed_at.map(|t| t + FAILURE_BACKOFF);
        match (interval, retry) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        }
    }

    fn should_write(&self, calm: bool, now: Instant) -> bool {
        if self.dirty.is_none() {
            return false;
        }
        if self.failed_at.is_some_and(|t| now < t + FAILURE_BACKOFF) {
            return false;
        }
        calm || self.last_write.is_none_or(|t| now >= t + REPORT_INTERVAL)
    }

    /// Writes the dirty reports (every report when `all`); on failure keeps them
    /// dirty so the loop retries, and the previous report stays as it was (atomic
    /// replace).
    fn write(&mut self, engine: &mut Engine, all: bool) {
        let only = if all { None } else { self.dirty.clone() };
        match engine.write_reports(only.as_ref(), false) {
            Ok(_) => {
                self.dirty = None;
                self.failed_at = None;
            }
            Err(e) => {
                tracing::error!(error = %format!("{e:#}"), "cannot write the report; previous report kept, retrying");
                self.failed_at = Some(Instant::now());
                if only.is_none() {
                    self.dirty = Some(
                        engine
                            .catalog()
                            .pledges
                            .iter()
                            .map(|p| PledgeId::from(p.id.as_str()))
                            .collect(),
                    );
                }
            }
        }
        self.last_write = Some(Instant::now());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_up_to_a_cap() {
        let now = Instant::now();
        let mut p = Pending {
            size: 1,
            modified: None,
            changed_at: now,
            order: 1,
            retry_after: None,
            tries: 0,
        };
        let settle = Duration::from_millis(500);
        assert_eq!(p.ready_at(settle), now + settle);
        p.back_off(now, settle);
        let first = p.retry_after.unwrap() - now;
        p.back_off(now, settle);
        let second = p.retry_after.unwrap() - now;
        assert!(second > first, "{first:?} then {second:?}");
        for _ in 0..20 {
            p.back_off(now, settle);
        }
        assert_eq!(p.retry_after.unwrap() - now, MAX_RETRY);
    }

    #[test]
    fn reports_wait_for_calm_or_the_interval() {
        let now = Instant::now();
        let mut r = Reports::default();
        assert!(!r.should_write(true, now), "nothing dirty");
        r.mark(BTreeSet::from([PledgeId::from("p")]));
        assert!(r.should_write(true, now), "calm and never written");
        r.last_write = Some(now);
        assert!(!r.should_write(false, now), "burst going on, just written");
        assert!(r.should_write(false, now + REPORT_INTERVAL));
        assert_eq!(r.due_at(), Some(now + REPORT_INTERVAL));
        r.failed_at = Some(now);
        assert!(!r.should_write(true, now + Duration::from_secs(1)));
    }
}
