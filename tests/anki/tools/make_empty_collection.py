"""Writes src/deck/anki/empty.anki21b: an empty Anki collection (schema 18, as Anki itself
creates it, with its stock "Basic" note type and FSRS turned on), zstd-compressed.
`grill export --format apkg` fills a copy of it with notes, cards and the review log, so the
package is one Anki's own code laid out. Run with the `anki` package from PyPI:

    python3 -m venv target/ankivenv && target/ankivenv/bin/pip install anki zstandard
    target/ankivenv/bin/python tests/anki/tools/make_empty_collection.py
"""
import os
import sqlite3
import sys
import tempfile

from anki.collection import Collection

try:
    import zstandard
except ImportError:
    sys.exit("needs the zstandard package (pip install zstandard)")

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "..", "src", "deck", "anki", "empty.anki21b")

with tempfile.TemporaryDirectory() as tmp:
    path = os.path.join(tmp, "collection.anki2")
    col = Collection(path)
    col.set_config("fsrs", True)
    col.decks.rename(col.decks.get(1), "grill")
    col.close(downgrade=False)
    # A fixed creation time and no leftovers, so regenerating gives the same file.
    db = sqlite3.connect(path)
    db.create_collation("unicase", lambda a, b: (a.casefold() > b.casefold()) - (a.casefold() < b.casefold()))
    db.execute("UPDATE col SET crt = 0, mod = 0, scm = 0, ls = 0")
    db.commit()
    db.execute("PRAGMA journal_mode = DELETE")
    db.execute("VACUUM")
    db.close()
    data = open(path, "rb").read()
with open(OUT, "wb") as f:
    f.write(zstandard.ZstdCompressor(level=19).compress(data))
print(f"wrote {OUT}: {len(data)} bytes, {os.path.getsize(OUT)} compressed")
