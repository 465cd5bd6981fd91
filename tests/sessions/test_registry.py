from __future__ import annotations

from pathlib import Path

import pytest

from mirra.errors import MirraError
from mirra.mirrors.catalog import default_catalog
from mirra.sessions.registry import SessionRegistry


def test_sessions_have_their_own_files_and_survive_reopening(tmp_path: Path) -> None:
    registry = SessionRegistry(tmp_path, default_catalog())
    ephemeral = registry.create(["stripe"])
    persistent = registry.create(["stripe"], name="keep", persistent=True)
    assert ephemeral.store.path != persistent.store.path
    assert ephemeral.store.path.exists() and ephemeral.expires_at is not None
    registry.close()

    reopened = SessionRegistry(tmp_path, default_catalog())
    assert {s.id for s in reopened.list()} == {"default", ephemeral.id, persistent.id}
    reopened.end(ephemeral.id)
    assert not ephemeral.store.path.exists()
    reopened.end(persistent.id)
    assert not persistent.store.path.exists()
    assert any(path.name.startswith(persistent.id) for path in (tmp_path / "archive").iterdir())
    reopened.close()


def test_refusals(tmp_path: Path) -> None:
    registry = SessionRegistry(tmp_path, default_catalog())
    registry.create(["stripe"], name="taken", persistent=True)
    for kwargs, code in [
        ({"mirrors": []}, "mirra.session.no_mirrors"),
        ({"mirrors": ["nope"]}, "mirra.session.mirror_not_in_catalog"),
        ({"mirrors": ["stripe"], "persistent": True}, "mirra.session.name_required"),
        ({"mirrors": ["stripe"], "persistent": True, "name": "taken"}, "mirra.session.name_taken"),
        ({"mirrors": ["stripe"], "timeout_seconds": 0}, "mirra.session.invalid_timeout"),
    ]:
        with pytest.raises(MirraError) as refused:
            registry.create(**kwargs)  # type: ignore[arg-type]
        assert refused.value.code == code
    registry.close()


def test_a_home_made_by_a_mirra_with_fewer_mirrors_gains_the_new_ones(tmp_path: Path) -> None:
    """The default session (and its database) of an older mirra, which mirrored Stripe only."""
    from mirra.mirrors.catalog import MirrorCatalog
    from mirra.mirrors.http import MirrorRequest
    from mirra.mirrors.stripe import mirror as stripe

    older = SessionRegistry(tmp_path, MirrorCatalog([stripe]))
    assert older.get("default").mirrors == ["stripe"]  # type: ignore[union-attr]
    older.close()

    registry = SessionRegistry(tmp_path, default_catalog())
    default = registry.get("default")
    assert default is not None and default.mirrors == ["stripe", "resend", "twilio"]
    resend = registry.catalog.require("resend")
    request = MirrorRequest("GET", "api.resend.com", "/domains", "", {"authorization": "Bearer re_key"})
    assert resend.handle(default, request).status == 200  # its tables exist in the old database now
    registry.close()


def test_a_scheduled_job_moves_the_registrys_next_job_only_forward(tmp_path: Path) -> None:
    """What the runner reads (and a restart relies on) is the earliest due job; a later job leaves
    it be, without a registry write, and an earlier one brings it forward."""
    registry = SessionRegistry(tmp_path, default_catalog())
    session = registry.create(["stripe"])
    now = session.clock.now()

    def schedule(due: float) -> None:
        with session.store.unit_of_work() as uow:
            session.jobs.schedule(uow, "stripe", "test.job", due, {})

    schedule(now + 100)
    assert registry.next_job_wall() == pytest.approx(now + 100 - session.clock.offset)
    schedule(now + 200)
    assert registry.next_job_wall() == pytest.approx(now + 100 - session.clock.offset)
    schedule(now + 50)
    assert registry.next_job_wall() == pytest.approx(now + 50 - session.clock.offset)
    registry.close()

    reopened = SessionRegistry(tmp_path, default_catalog())
    assert reopened.next_job_wall() == pytest.approx(now + 50 - session.clock.offset)
    reopened.close()
