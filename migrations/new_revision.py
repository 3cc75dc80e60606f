"""Write a new migration (developers only): `.venv/bin/python migrations/new_revision.py "what changes"`.

Alembic autogenerates it against a scratch database migrated to head, so the file
holds exactly the difference between `focusplan/store/records.py` and the
migrations. The file is named `YYYY_MM_DD_NNNN_slug.py` and its revision id is the
next sequence number. It lives here, not in the store, because nothing at run time
writes migrations, and a runtime module that opened databases to do it would need
the engine while the engine needs it to migrate (an import circle).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from alembic import command

from focusplan.store.engine import open_database
from focusplan.store.migrate import alembic_config
from focusplan.store.schema_version import known_revisions

USAGE = 'usage: python migrations/new_revision.py "what changes"'


def new_revision(message: str) -> None:
    next_id = f"{len(known_revisions().revisions) + 1:04d}"
    with tempfile.TemporaryDirectory() as scratch:
        database = open_database(Path(scratch) / "scratch.db")
        try:
            config = alembic_config()
            with database.engine.connect() as connection:
                config.attributes["connection"] = connection
                command.revision(config, message=message, autogenerate=True, rev_id=next_id)
        finally:
            database.close()


def main(argv: list[str]) -> int:
    if len(argv) != 1 or not argv[0].strip():
        print(USAGE, file=sys.stderr)
        return 2
    new_revision(argv[0])
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
