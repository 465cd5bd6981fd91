"""`mirra mcp`: mirra's sessions, mirrors, events and scenarios as MCP tools and resources, so a
coding agent can drive and inspect the sessions its code runs against."""
