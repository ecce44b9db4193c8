//! `gongyak watch`: the daemon loop (SPEC §6).
//!
//! File-system events only say "look again"; what is taken is decided by the inbox
//! listing and the [`settle`] state machine: a file is read once its size and time
//! have stayed unchanged for the settle time, and handed to the engine when its bytes
//! say it is complete (or after [`UNREADABLE_GRACE`] when they never do). The bytes
//! read are what is checked, hashed and recorded. The engine knows nothing of timing.
//!
//! A periodic rescan is the safety net for lost events, and the content hash in the
//! ledger, not the name or the time, decides whether a file was already processed.
//! In polling mode (network shares, where no events arrive) the rescan *is* the
//! watcher: the listing is the source of truth either way, so a separate poller would
//! only stat the same files a second time.
//!
//! Report writes are coalesced ([`reports`]): rewritten once the inbox has calmed down
//! (nothing left settling), or every [`REPORT_INTERVAL`] during a long burst; a
//! failed write is retried with a growing wait.

mod reports;
mod settle;

pub use reports::REPORT_INTERVAL;

use crate::core::model::PledgeId;
use crate::shell::engine::{Config, Engine, Incoming, Load};
use crate::shell::inbox::{self, Entry};
use anyhow::{Context, Result};
use notify::event::{AccessKind, AccessMode};
use notify::{EventKind, RecommendedWatcher, RecursiveMode, Watcher};
use rayon::prelude::*;
use reports::{Logged, Reports};
use settle::{Change, Look, Seen, Settler, Verdict};
use std::collections::{BTreeSet, HashSet};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

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

/// How long a file that could still be a workbook being copied is given, unchanged,
/// before it is rejected as unreadable: a copy that pauses longer than this between
/// chunks is not a copy.
pub const UNREADABLE_GRACE: Duration = Duration::from_secs(10);
/// Polling interval used when native events cannot be had (e.g. the inotify limit).
const FALLBACK_POLL: Duration = Duration::from_secs(2);
/// After the ledger could not be written, wait this long before the next try.
const FAILURE_BACKOFF: Duration = Duration::from_secs(5);

/// Why the loop woke up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Wake {
    /// A file-system event: look at the inbox again.
    Fs,
    /// SIGINT/SIGTERM, or the channel closed.
    Stop,
    /// A timer: something became due.
    Timer,
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

/// Waits for a wake-up until `timeout`; what queued up meanwhile is drained, since one
/// listing answers many events, and a stop request wins.
fn wait(rx: &mpsc::Receiver<Wake>, timeout: Duration) -> Wake {
    let mut wake = match rx.recv_timeout(timeout) {
        Ok(w) => w,
        Err(mpsc::RecvTimeoutError::Timeout) => Wake::Timer,
        Err(mpsc::RecvTimeoutError::Disconnected) => Wake::Stop,
    };
    while let Ok(w) = rx.try_recv() {
        if wake != Wake::Stop {
            wake = w;
        }
    }
    wake
}

/// Runs until SIGINT/SIGTERM: finishes the batch in hand, writes the reports, returns.
///
/// # Errors
/// Start-up failures (definitions, lock, folders, signal handler), and a ledger that
/// can no longer be written safely; a bad file never stops it.
pub fn watch(cfg: Config, opts: WatchOptions) -> Result<()> {
    let engine = Engine::open(cfg)?;
    warn_if_state_is_shared(engine.config());
    let (tx, rx) = mpsc::channel::<Wake>();
    install_stop_handler(tx.clone())?;
    let mut daemon = Daemon::start(engine, opts, tx);
    loop {
        let now = Instant::now();
        let wake = wait(&rx, daemon.next_wake(now).saturating_duration_since(now));
        if wake == Wake::Stop {
            break;
        }
        daemon.step(wake, Instant::now())?;
    }
    daemon.stop();
    Ok(())
}

/// The daemon between two wake-ups: the engine, what is settling, what to rewrite.
struct Daemon {
    engine: Engine,
    opts: WatchOptions,
    settler: Settler,
    reports: Reports<PledgeId>,
    source: Source,
    tx: mpsc::Sender<Wake>,
    /// Full listing every so often, whatever the events say.
    scan_every: Duration,
    next_scan: Instant,
    /// An event arrived since the last listing.
    need_scan: bool,
    /// The last listing failed (an unmounted share); logged once until it works.
    inbox_lost: bool,
    /// After a batch could not be recorded: nothing is taken before then.
    paused_until: Option<Instant>,
    /// Links and special files, logged once each while they stay.
    refused: HashSet<PathBuf>,
}

