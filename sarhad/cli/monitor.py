"""``sarhad alerts``: alert rules and the alerts they raised."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from sarhad.cli._shared import console, date_option, print_json, state

if TYPE_CHECKING:
    from sarhad.monitor.rules import Rule
    from sarhad.store.db import Database

__all__ = ["register"]

_JSON = typer.Option(False, "--json", help="Print JSON for scripts.")

alerts_app = typer.Typer(help="Alert rules and alerts (monitoring).", no_args_is_help=True)
rules_app = typer.Typer(help="Manage the alert rules evaluated on every new record.", no_args_is_help=True)
alerts_app.add_typer(rules_app, name="rules")


@rules_app.command("add")
def rules_add(
    ctx: typer.Context,
    name: str = typer.Option(..., "--name", help="The rule's name (unique)."),
    near_border: float = typer.Option(None, "--near-border", help="Within KM of the border.", metavar="KM"),
    crossing_km: float = typer.Option(None, "--crossing-km", help="Within KM of an official crossing.", metavar="KM"),
    admin1: list[str] = typer.Option(None, "--admin1", help="In this province or district (repeatable)."),
    polygon: str = typer.Option(None, "--polygon", help="Inside this polygon: 'lon,lat;lon,lat;…'."),
    perpetrator: list[str] = typer.Option(
        None, "--perpetrator", help="A group it names is this one, under any alias (repeatable)."
    ),
    min_killed: int = typer.Option(None, "--min-killed", help="At least K killed.", metavar="K"),
    side: str = typer.Option(None, "--side", help="On this side of the border: PK or IR (the record's country)."),
    attack_type: list[str] = typer.Option(
        None, "--attack-type", help="Of this GTD attack type, e.g. 'Bombing/Explosion' (repeatable)."
    ),
    surge_window: int = typer.Option(None, "--surge-window", help="Surge: window in days.", metavar="DAYS"),
    surge_factor: float = typer.Option(None, "--surge-factor", help="Surge: count ≥ FACTOR x the baseline."),
    surge_baseline: int = typer.Option(365, "--surge-baseline", help="Surge: baseline length in days."),
    disagrees: bool = typer.Option(False, "--disagrees", help="Another party's record of it disagrees."),
    replace: bool = typer.Option(False, "--replace", help="Replace a rule of the same name."),
    json_out: bool = _JSON,
) -> None:
    """Add a rule; every condition given must hold for an alert. With --json: the rule as 'rules list --json'
    shows it, with action (added or replaced) and incidents_not_checked (the stored incidents it does not
    look through: rules watch the records that arrive)."""
    from sarhad.errors import InvalidInput
    from sarhad.monitor.rules import Rule, add_rule, check_rule_targets

    points: tuple[tuple[float, float], ...] = ()
    if polygon:
        try:
            points = tuple((float(a), float(b)) for a, b in (p.split(",") for p in polygon.split(";") if p.strip()))
        except ValueError as exc:
            raise InvalidInput(f"--polygon {polygon!r} must be 'lon,lat;lon,lat;…'") from exc
    db = state(ctx).node().db
    try:
        rule = check_rule_targets(Rule(
            name=name, near_border_km=near_border, crossing_km=crossing_km, admin1=tuple(admin1 or ()),
            polygon=points, perpetrators=tuple(perpetrator or ()), min_killed=min_killed,
            surge_window_days=surge_window, surge_factor=surge_factor, surge_baseline_days=surge_baseline,
            disagrees=disagrees, side=side, attack_types=tuple(attack_type or ()),
        ), db)  # fmt: skip
    except InvalidInput as exc:
        raise InvalidInput(_as_options(str(exc))) from exc
    from sarhad.cli.audit import record_cli_write

    with db.transaction():  # the rule and its audit row together, like the dashboard's route
        action = _action(db, rule.name)
        rule = add_rule(db, rule, replace=replace)
        record_cli_write(db, "add-alert-rule", rule.name)
    if json_out:
        print_json({**_listed(rule), "action": action, "incidents_not_checked": _stored(db)})
        return
    console.print(f"{action} rule {rule.name}: {'; '.join(rule.conditions())}{_paused(rule)}", highlight=False,
                  markup=False)  # fmt: skip
    _say_stored_not_checked(db, plural=False)


@rules_app.command("load")
def rules_load(
    ctx: typer.Context,
    path: Path = typer.Argument(..., help="A rules file: TOML (an array of tables named rule), or JSON."),
    replace: bool = typer.Option(False, "--replace", help="Replace rules of the same names."),
    json_out: bool = _JSON,
) -> None:
    """Add every rule of a rules file. With --json: the file, its rules as 'rules add --json' shows one (each
    with its action), and incidents_not_checked."""
    from sarhad.cli.audit import record_cli_write
    from sarhad.monitor.rules import add_rule, load_rules_file

    db = state(ctx).node().db
    given = load_rules_file(path, db)
    actions: list[str] = []
    rules = []
    with db.transaction():
        for rule in given:
            actions.append(_action(db, rule.name))
            rules.append(add_rule(db, rule, replace=replace))
            record_cli_write(db, "add-alert-rule", rule.name)
    if json_out:
        print_json({
            "file": str(path),
            "rules": [{**_listed(rule), "action": action} for rule, action in zip(rules, actions, strict=True)],
            "incidents_not_checked": _stored(db),
        })  # fmt: skip
        return
    console.print(f"loaded {len(rules)} rules from {path}", highlight=False, markup=False)
    _say_stored_not_checked(db, plural=len(rules) > 1)


# A rule's fields as 'rules add' takes them: its errors name the option the user typed, not the stored field
# (the rules file and the API keep the field names, which their users write).
_OPTIONS: dict[str, str] = {
    "near_border_km": "--near-border",
    "crossing_km": "--crossing-km",
    "admin1": "--admin1",
    "polygon": "--polygon",
    "perpetrators": "--perpetrator",
    "min_killed": "--min-killed",
    "side": "--side",
    "attack_types": "--attack-type",
    "surge_window_days": "--surge-window",
    "surge_factor": "--surge-factor",
    "surge_baseline_days": "--surge-baseline",
}
_FIELD: re.Pattern[str] = re.compile(r"\b(" + "|".join(_OPTIONS) + r")\b")


def _as_options(message: str) -> str:
    """A rule's error ``message`` with the field it names as the option of 'rules add' (``near_border_km: …`` reads
    ``--near-border: …``). Only the field the message is about, at the start after "rule NAME: ", or a surge's two:
    a value quoted later (an attack type, a group) is the user's own text and left as typed."""
    prefix, sep, rest = message.partition(": ")
    if not sep or not prefix.startswith("rule "):
        return message
    if rest.startswith("a polygon needs"):
        return f"{prefix}: --polygon needs{rest.removeprefix('a polygon needs')}"
    if rest.startswith("a surge needs both "):
        return f"{prefix}: {_FIELD.sub(lambda m: _OPTIONS[m[1]], rest)}"
    return f"{prefix}: {_FIELD.sub(lambda m: _OPTIONS[m[1]], rest, count=1) if _FIELD.match(rest) else rest}"


