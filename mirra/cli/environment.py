"""The environment that sends an app's vendor traffic into a session and trusts mirra's CA."""

from __future__ import annotations

import functools
import hashlib
import json
import os
import shlex
import subprocess
from collections.abc import Mapping
from pathlib import Path

from mirra.certs import CertificateAuthority
from mirra.certs.ca import TRUST_HOOK_DIR
from mirra.control_api.urls import ServerUrls
from mirra.home import certs_dir
from mirra.mirrors.twilio.credentials import default_credentials

LOCAL_HOSTS = "localhost,127.0.0.1,::1"
NODE_PRELOAD = "@mirra/node/register"


def session_environment(
    urls: ServerUrls,
    session_id: str,
    home: Path | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    cwd: str | None = None,
) -> dict[str, str]:
    """Variable -> value, for the server whose MIRRA_HOME is `home` (default: this one's), to
    lay over `environ` (default: this process's) for a command run in `cwd` (default: here).
    PYTHONPATH carries the stripe-python trust hook (stripe-python ignores SSL_CERT_FILE and
    REQUESTS_CA_BUNDLE) ahead of the PYTHONPATH `environ` already holds; the Node variables
    likewise extend its NODE_EXTRA_CA_CERTS and NODE_OPTIONS."""
    environ = os.environ if environ is None else environ
    ca = CertificateAuthority(home / "certs" if home else certs_dir())
    proxy = urls.proxy_url(session_id)
    bundle = str(ca.bundle_path)
    existing = environ.get("PYTHONPATH")
    search_path = str(TRUST_HOOK_DIR) + (os.pathsep + existing if existing else "")
    twilio = default_credentials(session_id)  # the session's default Twilio account
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
        "NODE_EXTRA_CA_CERTS": node_extra_ca_certs(ca, environ.get("NODE_EXTRA_CA_CERTS")),
        "MIRRA_CA_BUNDLE": bundle,
        "PYTHONPATH": search_path,
        "MIRRA_SESSION": session_id,
        "MIRRA_API_URL": urls.api_url,
        "TWILIO_ACCOUNT_SID": twilio.account_sid,
        "TWILIO_AUTH_TOKEN": twilio.auth_token,
        **node_options(environ.get("NODE_OPTIONS"), node_preload(environ, cwd or os.getcwd())),
    }


def node_extra_ca_certs(ca: CertificateAuthority, existing: str | None) -> str:
    """Node reads one NODE_EXTRA_CA_CERTS file, once, and setting it replaces the user's: so a
    user's file gets a combined copy (theirs, then mirra's CA) next to the CA, named by content."""
    try:
        mirra_pem = ca.cert_path.read_text()
        theirs = Path(existing).read_text() if existing else ""
    except OSError:
        return str(ca.cert_path)
    if existing and mirra_pem.strip() in theirs:
        return existing
    if not theirs.strip():
        return str(ca.cert_path)
    combined = theirs.rstrip("\n") + "\n" + mirra_pem
    path = ca.confdir / f"node-extra-ca-{hashlib.sha256(combined.encode()).hexdigest()[:16]}.pem"
    if not path.exists():
        staging = path.with_suffix(f".{os.getpid()}.tmp")
        staging.write_text(combined)
        staging.replace(path)
    return str(path)


def node_options(existing: str | None, preload: str | None) -> dict[str, str]:
    """NODE_OPTIONS with mirra's preload (`npm i -D @mirra/node`) appended: no Node SDK honours
    HTTPS_PROXY by itself. Left out when the preload cannot be found, since Node would refuse
    to start at all with a --require it cannot resolve."""
    if preload is None:
        return {}
    flag = f"--require {json.dumps(preload) if any(c.isspace() for c in preload) else preload}"
    current = (existing or "").strip()
    return {"NODE_OPTIONS": current if flag in current else f"{current} {flag}".strip()}


def node_preload(environ: Mapping[str, str], directory: str) -> str | None:
    """The preload's file: MIRRA_NODE_PRELOAD, else @mirra/node as Node resolves it from
    `directory` (the app's project); None without Node or the package."""
    return environ.get("MIRRA_NODE_PRELOAD") or _resolve_preload(directory)


@functools.cache
def _resolve_preload(directory: str) -> str | None:
    try:
        found = subprocess.run(
            ["node", "-p", f"require.resolve({json.dumps(NODE_PRELOAD)})"],
            check=False,
            cwd=directory,
            capture_output=True,
            text=True,
            timeout=30,
            env={**os.environ, "NODE_OPTIONS": ""},
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return found.stdout.strip() if found.returncode == 0 and found.stdout.strip() else None


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
