"""HTTPS for the simulator: a certificate and key given (`--tls-cert/--tls-key`), or a throwaway CA (`--tls`).

The throwaway CA is made by trustme, for the sake of the clients' side: point INC_CA_BUNDLE at its `ca.pem`, as
at a private CA's, and the pipeline verifies the simulator as it verifies any https API.
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from pathlib import Path

LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")


@dataclass(frozen=True)
class TlsFiles:
    """The server's certificate chain and private key (PEM files), and the CA that signed them when known."""

    cert: Path
    key: Path
    ca: Path | None = None


def throwaway_tls(directory: Path, hosts: tuple[str, ...] = LOOPBACK_NAMES) -> TlsFiles:
    """A new CA and a server certificate it signed for `hosts`, written under `directory` (the key readable by
    this user only): ca.pem (what clients trust), server.pem (the chain) and server.key."""
    import trustme

    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    ca = trustme.CA(organization_name="inc-pipeline simulator (throwaway)")
    leaf = ca.issue_cert(*dict.fromkeys(hosts))
    files = TlsFiles(directory / "server.pem", directory / "server.key", directory / "ca.pem")
    ca.cert_pem.write_to_path(str(files.ca))
    leaf.private_key_pem.write_to_path(str(files.key))
    files.key.chmod(0o600)
    for n, blob in enumerate(leaf.cert_chain_pems):
        blob.write_to_path(str(files.cert), append=n > 0)
    return files


def server_context(tls: TlsFiles) -> ssl.SSLContext:
    """The server side's TLS context; a file that is missing or not a matching PEM certificate and key is a
    ValueError in one line."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    try:
        context.load_cert_chain(tls.cert, tls.key)
    except OSError as exc:
        raise ValueError(f"cannot read the TLS certificate or key ({exc.strerror or exc}: {exc.filename})") from None
    except ssl.SSLError as exc:
        raise ValueError(f"{tls.cert} and {tls.key} are not a PEM certificate and its key ({exc.reason})") from None
    return context


def handshake(connection) -> bool:
    """Complete an accepted connection's TLS handshake (in the connection's own thread, so one slow or refusing
    client never holds up the others); False when the client hung up, e.g. because it does not trust us."""
    if not isinstance(connection, ssl.SSLSocket):
        return True
    try:
        connection.do_handshake()
    except (ssl.SSLError, OSError):
        return False
    return True
