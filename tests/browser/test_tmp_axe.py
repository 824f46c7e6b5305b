from datetime import UTC, datetime, timedelta
from pathlib import Path
import pytest
from tests.conftest import migrated
from tests.scheduling.factories import make_therapist
from tests.serving import running_servers
pytestmark = pytest.mark.slow

def test_pages(walk, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'a.db'}"
    database = migrated(url)
    with database.session(write=True) as session:
        therapist_id = make_therapist(session, minimum_notice_hours=2).id
    database.dispose()
    start = (datetime.now(UTC) + timedelta(days=3)).replace(minute=0, second=0, microsecond=0)
    with running_servers(url, count=1) as (base,):
        w = walk()
        w.axe_source_fail = False
        for path in ("/", f"/book?therapist={therapist_id}&start={start:%Y-%m-%dT%H:%M:%SZ}", "/signin", "/register", "/account", "/verify?token=x", "/reset"):
            w.page.goto(base + path)
            from tests.browser.walk import axe_violations, describe
            print(path, "\n", describe(axe_violations(w.page, w.axe_source)))
            w.photograph(path.replace("/", "_")[:20])
