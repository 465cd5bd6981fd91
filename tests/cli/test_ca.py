"""`mirra ca path|bundle` create the CA on first use and print where it is."""

from __future__ import annotations

import stat
from pathlib import Path

import certifi
from cryptography import x509

from tests.cli.conftest import Run


def test_ca_path_creates_the_ca_with_an_owner_only_key(run_cli: Run, tmp_path: Path) -> None:
    result = run_cli(tmp_path, "ca", "path")
    assert result.returncode == 0
    cert_path = Path(result.stdout.strip())
    cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
    assert cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca is True
    key_file = tmp_path / "certs" / "mitmproxy-ca.pem"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert b"PRIVATE KEY" in key_file.read_bytes()
    assert run_cli(tmp_path, "ca", "path").stdout == result.stdout  # created once, reused


def test_ca_bundle_holds_public_roots_and_mirras_ca(run_cli: Run, tmp_path: Path) -> None:
    out = tmp_path / "bundle.pem"
    result = run_cli(tmp_path, "ca", "bundle", "--output", str(out))
    assert result.returncode == 0 and result.stdout.strip() == str(out)
    bundle = out.read_text()
    ca = (tmp_path / "certs" / "mirra-ca.pem").read_text()
    assert ca in bundle
    assert Path(certifi.where()).read_text().strip().splitlines()[-1] in bundle
    assert run_cli(tmp_path, "ca", "bundle", "--print").stdout == bundle
