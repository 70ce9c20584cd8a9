"""The issuer's signing keys: discovered once, cached, refetched rarely, shared safely between threads.

A warm cache answers from memory, so verifying a token costs no network round trip. The network is used
for the first token (discovery document, then JWKS), when the keys are older than the max age (so a key the
issuer revoked stops verifying), and when a token names a key id we do not know (the issuer may have
rotated keys). That last case is rate limited: at most one JWKS fetch per ``min_refresh_seconds``, so a
flood of tokens with made-up key ids costs the issuer, and us, one request per window.

Fetches use the standard library (``urllib.request``, imported on first use) with a short timeout, so
importing this module at Lambda cold start stays cheap.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from .config import ALLOWED_ALGORITHMS, check_fetch_url
from .errors import AuthConfigError, AuthUnavailable

logger = logging.getLogger("agent_scaffold_runtime.auth")

MAX_DOCUMENT_BYTES = 512 * 1024
MAX_KEYS = 100
#: After a failed first load, how long requests fail fast (503) before the next attempt.
FAILED_LOAD_RETRY_SECONDS = 5.0

Clock = Callable[[], float]
Jwk = Mapping[str, Any]


class FetchError(Exception):
    """A discovery document or JWKS could not be fetched or is not usable JSON."""


def fetch_json(url: str, timeout: float) -> Any:
    """GET ``url`` and parse JSON; bounded in time and size."""
    import http.client
    import urllib.request  # not at module import: it pulls in http.client, ssl and email

    request = urllib.request.Request(
        url, headers={"Accept": "application/json", "User-Agent": "runtime-adapters-auth"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # scheme checked in config
            body = response.read(MAX_DOCUMENT_BYTES + 1)
    except (OSError, ValueError, http.client.HTTPException) as error:
        raise FetchError(f"GET {url} failed ({type(error).__name__})") from None
    if len(body) > MAX_DOCUMENT_BYTES:
        raise FetchError(f"GET {url} returned more than {MAX_DOCUMENT_BYTES} bytes")
    try:
        return json.loads(body)
    except (ValueError, RecursionError):
        raise FetchError(f"GET {url} did not return JSON") from None


@dataclass(frozen=True)
class _Snapshot:
    """One immutable view of the cache; readers take a reference, writers swap it under the lock."""

    issuer: str
    jwks_uri: str
    keys: Mapping[str, Jwk]
    fetched_at: float


class KeyStore:
    def __init__(
        self,
        discovery_url: str,
        *,
        timeout: float = 3.0,
        min_refresh_seconds: float = 60.0,
        max_age_seconds: float = 3600.0,
        clock: Clock = time.monotonic,
        fetch: Callable[[str, float], Any] = fetch_json,
    ) -> None:
        self.discovery_url = discovery_url
        self._timeout = timeout
        self._min_refresh = min_refresh_seconds
        self._max_age = max_age_seconds
        self._clock = clock
        self._fetch = fetch
        self._lock = threading.Lock()
        self._snapshot: _Snapshot | None = None
        self._last_attempt: float | None = None
        self._parsed: dict[tuple[str, str], Any] = {}

    @property
    def issuer(self) -> str:
        return self._current().issuer

    def warm(self) -> None:
        """Load the discovery document and keys now (e.g. at server start) instead of on the first token."""
        self._current()

    def forget(self) -> None:
        """Drop the keys, the parsed keys and the fetch clock (after a SnapStart restore): the next token
        fetches again, since the snapshot's keys and monotonic timestamps belong to another time."""
        with self._lock:
            self._snapshot = None
            self._last_attempt = None
            self._parsed = {}

    def key(self, kid: str) -> Jwk | None:
        """The verification key ``kid``, refetching the JWKS for an unknown id at most once per window."""
        found = self._current().keys.get(kid)
        if found is not None:
            return found
        with self._lock:
            snapshot = self._snapshot
            if snapshot is not None and kid in snapshot.keys:  # another thread just refreshed
                return snapshot.keys[kid]
            if not self._may_fetch(self._min_refresh):
                logger.info("JWT key id unknown; JWKS refetch skipped (rate limited)")
                return None
            try:
                self._refresh_keys()
            except FetchError as error:
                logger.warning("JWKS refetch failed: %s", error)
                return None
            current = self._snapshot
            return current.keys.get(kid) if current else None

    def parsed(self, kid: str, jwk: Jwk, algorithm: str) -> Any:
        """A PyJWK bound to ``algorithm``, parsed once per key: parsing costs more than verifying."""
        cache_key = (kid, algorithm)
        parsed = self._parsed.get(cache_key)
        if parsed is None or parsed[0] is not jwk:
            import jwt  # heavy (cryptography); imported on the first token, not at cold start

            parsed = (jwk, jwt.PyJWK(dict(jwk), algorithm=algorithm))
            self._parsed[cache_key] = parsed
        return parsed[1]

    def _current(self) -> _Snapshot:
        snapshot = self._snapshot
        if snapshot is not None and self._clock() - snapshot.fetched_at < self._max_age:
            return snapshot
        with self._lock:
            snapshot = self._snapshot
            if snapshot is None:
                return self._first_load()
            if self._clock() - snapshot.fetched_at >= self._max_age and self._may_fetch(self._min_refresh):
                try:
                    self._refresh_keys()
                except FetchError as error:  # keep serving the keys we have; try again next window
                    logger.warning("JWKS refresh failed, keeping cached keys: %s", error)
            return self._snapshot or snapshot

    def _first_load(self) -> _Snapshot:
        if not self._may_fetch(min(FAILED_LOAD_RETRY_SECONDS, self._min_refresh)):
            raise AuthUnavailable("The identity provider is unavailable; retry later.")
        try:
            issuer, jwks_uri = self._discover()
            keys = self._fetch_keys(jwks_uri)
        except (FetchError, AuthConfigError) as error:
            logger.warning("JWT discovery failed: %s", error)
            raise AuthUnavailable("The identity provider is unavailable; retry later.") from None
        self._snapshot = _Snapshot(issuer, jwks_uri, keys, self._clock())
        return self._snapshot

    def _may_fetch(self, window: float) -> bool:
        """Called with the lock held: records the attempt when one is allowed."""
        now = self._clock()
        if self._last_attempt is not None and now - self._last_attempt < window:
            return False
        self._last_attempt = now
        return True

    def _refresh_keys(self) -> None:
        snapshot = self._snapshot
        assert snapshot is not None
        keys = self._fetch_keys(snapshot.jwks_uri)
        self._snapshot = _Snapshot(snapshot.issuer, snapshot.jwks_uri, keys, self._clock())

    def _discover(self) -> tuple[str, str]:
        document = self._fetch(self.discovery_url, self._timeout)
        if not isinstance(document, dict):
            raise FetchError("the discovery document is not a JSON object")
        issuer, jwks_uri = document.get("issuer"), document.get("jwks_uri")
        if not isinstance(issuer, str) or not issuer or not isinstance(jwks_uri, str):
            raise FetchError("the discovery document lacks issuer or jwks_uri")
        check_fetch_url(jwks_uri, "the jwks_uri in the discovery document")
        return issuer, jwks_uri

    def _fetch_keys(self, jwks_uri: str) -> Mapping[str, Jwk]:
        document = self._fetch(jwks_uri, self._timeout)
        if not isinstance(document, dict) or not isinstance(document.get("keys"), list):
            raise FetchError("the JWKS is not an object with a keys list")
        keys: dict[str, Jwk] = {}
        for jwk in document["keys"][:MAX_KEYS]:
            if usable_signing_key(jwk) and jwk["kid"] not in keys:
                keys[jwk["kid"]] = MappingProxyType(dict(jwk))
        if not keys:
            raise FetchError("the JWKS has no usable signing keys")
        return MappingProxyType(keys)


def usable_signing_key(jwk: Any) -> bool:
    """RSA or EC public keys meant for signatures; symmetric (``oct``) and encryption keys never verify."""
    if not isinstance(jwk, dict) or not isinstance(jwk.get("kid"), str) or not jwk["kid"]:
        return False
    if jwk.get("kty") not in ("RSA", "EC") or "d" in jwk:
        return False
    if jwk.get("use", "sig") != "sig":
        return False
    ops = jwk.get("key_ops")
    if ops is not None and (not isinstance(ops, list) or "verify" not in ops):
        return False
    return jwk.get("alg") is None or jwk.get("alg") in ALLOWED_ALGORITHMS