def _paused(rule: Rule) -> str:
    """What a line about ``rule`` adds when it is disabled (a rule replacing a disabled one stays disabled)."""
    return f" (disabled: watches nothing until 'sarhad alerts rules enable {rule.name}')" if rule.disabled else ""


def _listed(rule: Rule) -> dict[str, Any]:
    """A rule as 'rules list --json' shows it."""
    return {**rule.to_dict(), "conditions": rule.conditions()}


def _action(db: Database, name: str) -> str:
    """What adding the rule ``name`` does: "replaced" when a rule of that name is stored, else "added"."""
    return "replaced" if db.fetchone("SELECT 1 FROM alert_rules WHERE name = ?", (name,)) else "added"


def _stored(db: Database) -> int:
    """How many incidents the node stores: a rule just given is not checked against them."""
    row = db.fetchone("SELECT COUNT(*) FROM incidents")
    return int(row[0]) if row else 0


def _say_stored_not_checked(db: Database, *, plural: bool) -> None:
    """Say that a rule just given watches new records only, when the node already stores incidents: rules are
    evaluated as records arrive (own, imported or synced), so "no alerts" must not read as "nothing matched"."""
    stored = _stored(db)
    if stored:
        console.print(
            f"{'they watch' if plural else 'it watches'} the records that arrive from now on: the {stored} incidents"
            f" stored are not checked against {'them' if plural else 'it'}"
            " ('sarhad incidents list --near-border, --admin1, --perpetrator' looks through them)",
            highlight=False,
            markup=False,
        )


