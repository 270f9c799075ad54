"""HTTPS for the simulator: a certificate and key given (`--tls-cert/--tls-key`), or a throwaway CA (`--tls`).

The throwaway CA is made by trustme, for the sake of the clients' side: point INC_CA_BUNDLE at its `ca.pem`, as
at a private CA's, and the pipeline verifies the simulator as it verifies any https API.
"""

from __future__ import annotations

import argparse
import ssl
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
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
    except ssl.SSLError as exc:  # an OSError too: looked at first
        raise ValueError(f"{tls.cert} and {tls.key} are not a PEM certificate and its key ({exc.reason})") from None
    except OSError as exc:
        raise ValueError(f"cannot read the TLS certificate or key ({exc.strerror or exc}: {exc.filename})") from None
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


def add_tls_arguments(parser: argparse.ArgumentParser) -> None:
    """The simulator CLI's https flags."""
    parser.add_argument(
        "--tls",
        action="store_true",
        help="https with a throwaway CA (its ca.pem printed, for INC_CA_BUNDLE; removed on exit)",
    )
    parser.add_argument("--tls-cert", type=Path, help="https with this certificate chain (PEM); needs --tls-key")
    parser.add_argument("--tls-key", type=Path, help="the private key (PEM) of --tls-cert")  # fmt: skip


@contextmanager
def tls_of(args: argparse.Namespace, parser: argparse.ArgumentParser) -> Iterator[TlsFiles | None]:
    """The TLS files the flags ask for (None: plain http); a throwaway CA's live while the server runs."""
    given = (args.tls_cert, args.tls_key)
    if any(given) and not all(given):
        parser.error("--tls-cert and --tls-key go together: give both, or --tls for a throwaway CA")
    if all(given) and args.tls:
        parser.error("--tls makes its own certificate: leave out --tls-cert and --tls-key, or --tls")
    if all(given):
        files = TlsFiles(args.tls_cert, args.tls_key)
        try:
            server_context(files)
        except ValueError as error:
            parser.error(str(error))
        yield files
    elif args.tls:
        with tempfile.TemporaryDirectory(prefix="inc-simulator-tls-") as directory:
            hosts = LOOPBACK_NAMES if args.host in ("127.0.0.1", "0.0.0.0") else (*LOOPBACK_NAMES, args.host)
            yield throwaway_tls(Path(directory), hosts)
    else:
        yield None
