"""The MCP server: mirra's tools and resources over the SDK's MCPServer, talking to the running
mirra server through the control API only."""

from __future__ import annotations

from mcp.server.mcpserver import MCPServer
from mcp_types import Resource

from mirra import __version__
from mirra.mcp import (
    event_tools,
    mirror_tools,
    resources,
    scenario_tools,
    session_tools,
)
from mirra.mcp.control import ControlApi

INSTRUCTIONS = """\
mirra runs faithful local mirrors of Stripe, Resend and Twilio inside sessions. To test integration
code: create_session (or use 'default'), export its `env` in your shell commands so the unmodified
SDK's calls go to the session, run your code, then look: mirror_state (what the vendor now holds),
list_events (requests, webhooks, state changes), wait_for_webhook (did your endpoint get and accept
it?). simulate_event fires vendor-side events (disputes, failures), advance_clock runs retries and
timers without waiting, reset_state/snapshot_state/restore_snapshot manage state, run_scenario
grades a markdown scenario. Errors are {"error": {"code", "message", "hint"}}: the hint says what to do."""


class MirraMcpServer(MCPServer):
    """MCPServer whose resource list also names every session's state and event log."""

    def __init__(self, api: ControlApi) -> None:
        super().__init__("mirra", version=__version__, instructions=INSTRUCTIONS, log_level="WARNING")
        self.api = api

    async def list_resources(self) -> list[Resource]:
        return [*await super().list_resources(), *await resources.session_resources(self.api)]


def build_server(api: ControlApi | None = None) -> MirraMcpServer:
    api = api or ControlApi()
    server = MirraMcpServer(api)
    for module in (session_tools, mirror_tools, event_tools, scenario_tools, resources):
        module.register(server, api)
    return server
