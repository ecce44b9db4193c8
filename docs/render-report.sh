#!/usr/bin/env bash
# Regenerates the pictures in docs/: the report of the four seed submissions
# (tests/fixtures/seed) and the review copy of one flawed file
# (tests/fixtures/flawed/sum_mismatch.xlsx) as LibreOffice prints them to PDF, one PNG
# per printed page:
#   report-summary.png   요약
#   report-invest.png    연차별 투자계획, first page (pledge table and chart)
#   report-programs.png  연차별 투자계획, a 사업별 page
#   report-targets.png   연차별 추진목표
#   report-roadmap.png   추진일정
#   report-findings.png  검증결과
#   report-history.png   제출이력
#   review-findings.png  a .검토.xlsx review copy, its first page (검토결과)
# Needs soffice and pdftoppm (libreoffice-calc-nogui, poppler-utils), the Korean font
# NanumGothic (fonts-nanum; LibreOffice prints 맑은 고딕 with it) and Carlito
# (fonts-crosextra-carlito: Calibri's metrics, in which xlsx column widths are measured;
# without it columns print wider and pages are scaled down).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cargo build --quiet --manifest-path "$root/Cargo.toml"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work"/{inbox,outbox,templates,pdf}
cp "$root"/templates/*.toml "$work/templates/"
cp "$root"/tests/fixtures/seed/*.xlsx "$work/inbox/"
(cd "$work" && "$root/target/debug/gongyak" run >/dev/null 2>&1)
cp "$root/tests/fixtures/flawed/sum_mismatch.xlsx" "$work/inbox/"
(cd "$work" && "$root/target/debug/gongyak" run >/dev/null 2>&1) || true
soffice "-env:UserInstallation=file://$work/lo-profile" --headless \
  --convert-to pdf --outdir "$work/pdf" "$work"/outbox/*.xlsx \
  "$work"/inbox/rejected/*.검토.xlsx >/dev/null
pdftoppm -png -r 80 "$work"/pdf/*공약추진현황.pdf "$work/pdf/report"
pdftoppm -png -r 80 -f 1 -l 1 "$work"/pdf/*.검토.pdf "$work/pdf/review"
pick() { cp "$(ls "$work"/pdf/report-*"$1".png | head -1)" "$root/docs/report-$2.png"; }
pick 1 summary
pick 2 invest
pick 3 programs
pick 5 targets
pick 6 roadmap
pick 7 findings
pick 8 history
cp "$(ls "$work"/pdf/review-*1.png | head -1)" "$root/docs/review-findings.png"
echo "wrote docs/report-*.png docs/review-findings.png"
