"""The database every benchmark starts from: migrated, reference data loaded, and the demo
network (seed 42) generated as of today."""

from __future__ import annotations

from datetime import UTC, datetime

from confide.db import Database, create_db_engine
from confide.migrate import upgrade
from confide.network.generator import generate_network
from confide.network.seeding import write_network
from confide.vocab import get_vocabulary
from confide.vocab.service import sync_reference_data


def seeded_database(url: str, size: int = 10_000) -> Database:
    """A migrated database at `url` holding a network of `size` therapists; the caller
    disposes of it."""
    database = Database(create_db_engine(url))
    upgrade(database.engine)
    with database.session(write=True) as session:
        sync_reference_data(session, get_vocabulary())
        write_network(
            session, generate_network(size, 42, get_vocabulary(), datetime.now(UTC).date())
        )
    return database
