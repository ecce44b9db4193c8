//! Command line: flags → configuration → the library. Exit codes (SPEC §8):
//! 0 ok, 1 findings/errors in input, 2 usage or environment error.

use crate::core::check::{check, too_large};
use crate::core::definition::Catalog;
use crate::core::finding::has_errors;
use crate::core::read::Limits;
use crate::shell::engine::{AlreadyRunning, Config, Engine};
use crate::shell::inbox::MissingFolder;
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser, Debug)]
#[command(
    name = "gongyak",
    version,
    about = "공약 추진계획 제출 파일을 검토하고 통합 보고서를 만듭니다.\nChecks pledge plan submissions dropped in a folder and keeps the consolidated report current.",
    propagate_version = true
)]
pub struct Cli {
    /// Only warnings and errors in the log.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// More detail in the log (debug level).
    #[arg(short, long, global = true)]
    pub verbose: bool,
    #[command(subcommand)]
    pub command: Command,
}

/// The folders of the commands that use the inbox and its ledger.
#[derive(Args, Debug, Clone)]
pub struct Folders {
    /// Drop folder where staff put their workbooks (must exist).
    #[arg(long, default_value = "inbox")]
    pub inbox: PathBuf,
    /// Folder where the report workbooks are written (must exist).
    #[arg(long, default_value = "outbox")]
    pub outbox: PathBuf,
    /// Folder with the pledge definitions (*.toml).
    #[arg(long, default_value = "templates")]
    pub templates: PathBuf,
    /// Folder for the ledger and the lock file, created if missing; on a server, keep
    /// it outside the shared inbox, e.g. /var/lib/gongyak [default: <inbox>/.gongyak].
    #[arg(long)]
    pub state: Option<PathBuf>,
}

/// [`Folders`] plus what matters to the commands that read submitted files.
#[derive(Args, Debug, Clone)]
pub struct Dirs {
    #[command(flatten)]
    pub folders: Folders,
    /// Largest file accepted, in megabytes.
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u64).range(1..=1024))]
    pub max_file_mb: u64,
}

impl Folders {
    fn config(&self) -> Config {
        Config {
            inbox: self.inbox.clone(),
            outbox: self.outbox.clone(),
            templates: self.templates.clone(),
            state: self.state.clone(),
            limits: Limits::default(),
        }
    }
}

impl Dirs {
    fn config(&self) -> Config {
        let mut cfg = self.folders.config();
        cfg.limits.max_file_bytes = self.max_file_mb.saturating_mul(1024 * 1024);
        cfg
    }
}

/// Bounds of `--poll` and `--rescan`, in seconds: below one second the daemon would
/// list the inbox many times a second for nothing; above a day it is a typo.
const MIN_INTERVAL_S: f64 = 1.0;
const MAX_INTERVAL_S: f64 = 86_400.0;

