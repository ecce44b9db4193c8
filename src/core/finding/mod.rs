//! Findings: what is wrong (or worth knowing) about one submission.
//!
//! A finding is data, not an error type: a bad file produces findings and the run goes
//! on. Codes are stable (SPEC §5) because staff and scripts quote them.

use serde::{Deserialize, Serialize};
use std::fmt;

mod kind;
mod messages;

pub use kind::{Kind, QuarterEnd, SumLine};

/// The particle that reads right after `word` in a message to staff: 받침 decides
/// 이/가, 을/를, 은/는, 과/와, and a trailing number is read aloud (`2026-11-24` → 사 →
/// 가). For words that end in Latin letters or symbols it gives the written-out
/// "이(가)" form, which is always correct.
pub fn josa(word: &str, j: ::josa::Josa) -> &'static str {
    let last = word.trim_end().chars().last().map(|c| match c {
        '0' => '영',
        '1' => '일',
        '2' => '이',
        '3' => '삼',
        '4' => '사',
        '5' => '오',
        '6' => '육',
        '7' => '칠',
        '8' => '팔',
        '9' => '구',
        c => c,
    });
    last.and_then(|c| ::josa::select(&c.to_string(), j).ok())
        .unwrap_or(match j {
            ::josa::EunNeun => "은(는)",
            ::josa::IGa => "이(가)",
            ::josa::EulReul => "을(를)",
            ::josa::GwaWa => "과(와)",
            ::josa::Josa::I => "(이)",
            ::josa::Josa::Eu => "(으)",
        })
}

/// How a finding affects the file: errors reject it, warnings and infos do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    /// Korean label shown to staff.
    pub fn label(self) -> &'static str {
        match self {
            Severity::Error => "오류",
            Severity::Warning => "경고",
            Severity::Info => "안내",
        }
    }
}

macro_rules! codes {
    ($( $variant:ident => $text:literal, $sev:ident; )*) => {
        /// Stable finding codes (SPEC §5, plus a few the spec leaves to us).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        pub enum Code {
            $( #[serde(rename = $text)] $variant, )*
        }

        impl Code {
            /// Every code, in table order (for documentation and tests).
            pub const ALL: &'static [Code] = &[$(Code::$variant),*];

            /// The code as staff see it, e.g. `E-ROWSUM`.
            pub fn as_str(self) -> &'static str {
                match self { $( Code::$variant => $text, )* }
            }

            /// The severity is fixed by the code, so the same code never means two things.
            pub fn severity(self) -> Severity {
                match self { $( Code::$variant => Severity::$sev, )* }
            }
        }
    };
}

codes! {
    Read => "E-READ", Error;
    Sheet => "E-SHEET", Error;
    Pledge => "E-PLEDGE", Error;
    Program => "E-PROGRAM", Error;
    Number => "E-NUMBER", Error;
    Negative => "E-NEGATIVE", Error;
    Formula => "E-FORMULA", Error;
    RowSum => "E-ROWSUM", Error;
    ColSum => "E-COLSUM", Error;
    Year => "E-YEAR", Error;
    Unit => "E-UNIT", Error;
    Date => "E-DATE", Error;
    Quarter => "E-QUARTER", Error;
    Rounding => "W-ROUNDING", Warning;
    UnitAssumed => "W-UNIT", Warning;
    Fraction => "W-FRACTION", Warning;
    Budget => "W-BUDGET", Warning;
    Contact => "W-CONTACT", Warning;
    Indicator => "W-INDICATOR", Warning;
    Superseded => "W-SUPERSEDED", Info;
    Duplicate => "W-DUPLICATE", Info;
    // A file accepted but not used: a later 기준일 of its leaf is already current (미반영).
    Older => "W-OLDER", Info;
    // §10: a plan changed without 변경사유 (E- when the city requires a reason).
    ReasonRequired => "E-REASON", Error;
    ReasonMissing => "W-REASON", Warning;
    // §11: the quarterly 추진실적 sheet.
    Status => "E-STATUS", Error;
    Rate => "E-RATE", Error;
    UnknownIndicator => "E-INDICATOR", Error;
    Overspend => "W-OVERSPEND", Warning;
    Oversecure => "W-OVERSECURE", Warning;
    StatusRate => "W-STATUS-RATE", Warning;
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A zero-based cell position, shown as an A1 reference.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct CellRef {
    pub row: u32,
    pub col: u32,
}

impl CellRef {
    pub fn new(row: u32, col: u32) -> Self {
        Self { row, col }
    }
}

/// Column letters for a zero-based column index (0 → A, 26 → AA).
pub fn column_name(col: u32) -> String {
    let mut n = col + 1;
    let mut out = Vec::new();
    while n > 0 {
        let rem = ((n - 1) % 26) as u8;
        out.push(b'A' + rem);
        n = (n - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

impl fmt::Display for CellRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", column_name(self.col), self.row + 1)
    }
}

/// Where a finding points: a sheet, and a cell when there is one.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Place {
    pub sheet: String,
    pub cell: Option<CellRef>,
}

impl Place {
    pub fn cell(sheet: &str, cell: CellRef) -> Self {
        Self {
            sheet: sheet.to_owned(),
            cell: Some(cell),
        }
    }
    pub fn sheet(sheet: &str) -> Self {
        Self {
            sheet: sheet.to_owned(),
            cell: None,
        }
    }
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.cell {
            Some(c) => write!(f, "{}!{}", self.sheet, c),
            None => f.write_str(&self.sheet),
        }
    }
}

