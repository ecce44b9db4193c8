//! Pledge definitions (SPEC §2): one TOML file per pledge in `templates/`.
//!
//! Everything about a pledge (years, programs, sources, budgets, indicators) comes from
//! here, never from `src/`, because a city runs dozens of pledges through one daemon.

use crate::core::model::Column;
use crate::core::normalize::{compact, label_key, similarity};
use anyhow::{Context, Result, bail};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// One header fact of the plan (사업구분 = 계속, …), kept in the plan's order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fact {
    pub label: String,
    pub value: String,
}

/// One line of 공약실명제 (who is responsible).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    pub role: String,
    pub name: String,
    #[serde(default)]
    pub phone: String,
}

/// Who files a leaf's submission (SPEC §9): the 총괄 officer phones them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LeafContact {
    pub name: String,
    #[serde(default)]
    pub phone: String,
}

/// A quantified target a program reports each year (기술이전 건, …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Indicator {
    pub name: String,
    pub unit: String,
}

/// A program (사업) or a sub-program (세부사업).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Program {
    pub name: String,
    /// Other spellings staff use for this name.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Declared total budget in the pledge's unit (백만원).
    pub budget: Decimal,
    #[serde(default)]
    pub indicators: Vec<Indicator>,
    #[serde(default)]
    pub subprograms: Vec<Program>,
    /// 주관부서 of this leaf when it is not the pledge's (SPEC §9).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    /// Who files this leaf (SPEC §9).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<LeafContact>,
}

impl Program {
    /// Whether a typed name means this program.
    pub fn matches(&self, typed: &str) -> bool {
        let key = compact(typed);
        std::iter::once(&self.name)
            .chain(&self.aliases)
            .any(|n| compact(n) == key)
    }
}

/// Declared totals of the whole pledge: overall and per funding source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Declared {
    pub total: Decimal,
    /// Per source name, in the order of `sources`.
    pub by_source: Vec<SourceAmount>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceAmount {
    pub source: String,
    pub amount: Decimal,
}

/// The term of office the plan covers, e.g. 2022–2026.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Term {
    pub start: i32,
    pub end: i32,
}

impl Term {
    pub fn years(&self) -> impl Iterator<Item = i32> + Clone {
        self.start..=self.end
    }
    pub fn contains(&self, year: i32) -> bool {
        (self.start..=self.end).contains(&year)
    }
    pub fn len(&self) -> usize {
        (self.end - self.start + 1).max(0) as usize
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

fn default_before() -> String {
    "기투자".to_owned()
}
fn default_after() -> String {
    "임기후".to_owned()
}
fn default_unit() -> String {
    "백만원".to_owned()
}

/// A pledge definition as written in `templates/<id>.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pledge {
    /// File-name-safe identifier; the report is named after it.
    pub id: String,
    /// 공약명 exactly as in the plan; submissions are routed by it.
    pub title: String,
    /// 관리번호 as the city writes it (`3-1`, `III-①-1`); the overview sorts by it
    /// naturally (SPEC §9).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    /// 분야 (경제, 복지, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// 핵심공약.
    #[serde(default)]
    pub core: bool,
    #[serde(default)]
    pub aliases: Vec<String>,
    pub department: String,
    /// 사업구분, 예산구분, 완료시기, 사업권한, 사업시기 …
    #[serde(default)]
    pub facts: Vec<Fact>,
    /// 공약실명제.
    #[serde(default)]
    pub contacts: Vec<Contact>,
    pub term: Term,
    #[serde(default = "default_before")]
    pub before_label: String,
    #[serde(default = "default_after")]
    pub after_label: String,
    #[serde(default = "default_unit")]
    pub unit: String,
    /// Funding sources in table order (국비, 도비, 시비, 기타).
    pub sources: Vec<String>,
    pub declared: Declared,
    pub programs: Vec<Program>,
}

/// A leaf: what one submission workbook covers.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct LeafKey {
    pub program: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subprogram: Option<String>,
}

impl LeafKey {
    /// `사업` or `사업 > 세부사업`, for people.
    pub fn label(&self) -> String {
        match &self.subprogram {
            Some(s) => format!("{} > {}", self.program, s),
            None => self.program.clone(),
        }
    }
}