@rules_app.command("list")
def rules_list(ctx: typer.Context, as_json: bool = _JSON) -> None:
    """List the rules."""
    from sarhad.monitor.rules import list_rules

    rules = list_rules(state(ctx).node().db)
    if as_json:
        print_json([_listed(r) for r in rules])
        return
    if not rules:
        console.print("no rules: add one with 'sarhad alerts rules add' or 'sarhad alerts rules load'", highlight=False)
    for r in rules:
        off = " (disabled: watches nothing)" if r.disabled else ""
        console.print(f"{r.name}: {'; '.join(r.conditions())}{off}", highlight=False, markup=False)


@rules_app.command("disable")
def rules_disable(
    ctx: typer.Context, name: str = typer.Argument(..., help="The rule's name."), json_out: bool = _JSON
) -> None:
    """Stop a rule watching: it stays stored, with its alerts, and the records that arrive until it is enabled
    again are not checked against it. With --json: the rule as 'rules list --json' shows it, with action
    (disabled or already_disabled)."""
    _switch(ctx, name, disabled=True, json_out=json_out)


@rules_app.command("enable")
def rules_enable(
    ctx: typer.Context, name: str = typer.Argument(..., help="The rule's name."), json_out: bool = _JSON
) -> None:
    """Let a disabled rule watch again, the records that arrive from now on (not those that arrived while it was
    disabled). Its alerts are checked against their records' current versions, as a correction would have while
    it was disabled: updated, no longer matching or matching again. With --json: the rule as 'rules list --json'
    shows it, with action (enabled or already_enabled) and, once enabled, alerts_changed."""
    _switch(ctx, name, disabled=False, json_out=json_out)


def _switch(ctx: typer.Context, name: str, *, disabled: bool, json_out: bool) -> None:
    from sarhad.cli.audit import record_cli_write
    from sarhad.monitor.rules import switch_rule

    db = state(ctx).node().db
    word = "disabled" if disabled else "enabled"
    with db.transaction():
        # enabling brings its alerts, not followed while it was paused, up to their records' current versions
        rule, changed, changed_alerts = switch_rule(db, name, disabled)
        if changed:
            record_cli_write(db, f"{word[:-1]}-alert-rule", name)
    action = word if changed else f"already_{word}"
    if json_out:
        extra = {"alerts_changed": changed_alerts} if changed and not disabled else {}
        print_json({**_listed(rule), "action": action, **extra})
        return
    line = f"{action.replace('_', ' ')} rule {name}"
    if changed_alerts:
        line += (
            f"; {changed_alerts} of its alerts changed with their records' current versions"
            f" ('sarhad alerts list --rule {name}')"
        )
    console.print(line, highlight=False, markup=False)