/// The place shown for a finding about the whole file (never `-`).
pub const WHOLE_FILE: &str = "파일 전체";

/// One thing wrong with (or worth knowing about) a submission.
///
/// `kind` carries the rule and its data (what tests assert on); `code` and `message`
/// are derived from it once, and are what the ledger keeps for audit: an old ledger
/// line has no kind, only its code and the words staff were shown then.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub code: Code,
    pub place: Option<Place>,
    /// Korean, for the person who has to fix the file.
    pub message: String,
    #[serde(skip)]
    pub kind: Option<Kind>,
}

impl Finding {
    /// The one way new findings are made: code and Korean words come from the kind
    /// (`messages.rs` holds every sentence).
    pub fn of(kind: Kind, place: Option<Place>) -> Self {
        Self {
            code: kind.code(),
            place,
            message: kind.message_ko(),
            kind: Some(kind),
        }
    }

    /// A finding at one cell of a sheet.
    pub fn at(kind: Kind, sheet: &str, cell: CellRef) -> Self {
        Self::of(kind, Some(Place::cell(sheet, cell)))
    }

    /// Every cell the finding is about, its place first: a finding that lists several
    /// cells (stale or missing formula results) marks each of them in the review copy.
    pub fn cells(&self) -> Vec<CellRef> {
        let listed: &[CellRef] = match &self.kind {
            Some(Kind::StaleFormulas { cells, .. } | Kind::FormulasWithoutValues { cells, .. }) => {
                cells
            }
            _ => &[],
        };
        let mut out: Vec<CellRef> = self.place.iter().filter_map(|p| p.cell).collect();
        for c in listed {
            if !out.contains(c) {
                out.push(*c);
            }
        }
        out
    }

    /// Free text with a code: only for the intake outcomes (W-SUPERSEDED,
    /// W-DUPLICATE) that the engine still words itself until they become kinds.
    pub fn new(code: Code, place: Option<Place>, message: impl Into<String>) -> Self {
        Self {
            code,
            place,
            message: message.into(),
            kind: None,
        }
    }

    pub fn severity(&self) -> Severity {
        self.code.severity()
    }

    pub fn is_error(&self) -> bool {
        self.severity() == Severity::Error
    }

    /// `시트!셀`, or `파일 전체` when the finding is about the whole file.
    pub fn place_text(&self) -> String {
        self.place
            .as_ref()
            .map_or_else(|| WHOLE_FILE.to_owned(), ToString::to_string)
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "[{}] {} {}: {}",
            self.severity().label(),
            self.code,
            self.place_text(),
            self.message
        )
    }
}

/// True when any finding rejects the file.
pub fn has_errors(findings: &[Finding]) -> bool {
    findings.iter().any(Finding::is_error)
}