/// A leaf with its definition, in plan order.
#[derive(Debug, Clone, Copy)]
pub struct Leaf<'a> {
    pub program: &'a Program,
    pub subprogram: Option<&'a Program>,
}

impl<'a> Leaf<'a> {
    pub fn key(&self) -> LeafKey {
        LeafKey {
            program: self.program.name.clone(),
            subprogram: self.subprogram.map(|s| s.name.clone()),
        }
    }
    /// The definition that carries budget and indicators for this leaf.
    pub fn def(&self) -> &'a Program {
        self.subprogram.unwrap_or(self.program)
    }

    /// 주관부서 of the leaf: the sub-program's, else the program's, else the pledge's.
    pub fn department(&self, pledge: &'a Pledge) -> &'a str {
        self.subprogram
            .and_then(|s| s.department.as_deref())
            .or(self.program.department.as_deref())
            .unwrap_or(&pledge.department)
    }

    /// Who files the leaf, when the definition says (sub-program first, then program).
    pub fn contact(&self) -> Option<&'a LeafContact> {
        self.subprogram
            .and_then(|s| s.contact.as_ref())
            .or(self.program.contact.as_ref())
    }
}

impl Pledge {
    /// The columns of every investment table of this pledge, in order: 총계, before,
    /// each term year, after. The one place the order is decided.
    pub fn columns(&self) -> Vec<Column> {
        let mut out = vec![Column::Total, Column::Before];
        out.extend(self.term.years().map(Column::Year));
        out.push(Column::After);
        out
    }

    /// The header of a column as this pledge labels it (its own `before_label` and
    /// `after_label`, e.g. 기투자/임기후 or 기집행/향후).
    pub fn column_label(&self, column: Column) -> String {
        match column {
            Column::Total => "총계".to_owned(),
            Column::Before => self.before_label.clone(),
            Column::Year(y) => format!("{y}년"),
            Column::After => self.after_label.clone(),
        }
    }

