//! What staff really type (SPEC §4): labels, amounts, units, dates and quarters.
//!
//! Pure functions over strings, so the parser and the definition loader compare and
//! convert values the same way.

use chrono::NaiveDate;
use regex::Regex;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::str::FromStr;
use std::sync::LazyLock;
use unicode_normalization::UnicodeNormalization;

/// NFKC (which also folds full-width forms) with all white space removed, so that
/// `국 비`, `국비` and `국비` compare equal. Synonyms are not applied here.
pub fn compact(s: &str) -> String {
    nfkc(s).chars().filter(|c| !c.is_whitespace()).collect()
}

/// NFKC (full-width digits and punctuation folded); plain text is borrowed as is.
fn nfkc(s: &str) -> Cow<'_, str> {
    if is_plain(s) {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(s.nfkc().collect())
    }
}

/// NFC, for names shown back to people (a Mac sends NFD file names and text).
pub fn nfc(s: &str) -> String {
    if is_plain(s) {
        s.to_owned()
    } else {
        s.nfc().collect()
    }
}

/// True when `s` is only ASCII and precomposed Hangul syllables, which NFC and NFKC
/// leave as they are. Nearly every label and name is; skipping the normaliser for
/// them halves the cost of parsing a workbook (issue 7).
fn is_plain(s: &str) -> bool {
    s.chars()
        .all(|c| c.is_ascii() || ('\u{AC00}'..='\u{D7A3}').contains(&c))
}

/// The canonical labels of the plan's tables, which [`label_key`] folds synonyms into
/// (합계 → 계, 총사업비 → 총계, 기집행 → 기투자 …). Parsers compare with these rather
/// than with string literals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Label {
    /// 계: the sum row.
    Sum,
    /// 총계: the total column.
    Total,
    /// 기투자: before the term.
    Before,
    /// 임기후: after the term.
    After,
    /// 구분: the header of a table's label column.
    Heading,
}

impl Label {
    const ALL: [Label; 5] = [
        Label::Sum,
        Label::Total,
        Label::Before,
        Label::After,
        Label::Heading,
    ];

    /// The canonical text, which [`label_key`] returns for the label and its synonyms.
    pub fn key(self) -> &'static str {
        match self {
            Label::Sum => "계",
            Label::Total => "총계",
            Label::Before => "기투자",
            Label::After => "임기후",
            Label::Heading => "구분",
        }
    }

    /// The label a [`label_key`] result is, if it is one of these.
    pub fn of(key: &str) -> Option<Label> {
        Label::ALL.into_iter().find(|l| l.key() == key)
    }

    /// Whether a [`label_key`] result is this label.
    pub fn is(self, key: &str) -> bool {
        self.key() == key
    }
}

/// A label after compaction and synonym folding: the key tables are matched by.
pub fn label_key(s: &str) -> String {
    let c = compact(s);
    // Parenthesised notes such as "구분(단위:백만원)" do not change what a header is.
    let base = match c.find('(') {
        Some(i) if i > 0 => c[..i].to_owned(),
        _ => c,
    };
    match base.as_str() {
        "계" | "합계" | "소계" | "합" => Label::Sum.key().to_owned(),
        "총계" | "총사업비" | "총액" | "사업비계" => Label::Total.key().to_owned(),
        "기투자" | "기투자액" | "기투자분" | "기집행" => {
            Label::Before.key().to_owned()
        }
        "임기후" | "임기이후" | "임기후투자" | "향후" => {
            Label::After.key().to_owned()
        }
        "구분" | "항목" => Label::Heading.key().to_owned(),
        _ => match year_of_compact(&base) {
            Some(y) => format!("{y}년"),
            None => base,
        },
    }
}

/// A year header: `2022`, `2022년`, `2022년도`, `'22년`, `22년` → 2022.
///
/// By hand rather than by a regex: every header and label cell of every table comes
/// through here, and the pattern is a quote, two or four digits and `년`/`년도`.
pub fn parse_year_label(s: &str) -> Option<i32> {
    year_of_compact(&compact(s))
}

