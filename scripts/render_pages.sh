#!/usr/bin/env bash
# Render a .docx report to PDF and then to one PNG per page, to look at it.
#   scripts/render_pages.sh REPORT.docx [OUT_DIR] [DPI]
# Needs LibreOffice (soffice) and poppler-utils (pdftoppm). Uses a private, throw-away
# LibreOffice profile so it works while LibreOffice is open and never touches the user's profile.
set -euo pipefail
if [ $# -lt 1 ]; then
  echo "usage: $0 REPORT.docx [OUT_DIR] [DPI]" >&2
  exit 2
fi
docx=$1
out=${2:-$(dirname "$docx")/pages}
dpi=${3:-80}
for tool in soffice pdftoppm; do
  command -v "$tool" >/dev/null || { echo "$tool is not installed (apt-get install libreoffice-writer poppler-utils)" >&2; exit 3; }
done
mkdir -p "$out"
profile=$(mktemp -d /tmp/aggregator-lo.XXXXXX)
trap 'rm -rf "$profile"' EXIT
timeout 300 soffice "-env:UserInstallation=file://$profile" --headless --norestore --nologo \
  --convert-to pdf --outdir "$out" "$docx" >/dev/null
pdf="$out/$(basename "${docx%.*}").pdf"
rm -f "$out"/page-*.png
pdftoppm -png -r "$dpi" "$pdf" "$out/page"
echo "$pdf"
ls "$out"/page-*.png