    /// Every leaf in plan order.
    pub fn leaves(&self) -> Vec<Leaf<'_>> {
        let mut out = Vec::new();
        for p in &self.programs {
            if p.subprograms.is_empty() {
                out.push(Leaf {
                    program: p,
                    subprogram: None,
                });
            } else {
                for s in &p.subprograms {
                    out.push(Leaf {
                        program: p,
                        subprogram: Some(s),
                    });
                }
            }
        }
        out
    }

    pub fn leaf(&self, key: &LeafKey) -> Option<Leaf<'_>> {
        self.leaves().into_iter().find(|l| &l.key() == key)
    }

    /// The source whose label-key equals `label`'s, if any.
    pub fn source_for_label(&self, label: &str) -> Option<&str> {
        let key = label_key(label);
        self.sources
            .iter()
            .find(|s| label_key(s) == key)
            .map(String::as_str)
    }

    pub fn declared_for(&self, source: &str) -> Option<Decimal> {
        self.declared
            .by_source
            .iter()
            .find(|s| s.source == source)
            .map(|s| s.amount)
    }

    /// Checks the definition is internally consistent, so the coordinating officer
    /// hears about a typo at start-up rather than from a wrong report.
    fn check(&self) -> Result<()> {
        if self.id.is_empty()
            || !self
                .id
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_'))
        {
            bail!(
                "항목 `id`: {:?}에는 영문자, 숫자, '-', '_'만 쓸 수 있습니다(보고서 파일 이름이 됩니다). id를 고쳐 주십시오.",
                self.id
            );
        }
        if self.term.start > self.term.end {
            bail!(
                "항목 `term`: 시작 연도 {}년이 끝 연도 {}년보다 늦습니다. start와 end를 고쳐 주십시오.",
                self.term.start,
                self.term.end
            );
        }
        if self.sources.is_empty() {
            bail!(
                "항목 `sources`: 재원이 하나도 없습니다. 재원(예: 국비, 도비, 시비, 기타)을 하나 이상 적어 주십시오."
            );
        }
        if self.programs.is_empty() {
            bail!(
                "항목 `programs`: 사업이 하나도 없습니다. [[programs]]를 하나 이상 적어 주십시오."
            );
        }
        for s in &self.declared.by_source {
            if !self.sources.contains(&s.source) {
                bail!(
                    "항목 `declared.by_source`: 재원 {:?}은(는) `sources`({})에 없습니다. 재원 이름을 맞춰 주십시오.",
                    s.source,
                    self.sources.join(", ")
                );
            }
        }
        let by_source: Decimal = self.declared.by_source.iter().map(|s| s.amount).sum();
        if !self.declared.by_source.is_empty() && by_source != self.declared.total {
            bail!(
                "항목 `declared`: 재원별 금액을 더하면 {by_source}인데 total은 {}입니다. 두 값을 맞춰 주십시오.",
                self.declared.total
            );
        }
        let programs: Decimal = self.programs.iter().map(|p| p.budget).sum();
        if programs != self.declared.total {
            bail!(
                "항목 `programs.budget`: 사업비를 모두 더하면 {programs}인데 declared.total은 {}입니다. 사업비나 총사업비를 고쳐 두 값을 맞춰 주십시오.",
                self.declared.total
            );
        }
        let mut names = std::collections::HashSet::new();
        for p in &self.programs {
            if !names.insert(compact(&p.name)) {
                bail!(
                    "항목 `programs.name`: 사업 {:?}이(가) 두 번 있습니다. 하나를 지우거나 이름을 바꿔 주십시오.",
                    p.name
                );
            }
            if !p.subprograms.is_empty() {
                let subs: Decimal = p.subprograms.iter().map(|s| s.budget).sum();
                if subs != p.budget {
                    bail!(
                        "항목 `programs.subprograms.budget`: 사업 {:?}의 세부사업비를 더하면 {subs}인데 사업비(budget)는 {}입니다. 두 값을 맞춰 주십시오.",
                        p.name,
                        p.budget
                    );
                }
                if p.subprograms.iter().any(|s| !s.subprograms.is_empty()) {
                    bail!(
                        "항목 `programs.subprograms`: 사업 {:?}의 세부사업 아래에 다시 세부사업이 있습니다. 세부사업은 한 단계까지만 둘 수 있습니다.",
                        p.name
                    );
                }
            }
        }
        Ok(())
    }

    /// Parses one definition; the error names the field and, for syntax and type
    /// errors, the line.
    pub fn from_toml(text: &str) -> Result<Self> {
        let p: Pledge = toml::from_str(text).map_err(|e| toml_error(text, &e))?;
        p.check()?;
        Ok(p)
    }
}

/// A TOML syntax or type error in Korean first: the line, the key on it, what to do;
/// the parser's English last as technical detail (MESSAGES.md, operator errors).
fn toml_error(text: &str, e: &toml::de::Error) -> anyhow::Error {
    let detail = e.message().trim().replace('\n', " ");
    let Some(span) = e.span() else {
        return anyhow::anyhow!(
            "파일의 형식(TOML)이 맞지 않습니다. 내용을 확인해 고쳐 주십시오. (기술 정보: {detail})"
        );
    };
    let before = text.get(..span.start).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let key = text
        .lines()
        .nth(line - 1)
        .and_then(|l| l.split_once('='))
        .map(|(k, _)| k.trim().trim_matches('"').to_owned())
        .filter(|k| !k.is_empty() && !k.starts_with('['));
    let field = key.map_or(String::new(), |k| format!(", 항목 `{k}`"));
    anyhow::anyhow!(
        "{line}번째 줄{field}: 값이나 형식이 맞지 않습니다. 이 줄을 확인해 고쳐 주십시오. (기술 정보: {detail})"
    )
}

/// The optional city file `templates/gongyak.toml` (SPEC §9, §10): not a pledge.
pub const CITY_FILE: &str = "gongyak.toml";

/// The current reporting round: a leaf counts as filed when an accepted submission of
/// it was received on or after `opens`; after `due` it is overdue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Round {
    pub name: String,
    pub opens: NaiveDate,
    pub due: NaiveDate,
}