/// [`parse_year_label`] of text already compacted (as [`label_key`] has it).
fn year_of_compact(c: &str) -> Option<i32> {
    let body = c.strip_prefix(['\'', '‘', '’', '`']);
    let quoted = body.is_some();
    let body = body.unwrap_or(c);
    let digits = body.bytes().take_while(u8::is_ascii_digit).count();
    let (number, rest) = body.split_at(digits);
    let marked = match rest {
        "" => false,
        "년" | "년도" => true,
        _ => return None,
    };
    let n: i32 = number.parse().ok()?;
    match digits {
        // Two digits alone are too easily a plain number; require 년 or an apostrophe.
        2 => (marked || quoted).then_some(2000 + n),
        4 => (1900..=2199).contains(&n).then_some(n),
        _ => None,
    }
}

/// The unit an amount table is written in (SPEC §4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub enum Unit {
    #[serde(rename = "원")]
    Won,
    #[serde(rename = "천원")]
    Thousand,
    #[default]
    #[serde(rename = "백만원")]
    Million,
    #[serde(rename = "억원")]
    HundredMillion,
}

impl Unit {
    pub fn label(self) -> &'static str {
        match self {
            Unit::Won => "원",
            Unit::Thousand => "천원",
            Unit::Million => "백만원",
            Unit::HundredMillion => "억원",
        }
    }

    /// Converts an amount in this unit to 백만원, exactly.
    pub fn to_million(self, v: Decimal) -> Decimal {
        match self {
            Unit::Won => v / Decimal::from(1_000_000),
            Unit::Thousand => v / Decimal::from(1_000),
            Unit::Million => v,
            Unit::HundredMillion => v * Decimal::from(100),
        }
    }
}

/// What a `(단위 : …)` note says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UnitNote {
    /// Not a unit note at all.
    None,
    Known(Unit),
    /// A unit note naming a unit we cannot convert (e.g. 달러).
    Unknown(String),
}

/// Reads a unit note such as `(단위 : 백만원)`, `단위: 천원`, `[단위:억원]`.
pub fn parse_unit_note(s: &str) -> UnitNote {
    let c = compact(s);
    let Some(pos) = c.find("단위") else {
        return UnitNote::None;
    };
    let rest = c[pos + "단위".len()..].trim_start_matches([':', '：', '=']);
    let rest: String = rest
        .chars()
        .take_while(|ch| !matches!(ch, ')' | ']' | ',' | ';' | '/'))
        .collect();
    // Longest names first: 백만원 contains 만원 and 원.
    for (name, unit) in [
        ("백만원", Unit::Million),
        ("천원", Unit::Thousand),
        ("억원", Unit::HundredMillion),
        ("원", Unit::Won),
    ] {
        if rest.starts_with(name) {
            return UnitNote::Known(unit);
        }
    }
    UnitNote::Unknown(rest)
}

/// Why a text is not an amount.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotANumber;

/// Parses an amount typed as text: `1,000`, `１，０００`, `-`/`–`/`－`/empty = 0,
/// `△500`/`▲500`/`(500)`/`-500` = −500, ` 1000 `. Anything else is not a number.
pub fn parse_amount_text(s: &str) -> Result<Decimal, NotANumber> {
    let c = compact(s);
    if c.is_empty() || matches!(c.as_str(), "-" | "–" | "—" | "―" | "‐" | "−") {
        return Ok(Decimal::ZERO);
    }
    let (negative, body) = if let Some(rest) = c.strip_prefix(['△', '▲', '-', '−']) {
        (true, rest)
    } else if let Some(inner) = c.strip_prefix('(').and_then(|r| r.strip_suffix(')')) {
        (true, inner)
    } else {
        (false, c.as_str())
    };
    let body = body.strip_prefix('+').unwrap_or(body);
    if body.is_empty() || !body.starts_with(|ch: char| ch.is_ascii_digit()) {
        return Err(NotANumber);
    }
    if !valid_grouping(body) {
        return Err(NotANumber);
    }
    let digits: String = body.chars().filter(|&ch| ch != ',').collect();
    if !digits.chars().all(|ch| ch.is_ascii_digit() || ch == '.') {
        return Err(NotANumber);
    }
    let v = Decimal::from_str(&digits).map_err(|_| NotANumber)?;
    Ok(if negative { -v } else { v })
}

