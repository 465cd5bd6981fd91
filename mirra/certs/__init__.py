"""The local CA that lets mirra's proxy terminate TLS for the mirrored vendor hosts."""

from mirra.certs.ca import CertificateAuthority

__all__ = ["CertificateAuthority"]
