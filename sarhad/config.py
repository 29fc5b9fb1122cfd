"""Node settings: one typed object, read once at the edge and passed explicitly.

Precedence is flag > environment (``SARHAD_*``, read by the CLI only) > ``sarhad.toml`` in the node home >
default. Library code never reads the environment; it is handed a :class:`Settings`.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path

from sarhad.errors import ConfigError, NotFound
from sarhad.store.db import shown_url

__all__ = ["SETTINGS_FILE", "Settings", "load_settings", "settings_text", "write_settings"]

SETTINGS_FILE = "sarhad.toml"
_PARTY = re.compile(r"^[A-Z][A-Z0-9-]{1,15}$")


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything a node needs to know about itself.

    ``database_url`` is ``sqlite:///ABSOLUTE/PATH`` or ``postgresql://…`` (``postgres://…`` is taken as it);
    ``origin`` is the log's C2SP origin line (a schema-less URL); ``share_restricted`` lets GTD/ACLED rows (whose
    licences forbid redistribution) be exported to peers, synced by them and read by other parties' principals
    (:func:`sarhad.web.auth.unshared_licences`), for parties that hold their own licence.
    """

    home: Path
    party: str
    database_url: str
    origin: str
    share_restricted: bool = False

    def __post_init__(self) -> None:
        if self.database_url.startswith("postgres://"):  # the short scheme many hosts hand out: the same server
            object.__setattr__(self, "database_url", "postgresql://" + self.database_url.removeprefix("postgres://"))
        if not _PARTY.match(self.party):
            raise ConfigError(
                f"party {self.party!r} is not a party code: expected 2-16 capitals, digits or '-' (e.g. PK, IR)"
            )
        if not (self.database_url.startswith("sqlite:///") or self.database_url.startswith("postgresql://")):
            raise ConfigError(
                f"database URL {shown_url(self.database_url)!r} is not supported: expected sqlite:///PATH or"
                " postgresql://…"
            )

    @property
    def key_path(self) -> Path:
        """The node's Ed25519 signing key (mode 0600)."""
        return self.home / "node.key"

    def __repr__(self) -> str:
        # The URL may carry a password: never show it.
        return f"Settings(home={str(self.home)!r}, party={self.party!r}, database_url={shown_url(self.database_url)!r})"


def default_database_url(home: Path) -> str:
    """The embedded default: a SQLite file in the node home."""
    return f"sqlite:///{(home / 'sarhad.db').resolve()}"


def load_settings(home: Path, *, database_url: str | None = None) -> Settings:
    """Read ``sarhad.toml`` from ``home``; ``database_url`` (flag or environment) overrides the file.

    Raises NotFound when the home has not been initialised, ConfigError when the file is malformed.
    """
    path = home / SETTINGS_FILE
    if not path.is_file():
        raise NotFound(f"{home} is not a sarhad node home (no {SETTINGS_FILE}); run 'sarhad --home {home} init'")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: {exc}") from exc
    node = data.get("node", {})
    if not isinstance(node, dict) or "party" not in node:
        raise ConfigError(f"{path}: expected a [node] table with 'party'")
    try:
        settings = Settings(
            home=home.resolve(),
            party=str(node["party"]),
            database_url=str(node.get("database", default_database_url(home))),
            origin=str(node.get("origin", f"sarhad.{str(node['party']).lower()}/log")),
            share_restricted=bool(node.get("share_restricted", False)),
        )
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{path}: {exc}") from exc
    if database_url:
        settings = replace(settings, database_url=database_url)
    return settings


def _toml_str(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def settings_text(settings: Settings, *, database: bool = True) -> str:
    """The text of ``sarhad.toml`` for ``settings``; without ``database`` the node uses the SQLite file in
    whatever home the file is put in (a backup's copy: the database it names would be the original's)."""
    line = f"database = {_toml_str(settings.database_url)}\n" if database else ""
    return (
        "# sarhad node settings\n[node]\n"
        f"party = {_toml_str(settings.party)}\n"
        f"{line}"
        f"origin = {_toml_str(settings.origin)}\n"
        f"share_restricted = {'true' if settings.share_restricted else 'false'}\n"
    )


def write_settings(settings: Settings) -> Path:
    """Write ``sarhad.toml`` for ``settings`` into its home and return the path.

    The default database (``sarhad.db`` in the home) is not named in the file, so a copy of the home (``cp -r``,
    a restored archive, a moved folder) uses the database beside it, never the original's; a database given
    elsewhere (``init --db``) is named."""
    settings.home.mkdir(parents=True, exist_ok=True)
    path = settings.home / SETTINGS_FILE
    default = settings.database_url == default_database_url(settings.home)
    path.write_text(settings_text(settings, database=not default), encoding="utf-8")
    return path