/// Thousands separators, if any, must group the integer part by three: `1,000` yes,
/// `1,00` no (more likely a decimal comma typo, which we must not guess about).
fn valid_grouping(body: &str) -> bool {
    let int_part = body.split('.').next().unwrap_or("");
    if !int_part.contains(',') {
        return !body.contains(',');
    }
    let mut groups = int_part.split(',');
    let first = groups.next().unwrap_or("");
    (1..=3).contains(&first.len()) && groups.all(|g| g.len() == 3)
}

/// Converts a cell's f64 to the decimal Excel shows (158.6 stays 158.6), or None for
/// values no decimal can hold (NaN, infinities, 1e300).
pub fn decimal_from_f64(v: f64) -> Option<Decimal> {
    // Nearly every amount is a whole number: exact as an integer, and the general
    // conversion (through the float's binary digits) is the costlier path.
    if v.fract() == 0.0 && v.abs() < 9_007_199_254_740_992.0 {
        return Some(Decimal::from(v as i64));
    }
    Decimal::try_from(v).ok().map(|d| d.normalize())
}

static DATE_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(\d{4})\s*[-./년]\s*(\d{1,2})\s*[-./월]\s*(\d{1,2})\s*[.일]?$")
        .expect("static regex")
});

/// A date typed as text: `2026-11-24`, `2026.11.24`, `2026. 11. 24.`, `2026/11/24`,
/// `2026년 11월 24일`, `20261124`.
pub fn parse_date_text(s: &str) -> Option<NaiveDate> {
    let t: String = nfkc(s).trim().to_owned();
    // An ISO date-time ("2026-11-24T00:00:00") counts by its date.
    let t = t
        .split(['T', ' '])
        .next()
        .filter(|d| d.len() >= 8 && !t.contains('.') && !t.contains('년'))
        .map_or(t.clone(), str::to_owned);
    if t.len() == 8 && t.chars().all(|c| c.is_ascii_digit()) {
        return NaiveDate::parse_from_str(&t, "%Y%m%d").ok();
    }
    let caps = DATE_RE.captures(&t)?;
    let y = caps.get(1)?.as_str().parse().ok()?;
    let m = caps.get(2)?.as_str().parse().ok()?;
    let d = caps.get(3)?.as_str().parse().ok()?;
    NaiveDate::from_ymd_opt(y, m, d)
}

/// An Excel serial day number → date, in the workbook's date system (1900, or 1904 as
/// Macs set it); only plausible office dates. Converted by calamine, which knows
/// both systems and the 1900 leap-year quirk.
pub fn date_from_serial(serial: f64, date_1904: bool) -> Option<NaiveDate> {
    if !(1.0..2_958_466.0).contains(&serial) {
        return None;
    }
    let dt = calamine::ExcelDateTime::new(
        serial.trunc(),
        calamine::ExcelDateTimeType::DateTime,
        date_1904,
    );
    dt.as_datetime().map(|d| d.date())
}

/// A quarter of a year, e.g. 2022 Q1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Quarter {
    pub year: i32,
    /// 1..=4
    pub q: u8,
}

impl Quarter {
    pub fn new(year: i32, q: u8) -> Option<Self> {
        (1..=4).contains(&q).then_some(Self { year, q })
    }

    /// Quarter index counted from year 0, for ranges and Gantt columns.
    pub fn ordinal(self) -> i64 {
        i64::from(self.year) * 4 + i64::from(self.q) - 1
    }

