"""No credential in the access log: uvicorn's access lines lose their query string.

uvicorn logs every request as ``'%s - "%s %s HTTP/%s" %d'`` with the path *and query string* as the third
argument. A client that puts a token in the URL (``?access_token=…``, a habit some SDKs have) would have it
written whole to the log, which is kept far longer and read by far more people than the token deserves.
The adapters never read credentials from the query, so nothing is lost by dropping it from the line; the
path stays. ``install()`` is idempotent and called by every HTTP adapter's ``create_app``; a logger filter
survives uvicorn's own ``dictConfig``, whichever runs first.
"""

from __future__ import annotations

import logging

ACCESS_LOGGER = "uvicorn.access"
REDACTED = "?[query redacted]"
_PATH_ARG = 2  # (client, method, path_with_query, http_version, status)


class RedactQueryString(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        target = args[_PATH_ARG] if isinstance(args, tuple) and len(args) > _PATH_ARG else None
        if isinstance(args, tuple) and isinstance(target, str):
            path, question, _query = target.partition("?")
            if question:
                record.args = (*args[:_PATH_ARG], path + REDACTED, *args[_PATH_ARG + 1 :])
        return True


def install() -> None:
    """Add the filter to uvicorn's access logger once per process."""
    logger = logging.getLogger(ACCESS_LOGGER)
    if not any(isinstance(existing, RedactQueryString) for existing in logger.filters):
        logger.addFilter(RedactQueryString())
