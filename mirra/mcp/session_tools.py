"""Session tools: create, list, show and end sessions, and the environment that sends a shell's
vendor calls into one."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from mcp.server.mcpserver import MCPServer
from mcp_types import ToolAnnotations
from pydantic import Field

from mirra.cli.environment import render, session_environment
from mirra.mcp.answers import compact
from mirra.mcp.control import ControlApi

SessionId = Annotated[str, Field(description="The session's id, e.g. 'ses_…' (list_sessions shows them); 'default' always exists.")]
READ = ToolAnnotations(read_only_hint=True, open_world_hint=False)
WRITE = ToolAnnotations(read_only_hint=False, destructive_hint=False, open_world_hint=False)
ENVIRONMENT_NOTE = (
    "Export these before running your app or tests: HTTPS_PROXY routes api.stripe.com (and the other "
    "mirrored hosts) into this session, the CA variables make TLS clients trust mirra, and PYTHONPATH "
    "carries the trust hook for stripe-python; prepend it to your own PYTHONPATH rather than replacing it."
)


def register(server: MCPServer, api: ControlApi) -> None:
    @server.tool(annotations=WRITE, structured_output=False)
    async def create_session(
        mirrors: Annotated[list[str] | None, Field(description="Mirrors to provision, e.g. ['stripe']. Default: every mirror mirra has.")] = None,
        seeds: Annotated[dict[str, str] | None, Field(description="A fixture to load per mirror, e.g. {'stripe': 'customers'}.")] = None,
        name: Annotated[str | None, Field(description="A name for the session (required when persistent).")] = None,
        persistent: Annotated[bool, Field(description="Keep the session (objects, pending webhooks) across mirra restarts.")] = False,
        timeout_seconds: Annotated[int | None, Field(ge=1, description="An ephemeral session ends after this many idle seconds (default 3600).")] = None,
    ) -> str:
        """Create an isolated mirra session: its own state for each mirror, its own clock and event log.
        Answers the session (id, mirror URLs, proxyUrl) and `env`, the variables to export so that
        commands you run send their vendor calls (Stripe, ...) to this session instead of the vendor."""
        body: dict[str, Any] = {"persistent": persistent}
        for field, value in (("mirrors", mirrors), ("seeds", seeds), ("name", name), ("timeoutSeconds", timeout_seconds)):
            if value is not None:
                body[field] = value
        session = await api.call("POST", "/v1/sessions", json=body)
        env = session_environment(await api.urls(), session["sessionId"])
        return compact({**session, "env": env, "envNote": ENVIRONMENT_NOTE})

    @server.tool(annotations=READ, structured_output=False)
    async def list_sessions(
        mode: Annotated[Literal["ephemeral", "persistent"] | None, Field(description="Only ephemeral or only persistent sessions.")] = None,
    ) -> str:
        """List the sessions that exist now: id, name, mirrors, persistent, createdAt, expiresAt."""
        rows: list[dict[str, Any]] = []
        params: dict[str, str] = {"limit": "100", **({"mode": mode} if mode else {})}
        while True:
            page = await api.call("GET", "/v1/sessions", params=params)
            rows.extend(_summary(session) for session in page["data"])
            if not page["hasMore"]:
                return compact({"sessions": rows})
            params["cursor"] = page["nextCursor"]

    @server.tool(annotations=READ, structured_output=False)
    async def get_session(session_id: SessionId) -> str:
        """One session in full: mirrors with their direct-mode URLs, proxyUrl, seeds, expiry, the
        session clock (now, offsetSeconds) and stats (requests, webhooks, errors)."""
        return compact(await api.call("GET", f"/v1/sessions/{session_id}"))

    @server.tool(annotations=ToolAnnotations(destructive_hint=True, open_world_hint=False), structured_output=False)
    async def end_session(session_id: SessionId) -> str:
        """End a session: its mirrors stop answering and its state is dropped (a persistent
        session's database is archived). The 'default' session cannot be ended."""
        return compact(await api.call("DELETE", f"/v1/sessions/{session_id}"))

    @server.tool(name="session_environment", annotations=READ, structured_output=False)
    async def environment(
        session_id: SessionId,
        format: Annotated[Literal["json", "sh", "fish"], Field(description="'json' (a variable map), or a script for `eval` in sh/bash/zsh or fish.")] = "json",
    ) -> str:
        """The environment to export so your own shell commands (app, tests, curl) reach this
        session's mirrors: HTTPS_PROXY naming the session, mirra's CA bundle, stripe-python's
        trust hook on PYTHONPATH, MIRRA_SESSION and MIRRA_API_URL. With 'sh', prefix a command
        with the script, e.g. `eval "$SCRIPT" && pytest`."""
        await api.call("GET", f"/v1/sessions/{session_id}")  # an unknown session is an error, not an env
        env = session_environment(await api.urls(), session_id)
        if format == "json":
            return compact({"sessionId": session_id, "env": env, "envNote": ENVIRONMENT_NOTE})
        return render(env, format)


def _summary(session: dict[str, Any]) -> dict[str, Any]:
    row = {key: session.get(key) for key in ("sessionId", "name", "persistent", "createdAt", "expiresAt")}
    return {**row, "mirrors": [mirror["vendor"] for mirror in session["mirrors"]]}
