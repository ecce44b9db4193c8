//! `gongyak watch`: the daemon loop (SPEC §6).
//!
//! File-system events only say "look again"; what is taken is decided by the inbox
//! listing: a file is taken once its size and modification time have not changed for
//! the settle time (a Windows copy sets the full size at once, Excel saves through a
//! temp file and a rename, so no single event means "complete"). A periodic rescan is
//! the safety net for lost events, and the content hash in the ledger, not the name or
//! the time, decides whether a file was already processed.

use crate::app::{Config, Engine};
use crate::inbox;
use anyhow::{Context, Result};
use notify::{PollWatcher, RecommendedWatcher, RecursiveMode, Watcher};
use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, OnceLock};
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

/// A file seen in the inbox but not taken yet.
#[derive(Debug, Clone)]
struct Pending {
    size: u64,
    modified: Option<SystemTime>,
    /// When size and time were last seen to change.
    changed_at: Instant,
    /// A complete-looking file that did not open yet is retried until then.
    retry_after: Option<Instant>,
}

/// How long a file that stays unreadable is given before it is rejected: a copy
/// that pauses longer than this between chunks is not a copy any more.
const UNREADABLE_GRACE: Duration = Duration::from_secs(10);
/// Report writes during a long burst happen at most this often.
const REPORT_INTERVAL: Duration = Duration::from_secs(2);
/// Files taken in one batch (one ledger sync, one report write).
const MAX_BATCH: usize = 2_000;

enum Wake {
    Fs,
    Stop,
}

static STOP_TX: OnceLock<std::sync::Mutex<mpsc::Sender<Wake>>> = OnceLock::new();

/// Runs until SIGINT/SIGTERM: finishes the batch in hand, writes the reports, returns.
///
/// # Errors
/// Start-up failures (definitions, lock, folders, watcher); a bad file never stops it.
pub fn watch(cfg: Config, opts: WatchOptions) -> Result<()> {
    let mut engine = Engine::open(cfg)?;
    let inbox_dir = engine.config().inbox.clone();
    let (tx, rx) = mpsc::channel::<Wake>();

    let stop = Arc::new(AtomicBool::new(false));
    {
        let stop = Arc::clone(&stop);
        let _ = STOP_TX.set(std::sync::Mutex::new(tx.clone()));
        ctrlc::set_handler(move || {
            stop.store(true, Ordering::SeqCst);
            if let Some(m) = STOP_TX.get()
                && let Ok(tx) = m.lock()
            {
                let _ = tx.send(Wake::Stop);
            }
        })
        .context("cannot install the SIGINT/SIGTERM handler")?;
    }

    let handler = {
        let tx = tx.clone();
        move |res: notify::Result<notify::Event>| match res {
            Ok(_) => {
                let _ = tx.send(Wake::Fs);
            }
            Err(e) => {
                tracing::warn!(error = %e, "watcher error; the rescan will catch up");
                let _ = tx.send(Wake::Fs);
            }
        }
    };
    // Keep the watcher alive for the whole loop.
    let _watcher: Box<dyn Watcher> = match opts.poll {
        Some(interval) => {
            let mut w = PollWatcher::new(
                handler,
                notify::Config::default().with_poll_interval(interval),
            )
            .context("cannot start the polling watcher")?;
            w.watch(&inbox_dir, RecursiveMode::NonRecursive)
                .with_context(|| format!("cannot watch {}", inbox_dir.display()))?;
            Box::new(w)
        }
        None => {
            let mut w: RecommendedWatcher =
                notify::recommended_watcher(handler).context("cannot start the file watcher")?;
            w.watch(&inbox_dir, RecursiveMode::NonRecursive)
                .with_context(|| format!("cannot watch {}", inbox_dir.display()))?;
            Box::new(w)
        }
    };
    tracing::info!(
        inbox = %inbox_dir.display(),
        outbox = %engine.config().outbox.display(),
        mode = if opts.poll.is_some() { "poll" } else { "events" },
        settle_ms = opts.settle.as_millis() as u64,
        "watching"
    );

    // Reports first, so the outbox is current even before anything new arrives.
    let mut dirty_reports: Option<BTreeSet<String>> = None;
    let mut report_failed_at: Option<Instant> = None;
    write_reports(&mut engine, None, &mut dirty_reports, &mut report_failed_at);

    let mut pending: HashMap<PathBuf, Pending> = HashMap::new();
    let mut last_scan = Instant::now() - opts.rescan;
    let mut last_report = Instant::now();
    let mut need_scan = true;
    let tick = (opts.settle / 4).clamp(Duration::from_millis(20), Duration::from_millis(250));
    let poll_scan = opts.poll.unwrap_or(opts.rescan);

    loop {
        if stop.load(Ordering::SeqCst) {
            break;
        }
        match rx.recv_timeout(tick) {
            Ok(Wake::Fs) => {
                need_scan = true;
                while let Ok(w) = rx.try_recv() {
                    if matches!(w, Wake::Stop) {
                        stop.store(true, Ordering::SeqCst);
                    }
                }
            }
            Ok(Wake::Stop) => stop.store(true, Ordering::SeqCst),
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        }
        let now = Instant::now();
        if need_scan
            || now.duration_since(last_scan) >= opts.rescan
            || now.duration_since(last_scan) >= poll_scan
            || !pending.is_empty()
        {
            if let Err(e) = refresh(&engine, &mut pending, now) {
                tracing::error!(error = %format!("{e:#}"), "cannot list the inbox; retrying");
            }
            need_scan = false;
            last_scan = now;
        }

        let ready: Vec<PathBuf> = pending
            .iter()
            .filter(|(_, p)| {
                now.duration_since(p.changed_at) >= opts.settle
                    && p.retry_after.is_none_or(|t| now >= t)
            })
            .map(|(path, _)| path.clone())
            .take(MAX_BATCH)
            .collect();
        if !ready.is_empty() {
            // A complete-looking file that does not open yet may still be copying.
            let (take, wait): (Vec<PathBuf>, Vec<PathBuf>) = ready.into_iter().partition(|p| {
                let p_state = &pending[p];
                opens_or_gave_up(p, p_state, now)
            });
            for p in wait {
                if let Some(st) = pending.get_mut(&p) {
                    st.retry_after = Some(now + opts.settle.max(Duration::from_millis(200)));
                }
            }
            if !take.is_empty() {
                for p in &take {
                    pending.remove(p);
                }
                match engine.process(&take) {
                    Ok(summary) => {
                        dirty_reports
                            .get_or_insert_with(BTreeSet::new)
                            .extend(summary.changed);
                    }
                    Err(e) => {
                        tracing::error!(error = %format!("{e:#}"), "batch failed; files stay in the inbox and are retried");
                    }
                }
            }
        }

        // Coalesce report writes: when the inbox has calmed down, or every few
        // seconds during a long burst.
        let calm = pending.is_empty();
        if dirty_reports.is_some()
            && (calm || now.duration_since(last_report) >= REPORT_INTERVAL)
            && report_failed_at.is_none_or(|t| now.duration_since(t) >= Duration::from_secs(5))
        {
            let only = dirty_reports.clone();
            write_reports(
                &mut engine,
                only.as_ref(),
                &mut dirty_reports,
                &mut report_failed_at,
            );
            last_report = now;
        }
    }

    tracing::info!("stopping: writing reports");
    let only = dirty_reports.clone();
    if dirty_reports.is_some() {
        write_reports(
            &mut engine,
            only.as_ref(),
            &mut dirty_reports,
            &mut report_failed_at,
        );
    }
    tracing::info!("stopped");
    Ok(())
}