    pub fn of_date(d: NaiveDate) -> Self {
        use chrono::Datelike;
        Self {
            year: d.year(),
            q: ((d.month0() / 3) + 1) as u8,
        }
    }
}

impl std::fmt::Display for Quarter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}-Q{}", self.year, self.q)
    }
}

static QUARTER_RES: LazyLock<[Regex; 4]> = LazyLock::new(|| {
    // The year may be followed by `년`, `년도` or a separator: `2022년`, `'23.`, `23년`.
    [
        // 2022-Q1, 2022Q1, 2022.Q1, 22-Q1, 2022년 Q1
        Regex::new(r"^(\d{2}|\d{4})(?:년도?|[-./])?Q([1-4])$"),
        // 2022년1분기, 2022년 1/4분기, '23. 3/4분기, 23년 1분기, 2022.1분기
        Regex::new(r"^(\d{2}|\d{4})(?:년도?|[-./])?([1-4])(?:/4)?분기$"),
        // 22.1Q, 2022.1Q, 22년 1Q
        Regex::new(r"^(\d{2}|\d{4})(?:년도?|[-./])([1-4])Q$"),
        // 2022.1/4, 2022-1/4, '23.1/4, 23년 1/4
        Regex::new(r"^(\d{2}|\d{4})(?:년도?|[-./])([1-4])/4$"),
    ]
    .map(|r| r.expect("static regex"))
});

/// A quarter as staff write it: `2022-Q1`, `2022년 1분기`, `2022년 1/4분기`, `22.1Q`,
/// `2022.1/4`, and a short year with an apostrophe as Korean government documents
/// write it (`'23. 3/4분기`, `'23년 1분기`, `23년 1/4분기`).
pub fn parse_quarter(s: &str) -> Option<Quarter> {
    let c = compact(s).to_uppercase();
    // `'23`, `‘23`, `’23` (a word processor's curly apostrophe), `` `23 ``.
    let c = c.trim_start_matches(['\'', '\u{2018}', '\u{2019}', '`', '\u{B4}']);
    for re in QUARTER_RES.iter() {
        if let Some(caps) = re.captures(c) {
            let ys = caps.get(1)?.as_str();
            let mut year: i32 = ys.parse().ok()?;
            if ys.len() == 2 {
                year += 2000;
            }
            let q: u8 = caps.get(2)?.as_str().parse().ok()?;
            return Quarter::new(year, q);
        }
    }
    None
}

/// True for texts that mean "target not fixed yet" rather than a value
/// (`미정`, `*매년 시행계획 수립 후 성과목표 확정`, `추후 확정`, `-`).
pub fn is_to_be_fixed(s: &str) -> bool {
    let c = compact(s);
    c.is_empty()
        || matches!(
            c.as_str(),
            "미정" | "-" | "추후확정" | "확정예정" | "협의중"
        )
        || c.starts_with('*')
        || c.starts_with('※')
        || c.ends_with("확정")
}

/// Similarity in 0..=1 between two names after compaction: what "closest known" means.
pub fn similarity(a: &str, b: &str) -> f64 {
    strsim::normalized_levenshtein(&compact(a), &compact(b))
}

/// Whether a decimal is a whole number.
pub fn is_whole(d: Decimal) -> bool {
    d.fract().is_zero()
}

#[cfg(test)]
mod tests {
    use super::*;
    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn the_fast_path_agrees_with_the_normaliser() {
        // Decomposed Hangul (a Mac), full-width forms, a syllable followed by a
        // conjoining final consonant, and plain text.
        for s in [
            "\u{1100}\u{1161}\u{11A8} 비",
            "국비１，０００",
            "가\u{11A8}",
            "국 비",
            "2022년",
            "ABC abc",
        ] {
            let full: String = s.nfkc().filter(|c| !c.is_whitespace()).collect();
            assert_eq!(compact(s), full, "{s:?}");
            assert_eq!(nfc(s), s.nfc().collect::<String>(), "{s:?}");
        }
    }

