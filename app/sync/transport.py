"""The HTTP client for the central store (docs/sync-protocol.md sections 1-2).

Plain ``http://`` is refused except to a loopback address; ``https://`` is verified against the
system's certificate store or the configured CA bundle. Every protocol refusal becomes one of
the exceptions in ``app.sync.errors`` carrying the server's ``detail`` for the worker.
"""

from __future__ import annotations

import ipaddress
import logging
import ssl
from pathlib import Path
from typing import Any

import httpx

from app.sync import errors

log = logging.getLogger(__name__)

TIMEOUT = httpx.Timeout(connect=5.0, read=60.0, write=60.0, pool=5.0)
# A push that also asks for the pull page, counts and history (protocol 3, 4.7) waits for the
# work of four requests in one: each used to have its own 60 s; under a burst at shift change
# (issue 16.3: 200 desks, 2 CPUs) the combined answer can take longer than one of them did.
THEN_READ_FACTOR = 3
# docs/sync-protocol.md; central/record_types.py speaks the same. 3: a push may ask for the
# pull page, counts, history and audit anchor in its answer (4.7). A version-2 central store
# is still spoken to in version 2 (each of those its own request).
PROTOCOL_VERSION = 3
MIN_SERVER_PROTOCOL = 2


def check_address(url: str) -> str:
    """The normalised base URL, or InsecureAddress / SyncError saying what is wrong with it."""
    try:
        parsed = httpx.URL(url.strip())
    except (httpx.InvalidURL, TypeError):
        raise errors.InsecureAddress(f"'{url}' is not a web address.") from None
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise errors.InsecureAddress(
            f"'{url}' is not a central store address: it must start with https://."
        )
    if parsed.scheme == "http" and not _is_loopback(parsed.host):
        # 1: personal data never crosses a network unencrypted.
        raise errors.InsecureAddress(
            f"The central store address {url} is not encrypted (http://). CJIT Desk only "
            "sends records over https://, except to this computer itself."
        )
    return str(parsed).rstrip("/")


def _is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _verify(ca_bundle: Path | None) -> ssl.SSLContext:
    # ssl.create_default_context loads the operating system's trust store (httpx alone would
    # use certifi's bundle, which IT cannot extend with a partnership CA).
    if ca_bundle is not None and not Path(ca_bundle).is_file():
        raise errors.SyncError(
            f"The CA bundle {ca_bundle} does not exist.", "Ask IT to fix the ca_bundle setting."
        )
    return ssl.create_default_context(cafile=str(ca_bundle) if ca_bundle else None)


class Transport:
    def __init__(
        self,
        base_url: str,
        token: str | None = None,
        ca_bundle: Path | None = None,
        timeout: httpx.Timeout = TIMEOUT,
        http_transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.base_url = check_address(base_url)
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        verify: Any = _verify(ca_bundle) if self.base_url.startswith("https") else False
        self._client = httpx.Client(
            base_url=self.base_url,
            headers=headers,
            timeout=timeout,
            verify=verify,
            transport=http_transport,
            trust_env=False,  # a proxy from the environment must not see personal data
        )

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Transport:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- calls ------------------------------------------------------------------------------

    def enrol(self, code: str, device_name: str) -> dict[str, Any]:
        return self._json("POST", "/v1/enrol", json={"code": code, "device_name": device_name})

    def hello(self, app_version: str) -> dict[str, Any]:
        body = {"protocol_version": PROTOCOL_VERSION, "app_version": app_version}
        return self._json("POST", "/v1/hello", json=body)

    def push(self, body: dict[str, Any]) -> dict[str, Any]:
        if "then" in body:
            timeout = self._client.timeout
            longer = httpx.Timeout(
                connect=timeout.connect,
                read=None if timeout.read is None else timeout.read * THEN_READ_FACTOR,
                write=timeout.write,
                pool=timeout.pool,
            )
            return self._json("POST", "/v1/push", json=body, timeout=longer)
        return self._json("POST", "/v1/push", json=body)

    def pull(
        self,
        cursor: int,
        limit: int = 500,
        epoch: str | None = None,
        types: list[str] | None = None,
        skip_own: bool = False,
    ) -> dict[str, Any]:
        params: list[tuple[str, Any]] = [("cursor", cursor), ("limit", limit)]
        if epoch:
            params.append(("epoch", epoch))
        if skip_own:
            params.append(("skip_own", "true"))
        params += [("type", t) for t in types or ()]
        return self._json("GET", "/v1/pull", params=params)

    def anchor(self, claim: dict[str, Any]) -> dict[str, Any]:
        """The audit chain's length and head; the central store's signed receipt back."""
        return self._json("POST", "/v1/anchor", json=claim)

    def counts(self) -> dict[str, Any]:
        return self._json("GET", "/v1/counts")

    def history(self, since: str | None = None) -> dict[str, Any]:
        return self._json("GET", "/v1/history", params={"since": since} if since else None)

    def monthly(self, first: str, last: str) -> dict[str, Any]:
        return self._json("GET", "/v1/reports/monthly", params={"from": first, "to": last})

    # --- errors -----------------------------------------------------------------------------

    def _json(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        try:
            response = self._client.request(method, path, **kwargs)
        except httpx.TimeoutException:
            raise errors.Transient("The central store did not answer in time.") from None
        except (httpx.TransportError, ssl.SSLError) as exc:
            log.info("central store unreachable: %s %s", path, type(exc).__name__)
            raise _network_error(exc) from None
        if response.status_code == 200:
            try:
                return response.json()
            except ValueError:
                raise errors.Transient("The central store sent an unreadable answer.") from None
        raise _refusal(response)


def _network_error(exc: Exception) -> errors.SyncError:
    text = str(exc)
    if "CERTIFICATE_VERIFY_FAILED" in text or isinstance(exc, ssl.SSLError):
        return errors.SyncError(
            "The central store's certificate could not be verified, so nothing was sent.",
            "Tell IT: the certificate or the CA bundle setting needs fixing.",
        )
    return errors.Transient("The central store cannot be reached (offline).")


def _refusal(response: httpx.Response) -> errors.SyncError:
    try:
        body = response.json()
    except ValueError:
        body = {}
    if not isinstance(body, dict):
        body = {}
    detail = body.get("detail")
    if not isinstance(detail, str):
        detail = f"The central store refused the request (HTTP {response.status_code})."
    status, code = response.status_code, body.get("code")
    if status == 429 and code == "too_many_attempts":  # enrolment: the wait, in words
        return errors.Refused(detail)
    if status >= 500 or status in (408, 429):
        return errors.Transient(f"The central store had a problem (HTTP {status}).")
    if status == 401:
        return errors.Revoked(detail)
    if status == 426:
        return errors.UpgradeRequired(detail)
    if status == 413:
        limit = body.get("max_bytes")
        return errors.TooLarge(detail, limit if isinstance(limit, int) else None)
    if status == 409 and code == "batch_id_reused":
        return errors.BatchIdReused(detail)
    if status == 422:
        found = body.get("errors")
        listed = [e for e in found if isinstance(e, dict)] if isinstance(found, list) else []
        return errors.BatchRefused(detail, listed)
    return errors.Refused(detail)
