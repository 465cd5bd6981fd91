"""`mirra ca`: where mirra's CA certificate is, and a trust bundle that includes it."""

from __future__ import annotations

from pathlib import Path

import typer

from mirra.certs import CertificateAuthority
from mirra.home import certs_dir

app = typer.Typer(help="mirra's local certificate authority (created on first use).", no_args_is_help=True)


@app.command("path")
def path() -> None:
    """Print the path of mirra's CA certificate (PEM), for NODE_EXTRA_CA_CERTS or a trust store."""
    print(CertificateAuthority(certs_dir()).ensure().cert_path)


@app.command("bundle")
def bundle(
    output: Path | None = typer.Option(
        None, "--output", "-o", help="Also write the bundle to this file."
    ),
    print_pem: bool = typer.Option(False, "--print", help="Print the bundle's PEM text instead of its path."),
) -> None:
    """Write the trust bundle (public roots + mirra's CA) and print its path.

    Point SSL_CERT_FILE, REQUESTS_CA_BUNDLE and CURL_CA_BUNDLE at it: mirrored hosts verify
    against mirra's CA and every other host still verifies against the public roots.
    """
    ca = CertificateAuthority(certs_dir()).ensure()
    if output is not None:
        output.write_bytes(ca.bundle_path.read_bytes())
    if print_pem:
        print(ca.bundle_path.read_text(), end="")
    else:
        print(output or ca.bundle_path)
