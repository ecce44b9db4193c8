//! `gongyak report --as-of WHEN --out DIR` (SPEC §10): every report rebuilt from the
//! ledger records received at or before WHEN, into a folder of its own — what an audit
//! or a half-year report asks for. The live outbox is never written, and the ledger is
//! only read (no lock), so this works while the daemon runs.

use crate::core::consolidate::{Received, consolidate_all};
use crate::core::definition::{Catalog, Round};
use crate::core::overview::overview_of;
use crate::shell::engine::{Config, report_path};
use crate::shell::fsio::{self, Staged};
use anyhow::{Context, Result, bail};
use chrono::{DateTime, Local, NaiveDate, NaiveDateTime, NaiveTime, TimeZone};
use rayon::prelude::*;
use std::path::{Path, PathBuf};

/// Date-time forms `--as-of` takes besides a date.
const DATE_TIME_FORMATS: [&str; 4] = [
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
];

/// The local wall-clock moment `--as-of` means: a date is the end of that day
/// (`2026-06-30` → 23:59:59.999…), a date-time (`2026-06-30T14:00`) that minute.
/// Dates are read as staff type them (`2026.6.30`, `2026년 6월 30일`, …). Pure: the
/// time zone is applied by [`parse_as_of`].
pub fn as_of_wall_clock(s: &str) -> Option<NaiveDateTime> {
    let s = s.trim();
    if let Some(t) = DATE_TIME_FORMATS
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
    {
        return Some(t);
    }
    if s.contains(':') {
        return None;
    }
    let day = NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .or_else(|| crate::core::normalize::parse_date_text(s))?;
    Some(day.and_time(NaiveTime::from_hms_nano_opt(23, 59, 59, 999_999_999)?))
}

/// clap's value parser for `--as-of`: the moment in the server's local time zone.
///
/// # Errors
/// A Korean sentence saying which forms work (clap exits 2 with it).
pub fn parse_as_of(s: &str) -> std::result::Result<DateTime<Local>, String> {
    let wall = as_of_wall_clock(s).ok_or_else(|| {
        format!(
            "'{s}'{} 날짜나 시각으로 읽을 수 없습니다. 2026-06-30(그날 끝까지) 또는 \
             2026-06-30T14:00 형식으로 입력해 주십시오.",
            crate::core::finding::josa(s, ::josa::EulReul)
        )
    })?;
    // In a daylight-saving overlap the later moment; a skipped hour does not exist.
    Local.from_local_datetime(&wall).latest().ok_or_else(|| {
        format!(
            "{s}{} 이 서버의 시간대에 없는 시각입니다(일광 절약 시간으로 건너뛴 시각). \
             한 시간 뒤의 시각을 입력해 주십시오.",
            crate::core::finding::josa(s, ::josa::EunNeun)
        )
    })
}

/// Every record of the ledger file, read through the versioned reader without the lock
/// and without repairing anything (a last line the daemon is still writing is left
/// out). A missing ledger has no records.
///
/// # Errors
/// The file exists but cannot be read.
pub fn read_ledger(path: &Path) -> Result<Vec<Received>> {
    if !path.exists() {
        return Ok(Vec::new());
    }
    crate::shell::ledger::read_records(path)
}

/// A path made absolute and canonical as far as it exists (the folder may not exist
/// yet: then its parent is canonicalised).
fn canonical(p: &Path) -> PathBuf {
    if let Ok(c) = std::fs::canonicalize(p) {
        return c;
    }
    let abs = std::path::absolute(p).unwrap_or_else(|_| p.to_owned());
    match (abs.parent(), abs.file_name()) {
        (Some(parent), Some(name)) => canonical(parent).join(name),
        _ => abs,
    }
}

/// The records an as-of report is built from: those received at or before `at`.
pub fn records_as_of(records: Vec<Received>, at: DateTime<Local>) -> Vec<Received> {
    records
        .into_iter()
        .filter(|r| r.received_at <= at)
        .collect()
}

/// The reporting round an as-of overview is judged against: the city file's round
/// when it had opened by `at`. `templates/gongyak.toml` names only the current round,
/// and the one that ran at `at` is recorded nowhere; a round that opened after `at`
/// would count every leaf 미제출 (no file received then is in it), although the
/// leaves had filed for their own round. Without it, as without a round in the city
/// file, each leaf's latest accepted submission as of `at` counts and nothing is
/// overdue.
pub fn round_as_of(round: Option<Round>, at: DateTime<Local>) -> Option<Round> {
    round.filter(|r| r.opens <= at.date_naive())
}