impl Daemon {
    /// Starts the events (before the first listing: nothing dropped meanwhile is
    /// missed) and writes every report, so the outbox is current before anything new
    /// arrives.
    fn start(engine: Engine, opts: WatchOptions, tx: mpsc::Sender<Wake>) -> Self {
        let inbox_dir = engine.config().inbox.clone();
        let source = start_source(&inbox_dir, &opts, &tx);
        let scan_every = match (&source, opts.poll) {
            (Source::Poll, Some(p)) => p.min(opts.rescan),
            (Source::Poll, None) => FALLBACK_POLL.min(opts.rescan),
            (Source::Events { .. }, _) => opts.rescan,
        };
        let now = Instant::now();
        let mut d = Self {
            engine,
            opts,
            settler: Settler::new(opts.settle, UNREADABLE_GRACE),
            reports: Reports::default(),
            source,
            tx,
            scan_every,
            next_scan: now,
            need_scan: true,
            inbox_lost: false,
            paused_until: None,
            refused: HashSet::new(),
        };
        d.write_reports(true, now);
        // Ready: anything dropped from now on is answered.
        tracing::info!(
            inbox = %inbox_dir.display(),
            outbox = %d.engine.config().outbox.display(),
            mode = match d.source { Source::Events { .. } => "events", Source::Poll => "poll" },
            scan_every_s = scan_every.as_secs_f64(),
            settle_ms = opts.settle.as_millis() as u64,
            event = "watching",
            "watching"
        );
        d
    }

    /// While files settle, the inbox is looked at every tick: a copy in progress
    /// changes size without always sending an event.
    fn tick(&self) -> Duration {
        (self.opts.settle / 5).clamp(Duration::from_millis(10), Duration::from_millis(100))
    }

    /// When the loop must wake up even if no event comes.
    fn next_wake(&self, now: Instant) -> Instant {
        let mut at = self.next_scan;
        if self.settler.is_busy() {
            at = at.min(now + self.tick());
            if let Some(due) = self.settler.next_due() {
                let due = self.paused_until.map_or(due, |p| due.max(p));
                at = at.min(due.max(now));
            }
        }
        if let Some(r) = self.reports.due_at() {
            at = at.min(r);
        }
        at
    }

    /// One turn: list the inbox if needed, take what is due, write the reports when
    /// the inbox is calm.
    ///
    /// # Errors
    /// Only a ledger that can no longer be written safely.
    fn step(&mut self, wake: Wake, now: Instant) -> Result<()> {
        if wake == Wake::Fs {
            self.need_scan = true;
        }
        if self.need_scan || now >= self.next_scan || self.settler.is_busy() {
            self.scan(now);
        }
        if self.paused_until.is_none_or(|t| now >= t) {
            self.paused_until = None;
            self.take(now)?;
        }
        let now = Instant::now();
        if self.reports.should_write(self.settler.calm(), now) {
            self.write_reports(false, now);
        }
        Ok(())
    }

    /// Lists the inbox and tells the settler what is there.
    fn scan(&mut self, now: Instant) {
        let inbox_dir = self.engine.config().inbox.clone();
        match list(&inbox_dir, &mut self.refused) {
            Ok(listing) => {
                if self.inbox_lost {
                    self.inbox_lost = false;
                    tracing::info!(inbox = %inbox_dir.display(), "inbox reachable again");
                    if let Source::Events { .. } = self.source {
                        // The old watch died with the folder it watched.
                        self.source = start_source(&inbox_dir, &self.opts, &self.tx);
                    }
                }
                for change in self.settler.observe(&listing, now) {
                    if let Change::Arrived(path, size) = change {
                        tracing::info!(file = %shown(&path), size, event = "received", "received");
                    }
                }
            }
            Err(e) => {
                if !self.inbox_lost {
                    tracing::error!(error = %format!("{e:#}"), "cannot list the inbox; retrying");
                    self.inbox_lost = true;
                }
            }
        }
        self.need_scan = false;
        if now >= self.next_scan {
            self.next_scan = now + self.scan_every;
        }
    }