/// City-wide settings from `templates/gongyak.toml`; every field is optional.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct City {
    /// 시 이름 for the overview's title (`안산시`).
    pub name: Option<String>,
    pub round: Option<Round>,
    /// A plan change without 변경사유 is rejected (E-REASON) instead of warned
    /// about (W-REASON), SPEC §10.
    pub require_change_reason: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CityFile {
    city: Option<String>,
    round: Option<RoundFile>,
    #[serde(default)]
    require_change_reason: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RoundFile {
    name: String,
    opens: toml::value::Datetime,
    due: toml::value::Datetime,
}

/// A TOML date (`2026-12-01`, unquoted) as a calendar date.
fn toml_date(d: &toml::value::Datetime, field: &str) -> Result<NaiveDate> {
    match (d.date, d.time) {
        (Some(date), None) => {
            NaiveDate::from_ymd_opt(date.year.into(), date.month.into(), date.day.into())
                .with_context(|| {
                    format!(
                        "항목 `{field}`: {d}은(는) 달력에 없는 날짜입니다. 날짜를 고쳐 주십시오."
                    )
                })
        }
        _ => bail!(
            "항목 `{field}`: {d}에 시각이 들어 있습니다. 2026-12-01처럼 날짜만 따옴표 없이 적어 주십시오."
        ),
    }
}

impl City {
    /// Parses the city file; the error names the line (syntax, types) or the field.
    pub fn from_toml(text: &str) -> Result<Self> {
        let f: CityFile = toml::from_str(text).map_err(|e| toml_error(text, &e))?;
        let round = match f.round {
            None => None,
            Some(r) => {
                let opens = toml_date(&r.opens, "round.opens")?;
                let due = toml_date(&r.due, "round.due")?;
                if due < opens {
                    bail!(
                        "항목 `round.due`: 제출 기한 {due}이 시작일 round.opens {opens}보다 앞섭니다. 날짜를 고쳐 주십시오."
                    );
                }
                Some(Round {
                    name: r.name,
                    opens,
                    due,
                })
            }
        };
        Ok(City {
            name: f.city,
            round,
            require_change_reason: f.require_change_reason,
        })
    }

    /// Reads `dir/gongyak.toml`; no file means the defaults.
    pub fn load(dir: &Path) -> Result<Self> {
        let path = dir.join(CITY_FILE);
        match std::fs::read_to_string(&path) {
            Ok(text) => Self::from_toml(&text)
                .with_context(|| format!("시 설정 파일 {}에 오류가 있습니다", path.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(City::default()),
            Err(e) => bail!(
                "시 설정 파일 {}을 읽을 수 없습니다. 파일 권한을 확인해 주십시오. (기술 정보: {e})",
                path.display()
            ),
        }
    }
}

/// All pledge definitions the daemon serves.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    /// `templates/gongyak.toml`, or the defaults.
    pub city: City,
    pub pledges: Vec<Pledge>,
    /// Where each pledge was loaded from (same order).
    pub files: Vec<PathBuf>,
    /// Compacted titles and aliases → index: every file is routed by its 공약명, and
    /// comparing it with each of a hundred titles cost more than reading the file.
    titles: HashMap<String, usize>,
}

impl Catalog {
    /// Loads every `*.toml` directly in `dir` (forms and other folders are skipped).
    ///
    /// # Errors
    /// A missing folder, an unreadable or invalid file (the message names the file,
    /// line and field), two definitions with the same id or title, or no definition.
    pub fn load(dir: &Path) -> Result<Self> {
        let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(|e| {
                anyhow::anyhow!(
                    "정의 폴더 {}를 읽을 수 없습니다. 폴더가 있는지, --templates 경로가 맞는지 확인해 주십시오. (기술 정보: {e})",
                    dir.display()
                )
            })?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "toml") && p.is_file())
            .filter(|p| p.file_name().is_some_and(|n| n != CITY_FILE))
            .collect();
        paths.sort();
        let mut catalog = Catalog {
            city: City::load(dir)?,
            ..Catalog::default()
        };
        for path in paths {
            let text = std::fs::read_to_string(&path).map_err(|e| {
                anyhow::anyhow!(
                    "공약 정의 파일 {}을 읽을 수 없습니다. 파일 권한과 글자 인코딩(UTF-8)을 확인해 주십시오. (기술 정보: {e})",
                    path.display()
                )
            })?;
            let pledge = Pledge::from_toml(&text)
                .with_context(|| format!("공약 정의 파일 {}에 오류가 있습니다", path.display()))?;
            catalog.add(pledge, path)?;
        }
        if catalog.pledges.is_empty() {
            bail!(
                "{}에 공약 정의 파일(*.toml)이 없습니다. 함께 배포된 templates/의 정의 파일을 복사해 고쳐 쓰십시오.",
                dir.display()
            );
        }
        Ok(catalog)
    }

    /// Adds a definition, refusing a second one with the same id or title.
    pub fn add(&mut self, pledge: Pledge, path: PathBuf) -> Result<()> {
        let names: Vec<String> = std::iter::once(&pledge.title)
            .chain(&pledge.aliases)
            .map(|n| compact(n))
            .collect();
        // A 공약명 must route to one pledge: an id, title or alias used twice is refused.
        let clash = self
            .pledges
            .iter()
            .position(|p| p.id == pledge.id)
            .or_else(|| names.iter().find_map(|n| self.titles.get(n).copied()));
        if let Some(i) = clash {
            bail!(
                "{}과(와) {}이(가) 같은 공약을 정의합니다(id {:?} 또는 공약명·별칭 {:?}). 제출 파일이 한 공약으로만 가도록 한쪽의 id와 공약명을 바꾸거나 파일을 지워 주십시오.",
                self.files[i].display(),
                path.display(),
                pledge.id,
                pledge.title
            );
        }
        for name in names {
            self.titles.entry(name).or_insert(self.pledges.len());
        }
        self.pledges.push(pledge);
        self.files.push(path);
        Ok(())
    }

    pub fn by_title(&self, typed: &str) -> Option<&Pledge> {
        self.titles
            .get(&compact(typed))
            .and_then(|&i| self.pledges.get(i))
    }

    pub fn by_id(&self, id: &str) -> Option<&Pledge> {
        self.pledges.iter().find(|p| p.id == id)
    }

    /// The pledge whose title is closest to what was typed.
    pub fn closest(&self, typed: &str) -> Option<&Pledge> {
        closest_by(&self.pledges, typed, |p| &p.title)
    }
}