/// Parses an interval in seconds within [`MIN_INTERVAL_S`]..=[`MAX_INTERVAL_S`]; a
/// usage error (exit 2) otherwise, never a panic on `-1`, `nan` or `inf`.
fn interval(text: &str) -> Result<std::time::Duration, String> {
    let range =
        format!("{MIN_INTERVAL_S}초 이상 {MAX_INTERVAL_S}초 이하의 초 단위 숫자를 넣어 주십시오");
    let secs: f64 = text
        .trim()
        .parse()
        .map_err(|_| format!("'{text}'은(는) 숫자가 아닙니다. {range}."))?;
    if !(MIN_INTERVAL_S..=MAX_INTERVAL_S).contains(&secs) {
        return Err(format!("{text}초는 쓸 수 없습니다. {range}."));
    }
    Ok(std::time::Duration::from_secs_f64(secs))
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Watch the inbox and keep the reports current (the main job). Stops on Ctrl-C.
    Watch {
        #[command(flatten)]
        dirs: Dirs,
        /// Poll every N seconds (at least 1) instead of using file-system events (for
        /// network shares such as SMB/NFS, where events never arrive).
        #[arg(long, value_name = "SECONDS", value_parser = interval)]
        poll: Option<std::time::Duration>,
        /// How long a file's size and time must stay unchanged before it is taken.
        #[arg(long, value_name = "MILLISECONDS", default_value_t = 500,
              value_parser = clap::value_parser!(u64).range(0..=60_000))]
        settle_ms: u64,
        /// Full rescan of the inbox every N seconds (at least 1), the safety net for
        /// lost events.
        #[arg(long, value_name = "SECONDS", default_value = "30", value_parser = interval)]
        rescan: std::time::Duration,
    },
    /// Process what is in the inbox now, write the reports, and exit (for cron and tests).
    Run {
        #[command(flatten)]
        dirs: Dirs,
    },
    /// Check files and print their findings; changes nothing. Exit 1 if any file has errors.
    Check {
        /// Workbooks to check.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Folder with the pledge definitions (*.toml).
        #[arg(long, default_value = "templates")]
        templates: PathBuf,
    },
    /// Rebuild the reports from the ledger (nothing in the inbox is touched). While
    /// `gongyak watch` runs on the same inbox it keeps the reports current itself, and
    /// this command exits 2 (the daemon holds the lock). With --as-of and --out: every
    /// report and the overview as they stood at that moment, written into another folder
    /// (the live outbox is never touched; works while the daemon runs).
    Report {
        #[command(flatten)]
        folders: Folders,
        /// Only the files received at or before WHEN, in this server's local time:
        /// `2026-06-30` (the end of that day) or `2026-06-30T14:00`.
        #[arg(long, value_name = "WHEN", value_parser = crate::shell::asof::parse_as_of, requires = "out")]
        as_of: Option<chrono::DateTime<chrono::Local>>,
        /// Folder for the --as-of reports (created if missing; not the outbox).
        #[arg(long, value_name = "DIR", requires = "as_of")]
        out: Option<PathBuf>,
    },
    /// Show the reporting round: who has not filed, whose file was sent back, who is
    /// late (by department), then the counts. Exit 0 only when every leaf is filed and
    /// accepted, 1 otherwise. Reads the ledger only: works while `watch` runs.
    Status {
        #[command(flatten)]
        dirs: Dirs,
        /// Print JSON instead of text, for other tools.
        #[arg(long)]
        json: bool,
    },
    /// Write the blank submission form of every program into <templates>/forms, one
    /// Excel file per program (or sub-program), ready to mail to the staff who fill it.
    Template {
        /// Folder with the pledge definitions (*.toml).
        #[arg(long, default_value = "templates")]
        templates: PathBuf,
        /// Folder the forms are written to [default: <templates>/forms].
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

fn init_logging(quiet: bool, verbose: bool) {
    use tracing_subscriber::EnvFilter;
    let default = if quiet {
        "warn"
    } else if verbose {
        "debug"
    } else {
        "info"
    };
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        // Colour codes only for a person at a terminal, not in journald or a log file.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_target(false)
        .try_init();
}

/// Runs the CLI and returns the process exit code.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    init_logging(cli.quiet, cli.verbose);
    match run(cli.command) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            if let Some(ReportWhileRunning(running)) = e.downcast_ref() {
                eprintln!("gongyak: {}", report_while_running_ko(running));
            } else if let Some(a) = e.downcast_ref::<AlreadyRunning>() {
                eprintln!("gongyak: {}", already_running_ko(a));
            } else if let Some(missing) = e.downcast_ref::<MissingFolder>() {
                eprintln!("gongyak: {missing}");
            } else {
                eprintln!("gongyak: 오류: {e:#}");
            }
            ExitCode::from(2)
        }
    }
}

/// `처리 9건: 접수 4건, 미반영 1건, 중복 1건, 반려 3건` — every outcome counted once,
/// so the parts add up to the whole.
fn summary_line(s: &crate::shell::engine::BatchSummary) -> String {
    use crate::core::model::Outcome;
    format!(
        "처리 {}건: 접수 {}건, 미반영 {}건, 중복 {}건, 반려 {}건",
        s.files.len(),
        s.count(Outcome::Accepted),
        s.count(Outcome::Older),
        s.count(Outcome::Duplicate),
        s.count(Outcome::Rejected),
    )
}

/// The second instance's message: who holds the folder, what to do, and the lock
/// file for whoever has to look.
fn already_running_ko(a: &AlreadyRunning) -> String {
    let holder = a
        .holder
        .trim()
        .trim_start_matches("(process ")
        .trim_end_matches(')');
    let who = if holder.is_empty() {
        "다른 gongyak".to_owned()
    } else {
        format!("다른 gongyak(프로세스 번호 {holder})")
    };
    format!(
        "이미 {who}이 제출 폴더 {}를 처리하고 있습니다. 같은 폴더는 한 프로그램만 처리할 수 \
         있습니다. 먼저 실행 중인 gongyak을 멈춘 뒤 다시 실행해 주십시오. (잠금 파일: {})",
        a.inbox, a.lock
    )
}

/// `check` on a file it cannot open: Korean first, the system's words as detail.
fn unreadable_ko(f: &std::path::Path, e: &std::io::Error) -> String {
    let what = match e.kind() {
        std::io::ErrorKind::NotFound => "파일이 없습니다. 경로와 파일 이름을 확인해 주십시오.",
        std::io::ErrorKind::PermissionDenied => {
            "파일을 열 권한이 없습니다. 파일 권한을 확인해 주십시오."
        }
        _ if f.is_dir() => "파일이 아니라 폴더입니다. 검사할 파일을 지정해 주십시오.",
        _ => "파일을 읽을 수 없습니다. 경로와 권한을 확인해 주십시오.",
    };
    format!("{}: {what} (기술 정보: {e})", f.display())
}

