#!/bin/sh
# Makes the spreadsheets of crates/bulk/tests/data with LibreOffice Calc
# (Debian's libreoffice-calc, headless), from templates `motcua template`
# writes. Run from the repository root; the files are committed, so tests
# and CI need no LibreOffice.
#
#   birth-libreoffice-typed.xlsx   the CSV template with 5 example rows
#       opened as a person would (standard cells, Vietnamese locale) and
#       saved as XLSX: LibreOffice turns the identifiers into numbers (the
#       leading zeros go) and dd/mm/yyyy into date cells.
#   birth-libreoffice-resaved.xlsx the XLSX template with 5 example rows
#       (identifier columns formatted as text) opened and saved again.
#   birth-libreoffice.csv          that workbook saved as CSV by LibreOffice
#       (semicolon-separated, as in locales with a decimal comma).
set -eu
out=crates/bulk/tests/data
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "+ motcua template (1.001193, 5 example rows) as CSV and XLSX"
cargo run -q -- template --procedure 1.001193 --format csv --example-rows 5 -o "$tmp/typed.csv"
cargo run -q -- template --procedure 1.001193 --format xlsx --example-rows 5 -o "$tmp/resaved.xlsx"
profile="-env:UserInstallation=file://$tmp/profile"
echo "+ soffice: CSV (comma, UTF-8, Vietnamese locale 1066) → XLSX"
soffice "$profile" --headless --infilter="CSV:44,34,76,1,,1066" \
    --convert-to xlsx:"Calc MS Excel 2007 XML" --outdir "$tmp/lo" "$tmp/typed.csv"
echo "+ soffice: XLSX → XLSX"
soffice "$profile" --headless --convert-to xlsx:"Calc MS Excel 2007 XML" --outdir "$tmp/lo" "$tmp/resaved.xlsx"
echo "+ soffice: XLSX → CSV (semicolon, UTF-8)"
soffice "$profile" --headless --convert-to csv:"Text - txt - csv (StarCalc)":59,34,76,1 \
    --outdir "$tmp/lo" "$tmp/lo/resaved.xlsx"
cp "$tmp/lo/typed.xlsx" "$out/birth-libreoffice-typed.xlsx"
cp "$tmp/lo/resaved.xlsx" "$out/birth-libreoffice-resaved.xlsx"
cp "$tmp/lo/resaved.csv" "$out/birth-libreoffice.csv"
ls -l "$out"
