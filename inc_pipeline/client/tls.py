"""Which certificates an https API is trusted by, and a TLS failure said in one line. Verified by default.

The trust store is one file for every https request and check: `INC_CA_BUNDLE` (a private CA's PEM file) when
set, else the bundle the environment names for requests (REQUESTS_CA_BUNDLE, CURL_CA_BUNDLE), else the public
CAs requests ships (certifi). There is no setting that turns verification off.
"""

from __future__ import annotations

import os
import socket
import ssl

import requests.certs

from inc_pipeline.errors import UserError

CA_BUNDLE_SETTING = "INC_CA_BUNDLE"
_FIX_BUNDLE = f"set {CA_BUNDLE_SETTING} to the PEM file of the CA that signed it (a private CA)"


class CaBundleError(UserError):
    """INC_CA_BUNDLE names a file that cannot serve as a CA bundle."""


class CertificateError(UserError):
    """The API's certificate is not trusted, or it does not speak TLS at all."""


def trust_store(ca_bundle: str = "") -> str:
    """The CA bundle file https requests are verified against: `ca_bundle` (INC_CA_BUNDLE) when given, checked
    here so a wrong path is one line now rather than a failure of every request; else the environment's or
    requests' own."""
    if not ca_bundle.strip():
        return os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or requests.certs.where()
    path = ca_bundle.strip()
    try:
        ssl.create_default_context(cafile=path)
    except ssl.SSLError:  # an OSError too: looked at first
        raise CaBundleError(f"{CA_BUNDLE_SETTING}={path!r} holds no PEM certificate: set it to the PEM file of the "
                            "CA that signed the API's certificate (-----BEGIN CERTIFICATE-----)") from None  # fmt: skip
    except OSError as exc:  # FileNotFoundError, PermissionError, IsADirectoryError
        raise CaBundleError(f"{CA_BUNDLE_SETTING}={path!r} cannot be read ({exc.strerror or exc}): set it to the "
                            "PEM file of the CA that signed the API's certificate, or unset it") from None  # fmt: skip
    return path


def check_certificate(host: str, port: int, ca_bundle: str = "", timeout: float = 5.0) -> None:
    """A TLS handshake with host:port verified as every request is; an untrusted certificate (or a server that
    does not speak TLS) raises CertificateError in one line."""
    context = ssl.create_default_context(cafile=trust_store(ca_bundle))
    try:
        with socket.create_connection((host, port), timeout=timeout) as raw:
            with context.wrap_socket(raw, server_hostname=host):
                pass
    except ssl.SSLError as exc:
        raise CertificateError(describe_failure(exc, f"https://{host}:{port}", ca_bundle)) from None


def describe_failure(error: BaseException, where: str, ca_bundle: str = "") -> str:
    """One line for a TLS failure talking to `where` (an https URL's origin): what is wrong and what to do."""
    cause = ssl_cause(error)
    if isinstance(cause, ssl.SSLCertVerificationError):
        reason = cause.verify_message or "certificate verify failed"
        if cause.verify_code in (62, 64):  # X509_V_ERR_HOSTNAME_MISMATCH, X509_V_ERR_IP_ADDRESS_MISMATCH
            return (
                f"the API at {where} presents a certificate for another host ({reason}): put in "
                "INC_API_BASE_URL the host name the certificate names"
            )
        if ca_bundle.strip():
            return (
                f"the API at {where} presents a certificate that {CA_BUNDLE_SETTING}={ca_bundle.strip()!r} "
                f"does not trust ({reason}): {_FIX_BUNDLE}"
            )
        return f"the API at {where} presents a certificate this machine does not trust ({reason}): {_FIX_BUNDLE}"
    reason = getattr(cause, "reason", None) or type(cause).__name__
    return f"the API at {where} did not complete a TLS handshake ({reason}): check INC_API_BASE_URL (http or https?)"


def ssl_cause(error: BaseException) -> BaseException:
    """The ssl module's own error inside a library's wrapping of it (requests -> urllib3 -> ssl), else `error`."""
    seen, pending = set(), [error]
    while pending:
        current = pending.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, ssl.SSLError):
            return current
        pending.extend(e for e in (*getattr(current, "args", ()), getattr(current, "reason", None),
                                   current.__cause__, current.__context__) if isinstance(e, BaseException))  # fmt: skip
    return error
