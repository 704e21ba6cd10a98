"""The Anki half of the phone round trip, run with the `anki` package from PyPI (Anki's own
code): open the package `grill export --format apkg` wrote in a fresh Anki library, check that
every card came in with grill's schedule (due day, FSRS memory state), answer some cards the
way a phone user would, and export the package Anki hands back. The returned package and the
answers it holds are committed as fixtures, so `cargo test` needs no Python.

    target/ankivenv/bin/python tests/anki/tools/roundtrip.py GRILL.apkg CARDS.json OUT.apkg OUT.json

CARDS.json is `grill cards --json --deck D` from the same database.
"""
import datetime
import json
import os
import sys
import tempfile

from anki.collection import (
    Collection,
    ExportAnkiPackageOptions,
    ImportAnkiPackageOptions,
    ImportAnkiPackageRequest,
)

grill_apkg, cards_json, out_apkg, out_json = sys.argv[1:5]
grill_cards = {c["id"]: c for c in json.load(open(cards_json))}

with tempfile.TemporaryDirectory() as tmp:
    col = Collection(os.path.join(tmp, "collection.anki2"))
    col.import_anki_package(
        ImportAnkiPackageRequest(
            package_path=os.path.abspath(grill_apkg),
            options=ImportAnkiPackageOptions(with_scheduling=True, with_deck_configs=False),
        )
    )
    crt_day = datetime.datetime.fromtimestamp(col.crt, datetime.timezone.utc).date()
    checked = 0
    for cid in col.find_cards(""):
        card = col.get_card(cid)
        key = card.note().guid.removeprefix("grill:")
        grill = grill_cards[key]
        if grill.get("reps"):
            # A review card, due on grill's day, with grill's memory state.
            assert card.type == 2 and card.queue == 2, (key, card.type, card.queue)
            due_day = crt_day + datetime.timedelta(days=card.due)
            want = datetime.date.fromisoformat(grill["due"][:10])
            assert due_day == want, (key, due_day, want)
            state = card.memory_state
            assert abs(state.stability - grill["stability"]) < 1e-3, (key, state, grill)
            assert abs(state.difficulty - grill["difficulty"]) < 1e-3, (key, state, grill)
            assert card.reps == grill["reps"] and card.lapses == grill["lapses"], key
        else:
            assert card.type == 0, (key, card.type)
        checked += 1
    assert checked == len(grill_cards), (checked, len(grill_cards))
    print(f"{checked} cards came into Anki with grill's schedule")

    # The phone user answers the reviewed cards and one new card: Again, Good, Easy in turn.
    before = {r[0] for r in col.db.all("SELECT id FROM revlog")}
    reviewed = [cid for cid in col.find_cards("") if col.get_card(cid).type == 2]
    new = [cid for cid in col.find_cards("is:new")][:1]
    answers = []
    for i, cid in enumerate(reviewed + new):
        card = col.get_card(cid)
        card.start_timer()
        ease = [1, 3, 4][i % 3]
        col.sched.answerCard(card, ease)
        answers.append((card.note().guid.removeprefix("grill:"), ease))
    added = col.db.all(
        "SELECT r.id, n.guid, r.ease FROM revlog r JOIN cards c ON c.id = r.cid JOIN notes n ON n.id = c.nid ORDER BY r.id"
    )
    added = [
        {"card": guid.removeprefix("grill:"), "at_ms": rid, "rating": ease}
        for rid, guid, ease in added
        if rid not in before
    ]
    assert len(added) == len(answers), (added, answers)
    col.export_anki_package(
        out_path=os.path.abspath(out_apkg),
        options=ExportAnkiPackageOptions(with_scheduling=True, with_deck_configs=True, with_media=False, legacy=False),
        limit=None,
    )
    col.close()

json.dump({"cards": checked, "added": added}, open(out_json, "w"), indent=1)
print(f"answered {len(added)} cards in Anki; wrote {out_apkg} and {out_json}")
