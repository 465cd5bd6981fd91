"""Helpers for tests and benchmarks that drive a real mirra (shipped in the package, like
mitmproxy's `mitmproxy.test`)."""
