"""sarhad: verifiable incident sharing and joint monitoring for cross-border counter-terrorism frameworks.

The public API is small: open or create a :class:`Node`, publish :class:`Incident` records through it,
import and export datasets. Everything else lives in its own module.
"""

from __future__ import annotations

from sarhad.config import Settings, load_settings
from sarhad.errors import (
    AccessDenied,
    ConfigError,
    ExchangeError,
    InvalidInput,
    NotFound,
    SarhadError,
    StorageError,
    VerificationError,
)
from sarhad.model.figures import Figure, Range
from sarhad.model.incident import Incident, Perpetrator, Place

__all__ = [
    "AccessDenied",
    "ConfigError",
    "ExchangeError",
    "Figure",
    "Incident",
    "InvalidInput",
    "NotFound",
    "Perpetrator",
    "Place",
    "Range",
    "SarhadError",
    "Settings",
    "StorageError",
    "VerificationError",
    "__version__",
    "load_settings",
]

__version__ = "0.1.0"