/// `report` while the daemon runs: the lock is held, and the daemon already rewrites
/// the reports after every change, so the operator is told that rather than only
/// "another gongyak is running".
fn report_locked(e: anyhow::Error) -> anyhow::Error {
    match e.downcast::<AlreadyRunning>() {
        Ok(running) => anyhow::Error::new(ReportWhileRunning(running)),
        Err(e) => e,
    }
}

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct ReportWhileRunning(AlreadyRunning);

/// `report` beside the daemon: the daemon keeps the reports current, so there is
/// nothing to do; how to force a rebuild all the same.
fn report_while_running_ko(a: &AlreadyRunning) -> String {
    let holder = a
        .holder
        .trim()
        .trim_start_matches("(process ")
        .trim_end_matches(')');
    let pid = if holder.is_empty() {
        String::new()
    } else {
        format!("프로세스 번호 {holder}, ")
    };
    format!(
        "제출 폴더 {}에서 gongyak watch가 실행 중이어서 보고서를 다시 만들 수 없습니다. 실행 \
         중인 watch가 접수·반려가 있을 때마다 보고서를 자동으로 다시 쓰므로 따로 만들 필요가 \
         없습니다. 그래도 지금 다시 만들려면 watch를 멈춘 뒤(systemctl stop gongyak) gongyak \
         report를 실행해 주십시오. ({pid}잠금 파일: {})",
        a.inbox, a.lock
    )
}

fn run(cmd: Command) -> anyhow::Result<u8> {
    match cmd {
        Command::Run { dirs } => {
            let mut engine = Engine::open(dirs.config())?;
            let summary = engine.run_once()?;
            let rejected = summary.rejected();
            println!("{}", summary_line(&summary));
            Ok(u8::from(rejected > 0))
        }
        Command::Report {
            folders,
            as_of: Some(at),
            out: Some(out),
        } => {
            for p in crate::shell::asof::write_reports_as_of(&folders.config(), at, &out)? {
                println!("{}", p.display());
            }
            Ok(0)
        }
        Command::Report { folders, .. } => {
            let mut engine = Engine::open(folders.config()).map_err(report_locked)?;
            for p in engine.write_reports(None, true)? {
                println!("{}", p.display());
            }
            Ok(0)
        }
        Command::Check { files, templates } => {
            let catalog = Catalog::load(&templates)?;
            let limits = Limits::default();
            let mut any_error = false;
            for f in files {
                // The size is looked at before reading: a huge file is refused unread.
                let read = std::fs::metadata(&f).and_then(|m| {
                    if m.len() > limits.max_file_bytes {
                        Ok(too_large(m.len(), &limits))
                    } else {
                        std::fs::read(&f).map(|bytes| check(&bytes, &catalog, &limits))
                    }
                });
                let c = match read {
                    Ok(c) => c,
                    Err(e) => {
                        eprintln!("{}", unreadable_ko(&f, &e));
                        any_error = true;
                        continue;
                    }
                };
                let verdict = if c.accepted() {
                    "접수 가능"
                } else {
                    "반려"
                };
                println!("{}: {verdict}", f.display());
                for finding in &c.findings {
                    println!("  {finding}");
                }
                any_error |= has_errors(&c.findings) || !c.accepted();
            }
            Ok(u8::from(any_error))
        }
        Command::Status { dirs, json } => {
            let cfg = dirs.config();
            let now = chrono::Local::now();
            let o = crate::shell::status::load(&cfg, now)?;
            if json {
                println!("{}", crate::shell::status::json(&o, now)?);
            } else {
                print!("{}", crate::shell::status::text(&o, now));
            }
            Ok(u8::from(!crate::shell::status::complete(&o)))
        }
        Command::Template { templates, out } => {
            let catalog = Catalog::load(&templates)?;
            let out = out.unwrap_or_else(|| templates.join(crate::xlsx::forms::FORMS_DIR));
            let forms = crate::xlsx::forms::form_files(&catalog)?;
            for p in crate::shell::fsio::write_all(&out, &forms)? {
                println!("{}", p.display());
            }
            Ok(0)
        }
        Command::Watch {
            dirs,
            poll,
            settle_ms,
            rescan,
        } => {
            let opts = crate::shell::watch::WatchOptions {
                poll,
                settle: std::time::Duration::from_millis(settle_ms),
                rescan,
            };
            crate::shell::watch::watch(dirs.config(), opts)?;
            Ok(0)
        }
    }
}
