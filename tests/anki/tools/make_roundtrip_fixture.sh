#!/bin/sh
# Regenerates tests/anki/fixtures/phone-{grill.apkg,back.apkg,back.json}: grill drills the
# cards of phone.toml (one answer per minute, as a person would), exports them as an Anki
# package, Anki's own code (the `anki` package from PyPI) imports it, checks the schedule,
# answers cards and exports the package that tests/anki/roundtrip.rs imports back.
# Keep the drill steps here and in tests/anki/roundtrip.rs (`grill_side`) the same.
#
#   python3 -m venv target/ankivenv && target/ankivenv/bin/pip install anki zstandard
#   cargo build && sh tests/anki/tools/make_roundtrip_fixture.sh
set -eu
root=$(cd "$(dirname "$0")/../../.." && pwd)
grill="$root/target/debug/grill"
fixtures="$root/tests/anki/fixtures"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export TZ=UTC GRILL_SEED=7 HOME="$work" GRILL_DB="$work/grill.db" GRILL_CONFIG="$work/config.toml"
at() { now=$1; shift; GRILL_NOW="$now" "$grill" "$@"; }
at 2026-03-02T09:00:00Z import "$fixtures/phone.toml" >/dev/null
for answer in "09:00 3" "09:01 4" "09:02 2"; do
    set -- $answer
    printf '\n%s\n' "$2" | at "2026-03-02T$1:00Z" drill --area phone-drill --new 1 >/dev/null
done
for minute in 00 01; do
    printf '\n3\n' | at "2026-03-05T09:$minute:00Z" drill --area phone-drill --new 0 --limit 1 >/dev/null
done
at 2026-03-05T10:00:00Z cards --json --deck phone > "$work/cards.json"
at 2026-03-05T10:00:00Z export --format apkg --deck phone -o "$fixtures/phone-grill.apkg"
"$root/target/ankivenv/bin/python" "$root/tests/anki/tools/roundtrip.py" \
    "$fixtures/phone-grill.apkg" "$work/cards.json" "$fixtures/phone-back.apkg" "$fixtures/phone-back.json"