/// Writes reports; on failure keeps them dirty so the loop retries, and the previous
/// report stays as it was (atomic replace).
fn write_reports(
    engine: &mut Engine,
    only: Option<&BTreeSet<String>>,
    dirty: &mut Option<BTreeSet<String>>,
    failed_at: &mut Option<Instant>,
) {
    match engine.write_reports(only, false) {
        Ok(_) => {
            *dirty = None;
            *failed_at = None;
        }
        Err(e) => {
            tracing::error!(error = %format!("{e:#}"), "cannot write the report; previous report kept, retrying");
            *failed_at = Some(Instant::now());
            if dirty.is_none() {
                *dirty = Some(
                    engine
                        .catalog()
                        .pledges
                        .iter()
                        .map(|p| p.id.clone())
                        .collect(),
                );
            }
        }
    }
}

/// Re-lists the inbox and updates what is pending, noting size/time changes.
fn refresh(engine: &Engine, pending: &mut HashMap<PathBuf, Pending>, now: Instant) -> Result<()> {
    let present = engine.scan()?;
    pending.retain(|p, _| present.contains(p));
    for path in present {
        let Ok(meta) = std::fs::symlink_metadata(&path) else {
            pending.remove(&path);
            continue;
        };
        let size = meta.len();
        let modified = meta.modified().ok();
        match pending.get_mut(&path) {
            Some(p) if p.size == size && p.modified == modified => {}
            Some(p) => {
                p.size = size;
                p.modified = modified;
                p.changed_at = now;
                p.retry_after = None;
            }
            None => {
                tracing::info!(file = %inbox::log_name(&inbox::display_name(&path)), size, "received");
                pending.insert(
                    path,
                    Pending {
                        size,
                        modified,
                        changed_at: now,
                        retry_after: None,
                    },
                );
            }
        }
    }
    Ok(())
}

/// True when the file should be taken now: its bytes look like a whole workbook, or
/// it has stayed unreadable (and unchanged) long enough to be rejected for it.
fn opens_or_gave_up(path: &std::path::Path, p: &Pending, now: Instant) -> bool {
    if now.duration_since(p.changed_at) >= UNREADABLE_GRACE {
        return true;
    }
    match std::fs::read(path) {
        Ok(bytes) => looks_complete(&bytes),
        Err(_) => false,
    }
}

/// A cheap completeness test: an empty file or a zip whose central directory is not
/// there yet is still being written. Other formats are judged by the reader.
fn looks_complete(bytes: &[u8]) -> bool {
    if bytes.is_empty() {
        return false;
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return zip::ZipArchive::new(std::io::Cursor::new(bytes)).is_ok();
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return cfb::CompoundFile::open(std::io::Cursor::new(bytes)).is_ok();
    }
    true
}
