"""Builds the Anki packages in tests/data/anki/ with the `anki` library from PyPI, and records
what Anki itself says about every card: its FSRS memory state (`compute_memory_state`) and its
due date (`card_stats_data`). `cargo test` reads the packages and `expected-*.json`; it never
needs Python.

    python3 -m venv target/ankivenv && target/ankivenv/bin/pip install anki==26.9.3
    TZ=UTC target/ankivenv/bin/python tests/data/anki-gen/generate.py

Each card has one history shape (see SHAPES). Review-log rows are written the way Anki writes
them (type, button, ivl, lastIvl, factor), and each card's scheduling columns follow its last
entry, so the packages look like long-lived collections: truncated histories, resets, cram in
filtered decks, rescheduling, an "ignore reviews before" date and an optimized preset.
"""

import json
import os
import shutil
import sys
import itertools
import anki.buildinfo
import tempfile

from anki.collection import Collection, ExportAnkiPackageOptions

assert os.environ.get("TZ") == "UTC", "run with TZ=UTC: due dates depend on the time zone"

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "anki")
DAY = 86_400
# 2024-06-01 04:00 UTC: collection creation, at the 4 a.m. rollover.
CRT = 1_717_214_400
# 2025-01-06 10:00 UTC: the first answer of every history.
T0 = 1_736_157_600
MIN = 60
MILLIS = itertools.count(1)
# Parameters of the "Optimized" preset: FSRS-6 defaults, each moved a little.
OPTIMIZED = [
    0.35, 1.4, 3.6, 14.0, 6.9, 0.6, 3.1, 0.0015, 1.7, 0.13, 0.95,
    1.9, 0.12, 0.31, 2.2, 0.25, 2.8, 0.6, 0.2, 0.07, 0.2,
]


def day_no(ts):
    """Anki's day number of a moment (days since creation, 4 a.m. rollover, UTC)."""
    return (ts - CRT) // DAY