/// Writes every pledge's report and the city overview (`공약총괄현황.xlsx`) as they
/// stood at `at` into `out` (created if missing), each marked `기준 시점`. Returns the
/// files written, the overview last.
///
/// The overview is judged at `at`, not at the time of writing: its clock decides how
/// many days a leaf is past the round's due date (`기한 경과 N일`, the 기한 경과
/// count) and, without a round, the year of 목표달성률. An auditor asks how things
/// stood at `at` — a leaf that was three days late then is three days late in the
/// report, not three days plus however long ago `at` was, and a due date still ahead
/// at `at` makes no leaf overdue. With the records received by `at` and `at` as its
/// clock, the overview is the one the daemon would have written at that moment (with
/// today's definitions, and the round as [`round_as_of`] leaves it). A moment still
/// ahead (`--as-of` today means the end of today) is judged now: lateness that has
/// not happened yet is not reported. 기준 시점 shows `at` as typed, as on the pledge
/// reports; the generation time (생성 시각) stays the time of writing.
///
/// # Errors
/// `out` is the live outbox (refused before anything is written), the definitions or
/// the ledger cannot be read, or `out` cannot be written.
pub fn write_reports_as_of(cfg: &Config, at: DateTime<Local>, out: &Path) -> Result<Vec<PathBuf>> {
    if canonical(out) == canonical(&cfg.outbox) {
        bail!(
            "--out 폴더 {}는 현재 보고서가 게시되는 보고서 폴더(--outbox)입니다. 지난 시점의 \
             보고서는 다른 폴더를 지정해 만들어 주십시오(예: --out 감사자료/{}).",
            out.display(),
            at.format("%Y-%m-%d")
        );
    }
    let now = Local::now();
    // The overview's clock: `at`, or now when `at` is still ahead.
    let judged_at = at.min(now);
    let mut catalog = Catalog::load(&cfg.templates)?;
    catalog.city.round = round_as_of(catalog.city.round.take(), judged_at);
    let records = records_as_of(read_ledger(&cfg.state_dir().join("ledger.jsonl"))?, at);
    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    let reports = consolidate_all(&catalog.pledges, &records, |_| true);
    // Rendered on every core like the live reports, the city overview (SPEC §9) from
    // the same records and reports beside them; written to temp files, synced
    // together, then put in place.
    let render_pledges = || -> Result<Vec<Staged>> {
        reports
            .par_iter()
            .map(|(pledge, report)| {
                let bytes = crate::xlsx::render::render_report_as_of(report, now, Some(at))?;
                fsio::stage(&report_path(out, &pledge.id), &bytes)
            })
            .collect()
    };
    let render_overview = || -> Result<Staged> {
        let overview = overview_of(&catalog, &reports, &records, judged_at);
        let bytes = crate::xlsx::overview::render_overview_as_of(&overview, now, Some(at))?;
        fsio::stage(&out.join(crate::xlsx::overview::FILE_NAME), &bytes)
    };
    let (pledges, overview) = rayon::join(render_pledges, render_overview);
    let mut staged = pledges?;
    staged.push(overview?);
    fsio::sync_staged(&staged)?;
    staged
        .into_iter()
        .map(|s| {
            let path = s.path().to_owned();
            s.persist().map(|()| path)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wall(s: &str) -> String {
        as_of_wall_clock(s)
            .map(|t| t.format("%Y-%m-%d %H:%M:%S%.3f").to_string())
            .unwrap_or_else(|| "none".into())
    }

    #[test]
    fn a_date_is_the_end_of_that_day_and_a_date_time_its_minute() {
        assert_eq!(wall("2026-06-30"), "2026-06-30 23:59:59.999");
        assert_eq!(wall("2026년 6월 30일"), "2026-06-30 23:59:59.999");
        assert_eq!(wall("2026.06.30"), "2026-06-30 23:59:59.999");
        assert_eq!(wall("2026-06-30T14:00"), "2026-06-30 14:00:00.000");
        assert_eq!(wall("2026-06-30 14:00:30"), "2026-06-30 14:00:30.000");
        assert_eq!(wall("2026-06-30T25:00"), "none");
        assert_eq!(wall("어제"), "none");
        assert_eq!(wall("2026-13-01"), "none");
    }

    #[test]
    fn a_round_counts_from_its_opening_day_on() {
        let round = Round {
            name: "2026년 3분기".into(),
            opens: NaiveDate::from_ymd_opt(2026, 7, 1).unwrap(),
            due: NaiveDate::from_ymd_opt(2026, 7, 10).unwrap(),
        };
        let at = |s: &str| parse_as_of(s).unwrap();
        assert_eq!(round_as_of(Some(round.clone()), at("2026-06-30")), None);
        assert_eq!(
            round_as_of(Some(round.clone()), at("2026-07-01T00:00")),
            Some(round.clone())
        );
        assert_eq!(
            round_as_of(Some(round.clone()), at("2027-01-01")),
            Some(round)
        );
        assert_eq!(round_as_of(None, at("2027-01-01")), None);
    }

    #[test]
    fn the_outbox_is_refused_by_its_canonical_path() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("outbox")).unwrap();
        std::fs::create_dir_all(dir.path().join("inbox")).unwrap();
        let cfg = Config::new(
            dir.path().join("inbox"),
            dir.path().join("outbox"),
            dir.path().join("templates"),
        );
        let sneaky = dir.path().join("inbox/../outbox/.");
        let err = write_reports_as_of(&cfg, Local::now(), &sneaky).unwrap_err();
        assert!(err.to_string().contains("--outbox"), "{err}");
        assert_ne!(
            canonical(&dir.path().join("new/sub")),
            canonical(&dir.path().join("outbox"))
        );
    }
}
