"""The errors sarhad raises.

Every error is a ``SarhadError``; callers catch the branch they can handle::

    SarhadError
    ├── InvalidInput        a file, request, record or argument is malformed
    ├── NotFound            an object, node home, peer or key does not exist
    ├── AccessDenied        the principal may not do or read this
    ├── StorageError        the database failed or is in an unexpected state
    ├── VerificationError   a proof, signature, checkpoint or hash does not check
    ├── ExchangeError       a peer answered badly or could not be reached
    └── ConfigError         settings are missing or contradictory

Messages say what was expected, what was found and where, e.g.
``acled.csv:17: latitude: 123.4 is outside -90..90``. Third-party errors are translated once, at the
boundary, with ``raise ... from exc``.
"""

from __future__ import annotations

__all__ = [
    "AccessDenied",
    "ConfigError",
    "ExchangeError",
    "InvalidInput",
    "NotFound",
    "SarhadError",
    "StorageError",
    "VerificationError",
]


class SarhadError(Exception):
    """The root of every error sarhad raises on purpose."""


class InvalidInput(SarhadError):
    """A file, request, record or argument is malformed."""


class NotFound(SarhadError):
    """An object, node home, peer or key does not exist."""


class AccessDenied(SarhadError):
    """The principal may not do or read this."""


class StorageError(SarhadError):
    """The database failed or holds something unexpected."""


class VerificationError(SarhadError):
    """A proof, signature, checkpoint or hash does not check."""


class ExchangeError(SarhadError):
    """A peer answered badly or could not be reached."""


class ConfigError(SarhadError):
    """Settings are missing or contradictory."""