# A history: (day offset, minutes, kind, button, ivl, factor). kind: 0 learn, 1 review,
# 2 relearn, 3 filtered, 4 manual, 5 rescheduled. ivl > 0 days, < 0 seconds.
L, R, RL, F, M, RS = 0, 1, 2, 3, 4, 5
SHAPES = {
    "plain": [(0, 0, L, 3, -600, 0), (0, 10, L, 3, 1, 0), (1, 0, R, 3, 4, 2500),
              (5, 0, R, 1, -600, 2300), (5, 10, RL, 3, 2, 2300), (7, 0, R, 3, 6, 2300)],
    "starts-with-review": [(0, 0, R, 3, 12, 2500), (12, 0, R, 3, 30, 2500), (43, 0, R, 2, 35, 2350)],
    "starts-with-relearn-step": [(0, 0, RL, 3, -600, 2100), (0, 20, RL, 3, 3, 2100),
                                 (3, 0, R, 3, 8, 2100), (11, 0, R, 4, 25, 2250)],
    "low-ease-review": [(0, 0, R, 2, 2, 1300), (2, 0, R, 3, 4, 1300), (7, 0, R, 1, -600, 1300),
                        (7, 10, RL, 3, 1, 1300)],
    "forget-then-review": [(0, 0, L, 3, 1, 0), (1, 0, R, 3, 5, 2500), (6, 0, M, 0, 0, 0),
                           (9, 0, R, 3, 6, 2500), (15, 0, R, 3, 15, 2500)],
    "forget-then-learning": [(0, 0, L, 3, 1, 0), (1, 0, R, 3, 5, 2500), (6, 0, M, 0, 0, 0),
                             (7, 0, L, 1, -60, 0), (7, 5, L, 3, 1, 0), (8, 0, R, 3, 4, 2500)],
    "forget-never-answered": [(0, 0, L, 3, 1, 0), (1, 0, R, 3, 5, 2500), (6, 0, M, 0, 0, 0)],
    "set-due-and-reschedule": [(0, 0, L, 3, 1, 0), (1, 0, R, 3, 4, 2500), (3, 0, M, 0, 10, 2500),
                               (13, 0, R, 3, 20, 2500), (20, 0, RS, 0, 25, 2500), (33, 0, R, 2, 30, 2350)],
    "cram": [(0, 0, L, 3, 1, 0), (1, 0, R, 3, 4, 2500), (2, 0, F, 3, 0, 0), (2, 5, F, 1, 0, 0),
             (5, 0, R, 3, 10, 2500), (6, 0, F, 4, 12, 2650), (18, 0, R, 3, 25, 2650)],
    "mixed": [(0, 0, L, 1, -60, 0), (0, 1, L, 3, -600, 0), (0, 12, L, 3, 1, 0), (1, 0, R, 2, 2, 2350),
              (3, 0, R, 1, -600, 2150), (3, 10, RL, 1, -600, 2150), (3, 25, RL, 3, 1, 2150),
              (4, 0, F, 3, 0, 0), (6, 0, M, 0, 0, 0), (7, 0, F, 2, 0, 0), (8, 0, R, 3, 3, 2500),
              (8, 30, R, 1, -600, 2300), (8, 45, RL, 3, 1, 2300), (9, 0, R, 4, 6, 2450),
              (10, 0, F, 3, 0, 0), (16, 0, R, 3, 14, 2450)],
    "mixed-complete": [(0, 0, L, 3, -600, 0), (0, 10, L, 3, 1, 0), (1, 0, R, 1, -600, 2300),
                       (1, 10, RL, 1, -600, 2300), (1, 30, RL, 3, 1, 2300), (2, 0, F, 3, 0, 0),
                       (3, 0, R, 3, 3, 2300), (4, 0, M, 0, 0, 0), (5, 0, L, 2, -300, 0),
                       (5, 8, L, 3, 1, 0), (6, 0, F, 1, 0, 0), (6, 1, R, 3, 3, 2500), (9, 0, R, 3, 8, 2500)],
    # Straddling the "Cutoff" preset's ignore-before date (2025-01-20): learning before it.
    "straddles-cutoff": [(0, 0, L, 3, 1, 0), (1, 0, R, 3, 5, 2500), (6, 0, R, 3, 12, 2500),
                         (18, 0, R, 3, 28, 2500), (46, 0, R, 1, -600, 2300), (46, 10, RL, 3, 3, 2300)],
    "learning-after-cutoff": [(20, 0, L, 3, 1, 0), (21, 0, R, 3, 4, 2500), (25, 0, R, 3, 10, 2500)],
    "only-learning-before-cutoff": [(0, 0, L, 3, 1, 0)],
    # Still in (re)learning steps: Anki has these due at a moment, not a day.
    "in-learning": [(0, 0, L, 1, -60, 0), (0, 1, L, 3, -600, 0)],
    "in-relearning": [(0, 0, L, 3, 1, 0), (1, 0, R, 3, 5, 2500), (6, 0, R, 1, -600, 2300)],
}
# Extra answers the second version of the history package adds (re-import test).
MORE = {
    "plain": [(13, 0, R, 3, 14, 2300), (27, 0, R, 1, -600, 2100), (27, 10, RL, 3, 3, 2100)],
    "starts-with-review": [(80, 0, R, 3, 70, 2350)],
    "forget-then-review": [(30, 0, R, 2, 20, 2350)],
    "mixed": [(30, 0, R, 3, 30, 2450)],
    "straddles-cutoff": [(49, 0, R, 3, 9, 2300)],
}


def new_collection(path):
    col = Collection(path)
    col.db.execute("update col set crt = ?", CRT)
    col.set_config("rollover", 4)
    col.set_config("fsrs", True)
    return col


