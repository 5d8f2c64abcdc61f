"""The HTTP side of ``tether.connect``: one request to a Tether server, its answer parsed with its wire model, and
error answers turned back into the exceptions the local plane raises.

An unreachable server, or a proxy answering 502/503/504 with no Tether behind it, is a StoreError: to the agent it
is the same as a store it cannot reach, and nothing above ``auto`` runs.
"""

from __future__ import annotations

import functools
import ssl
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel, ValidationError

from tether import _tracing as tracing
from tether.errors import (
    AlreadyDecided,
    ClaimConflict,
    ConfigError,
    DecisionError,
    Forbidden,
    NotDecidable,
    NotFound,
    RemoteError,
    SeparationOfDuties,
    StoreError,
    TetherError,
    Unauthenticated,
    UndoRefused,
    UsageError,
)
from tether.wire import ErrorOut

M = TypeVar("M", bound=BaseModel)

# The error body's ``type`` (see tether.server._wire), back to the exception the local plane raises.
ERRORS: dict[str, type[TetherError]] = {
    "unauthenticated": Unauthenticated,
    "forbidden": Forbidden,
    "separation_of_duties": SeparationOfDuties,
    "not_found": NotFound,
    "already_decided": AlreadyDecided,
    "undo_refused": UndoRefused,
    "not_decidable": NotDecidable,
    "conflict": DecisionError,
    "claim_conflict": ClaimConflict,
    "invalid_request": UsageError,
    "too_large": UsageError,
    "http_error": UsageError,
    "bad_configuration": ConfigError,
    "store_unavailable": StoreError,
}
_UNAVAILABLE = {502, 503, 504}


@functools.cache
def _tls() -> ssl.SSLContext:
    """One TLS context per process, built as httpx builds its default (SSL_CERT_FILE, SSL_CERT_DIR, else certifi):
    loading the CA bundle takes ~30 ms, paid by every new client otherwise."""
    return httpx.create_ssl_context()


class Transport:
    """Requests under one bearer token."""

    def __init__(self, url: str, token: str, *, timeout: float) -> None:
        self.url = url
        self._client = httpx.Client(
            base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=timeout, verify=_tls()
        )

    def parsed(self, model: type[M], method: str, path: str, **kwargs: Any) -> M:
        """The answer, as its wire model; an answer that does not fit the model is a RemoteError."""
        data = self.request(method, path, **kwargs)
        try:
            return model.model_validate(data)
        except ValidationError as exc:
            raise RemoteError(f"{method} {path}: the server's answer is not a {model.__name__}: {exc}") from None

    def request(self, method: str, path: str, **kwargs: Any) -> Any:
        """The answer's JSON, or the Tether error its error body names."""
        headers: dict[str, str] = {}
        tracing.inject(headers)  # the caller's trace continues on the server
        try:
            response = self._client.request(method, path, headers=headers, **kwargs)
        except httpx.HTTPError as exc:
            raise StoreError(f"the Tether server at {self.url} is unreachable: {exc}") from None
        if response.status_code < 400:
            return response.json()
        try:
            error = ErrorOut.model_validate(response.json()).error
        except ValueError:  # not JSON, or JSON that is not a Tether error body (pydantic's errors are ValueErrors)
            if response.status_code in _UNAVAILABLE:
                raise StoreError(
                    f"the Tether server at {self.url} is unavailable (HTTP {response.status_code})"
                ) from None
            raise RemoteError(f"{method} {path}: HTTP {response.status_code}", status=response.status_code) from None
        raise ERRORS.get(error.type, RemoteError)(error.message)

    def close(self) -> None:
        self._client.close()