@rules_app.command("remove")
def rules_remove(
    ctx: typer.Context, name: str = typer.Argument(..., help="The rule's name."), json_out: bool = _JSON
) -> None:
    """Remove a rule (its alerts stay). With --json: the rule removed as 'rules list --json' showed it, with
    action (removed) and alerts_kept (its alerts, which 'alerts list --rule' still lists)."""
    from sarhad.cli.audit import record_cli_write
    from sarhad.monitor.rules import get_rule, remove_rule

    db = state(ctx).node().db
    with db.transaction():
        rule = get_rule(db, name)
        remove_rule(db, name)
        record_cli_write(db, "remove-alert-rule", name)
    if json_out:
        row = db.fetchone("SELECT COUNT(*) FROM alerts WHERE rule = ?", (name,))
        print_json({**_listed(rule), "action": "removed", "alerts_kept": int(row[0]) if row else 0})
        return
    console.print(f"removed rule {name}", highlight=False, markup=False)


@alerts_app.command("list")
def alerts_list(
    ctx: typer.Context,
    as_json: bool = _JSON,
    rule: str = typer.Option(None, "--rule", help="Only this rule's alerts."),
    since: str = typer.Option(
        None,
        "--since",
        help="Raised on or after this date (YYYY, YYYY-MM or YYYY-MM-DD) or date-time (2026-12-07T14:00, with Z or an"
        " offset such as +05:00; without one, UTC).",
    ),
    until: str = typer.Option(None, "--until", help="Raised on or before this date (inclusive)."),
    limit: int = typer.Option(None, "--limit", help="At most N alerts (newest first)."),
    unacked: bool = typer.Option(False, "--unacked", help="Only alerts not acknowledged, or changed since they were."),
) -> None:
    """List the alerts, newest first, each with its state: a later version of its incident may have updated it
    (what changed, old -> new) or no longer match its rule (since which version); and who acknowledged it, when
    (with --json: acknowledged, {by, at, changed_since}, present once it is)."""
    from sarhad.monitor.alerts import list_alerts, since_moment
    from sarhad.monitor.rules import check_rule_named

    db = state(ctx).node().db
    alerts = list_alerts(
        db,
        rule=rule,
        since=since_moment(since, "--since"),
        until=date_option(until, "--until"),
        limit=limit,
        limit_name="--limit",
        unacked=unacked,
    )
    if rule and not alerts:
        check_rule_named(db, rule)
    if as_json:
        print_json([a.to_dict() for a in alerts])
        return
    if not alerts:
        what = f"no alerts of rule {rule!r}" if rule else "no alerts"
        console.print(f"{what} to acknowledge" if unacked else what, highlight=False, markup=False)
    for a in alerts:
        life = a.state_text()
        line = f"{a.created}  {a.rule}  {a.incident_id}  {a.reason}" + (f"  [{life}]" if life else "")
        console.print(line, highlight=False, markup=False)


@alerts_app.command("ack")
def alerts_ack(
    ctx: typer.Context,
    ids: list[str] = typer.Argument(..., help="The alerts' ids (alert--…), as 'alerts list' gives them."),
    json_out: bool = _JSON,
) -> None:
    """Acknowledge alerts: who (the console's user) and when is kept and listed with each; all or none (an id
    that is no alert listed here acknowledges nothing). An alert acknowledged before is left as it was, unless it
    changed since. With --json: each alert as 'alerts list --json' shows it, with action (acknowledged or
    already_acknowledged)."""
    from sarhad.cli.audit import operator, record_cli_write
    from sarhad.monitor.alerts import acknowledge

    db = state(ctx).node().db
    with db.transaction():  # the acknowledgements and their audit rows together
        done = acknowledge(db, ids, operator())
        for alert, new in done:
            if new:
                record_cli_write(db, "ack-alert", alert.id)
    if json_out:
        print_json([
            {**a.to_dict(), "action": "acknowledged" if new else "already_acknowledged"} for a, new in done
        ])  # fmt: skip
        return
    for a, new in done:
        said = "acknowledged" if new else f"already acknowledged by {a.acked_by} {a.acked_at}"
        console.print(f"{said}: {a.id} ({a.rule}, {a.incident_id})", highlight=False, markup=False)


def register(app: typer.Typer) -> None:
    """Add the ``alerts`` command group to ``app``."""
    app.add_typer(alerts_app, name="alerts")
