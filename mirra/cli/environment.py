"""The environment that sends an app's vendor traffic into a session and trusts mirra's CA."""

from __future__ import annotations

import json
import os
import shlex
from pathlib import Path

from mirra.certs import CertificateAuthority
from mirra.certs.ca import TRUST_HOOK_DIR
from mirra.control_api.urls import ServerUrls
from mirra.home import certs_dir

LOCAL_HOSTS = "localhost,127.0.0.1,::1"


def session_environment(
    urls: ServerUrls, session_id: str, home: Path | None = None, *, pythonpath: str | None = None
) -> dict[str, str]:
    """Variable -> value, for the server whose MIRRA_HOME is `home` (default: this one's).
    PYTHONPATH carries the stripe-python trust hook (stripe-python ignores SSL_CERT_FILE and
    REQUESTS_CA_BUNDLE) ahead of `pythonpath` (default: this process's PYTHONPATH)."""
    ca = CertificateAuthority(home / "certs" if home else certs_dir())
    proxy = urls.proxy_url(session_id)
    bundle = str(ca.bundle_path)
    existing = os.environ.get("PYTHONPATH") if pythonpath is None else pythonpath
    search_path = str(TRUST_HOOK_DIR) + (os.pathsep + existing if existing else "")
    return {
        "HTTPS_PROXY": proxy,
        "HTTP_PROXY": proxy,
        "https_proxy": proxy,
        "http_proxy": proxy,
        "NO_PROXY": LOCAL_HOSTS,
        "no_proxy": LOCAL_HOSTS,
        "SSL_CERT_FILE": bundle,
        "REQUESTS_CA_BUNDLE": bundle,
        "CURL_CA_BUNDLE": bundle,
        "NODE_EXTRA_CA_CERTS": str(ca.cert_path),
        "MIRRA_CA_BUNDLE": bundle,
        "PYTHONPATH": search_path,
        "MIRRA_SESSION": session_id,
        "MIRRA_API_URL": urls.api_url,
    }


def render(environment: dict[str, str], shell_format: str) -> str:
    if shell_format == "json":
        return json.dumps(environment, indent=2)
    lines = []
    for name, value in environment.items():
        if name == "PYTHONPATH":
            hook = shlex.quote(str(TRUST_HOOK_DIR))
            if shell_format == "fish":
                lines.append(f"set -gx PYTHONPATH {hook} $PYTHONPATH")
            else:
                lines.append(f'export PYTHONPATH={hook}"${{PYTHONPATH:+:$PYTHONPATH}}"')
        elif shell_format == "fish":
            lines.append(f"set -gx {name} {shlex.quote(value)}")
        else:
            lines.append(f"export {name}={shlex.quote(value)}")
    return "\n".join(lines)
