#!/usr/bin/env bash
# scripts/check-format.sh [--fix]
# Checks that every C++ file in src/ and tests/ is formatted as .clang-format says, and that no
# line is longer than 120 columns; --fix rewrites the files instead. Needs clang-format 14
# (Debian 12's; other versions format differently): scripts/setup.sh dev installs it.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
cd "$repo"
case ${1:-} in
  -h|--help) usage; exit 0 ;;
  --fix | "") ;;
  *) die "unknown option $1 (see --help)" 2 ;;
esac

format=$(command -v clang-format-14 || command -v clang-format || true)
[[ -n "$format" ]] || { echo "check-format: clang-format not found; run scripts/setup.sh dev" >&2; exit 2; }
"$format" --version | grep -q 'version 14\.' ||
  { echo "check-format: $format is not version 14 (the project's format is clang-format 14's)" >&2; exit 2; }

mapfile -t files < <(git ls-files 'src/*' 'tests/*' | grep -E '\.(c|h|cpp|hpp)$')
if [[ "${1:-}" == "--fix" ]]; then
  "$format" -i "${files[@]}"
  exit 0
fi
"$format" --dry-run -Werror "${files[@]}"
long=$(awk 'length > 120 { print FILENAME ":" FNR ": " length " columns" }' "${files[@]}")
[[ -z "$long" ]] || { echo "check-format: lines over 120 columns:"; echo "$long"; exit 1; } >&2
echo "check-format: ${#files[@]} files formatted, no line over 120 columns"
