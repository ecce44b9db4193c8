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
  --convert-to pdf --outdir "$work/pdf" "$work"/outbox/*.xlsx >/dev/null
pdftoppm -png -r 80 "$work"/pdf/*.pdf "$work/pdf/page"
cp "$work/pdf/page-1.png" "$root/docs/report-summary.png"
cp "$work/pdf/page-2.png" "$root/docs/report-invest.png"
echo "wrote docs/report-summary.png docs/report-invest.png"