def preset(col, name, params=None, cutoff="", sm2_retention=0.9, desired=0.9):
    conf = col.decks.add_config_returning_id(name)
    c = col.decks.get_config(conf)
    c["fsrsParams6"] = params or []
    c["ignoreRevlogsBeforeDate"] = cutoff
    c["sm2Retention"] = sm2_retention
    c["desiredRetention"] = desired
    col.decks.update_config(c)
    return conf


def deck(col, name, conf):
    did = col.decks.id(name)
    d = col.decks.get(did)
    d["conf"] = conf
    col.decks.save(d)
    return did


def add_card(col, did, shape, front, entries, queue_override=None):
    note = col.new_note(col.models.by_name("Basic"))
    note["Front"] = front
    note["Back"] = f"The answer to <i>{shape}</i>"
    note.tags = ["shape::" + shape]
    col.add_note(note, did)
    cid = note.cards()[0].id
    write_history(col, cid, entries, queue_override)
    return cid


def write_history(col, cid, entries, queue_override=None, earlier=()):
    last_ivl = 0
    for day, minutes, kind, button, ivl, factor in entries:
        ts = T0 + day * DAY + minutes * MIN
        # Unique across the log (Anki's id is the answer's millisecond).
        rid = ts * 1000 + next(MILLIS) % 1000
        col.db.execute(
            "insert into revlog (id, cid, usn, ease, ivl, lastIvl, factor, time, type) values (?,?,?,?,?,?,?,?,?)",
            rid, cid, -1, button, ivl, last_ivl, factor, 8000, kind)
        if button > 0 or kind == M:
            last_ivl = ivl
    set_schedule(col, cid, list(earlier) + entries, queue_override)


def set_schedule(col, cid, entries, queue_override):
    """The card's columns as Anki leaves them after its last entry."""
    day, minutes, kind, button, ivl, factor = entries[-1]
    ts = T0 + day * DAY + minutes * MIN
    if kind == M and factor == 0:
        ctype, queue, due, ivl, factor = 0, 0, cid % 100000, 0, 0
    elif ivl < 0:
        relearn = kind in (R, RL)
        ctype, queue, due = (3 if relearn else 1), 1, ts - ivl
        ivl = 1 if relearn else 0
        factor = factor or 2500
    else:
        ctype, queue, due = 2, 2, day_no(ts) + max(ivl, 1)
        factor = factor or 2500
    if queue_override is not None:
        queue = queue_override
    col.db.execute("update cards set type=?, queue=?, due=?, ivl=?, factor=?, reps=?, lapses=? where id=?",
                   ctype, queue, due, max(ivl, 0), factor, len(entries),
                   sum(1 for e in entries if e[2] == R and e[3] == 1), cid)


def move_to_filtered_deck(col, cid):
    """The card sits in a filtered deck, as Anki leaves it: its home deck and due are in
    odid/odue, its due a position in the filtered deck."""
    did = col.decks.new_filtered("Cram::Before the interview")
    col.db.execute("update cards set odid = did, odue = due, did = ?, due = -100000 where id = ?", did, cid)


def expected(col, cards):
    out = []
    for cid, shape, preset_name in cards:
        card = col.get_card(cid)
        note = card.note()
        state = col.compute_memory_state(cid)
        stats = col.card_stats_data(cid)
        out.append({
            "guid": note.guid,
            "ord": card.ord,
            "front": note["Front"],
            "shape": shape,
            "preset": preset_name,
            "type": card.type,
            "queue": card.queue,
            "due": card.due,
            "ivl": card.ivl,
            "factor": card.factor,
            "lapses": card.lapses,
            "stability": state.stability,
            "difficulty": state.difficulty,
            "desired_retention": state.desired_retention,
            # Review cards: the day Anki shows as due, as a timestamp (seconds); learning cards:
            # the stored due timestamp.
            "due_date": stats.due_date if stats.HasField("due_date") else None,
        })
    return out


