"""The embedded mitmproxy Master, kept behind one module: its API is not stable upstream."""
