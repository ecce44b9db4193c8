//! `gongyak status` (SPEC §9): the reporting round in the terminal — who has not
//! filed, whose file was sent back, who is late — for a person or a cron job that
//! mails it to the 총괄 officer. Read-only: it reads the ledger without the daemon's
//! lock, so it works while `watch` runs.

use crate::core::definition::Catalog;
use crate::core::overview::{Overview, open_by_department, overview};
use crate::shell::engine::Config;
use anyhow::Result;
use chrono::{DateTime, Local};
use serde::Serialize;
use std::fmt::Write as _;

/// What `status --json` prints.
#[derive(Serialize)]
struct Json<'a> {
    city: Option<&'a str>,
    round: Option<&'a crate::core::definition::Round>,
    as_of: String,
    counts: &'a crate::core::overview::Counts,
    /// The leaves not filed, rejected or overdue, grouped by department.
    open: Vec<&'a crate::core::overview::LeafRow>,
    complete: bool,
}

/// Computes the overview from the definitions and the ledger as they are now.
///
/// # Errors
/// The definitions are invalid or the ledger cannot be read.
pub fn load(cfg: &Config, now: DateTime<Local>) -> Result<Overview> {
    let catalog = Catalog::load(&cfg.templates)?;
    // No ledger yet: nothing received, every leaf 미제출.
    let path = cfg.state_dir().join("ledger.jsonl");
    let records = if path.exists() {
        crate::shell::ledger::read_records(&path)?
    } else {
        Vec::new()
    };
    Ok(overview(&catalog, &records, now))
}

/// Every leaf filed and accepted for the round.
pub fn complete(o: &Overview) -> bool {
    o.counts.filed == o.counts.leaves
}

/// The terminal text: the round, one line per open leaf by department, the counts.
pub fn text(o: &Overview, now: DateTime<Local>) -> String {
    let mut s = String::new();
    let city = o.city.as_deref().map_or(String::new(), |c| format!("{c} "));
    match &o.round {
        Some(r) => {
            let _ = writeln!(
                s,
                "{city}{}: 제출 기간 {} ~ {} (기준 {})",
                r.name,
                r.opens,
                r.due,
                now.format("%Y-%m-%d %H:%M")
            );
        }
        None => {
            let _ = writeln!(
                s,
                "{city}보고 회차가 정해져 있지 않아 사업마다 최신 제출을 봅니다 (기준 {}).",
                now.format("%Y-%m-%d %H:%M")
            );
        }
    }
    for (department, leaves) in open_by_department(o) {
        let _ = writeln!(s, "\n[{department}]");
        for l in leaves {
            let number = l
                .number
                .as_deref()
                .map_or(String::new(), |n| format!("{n} "));
            let mut who = String::new();
            if !l.person.is_empty() || !l.phone.is_empty() {
                who = format!(" — 담당 {} {}", l.person, l.phone)
                    .trim_end()
                    .to_owned();
            }
            let _ = writeln!(
                s,
                "  {}: {number}{} > {}{who}",
                l.state.label(),
                l.title,
                l.leaf.label()
            );
            if let crate::core::overview::LeafState::Rejected { reason, .. } = &l.state
                && !reason.is_empty()
            {
                let _ = writeln!(s, "      사유: {reason}");
            }
        }
    }
    let c = &o.counts;
    let _ = writeln!(
        s,
        "\n공약 {}개, 사업 {}개: 제출 {}, 미제출 {}, 반려 {}, 기한 경과 {}",
        c.pledges, c.leaves, c.filed, c.missing, c.rejected, c.overdue
    );
    if complete(o) {
        let _ = writeln!(s, "모든 사업이 제출되어 접수되었습니다.");
    }
    s
}

/// The same as [`text`], as JSON for other tools.
///
/// # Errors
/// Serialisation cannot fail on this data; the error type is serde_json's.
pub fn json(o: &Overview, now: DateTime<Local>) -> Result<String> {
    let open = open_by_department(o).into_values().flatten().collect();
    Ok(serde_json::to_string_pretty(&Json {
        city: o.city.as_deref(),
        round: o.round.as_ref(),
        as_of: now.to_rfc3339(),
        counts: &o.counts,
        open,
        complete: complete(o),
    })?)
}