    /// Reads the due files (once each, on every core), hands the complete ones to
    /// the engine and tells the settler how it went.
    ///
    /// # Errors
    /// Only a ledger that can no longer be written safely.
    fn take(&mut self, now: Instant) -> Result<()> {
        let due = self.settler.due(now);
        let n = self
            .engine
            .batch_limit()
            .take(due.iter().map(|(_, size)| *size));
        let batch: Vec<PathBuf> = due.into_iter().take(n).map(|(path, _)| path).collect();
        if batch.is_empty() {
            return Ok(());
        }
        let limits = self.engine.config().limits;
        let loads: Vec<(PathBuf, Look, Option<Incoming>)> = batch
            .into_par_iter()
            .map(|path| {
                let (look, file) = look_at(&path, &limits);
                (path, look, file)
            })
            .collect();
        let mut take = Vec::new();
        for (path, look, file) in loads {
            let verdict = self.settler.judge(&path, look, now);
            log_verdict(&path, verdict);
            if let (Verdict::Ready | Verdict::Reject, Some(f)) = (verdict, file) {
                take.push((path, f));
            }
        }
        if take.is_empty() {
            return Ok(());
        }
        let (paths, files): (Vec<PathBuf>, Vec<Incoming>) = take.into_iter().unzip();
        match self.engine.process_loaded(files) {
            Ok(summary) => {
                let unmoved: HashSet<&PathBuf> = summary.unmoved.iter().collect();
                for path in &paths {
                    if unmoved.contains(path) {
                        // A program holding the file open: wait longer each time.
                        self.settler.retry(path, now);
                    } else {
                        self.settler.done(path);
                    }
                }
                self.reports.mark(summary.changed);
                Ok(())
            }
            Err(e) if e.is_fatal() => Err(e.into()),
            Err(e) => {
                tracing::error!(error = %format!("{e:#}"), "batch not recorded; its files stay in the inbox and are retried");
                let until = now + FAILURE_BACKOFF;
                for path in &paths {
                    self.settler.pause(path, until);
                }
                self.paused_until = Some(until);
                Ok(())
            }
        }
    }

    /// Writes the dirty reports (every report when `all`). A failure keeps them dirty
    /// and is retried later; the reports on disk stay as they were (atomic replace).
    fn write_reports(&mut self, all: bool, now: Instant) {
        let only = if all {
            None
        } else {
            self.reports.dirty().cloned()
        };
        let attempted: BTreeSet<PledgeId> = match &only {
            Some(o) => o.clone(),
            None => self
                .engine
                .catalog()
                .pledges
                .iter()
                .map(|p| PledgeId::from(p.id.as_str()))
                .collect(),
        };
        let written = self.engine.write_reports(only.as_ref(), false);
        // The daemon waits for the next file now: give back the rendering's memory
        // (`run` and `report` exit instead, and need not spend the time).
        crate::shell::mem::release_free_memory();
        match written {
            Ok(_) => {
                if let Logged::Recovered { tries } = self.reports.written(Instant::now()) {
                    tracing::info!(
                        failed_tries = tries,
                        event = "reports_recovered",
                        "reports written again"
                    );
                }
            }
            Err(e) => {
                let outbox = &self.engine.config().outbox;
                let kept = attempted
                    .iter()
                    .filter(|id| crate::shell::engine::report_path(outbox, id.as_str()).is_file())
                    .count();
                let missing = attempted.len() - kept;
                match self.reports.failed(attempted, now) {
                    Logged::StartedFailing { retry_in } => tracing::error!(
                        error = %format!("{e:#}"),
                        outbox = %outbox.display(),
                        previous_kept = kept,
                        no_report_yet = missing,
                        retry_in_s = retry_in.as_secs(),
                        event = "reports_failing",
                        "cannot write the reports; retrying with a growing wait (up to a minute)"
                    ),
                    _ => {
                        tracing::debug!(error = %format!("{e:#}"), event = "reports_still_failing", "cannot write the reports yet")
                    }
                }
            }
        }
    }

    /// After a stop request: the batch in hand is done; the reports catch up.
    fn stop(mut self) {
        tracing::info!("stopping");
        if self.reports.is_dirty() {
            self.write_reports(false, Instant::now());
        }
        drop(self.source);
        tracing::info!(event = "stopped", "stopped");
    }
}

/// Reads a file once and says what its bytes are.
fn look_at(path: &Path, limits: &crate::core::read::Limits) -> (Look, Option<Incoming>) {
    match Incoming::load(path, limits) {
        Load::Ready(f) => {
            let (size, modified) = f.stamp();
            let content = settle::content(f.bytes(), || {
                crate::core::read::read_workbook(f.bytes(), limits).is_ok()
            });
            (Look::Read(Seen { size, modified }, content), Some(f))
        }
        Load::Gone => (Look::Gone, None),
        Load::Changed => (Look::Changed, None),
        Load::Failed(e) => {
            tracing::debug!(file = %shown(path), error = %e, "cannot read");
            (Look::Failed, None)
        }
    }
}

