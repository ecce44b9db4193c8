//! Command line: flags → configuration → the library. Exit codes (SPEC §8):
//! 0 ok, 1 findings/errors in input, 2 usage or environment error.

use crate::core::check::{check, too_large};
use crate::core::definition::Catalog;
use crate::core::finding::has_errors;
use crate::core::read::Limits;
use crate::shell::engine::{AlreadyRunning, Config, Engine};
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

/// Folders shared by the commands that touch the inbox.
#[derive(Args, Debug, Clone)]
pub struct Dirs {
    /// Drop folder where staff put their workbooks.
    #[arg(long, default_value = "inbox")]
    pub inbox: PathBuf,
    /// Folder where the report workbooks are written.
    #[arg(long, default_value = "outbox")]
    pub outbox: PathBuf,
    /// Folder with the pledge definitions (*.toml).
    #[arg(long, default_value = "templates")]
    pub templates: PathBuf,
    /// Folder for the ledger and the lock file [default: <inbox>/.gongyak].
    #[arg(long)]
    pub state: Option<PathBuf>,
    /// Largest file accepted, in megabytes.
    #[arg(long, default_value_t = 20)]
    pub max_file_mb: u64,
}

impl Dirs {
    fn config(&self) -> Config {
        Config {
            inbox: self.inbox.clone(),
            outbox: self.outbox.clone(),
            templates: self.templates.clone(),
            state: self.state.clone(),
            limits: Limits {
                max_file_bytes: self.max_file_mb.saturating_mul(1024 * 1024),
                ..Limits::default()
            },
        }
    }
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Watch the inbox and keep the reports current (the main job). Stops on Ctrl-C.
    Watch {
        #[command(flatten)]
        dirs: Dirs,
        /// Poll every N seconds instead of using file-system events (for network
        /// shares such as SMB/NFS, where events never arrive).
        #[arg(long, value_name = "SECONDS")]
        poll: Option<f64>,
        /// How long a file's size and time must stay unchanged before it is taken.
        #[arg(long, value_name = "MILLISECONDS", default_value_t = 500)]
        settle_ms: u64,
        /// Full rescan of the inbox every N seconds, the safety net for lost events.
        #[arg(long, value_name = "SECONDS", default_value_t = 30.0)]
        rescan: f64,
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
    /// Rebuild the reports from the ledger (nothing in the inbox is touched).
    Report {
        #[command(flatten)]
        dirs: Dirs,
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
            if let Some(a) = e.downcast_ref::<AlreadyRunning>() {
                eprintln!("gongyak: {}", already_running_ko(a));
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

fn run(cmd: Command) -> anyhow::Result<u8> {
    match cmd {
        Command::Run { dirs } => {
            let mut engine = Engine::open(dirs.config())?;
            let summary = engine.run_once()?;
            let rejected = summary.rejected();
            println!("{}", summary_line(&summary));
            Ok(u8::from(rejected > 0))
        }
        Command::Report { dirs } => {
            let mut engine = Engine::open(dirs.config())?;
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
        Command::Template { templates, out } => {
            let catalog = Catalog::load(&templates)?;
            let out = out.unwrap_or_else(|| templates.join(crate::xlsx::forms::FORMS_DIR));
            for p in crate::xlsx::forms::write_forms(&catalog, &out)? {
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
                poll: poll.map(std::time::Duration::from_secs_f64),
                settle: std::time::Duration::from_millis(settle_ms),
                rescan: std::time::Duration::from_secs_f64(rescan.max(0.1)),
            };
            crate::shell::watch::watch(dirs.config(), opts)?;
            Ok(0)
        }
    }
}