/// One message for many missing formula results (MESSAGES.md: "twelve identical
/// formula errors are one message listing the cells"): the
/// [`Kind::FormulaWithoutValue`] findings of each sheet, when there are several,
/// become one [`Kind::FormulasWithoutValues`] where the first of them stood.
pub fn collapse_missing_results(findings: Vec<Finding>) -> Vec<Finding> {
    let missing = |f: &Finding| -> Option<(String, CellRef, String)> {
        match (&f.kind, &f.place) {
            (Some(Kind::FormulaWithoutValue { formula }), Some(p)) => {
                Some((p.sheet.clone(), p.cell?, formula.clone()))
            }
            _ => None,
        }
    };
    let mut by_sheet: Vec<(String, Vec<CellRef>, String)> = Vec::new();
    for (sheet, cell, formula) in findings.iter().filter_map(missing) {
        match by_sheet.iter_mut().find(|(s, _, _)| *s == sheet) {
            Some((_, cells, _)) => cells.push(cell),
            None => by_sheet.push((sheet, vec![cell], formula)),
        }
    }
    if by_sheet.iter().all(|(_, cells, _)| cells.len() < 2) {
        return findings;
    }
    let mut out = Vec::with_capacity(findings.len());
    for f in findings {
        let Some((sheet, cell, _)) = missing(&f) else {
            out.push(f);
            continue;
        };
        let Some((_, cells, formula)) = by_sheet.iter().find(|(s, _, _)| *s == sheet) else {
            continue;
        };
        match cells.as_slice() {
            [_] => out.push(f),
            [first, ..] if *first == cell => out.push(Finding::at(
                Kind::FormulasWithoutValues {
                    sheet: sheet.clone(),
                    cells: cells.clone(),
                    formula: formula.clone(),
                },
                &sheet,
                cell,
            )),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn missing(sheet: &str, row: u32, col: u32) -> Finding {
        Finding::at(
            Kind::FormulaWithoutValue {
                formula: format!("SUM(R{row}C{col})"),
            },
            sheet,
            CellRef::new(row, col),
        )
    }

    #[test]
    fn missing_results_collapse_per_sheet_only_when_several() {
        let other = Finding::at(
            Kind::ErrorValue {
                value: "#REF!".into(),
            },
            "투자계획",
            CellRef::new(9, 9),
        );
        // One per sheet: left as they are.
        let single = vec![
            missing("투자계획", 3, 1),
            other.clone(),
            missing("추진실적", 5, 2),
        ];
        assert_eq!(collapse_missing_results(single.clone()), single);
        // Three on one sheet, one on another: the three become one where the first was.
        let out = collapse_missing_results(vec![
            missing("투자계획", 3, 1),
            other.clone(),
            missing("투자계획", 3, 2),
            missing("추진실적", 5, 2),
            missing("투자계획", 4, 1),
        ]);
        assert_eq!(out.len(), 3, "{out:#?}");
        let Some(Kind::FormulasWithoutValues {
            sheet,
            cells,
            formula,
        }) = &out[0].kind
        else {
            panic!("{out:#?}");
        };
        assert_eq!(sheet, "투자계획");
        assert_eq!(
            cells,
            &[CellRef::new(3, 1), CellRef::new(3, 2), CellRef::new(4, 1)]
        );
        assert_eq!(formula, "SUM(R3C1)");
        assert_eq!(out[0].cells(), cells.clone());
        assert_eq!(out[1], other);
        assert_eq!(out[2], missing("추진실적", 5, 2));
    }

    #[test]
    fn josa_follows_the_last_syllable_or_number() {
        use super::josa;
        use ::josa::{EulReul, EunNeun, GwaWa, IGa};
        assert_eq!(josa("제출부서", IGa), "가");
        assert_eq!(josa("담당자 연락처", IGa), "가");
        assert_eq!(josa("기준일", EulReul), "을");
        assert_eq!(josa("2026-11-24", IGa), "가"); // 사
        assert_eq!(josa("1,000", EunNeun), "은"); // 영
        assert_eq!(josa("300백만원", GwaWa), "과");
        assert_eq!(josa("스마트시티 사업", EunNeun), "은");
        assert_eq!(josa("R&D", EunNeun), "은(는)");
        assert_eq!(josa("", EulReul), "을(를)");
    }

    #[test]
    fn column_names_follow_excel() {
        assert_eq!(column_name(0), "A");
        assert_eq!(column_name(25), "Z");
        assert_eq!(column_name(26), "AA");
        assert_eq!(column_name(16383), "XFD");
    }

    #[test]
    fn place_is_sheet_bang_cell() {
        let p = Place::cell("투자계획", CellRef::new(6, 3));
        assert_eq!(p.to_string(), "투자계획!D7");
    }

    #[test]
    fn codes_serialize_as_their_text() {
        let json = serde_json::to_string(&Code::RowSum).unwrap();
        assert_eq!(json, "\"E-ROWSUM\"");
        for code in Code::ALL {
            let back: Code = serde_json::from_str(&format!("\"{code}\"")).unwrap();
            assert_eq!(back, *code);
            assert_eq!(
                code.as_str().starts_with('E'),
                code.severity() == Severity::Error
            );
        }
    }
}
