"""RFC 8785 JSON Canonicalization Scheme (JCS): the bytes that sarhad hashes and signs.

Objects are serialised with keys sorted by their UTF-16 code units (RFC 8785 §3.2.3), no insignificant white
space, strings escaped as ECMAScript ``JSON.stringify`` does (§3.2.2.2) and numbers in the ECMAScript
shortest round-trip form (§3.2.2.3). Integers outside ±2**53 and non-finite floats are rejected, since they
cannot survive an I-JSON round trip.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from typing import Any

from sarhad.errors import InvalidInput

__all__ = ["canonical_bytes", "canonical_text", "number_text"]

_MAX_SAFE = 2**53 - 1
# json's C encoder escapes exactly what RFC 8785 asks for when ensure_ascii=False: '"', '\\' and the
# control characters below U+0020 (with \b \f \n \r \t short forms).
_encode_str = json.JSONEncoder(ensure_ascii=False).encode


def number_text(value: float) -> str:
    """A float as RFC 8785 writes it (ECMAScript's shortest round-trip form, §3.2.2.3).

    Raises InvalidInput for NaN and the infinities.
    """
    if not math.isfinite(value):
        raise InvalidInput(f"canonical JSON cannot hold the number {value!r}")
    if value == 0:
        return "0"
    if value.is_integer() and abs(value) < 2**53:
        # Exact below 2**53; above it, str(int(x)) would print the double's exact digits (…683968) where
        # ECMAScript prints the shortest round-trip digits padded with zeros (…680000).
        return str(int(value))
    text = repr(value)  # shortest round-trip digits, like ECMAScript
    if "e" not in text:
        return text[:-2] if text.endswith(".0") else text
    mantissa, exponent = text.split("e")
    exp = int(exponent)
    digits = mantissa.replace(".", "").replace("-", "")
    sign = "-" if value < 0 else ""
    # ECMAScript uses plain notation for 1e-7 < |x| < 1e21 and exponent form outside it.
    if -7 < exp < 21:
        point = exp + 1
        if point <= 0:
            return f"{sign}0.{'0' * -point}{digits}"
        if point >= len(digits):
            return f"{sign}{digits}{'0' * (point - len(digits))}"
        return f"{sign}{digits[:point]}.{digits[point:]}"
    mant = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
    return f"{sign}{mant}e{'+' if exp > 0 else '-'}{abs(exp)}"


def _utf16_key(key: str) -> bytes:
    return key.encode("utf-16-be", "surrogatepass")


def _string(value: str) -> str:
    return _encode_str(value)


def _check_unicode(text: str) -> str:
    # RFC 8785 §3.2.2.2: strings must be valid Unicode; a lone surrogate cannot be encoded as UTF-8.
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as exc:
            near = text[max(0, exc.start - 20) : exc.end + 20]
            raise InvalidInput(
                f"canonical JSON strings must be valid Unicode, found a lone surrogate near {near!r}"
            ) from None
    return text


def _write(value: Any, out: list[str]) -> None:
    if value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, str):
        out.append(_string(value))
    elif isinstance(value, int):
        if abs(value) > _MAX_SAFE:
            raise InvalidInput(f"canonical JSON cannot hold the integer {value} (outside ±2**53)")
        out.append(str(value))
    elif isinstance(value, float):
        out.append(number_text(value))
    elif isinstance(value, Mapping):
        for key in value:
            if not isinstance(key, str):
                raise InvalidInput(f"canonical JSON object keys must be strings, found {key!r}")
        out.append("{")
        first = True
        for key in sorted(value, key=_utf16_key):
            if not first:
                out.append(",")
            first = False
            out.append(_string(key))
            out.append(":")
            _write(value[key], out)
        out.append("}")
    elif isinstance(value, Sequence) and not isinstance(value, (bytes, bytearray)):
        out.append("[")
        for i, item in enumerate(value):
            if i:
                out.append(",")
            _write(item, out)
        out.append("]")
    else:
        raise InvalidInput(f"canonical JSON cannot hold a {type(value).__name__}")


_UNSAFE: Any = object()
_fast_dumps = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False).encode


def _fast_safe(value: Any) -> Any:
    """Return ``value`` with integral floats as ints if the C encoder then gives RFC 8785 bytes, else _UNSAFE.

    json's C encoder matches RFC 8785 when every key is ASCII (code-point order = UTF-16 order), every
    integer is within ±2**53 and every float prints the same in Python and ECMAScript (no exponent form).
    """
    kind = type(value)
    if kind is str or value is None or kind is bool:
        return value
    if kind is dict:
        out = {}
        for key, item in value.items():
            if type(key) is not str or not key.isascii():
                return _UNSAFE
            if type(item) is str or item is None:
                out[key] = item
                continue
            safe = _fast_safe(item)
            if safe is _UNSAFE:
                return _UNSAFE
            out[key] = safe
        return out
    if kind is list or kind is tuple:
        items = []
        for item in value:
            safe = item if type(item) is str else _fast_safe(item)
            if safe is _UNSAFE:
                return _UNSAFE
            items.append(safe)
        return items
    if kind is int:
        return value if -_MAX_SAFE <= value <= _MAX_SAFE else _UNSAFE
    if kind is float:
        if value != value or value in (math.inf, -math.inf):
            return _UNSAFE
        if value.is_integer():
            return int(value) if abs(value) < 2**53 else _UNSAFE
        return value if 1e-4 <= abs(value) < 1e16 else _UNSAFE
    return _UNSAFE


def canonical_text(value: Any) -> str:
    """Return the RFC 8785 canonical form of ``value`` as text.

    Raises InvalidInput when ``value`` holds something JSON cannot (bytes, NaN, a non-string key, an
    integer beyond ±2**53).
    """
    if isinstance(value, dict):
        safe = _fast_safe(value)
        if safe is not _UNSAFE:
            return _check_unicode(_fast_dumps(safe))
    out: list[str] = []
    _write(value, out)
    return _check_unicode("".join(out))


def canonical_bytes(value: Any) -> bytes:
    """Return the RFC 8785 canonical form of ``value`` as UTF-8 bytes (what sarhad hashes)."""
    return canonical_text(value).encode("utf-8")