    #[test]
    fn synonyms_fold_to_the_canonical_labels() {
        for (typed, label) in [
            ("합 계", Label::Sum),
            ("총사업비", Label::Total),
            ("기집행", Label::Before),
            ("임기 이후", Label::After),
            ("항목", Label::Heading),
        ] {
            assert_eq!(Label::of(&label_key(typed)), Some(label), "{typed}");
            assert!(label.is(&label_key(typed)));
        }
        assert_eq!(Label::of(&label_key("국비")), None);
    }

    #[test]
    fn labels_fold_spaces_width_and_synonyms() {
        assert_eq!(label_key("국 비"), "국비");
        assert_eq!(label_key("국비"), "국비");
        assert_eq!(label_key("합 계"), "계");
        assert_eq!(label_key("소계"), "계");
        assert_eq!(label_key("총사업비"), "총계");
        assert_eq!(label_key("'22년"), "2022년");
        assert_eq!(label_key("22년"), "2022년");
        assert_eq!(label_key("2022"), "2022년");
        assert_eq!(label_key("２０２２년"), "2022년");
        assert_eq!(label_key("구 분"), "구분");
        assert_eq!(label_key("구분(단위:백만원)"), "구분");
    }

    #[test]
    fn bare_two_digit_numbers_are_not_years() {
        assert_eq!(parse_year_label("22"), None);
        assert_eq!(parse_year_label("’22"), Some(2022));
        assert_eq!(parse_year_label("1000"), None);
    }

    #[test]
    fn year_labels_in_every_written_form_and_nothing_else() {
        for (typed, year) in [
            ("2022", Some(2022)),
            ("2022년", Some(2022)),
            ("2022년도", Some(2022)),
            ("'2022년", Some(2022)),
            ("`22", Some(2022)),
            ("22년도", Some(2022)),
            ("‘22년", Some(2022)),
            (" 2023 년 ", Some(2023)),
            ("2200", None),
            ("202", None),
            ("12345", None),
            ("2022년x", None),
            ("년", None),
            ("'", None),
            ("국비", None),
            ("2022-1", None),
        ] {
            assert_eq!(parse_year_label(typed), year, "{typed}");
        }
    }

    #[test]
    fn numbers_from_cells_are_exact_decimals() {
        assert_eq!(decimal_from_f64(4000.0), Some(dec("4000")));
        assert_eq!(decimal_from_f64(-0.0), Some(dec("0")));
        assert_eq!(decimal_from_f64(0.1), Some(dec("0.1")));
        assert_eq!(decimal_from_f64(-2.5), Some(dec("-2.5")));
        assert_eq!(decimal_from_f64(1e20), Some(dec("100000000000000000000")));
        assert_eq!(decimal_from_f64(f64::NAN), None);
        assert_eq!(decimal_from_f64(f64::INFINITY), None);
    }

    #[test]
    fn amounts_as_typed() {
        assert_eq!(parse_amount_text("1,000"), Ok(dec("1000")));
        assert_eq!(parse_amount_text("１，０００"), Ok(dec("1000")));
        assert_eq!(parse_amount_text(" 1000 "), Ok(dec("1000")));
        assert_eq!(parse_amount_text("-"), Ok(Decimal::ZERO));
        assert_eq!(parse_amount_text("–"), Ok(Decimal::ZERO));
        assert_eq!(parse_amount_text("－"), Ok(Decimal::ZERO));
        assert_eq!(parse_amount_text(""), Ok(Decimal::ZERO));
        assert_eq!(parse_amount_text("△500"), Ok(dec("-500")));
        assert_eq!(parse_amount_text("(500)"), Ok(dec("-500")));
        assert_eq!(parse_amount_text("158.6"), Ok(dec("158.6")));
        assert_eq!(parse_amount_text("1,234.5"), Ok(dec("1234.5")));
        assert!(parse_amount_text("약 100").is_err());
        assert!(parse_amount_text("1,00").is_err());
        assert!(parse_amount_text("100원").is_err());
        assert!(parse_amount_text("12a").is_err());
        assert!(parse_amount_text("--5").is_err());
    }

