#!/usr/bin/env bash
# Regenerates docs/report-summary.png and docs/report-invest.png: the report of the
# four seed submissions (tests/fixtures/seed) as LibreOffice prints it, first page of
# 요약 and of 연차별 투자계획. Needs soffice and pdftoppm (libreoffice-calc-nogui,
# poppler-utils) and a Korean font (fonts-noto-cjk).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cargo build --quiet --manifest-path "$root/Cargo.toml"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work"/{inbox,outbox,templates,pdf}
cp "$root/templates/ansan-innopolis.toml" "$work/templates/"
cp "$root"/tests/fixtures/seed/*.xlsx "$work/inbox/"
(cd "$work" && "$root/target/debug/gongyak" run >/dev/null 2>&1)
soffice "-env:UserInstallation=file://$work/lo-profile" --headless \
  --convert-to pdf --outdir "$work/pdf" "$work/outbox/ansan-innopolis_공약추진현황.xlsx" >/dev/null
pdftoppm -png -r 80 "$work/pdf/ansan-innopolis_공약추진현황.pdf" "$work/pdf/page"
cp "$work/pdf/page-1.png" "$root/docs/report-summary.png"
cp "$work/pdf/page-2.png" "$root/docs/report-invest.png"
echo "wrote docs/report-summary.png docs/report-invest.png"

# --- The overview (issue 14): docs/overview-summary.png (총괄) and
# docs/overview-leaves.png (제출 현황) of a generated city of four pledges with 분야,
# departments and a round past its due date; 17 files for 20 leaves, so three are
# 미제출 (기한 경과) and the batch's typo files show 반려.
city="$work/city"
cargo run --quiet --manifest-path "$root/Cargo.toml" --example make_batch -- 17 "$city" --pledges 4 >/dev/null
mkdir -p "$city/outbox" "$city/pdf"
"$root/target/debug/gongyak" --quiet run --inbox "$city/inbox" --outbox "$city/outbox" \
  --templates "$city/templates" >/dev/null || true
soffice "-env:UserInstallation=file://$work/lo-profile" --headless \
  --convert-to pdf --outdir "$city/pdf" "$city/outbox/공약총괄현황.xlsx" >/dev/null
pdftoppm -png -r 80 "$city/pdf/공약총괄현황.pdf" "$city/pdf/page"
ls "$city/pdf"/page-*.png >/dev/null
cp "$city/pdf/page-1.png" "$root/docs/overview-summary.png"
# 제출 현황 is the third sheet; each of the first two prints on one page.
cp "$city/pdf/page-3.png" "$root/docs/overview-leaves.png"
echo "wrote docs/overview-summary.png docs/overview-leaves.png"
