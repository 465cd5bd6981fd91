"""Create and load mirra's CA; export the trust bundle clients need.

mitmproxy reads only `<confdir>/mitmproxy-ca.pem` (private key + certificate) and mints leaf
certificates from it, so mirra writes its own EC P-256 CA there before the proxy starts, instead
of letting mitmproxy generate an RSA one.
"""

from __future__ import annotations

import datetime
import os
from pathlib import Path

import certifi
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

MITMPROXY_CA_FILE = "mitmproxy-ca.pem"
CA_CERT_FILE = "mirra-ca.pem"
BUNDLE_FILE = "mirra-ca-bundle.pem"
TRUST_HOOK_DIR = Path(__file__).parent / "trust_hook"


class CertificateAuthority:
    """mirra's CA in `confdir`: created once, reused by every later start."""

    def __init__(self, confdir: Path) -> None:
        self.confdir = confdir

    @property
    def key_and_cert_path(self) -> Path:
        """What mitmproxy loads: the private key (owner-only) followed by the certificate."""
        return self.confdir / MITMPROXY_CA_FILE

    @property
    def cert_path(self) -> Path:
        """The public CA certificate alone, for clients to trust."""
        return self.confdir / CA_CERT_FILE

    @property
    def bundle_path(self) -> Path:
        """Public roots (certifi) plus mirra's CA, so passthrough hosts still verify."""
        return self.confdir / BUNDLE_FILE

    def ensure(self) -> CertificateAuthority:
        """Create the CA on first use; rewrite the bundle if the roots changed."""
        if not self.key_and_cert_path.exists():
            self._create()
        self._write_bundle()
        return self

    def _create(self) -> None:
        self.confdir.mkdir(parents=True, exist_ok=True)
        os.chmod(self.confdir, 0o700)
        key = ec.generate_private_key(ec.SECP256R1())
        cert = _self_signed_ca(key)
        key_pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        cert_pem = cert.public_bytes(serialization.Encoding.PEM)
        _write_private(self.key_and_cert_path, key_pem + cert_pem)
        self.cert_path.write_bytes(cert_pem)

    def _write_bundle(self) -> None:
        bundle = Path(certifi.where()).read_bytes().rstrip(b"\n") + b"\n"
        bundle += b"# mirra local CA\n" + self.cert_path.read_bytes()
        if not self.bundle_path.exists() or self.bundle_path.read_bytes() != bundle:
            self.bundle_path.write_bytes(bundle)


def _self_signed_ca(key: ec.EllipticCurvePrivateKey) -> x509.Certificate:
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, "mirra local CA"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "mirra"),
        ]
    )
    now = datetime.datetime.now(datetime.UTC)
    ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=2))
        .not_valid_after(now + datetime.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(ski, critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ski), critical=False
        )
        .sign(key, hashes.SHA256())
    )


def _write_private(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.chmod(path, 0o600)