    #[test]
    fn f64_converts_to_what_excel_shows() {
        assert_eq!(decimal_from_f64(158.6), Some(dec("158.6")));
        assert_eq!(
            decimal_from_f64(0.1 + 0.2).map(|d| d.round_dp(10)),
            Some(dec("0.3"))
        );
        assert_eq!(decimal_from_f64(f64::NAN), None);
        assert_eq!(decimal_from_f64(1e300), None);
    }

    #[test]
    fn units_convert_exactly() {
        assert_eq!(
            parse_unit_note("(단위 : 백만원)"),
            UnitNote::Known(Unit::Million)
        );
        assert_eq!(
            parse_unit_note("(단위: 천원)"),
            UnitNote::Known(Unit::Thousand)
        );
        assert_eq!(
            parse_unit_note("[단위:억원]"),
            UnitNote::Known(Unit::HundredMillion)
        );
        assert_eq!(parse_unit_note("단위 : 원"), UnitNote::Known(Unit::Won));
        assert_eq!(parse_unit_note("연차별 투자계획"), UnitNote::None);
        assert!(matches!(
            parse_unit_note("(단위: 달러)"),
            UnitNote::Unknown(_)
        ));
        assert_eq!(Unit::Thousand.to_million(dec("1500")), dec("1.5"));
        assert_eq!(Unit::HundredMillion.to_million(dec("205.6")), dec("20560"));
        assert_eq!(Unit::Won.to_million(dec("3000000")), dec("3"));
    }

    #[test]
    fn dates_in_every_listed_form() {
        let d = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
        for s in [
            "2026-11-24",
            "2026.11.24",
            "2026. 11. 24.",
            "2026/11/24",
            "2026년 11월 24일",
            "20261124",
            "2026-11-24T00:00:00",
        ] {
            assert_eq!(parse_date_text(s), Some(d), "{s}");
        }
        assert_eq!(parse_date_text("2026-13-01"), None);
        assert_eq!(parse_date_text("어제"), None);
        assert_eq!(date_from_serial(46350.0, false), Some(d));
    }

    #[test]
    fn serials_count_from_the_workbooks_epoch() {
        let d = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
        // The 1904 system (Excel for Mac) counts 1,462 days fewer for the same date.
        assert_eq!(date_from_serial(46350.0 - 1462.0, true), Some(d));
        assert_eq!(
            date_from_serial(46350.0, true),
            NaiveDate::from_ymd_opt(2030, 11, 25)
        );
        // The time of day does not move the date.
        assert_eq!(date_from_serial(46350.75, false), Some(d));
        assert_eq!(date_from_serial(0.0, true), None);
        assert_eq!(date_from_serial(-5.0, false), None);
    }

    #[test]
    fn quarters_in_every_listed_form() {
        let q = Quarter::new(2022, 1).unwrap();
        for s in [
            "2022-Q1",
            "2022년 1분기",
            "22.1Q",
            "2022.1/4",
            "2022 Q1",
            "2022q1",
        ] {
            assert_eq!(parse_quarter(s), Some(q), "{s}");
        }
        assert_eq!(parse_quarter("2022-Q5"), None);
        assert_eq!(parse_quarter("상반기"), None);
    }

