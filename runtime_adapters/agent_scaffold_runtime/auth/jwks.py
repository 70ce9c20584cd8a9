"""The issuer's signing keys: discovered once, cached, refetched rarely, fetched off the request path.

A warm cache answers from memory, so verifying a token costs no network round trip. The network is used
for the first token (discovery document, then JWKS), when the keys are older than the max age (so a key the
issuer revoked stops verifying), and when a token names a key id we do not know (the issuer may have
rotated keys). That last case is rate limited: at most one JWKS fetch per ``min_refresh_seconds``, so a
flood of tokens with made-up key ids costs the issuer, and us, one request per window.

Fetches never run on the caller's thread and never hold the lock: ``lookup`` answers at once with a key,
``None``, or the one in-flight fetch (a ``concurrent.futures.Future``) to wait on. So at most one fetch runs
at a time (single flight, on its own short-lived thread), an async server awaits it without blocking its
event loop (``/ping`` and requests whose key is cached go on), and a synchronous caller (Lambda) simply
blocks on it. Each fetch is bounded by the timeout, every redirect hop is held to the same https/loopback
rule as the configured URL, and the standard library does the HTTP (``urllib.request``, imported on first
use), so importing this module at Lambda cold start stays cheap.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
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
#: How many times one lookup waits for a fetch (another caller may start the next one meanwhile).
MAX_WAITS = 3

Clock = Callable[[], float]
Jwk = Mapping[str, Any]


class FetchError(Exception):
    """A discovery document or JWKS could not be fetched or is not usable JSON."""


def fetch_json(url: str, timeout: float) -> Any:
    """GET ``url`` and parse JSON, bounded in time and size; each redirect must pass ``check_fetch_url``."""
    import http.client
    import urllib.request  # not at module import: it pulls in http.client, ssl and email

    request = urllib.request.Request(
        url, headers={"Accept": "application/json", "User-Agent": "runtime-adapters-auth"}
    )
    opener = urllib.request.build_opener(_checked_redirects())
    try:
        with opener.open(request, timeout=timeout) as response:  # first URL checked in config/discovery
            body = response.read(MAX_DOCUMENT_BYTES + 1)
    except AuthConfigError as error:
        raise FetchError(f"GET {url} was redirected to a refused URL ({error})") from None
    except (OSError, ValueError, http.client.HTTPException) as error:
        raise FetchError(f"GET {url} failed ({type(error).__name__})") from None
    if len(body) > MAX_DOCUMENT_BYTES:
        raise FetchError(f"GET {url} returned more than {MAX_DOCUMENT_BYTES} bytes")
    try:
        return json.loads(body)
    except (ValueError, RecursionError):
        raise FetchError(f"GET {url} did not return JSON") from None


def _checked_redirects() -> Any:
    """A redirect handler that refuses a hop to any URL the https/loopback rule refuses."""
    import urllib.request

    class CheckedRedirects(urllib.request.HTTPRedirectHandler):
        max_redirections = 3

        def redirect_request(self, req: Any, fp: Any, code: int, msg: str, headers: Any, newurl: str) -> Any:
            check_fetch_url(newurl, "a redirect from the identity provider")
            return super().redirect_request(req, fp, code, msg, headers, newurl)

    return CheckedRedirects()


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
        self._lock = threading.Lock()  # guards the fields below; never held during a fetch
        self._snapshot: _Snapshot | None = None
        self._last_attempt: float | None = None
        self._inflight: Future[None] | None = None
        self._parsed: dict[tuple[str, str], Any] = {}

    @property
    def issuer(self) -> str:
        """The discovery document's issuer; loads it (blocking) only if no key was ever looked up."""
        if self._snapshot is None:
            self.warm()
        snapshot = self._snapshot
        assert snapshot is not None  # warm() raises AuthUnavailable otherwise
        return snapshot.issuer

    @property
    def fetch_wait_seconds(self) -> float:
        """The longest one fetch can take: discovery and JWKS, each bounded by the timeout."""
        return 2 * self._timeout + 1.0

    def warm(self) -> None:
        """Load the discovery document and keys now (e.g. at server start) instead of on the first token."""
        self.key(None)

    def key(self, kid: str | None) -> Jwk | None:
        """The verification key ``kid``, waiting (on this thread) for a fetch when one is needed."""
        found = self.lookup(kid)
        for _ in range(MAX_WAITS):
            if not isinstance(found, Future):
                return found
            try:
                found.result(timeout=self.fetch_wait_seconds)
            except FutureTimeout:  # an alias of TimeoutError only from Python 3.11
                raise AuthUnavailable("The identity provider did not answer in time; retry later.") from None
            found = self._after_wait(kid)
        return None if isinstance(found, Future) else found

    async def key_async(self, kid: str | None) -> Jwk | None:
        """``key`` for an event loop: a fetch is awaited, so the loop keeps serving everything else."""
        found = self.lookup(kid)
        for _ in range(MAX_WAITS):
            if not isinstance(found, Future):
                return found
            try:
                await asyncio.wait_for(asyncio.wrap_future(found), self.fetch_wait_seconds)
            except asyncio.TimeoutError:
                raise AuthUnavailable("The identity provider did not answer in time; retry later.") from None
            found = self._after_wait(kid)
        return None if isinstance(found, Future) else found

    def _after_wait(self, kid: str | None) -> Jwk | Future[None] | None:
        if self._snapshot is None:  # the first load this caller waited for failed
            raise AuthUnavailable("The identity provider is unavailable; retry later.")
        return self.lookup(kid, may_start=False)

    def lookup(self, kid: str | None, *, may_start: bool = True) -> Jwk | Future[None] | None:
        """Never blocks on the network: the key, ``None`` (unknown, no fetch allowed now), or a fetch to wait
        on, after which the caller looks up again (with ``may_start=False``: the fetch it waited for was its
        one chance, so a made-up key id costs one fetch, however short the window).
        ``kid=None`` only makes sure keys are loaded.

        ``AuthUnavailable`` when nothing was ever loaded and the last attempt failed moments ago.
        """
        with self._lock:
            snapshot = self._snapshot
            if snapshot is None:
                if self._inflight is not None:
                    return self._inflight
                if not self._may_fetch(min(FAILED_LOAD_RETRY_SECONDS, self._min_refresh)):
                    raise AuthUnavailable("The identity provider is unavailable; retry later.")
                return self._start(self._first_load)
            if self._clock() - snapshot.fetched_at < self._max_age:
                found = snapshot.keys.get(kid) if kid is not None else None
                if found is not None or kid is None:
                    return found
                if self._inflight is not None:  # someone is fetching: that fetch may bring this key
                    return self._inflight
                if not may_start or not self._may_fetch(self._min_refresh):
                    logger.info("JWT key id unknown; JWKS refetch skipped (rate limited)")
                    return None
                return self._start(self._refresh_keys)
            # Too old: refetch (so revoked keys stop), unless a refresh failed within the window.
            if self._inflight is not None:
                return self._inflight
            if may_start and self._may_fetch(self._min_refresh):
                return self._start(self._refresh_keys)
            return snapshot.keys.get(kid) if kid is not None else None

    def parsed(self, kid: str, jwk: Jwk, algorithm: str) -> Any:
        """A PyJWK bound to ``algorithm``, parsed once per key: parsing costs more than verifying."""
        cache_key = (kid, algorithm)
        parsed = self._parsed.get(cache_key)
        if parsed is None or parsed[0] is not jwk:
            import jwt  # heavy (cryptography); imported on the first token, not at cold start

            parsed = (jwk, jwt.PyJWK(dict(jwk), algorithm=algorithm))
            self._parsed[cache_key] = parsed
        return parsed[1]

    def _start(self, job: Callable[[], None]) -> Future[None]:
        """Called with the lock held: run ``job`` on its own thread as THE in-flight fetch."""
        future: Future[None] = Future()
        future.set_running_or_notify_cancel()  # a waiter that gives up cannot cancel it for the others
        self._inflight = future

        def run() -> None:
            try:
                job()
            except Exception:  # the job logs what it expects; anything else must not leave waiters hanging
                logger.exception("Fetching the identity provider's keys failed")
            finally:
                with self._lock:
                    self._inflight = None
                future.set_result(None)

        threading.Thread(target=run, name="jwks-fetch", daemon=True).start()
        return future

    def _first_load(self) -> None:
        try:
            issuer, jwks_uri = self._discover()
            keys = self._fetch_keys(jwks_uri)
        except (FetchError, AuthConfigError) as error:
            logger.warning("JWT discovery failed: %s", error)
            return
        snapshot = _Snapshot(issuer, jwks_uri, keys, self._clock())
        with self._lock:
            self._snapshot = snapshot

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
        try:
            keys = self._fetch_keys(snapshot.jwks_uri)
        except FetchError as error:  # keep serving the keys we have; try again next window
            logger.warning("JWKS refresh failed, keeping cached keys: %s", error)
            return
        with self._lock:
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