def export(col, name, cards, legacy_too=True):
    opts = dict(with_scheduling=True, with_deck_configs=True, with_media=False)
    col.export_anki_package(out_path=os.path.join(OUT, f"{name}.apkg"),
                            options=ExportAnkiPackageOptions(legacy=False, **opts), limit=None)
    if legacy_too:
        col.export_anki_package(out_path=os.path.join(OUT, f"{name}-legacy.apkg"),
                                options=ExportAnkiPackageOptions(legacy=True, **opts), limit=None)
    meta = {"anki_version": anki.buildinfo.version,
            "crt": CRT, "rollover": 4, "cards": expected(col, cards)}
    with open(os.path.join(OUT, f"expected-{name}.json"), "w") as f:
        json.dump(meta, f, indent=1, sort_keys=True)
        f.write("\n")


def history_package(tmp):
    col = new_collection(os.path.join(tmp, "history.anki2"))
    default = preset(col, "Default FSRS", sm2_retention=0.9)
    cutoff = preset(col, "Cutoff", cutoff="2025-01-20", sm2_retention=0.85, desired=0.88)
    main = deck(col, "Interview::SQL", default)
    cut = deck(col, "Interview::Cloud", cutoff)
    cards = []
    for shape in ["plain", "starts-with-review", "starts-with-relearn-step", "low-ease-review",
                  "forget-then-review", "forget-then-learning", "forget-never-answered",
                  "set-due-and-reschedule", "cram", "mixed", "mixed-complete", "in-learning", "in-relearning"]:
        cid = add_card(col, main, shape, f"What does the <b>{shape}</b> card ask?", SHAPES[shape])
        cards.append((cid, shape, "Default FSRS"))
        if shape == "cram":
            move_to_filtered_deck(col, cid)
    for shape in ["straddles-cutoff", "learning-after-cutoff", "only-learning-before-cutoff",
                  "starts-with-review"]:
        cid = add_card(col, cut, shape, f"Cut-off: what does <b>{shape}</b> ask?", SHAPES[shape])
        cards.append((cid, shape, "Cutoff"))
    # Suspended and buried cards keep their history; a new card has none.
    for shape, queue in [("suspended", -1), ("buried", -2)]:
        cid = add_card(col, main, shape, f"A {shape} card", SHAPES["plain"], queue_override=queue)
        cards.append((cid, shape, "Default FSRS"))
    note = col.new_note(col.models.by_name("Basic"))
    note["Front"], note["Back"] = "A card never studied", "Nothing yet"
    col.add_note(note, main)
    cards.append((note.cards()[0].id, "new", "Default FSRS"))
    export(col, "history", cards)
    # More answers in Anki after the first export: the re-import test.
    for cid, shape, preset_name in cards:
        if shape in MORE and (preset_name == "Default FSRS" or shape == "straddles-cutoff"):
            # Only the new answers are logged: the old ones keep their ids, as in Anki.
            write_history(col, cid, MORE.get(shape, []), earlier=SHAPES[shape])
    export(col, "history-more", cards, legacy_too=False)
    col.export_collection_package(os.path.join(OUT, "history-more.colpkg"), include_media=False, legacy=False)
    col.close()


def optimized_package(tmp):
    col = new_collection(os.path.join(tmp, "optimized.anki2"))
    conf = preset(col, "Optimized", params=OPTIMIZED, sm2_retention=0.8, desired=0.85)
    did = deck(col, "Interview::Python", conf)
    cards = []
    for shape in ["plain", "starts-with-review", "forget-then-review", "forget-then-learning", "cram",
                  "mixed", "mixed-complete"]:
        cid = add_card(col, did, shape, f"Python: what does <b>{shape}</b> ask?", SHAPES[shape])
        cards.append((cid, shape, "Optimized"))
    export(col, "optimized", cards)
    col.close()


def main():
    os.makedirs(OUT, exist_ok=True)
    tmp = tempfile.mkdtemp()
    try:
        history_package(tmp)
        optimized_package(tmp)
    finally:
        shutil.rmtree(tmp)


if __name__ == "__main__":
    sys.exit(main())