    #[test]
    fn quarters_with_a_short_year_as_government_documents_write_them() {
        for (s, year, q) in [
            ("'23. 3/4분기", 2023, 3),
            ("'26. 4/4분기", 2026, 4),
            ("'23.3/4분기", 2023, 3),
            ("'23. 1분기", 2023, 1),
            ("'23년 2/4분기", 2023, 2),
            ("'23년 2분기", 2023, 2),
            ("23년 1/4분기", 2023, 1),
            ("23년 4분기", 2023, 4),
            ("\u{2019}24. 2/4분기", 2024, 2),
            ("\u{2018}24년 3분기", 2024, 3),
            ("＇25. 1/4분기", 2025, 1),
            ("2022년도 3/4분기", 2022, 3),
            ("2022. 1/4분기", 2022, 1),
            ("2022.1분기", 2022, 1),
            ("'23.1/4", 2023, 1),
            ("23년 1/4", 2023, 1),
            ("'23.Q3", 2023, 3),
            ("'23.3Q", 2023, 3),
            ("2022년 Q1", 2022, 1),
        ] {
            assert_eq!(parse_quarter(s), Quarter::new(year, q), "{s}");
        }
        for s in [
            "'23. 5/4분기",
            "'23.",
            "23년",
            "'23년",
            "'23. 3/5분기",
            "'2. 3/4분기",
        ] {
            assert_eq!(parse_quarter(s), None, "{s}");
        }
    }

    #[test]
    fn to_be_fixed_texts() {
        assert!(is_to_be_fixed("미정"));
        assert!(is_to_be_fixed("*매년 시행계획 수립 후 성과목표 확정"));
        assert!(is_to_be_fixed(""));
        assert!(!is_to_be_fixed("10건"));
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    fn grouped(n: u64) -> String {
        let s = n.to_string();
        let mut out = String::new();
        for (i, ch) in s.chars().enumerate() {
            if i > 0 && (s.len() - i).is_multiple_of(3) {
                out.push(',');
            }
            out.push(ch);
        }
        out
    }

    fn full_width(s: &str) -> String {
        s.chars()
            .map(|c| match c {
                '0'..='9' => char::from_u32(c as u32 - '0' as u32 + 0xFF10).unwrap_or(c),
                ',' => '，',
                _ => c,
            })
            .collect()
    }

    proptest! {
        #[test]
        fn amount_text_never_panics(s in "\\PC{0,40}") {
            let _ = parse_amount_text(&s);
            let _ = parse_date_text(&s);
            let _ = parse_quarter(&s);
            let _ = parse_unit_note(&s);
            let _ = label_key(&s);
        }

        #[test]
        fn every_written_form_of_a_number_reads_back_exactly(n in 0u64..1_000_000_000_000, frac in 0u32..100) {
            let whole = Decimal::from(n);
            let with_frac = whole + Decimal::new(i64::from(frac), 2);
            prop_assert_eq!(parse_amount_text(&n.to_string()), Ok(whole));
            prop_assert_eq!(parse_amount_text(&grouped(n)), Ok(whole));
            prop_assert_eq!(parse_amount_text(&full_width(&grouped(n))), Ok(whole));
            prop_assert_eq!(parse_amount_text(&format!(" {} ", grouped(n))), Ok(whole));
            prop_assert_eq!(parse_amount_text(&format!("△{}", grouped(n))), Ok(-whole));
            prop_assert_eq!(parse_amount_text(&format!("({})", grouped(n))), Ok(-whole));
            prop_assert_eq!(parse_amount_text(&format!("{}.{:02}", grouped(n), frac)), Ok(with_frac));
        }

        #[test]
        fn cells_typed_as_f64_convert_to_their_shortest_decimal(n in 0i64..100_000_000, scale in 0u32..3) {
            let d = Decimal::new(n, scale);
            let f: f64 = d.to_string().parse().unwrap();
            prop_assert_eq!(decimal_from_f64(f), Some(d.normalize()));
        }

        #[test]
        fn unit_conversion_round_trips(n in 0i64..1_000_000_000) {
            let m = Decimal::from(n);
            prop_assert_eq!(Unit::Thousand.to_million(m * Decimal::from(1000)), m);
            prop_assert_eq!(Unit::Won.to_million(m * Decimal::from(1_000_000)), m);
            prop_assert_eq!(Unit::HundredMillion.to_million(m / Decimal::from(100)), m);
        }
    }
}
