"""Anki as the yardstick for bench/run, through the `anki` package from PyPI.

    anki_bench.py build DIR   # DIR/collection.anki2 + DIR/collection.colpkg: 50,000 Basic notes
                              # in 10 decks, about 1,000,000 review-log rows over three years
    anki_bench.py first DIR   # opens the collection, shows the first card of today's queue;
                              # prints the in-process time (open + first card) in microseconds

Seeded: the same collection every time. The schedule written is plausible (every card a review
card with an interval and due date consistent with its last review), not a replay of a learner:
what is timed is opening the collection and building today's queue, which depend on the number
of cards and log rows, not on how the intervals came about.
"""

import os
import random
import sys
import time

NOTES = 50_000
DECKS = 10
REVIEWS = 1_000_000
DAYS = 3 * 365
TODAY_DUE = 600


def build(folder: str) -> None:
    from anki.collection import Collection

    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, "collection.anki2")
    for leftover in (path, path + "-wal", os.path.join(folder, "collection.colpkg")):
        if os.path.exists(leftover):
            os.remove(leftover)
    rng = random.Random(7)
    col = Collection(path)
    basic = col.models.by_name("Basic")
    requests = []
    for d in range(DECKS):
        did = col.decks.id(f"Bench::Deck {d + 1}")
        for i in range(NOTES // DECKS):
            note = col.new_note(basic)
            note["Front"] = f"Deck {d + 1} question {i}: explain the trade-offs of design {rng.randrange(10**6)}"
            note["Back"] = "- point one\n- point two\n- " + "detail " * rng.randrange(5, 40)
            requests.append((note, did))
    try:
        from anki.collection import AddNoteRequest

        col.add_notes([AddNoteRequest(note=n, deck_id=did) for n, did in requests])
    except ImportError:
        for n, did in requests:
            col.add_note(n, did)
    card_ids = [cid for (cid,) in col.db.all("select id from cards order by id")]
    # About 20 reviews per card spread over three years, ending yesterday.
    now_ms = int(time.time() * 1000)
    start_ms = now_ms - DAYS * 86_400_000
    per_card = REVIEWS // len(card_ids)
    rows = []
    today = col.sched.today
    states = []
    for cid in card_ids:
        at = start_ms + rng.randrange(0, 200 * 86_400_000)
        ivl = 1
        for _ in range(per_card):
            ease = rng.choices([1, 2, 3, 4], [8, 10, 74, 8])[0]
            last = ivl
            ivl = 1 if ease == 1 else max(1, int(ivl * rng.uniform(1.2, 2.5)))
            at += rng.randrange(1, 60_000)
            rows.append((at, cid, -1, ease, ivl, last, 2500, rng.randrange(3_000, 60_000), 1))
            at += ivl * 86_400_000 // 6
        due_in = rng.randrange(-2, 120) if rng.random() > TODAY_DUE / len(card_ids) else 0
        states.append((max(1, ivl), today + due_in, per_card, cid))
    seen = set()
    unique = []
    for row in rows:  # revlog ids are unique millisecond timestamps
        rid = row[0]
        while rid in seen:
            rid += 1
        seen.add(rid)
        unique.append((rid,) + row[1:])
    col.db.executemany("insert into revlog (id, cid, usn, ease, ivl, lastIvl, factor, time, type) values (?,?,?,?,?,?,?,?,?)", unique)
    col.db.executemany("update cards set type = 2, queue = 2, ivl = ?, due = ?, reps = ?, factor = 2500 where id = ?", states)
    col.decks.select(col.decks.id_for_name("Bench"))
    col.export_collection_package(os.path.join(folder, "collection.colpkg"), include_media=False, legacy=False)
    print(f"anki: {len(card_ids)} cards, {len(unique)} review-log rows in {folder}", file=sys.stderr)
    col.close()


def first(folder: str) -> None:
    from anki.collection import Collection

    t0 = time.perf_counter()
    col = Collection(os.path.join(folder, "collection.anki2"))
    col.decks.select(col.decks.id_for_name("Bench"))
    card = col.sched.getCard()
    question = card.question() if card else ""
    t1 = time.perf_counter()
    col.close(downgrade=False) if "downgrade" in Collection.close.__code__.co_varnames else col.close()
    print(int((t1 - t0) * 1_000_000))
    if not question:
        sys.exit("anki: no card shown")


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("build", "first"):
        sys.exit(__doc__)
    {"build": build, "first": first}[sys.argv[1]](sys.argv[2])