/// One log line per change of a file's state.
fn log_verdict(path: &Path, verdict: Verdict) {
    let file = shown(path);
    match verdict {
        Verdict::Hold { first: true } => {
            tracing::info!(file = %file, event = "held", "may still be being copied (does not open yet); will look again")
        }
        Verdict::Reject => {
            tracing::info!(file = %file, event = "gave_up", grace_s = UNREADABLE_GRACE.as_secs(), "still incomplete after the grace period; taken as it is")
        }
        Verdict::Wait { first: true } => {
            tracing::warn!(file = %file, event = "locked", "cannot read yet (open in another program?); will retry")
        }
        _ => {}
    }
}

fn shown(path: &Path) -> String {
    inbox::log_name(&inbox::display_name(path))
}

/// The candidate files of the inbox with their size and time; links and special
/// files are logged once while they stay.
fn list(dir: &Path, refused: &mut HashSet<PathBuf>) -> Result<Vec<(PathBuf, Seen)>> {
    let mut listing = Vec::new();
    let mut now_refused = HashSet::new();
    for e in inbox::scan(dir)? {
        match e {
            Entry::Candidate(p) => {
                if let Ok(meta) = std::fs::symlink_metadata(&p) {
                    let seen = Seen {
                        size: meta.len(),
                        modified: meta.modified().ok(),
                    };
                    listing.push((p, seen));
                }
            }
            Entry::Refused(p, why) => {
                if !refused.contains(&p) {
                    tracing::warn!(file = %shown(&p), reason = why, "left in inbox, not read");
                }
                now_refused.insert(p);
            }
            Entry::Ignored => {}
        }
    }
    *refused = now_refused;
    Ok(listing)
}

/// The ledger and lock are the audit record the reports are built from: in a folder
/// staff can write to, anyone who can drop a file can edit or delete it. Said once at
/// start, with the way out (`--state` outside the share).
fn warn_if_state_is_shared(cfg: &Config) {
    if let Some(by) = shared_state(&cfg.inbox, &cfg.state_dir()) {
        tracing::warn!(
            state = %cfg.state_dir().display(),
            writable_by = by,
            shared_state = true,
            "the ledger is inside the inbox, which others can write to: anyone who can drop a file can change or delete it; run with --state outside the share (e.g. /var/lib/gongyak)"
        );
    }
}

/// `Some("group")` / `Some("others")` when the state folder is inside the inbox and
/// the inbox or the state folder can be written by someone other than its owner.
#[cfg(unix)]
fn shared_state(inbox: &Path, state: &Path) -> Option<&'static str> {
    use std::os::unix::fs::PermissionsExt;
    let (inbox, state) = (inbox.canonicalize().ok()?, state.canonicalize().ok()?);
    if !state.starts_with(&inbox) {
        return None;
    }
    let mode = |p: &Path| {
        std::fs::metadata(p)
            .map(|m| m.permissions().mode())
            .unwrap_or(0)
    };
    let modes = mode(&inbox) | mode(&state);
    if modes & 0o002 != 0 {
        Some("others")
    } else if modes & 0o020 != 0 {
        Some("group")
    } else {
        None
    }
}

/// Without Unix modes the share's permissions cannot be read here; inside the inbox
/// is the risk the README describes.
#[cfg(not(unix))]
fn shared_state(inbox: &Path, state: &Path) -> Option<&'static str> {
    let (inbox, state) = (inbox.canonicalize().ok()?, state.canonicalize().ok()?);
    state.starts_with(&inbox).then_some("unknown")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn a_state_folder_inside_a_shared_inbox_is_flagged() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let inbox = dir.path().join("inbox");
        let state = inbox.join(".gongyak");
        let outside = dir.path().join("state");
        std::fs::create_dir_all(&state).unwrap();
        std::fs::create_dir_all(&outside).unwrap();
        let set =
            |p: &Path, m| std::fs::set_permissions(p, std::fs::Permissions::from_mode(m)).unwrap();
        set(&inbox, 0o755);
        set(&state, 0o755);
        assert_eq!(shared_state(&inbox, &state), None, "only the owner writes");
        set(&inbox, 0o2775);
        assert_eq!(shared_state(&inbox, &state), Some("group"));
        set(&state, 0o777);
        assert_eq!(shared_state(&inbox, &state), Some("others"));
        assert_eq!(
            shared_state(&inbox, &outside),
            None,
            "--state outside the share"
        );
    }
}