/// How similar (0..=1, see [`similarity`]) a name must be to be offered as "비슷한
/// 이름": with one pledge registered, the closest is not a suggestion.
pub const SIMILAR_ENOUGH: f64 = 0.6;

/// The closest item, only when it is really similar to `typed`.
pub fn similar_by<'a, T>(items: &'a [T], typed: &str, name: impl Fn(&T) -> &str) -> Option<&'a T> {
    closest_by(items, typed, &name).filter(|x| similarity(name(x), typed) >= SIMILAR_ENOUGH)
}

/// The item whose name is most similar to `typed`.
pub fn closest_by<'a, T>(items: &'a [T], typed: &str, name: impl Fn(&T) -> &str) -> Option<&'a T> {
    items.iter().max_by(|a, b| {
        similarity(name(a), typed)
            .partial_cmp(&similarity(name(b), typed))
            .unwrap_or(std::cmp::Ordering::Equal)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const ANSAN: &str = include_str!("../../templates/ansan-innopolis.toml");

    #[test]
    fn shipped_ansan_definition_carries_the_plan() {
        let p = Pledge::from_toml(ANSAN).unwrap();
        assert_eq!(p.department, "산업진흥과");
        assert_eq!(
            p.term,
            Term {
                start: 2022,
                end: 2026
            }
        );
        assert_eq!(p.sources, ["국비", "도비", "시비", "기타"]);
        assert_eq!(p.declared.total, Decimal::from(86360));
        assert_eq!(p.declared_for("국비"), Some(Decimal::from(35860)));
        let leaves: Vec<String> = p.leaves().iter().map(|l| l.key().label()).collect();
        assert_eq!(leaves.len(), 4);
        assert!(leaves[1].contains("스마트제조혁신센터 설립"));
        let facts: Vec<&str> = p.facts.iter().map(|f| f.value.as_str()).collect();
        assert_eq!(facts, ["계속", "예산", "임기 내", "국가, 도, 자체", "중기"]);
    }

    fn line_of(text: &str, needle: &str) -> String {
        text.lines()
            .position(|l| l.contains(needle))
            .map_or(0, |i| i + 1)
            .to_string()
    }

    #[test]
    fn broken_definition_names_line_and_field() {
        let broken = ANSAN.replacen("start = 2022", "start = \"2022\"", 1);
        let err = Pledge::from_toml(&broken).unwrap_err().to_string();
        assert!(
            err.starts_with(
                "N번째 줄, 항목 `start`: "
                    .replace('N', &line_of(&broken, "start = \"2022\""))
                    .as_str()
            ),
            "{err}"
        );
        assert!(err.contains("(기술 정보: "), "{err}");
        assert!(err.contains("start"), "{err}");
        let inconsistent = ANSAN.replacen("budget = 20560", "budget = 20561", 1);
        let err = Pledge::from_toml(&inconsistent).unwrap_err().to_string();
        assert!(err.contains("programs.budget"), "{err}");
    }

    #[test]
    fn titles_and_aliases_route_to_one_pledge_only() {
        let title = "안산 강소연구개발특구 및 안산사이언스밸리 첨단산업 거점 육성";
        let other = ANSAN.replacen("id = \"ansan-innopolis\"", "id = \"other\"", 1).replacen(
            &format!("title = \"{title}\""),
            "title = \"다른 공약\"\naliases = [\"안산 강소연구개발특구 및 안산사이언스밸리  첨단산업거점 육성\"]",
            1,
        );
        let mut c = Catalog::default();
        c.add(Pledge::from_toml(ANSAN).unwrap(), "a.toml".into())
            .unwrap();
        // Found however the spacing is typed.
        assert_eq!(
            c.by_title(" 안산 강소연구개발특구 및 안산사이언스밸리 첨단산업 거점육성")
                .map(|p| p.id.as_str()),
            Some("ansan-innopolis")
        );
        let err = c
            .add(Pledge::from_toml(&other).unwrap(), "b.toml".into())
            .unwrap_err()
            .to_string();
        assert!(err.contains("a.toml") && err.contains("b.toml"), "{err}");
        assert!(c.by_title("다른 공약").is_none());
    }

    #[test]
    fn city_file_reads_round_and_names_the_bad_field() {
        let c = City::from_toml(
            "city = \"안산시\"\nrequire_change_reason = true\n[round]\nname = \"2026년 4분기\"\nopens = 2026-12-01\ndue = 2027-01-10\n",
        )
        .unwrap();
        assert_eq!(c.name.as_deref(), Some("안산시"));
        assert!(c.require_change_reason);
        let r = c.round.unwrap();
        assert_eq!(r.opens, NaiveDate::from_ymd_opt(2026, 12, 1).unwrap());
        assert_eq!(r.due, NaiveDate::from_ymd_opt(2027, 1, 10).unwrap());
        assert_eq!(City::from_toml("").unwrap(), City::default());
        let err = City::from_toml("[round]\nname = \"x\"\nopens = \"soon\"\ndue = 2027-01-10\n")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("3번째 줄, 항목 `opens`: "), "{err}");
        let err = City::from_toml("[round]\nname = \"x\"\nopens = 2027-02-01\ndue = 2027-01-10\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("round.due"), "{err}");
    }

    #[test]
    fn leaf_department_and_contact_fall_back_to_the_pledge() {
        let with = ANSAN.replacen(
            "name = \"스마트제조혁신센터 설립\"",
            "name = \"스마트제조혁신센터 설립\"\ndepartment = \"기업지원과\"\ncontact = { name = \"홍길동\", phone = \"481-0000\" }",
            1,
        );
        let p = Pledge::from_toml(&with).unwrap();
        let leaves = p.leaves();
        assert_eq!(leaves[0].department(&p), "산업진흥과");
        assert_eq!(leaves[1].department(&p), "기업지원과");
        assert_eq!(leaves[1].contact().map(|c| c.name.as_str()), Some("홍길동"));
        assert!(!p.core && p.number.is_none() && p.category.is_none());
    }

    #[test]
    fn closest_program_name() {
        let p = Pledge::from_toml(ANSAN).unwrap();
        let best = closest_by(&p.programs, "안산 강소연구특구 운영", |p| &p.name).unwrap();
        assert_eq!(best.name, "안산 강소연구개발특구 운영");
    }
}
