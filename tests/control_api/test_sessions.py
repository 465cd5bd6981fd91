"""The control API's session routes, as an HTTP client sees them."""

from __future__ import annotations

import httpx

from mirra.testing.server import MirraProcess
from tests.conftest import SessionFactory


def test_requests_without_the_token_are_refused(mirra: MirraProcess) -> None:
    with httpx.Client(base_url=mirra.urls.api_url, trust_env=False) as anonymous:
        missing = anonymous.get("/v1/sessions")
        wrong = anonymous.get("/v1/sessions", headers={"Authorization": "Bearer nope"})
    assert missing.status_code == wrong.status_code == 401
    assert missing.json()["error"]["code"] == "mirra.auth.missing_token"
    assert wrong.json()["error"]["code"] == "mirra.auth.invalid_token"
    assert set(missing.json()["error"]) == {"code", "message", "hint"}


def test_create_get_and_end_a_session(mirra: MirraProcess) -> None:
    with mirra.control() as control:
        created = control.post("/v1/sessions", json={"mirrors": ["stripe"], "timeoutSeconds": 120})
        assert created.status_code == 201
        body = created.json()
        session_id = body["sessionId"]
        assert session_id.startswith("ses_") and len(session_id) == 28
        assert body["status"] == "ready" and body["persistent"] is False
        assert body["mirrors"] == [
            {"vendor": "stripe", "url": f"{mirra.urls.api_url}/m/{session_id}/stripe", "version": "0.1.0"}
        ]
        assert body["proxyUrl"] == f"http://{session_id}:mirra@127.0.0.1:{mirra.urls.proxy_port}"
        assert body["createdAt"].endswith("Z") and body["expiresAt"] > body["createdAt"]
        assert created.headers["x-mirra-ratelimit-limit"] == "6000"
        assert int(created.headers["x-mirra-ratelimit-remaining"]) < 6000
        assert int(created.headers["x-mirra-ratelimit-reset"]) > 0

        assert control.get(f"/v1/sessions/{session_id}").json()["sessionId"] == session_id
        assert control.delete(f"/v1/sessions/{session_id}").json() == {"sessionId": session_id, "status": "ended"}
        gone = control.get(f"/v1/sessions/{session_id}")
    assert gone.status_code == 404
    assert gone.json()["error"]["code"] == "mirra.session.not_found"


def test_unknown_mirror_and_bad_bodies(mirra: MirraProcess) -> None:
    with mirra.control() as control:
        unknown = control.post("/v1/sessions", json={"mirrors": ["github"]})
        not_json = control.post("/v1/sessions", content=b"{", headers={"content-type": "application/json"})
        wrong_type = control.post("/v1/sessions", json={"mirrors": "stripe"})
        no_name = control.post("/v1/sessions", json={"mirrors": ["stripe"], "persistent": True})
    assert unknown.status_code == 400
    assert unknown.json()["error"] == {
        "code": "mirra.session.mirror_not_in_catalog",
        "message": "Unknown mirror 'github'. Not in the current catalog.",
        "hint": "Supported mirrors: stripe, resend, twilio.",
    }
    assert not_json.status_code == wrong_type.status_code == no_name.status_code == 400
    assert no_name.json()["error"]["code"] == "mirra.session.name_required"


def test_persistent_names_are_unique(new_session: SessionFactory, mirra: MirraProcess) -> None:
    first = new_session(persistent=True, name="staging")
    assert first["persistent"] is True and "expiresAt" not in first
    with mirra.control() as control:
        taken = control.post("/v1/sessions", json={"mirrors": ["stripe"], "persistent": True, "name": "staging"})
    assert taken.status_code == 409
    assert taken.json()["error"]["code"] == "mirra.session.name_taken"


def test_list_is_paginated_newest_first_and_filtered(new_session: SessionFactory, mirra: MirraProcess) -> None:
    made = [new_session()["sessionId"] for _ in range(3)]
    with mirra.control() as control:
        page = control.get("/v1/sessions", params={"limit": 2, "mode": "ephemeral"}).json()
        rest = control.get("/v1/sessions", params={"limit": 100, "mode": "ephemeral", "cursor": page["nextCursor"]}).json()
        persistent = control.get("/v1/sessions", params={"mode": "persistent"}).json()
        bad = control.get("/v1/sessions", params={"limit": 1000})
    assert [s["sessionId"] for s in page["data"]] == made[::-1][:2] and page["hasMore"] is True
    assert made[0] in [s["sessionId"] for s in rest["data"]]
    assert "default" in [s["sessionId"] for s in persistent["data"]]
    assert bad.status_code == 400


def test_the_default_session_always_exists_and_cannot_be_ended(mirra: MirraProcess) -> None:
    with mirra.control() as control:
        default = control.get("/v1/sessions/default").json()
        refused = control.delete("/v1/sessions/default")
    assert default["persistent"] is True and default["proxyUrl"].startswith("http://default:mirra@")
    assert refused.status_code == 400


def test_unknown_routes_answer_in_mirras_shape(mirra: MirraProcess) -> None:
    with mirra.control() as control:
        response = control.get("/v1/nothing")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "mirra.request.not_found"
