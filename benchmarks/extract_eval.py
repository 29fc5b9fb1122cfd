"""Score the article extractor against a gold file: ``python benchmarks/extract_eval.py [GOLD_DIR...] [--json]``.

GOLD_DIR holds the articles (``NN.txt``) and ``gold.json`` in the format of
``tests/assets/articles/README.md``; without one, the test sets under ``tests/assets/articles`` are scored.
Reported:

- main-incident field accuracy over the articles whose gold has incidents: date, admin1, perpetrator, killed,
  wounded, attack_type of ``incidents[0]`` (a missing prediction counts as wrong on every field);
- incident-level precision and recall, an incident matching on date and admin1 (one-to-one);
- commitment recall: a gold commitment is found when a predicted one has the same due, compatible actor
  (same set of countries, "both sides" = the article's parties) and shares content words with its text;
- figure recall: value (relative tolerance 1e-6) and normalised unit;
- bounds accuracy: the ``killed_low``/``killed_high``/``wounded_low``/``wounded_high`` of ``incidents[0]``,
  each scored where the gold gives that key (null is an open bound or no count), exact;
- sayer precision and recall: the gold's ``sayers`` of ``incidents[0]`` (each sayer's count where the article
  gives a measure's count from two or more sayers; an empty list where it does not) against the predicted
  ``assertions``, matching on measure, value and sayer (a group's claim through the alias registry), scored
  on the articles whose gold has ``sayers``;
- throughput: articles per CPU second of one process (one core), the best of repeated passes over the
  folder, with the mean per CPU second and per wall-clock second beside it.

Dates compare at the gold's precision: a gold "2024-11" matches any day of November 2024; a gold day must be
matched exactly (``--day-tolerance N`` allows N days either side, default 0). Perpetrators compare through
the alias registry (``resolve_actor``), both null counting as a match.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sarhad.extract import extract_article, normalise_unit  # noqa: E402
from sarhad.extract.commitments import actor_parties  # noqa: E402
from sarhad.extract.places import geocode, province  # noqa: E402
from sarhad.model.actors import resolve_actor  # noqa: E402

DEFAULT_DIRS = [
    ROOT / "tests/assets/articles",
    ROOT / "tests/assets/articles/own",
    ROOT / "tests/assets/articles/heldout",
    ROOT / "tests/assets/articles/heldout2",
    ROOT / "tests/assets/articles/heldout3",
    ROOT / "tests/assets/articles/heldout4",
    ROOT / "tests/assets/articles/heldout5",
    ROOT / "tests/assets/articles/heldout6",
    ROOT / "tests/assets/articles/heldout7",
    ROOT / "tests/assets/articles/heldout8",
    ROOT / "tests/assets/articles/heldout9",
    ROOT / "tests/assets/articles/heldout10",
]
FIELDS = ("date", "admin1", "perpetrator", "killed", "wounded", "attack_type")
BOUNDS = ("killed_low", "killed_high", "wounded_low", "wounded_high")
_CLAIM = " (claim)"
_STOP = {
    "the",
    "a",
    "an",
    "of",
    "to",
    "and",
    "in",
    "on",
    "for",
    "with",
    "by",
    "at",
    "their",
    "its",
    "both",
    "two",
    "sides",
    "pakistan",
    "iran",
    "each",
    "other",
    "s",
    "be",
    "will",
    "would",
    "is",
    "are",
    "from",
    "as",
    "that",
}


def date_match(gold: str | None, pred: str | None, tolerance: int = 0) -> bool:
    if gold is None or pred is None:
        return gold == pred
    if len(gold) == 7:
        return pred[:7] == gold
    if len(gold) == 10 and len(pred) == 10:
        try:
            return abs((date.fromisoformat(gold) - date.fromisoformat(pred)).days) <= tolerance
        except ValueError:
            return False
    return gold == pred


def admin1_match(gold: str | None, pred: str | None) -> bool:
    if gold is None or pred is None:
        return gold == pred
    g = province(gold)
    p = province(pred)
    if g and p:
        return g[0] == p[0]
    return gold.casefold() == pred.casefold()


def perpetrator_match(gold: str | None, pred: str | None) -> bool:
    if gold is None or pred is None:
        return gold == pred
    g, p = resolve_actor(gold), resolve_actor(pred)
    if g is not None and p is not None:
        return g.id == p.id
    return gold.casefold().strip() == pred.casefold().strip()


def field_match(name: str, gold: Any, pred: Any, tolerance: int) -> bool:
    if name == "date":
        return date_match(gold, pred, tolerance)
    if name == "admin1":
        return admin1_match(gold, pred)
    if name == "perpetrator":
        return perpetrator_match(gold, pred)
    if name == "attack_type":
        return (gold or "").casefold() == (pred or "").casefold()
    return bool(gold == pred)


def _words(text: str) -> set[str]:
    out = set()
    for w in re.findall(r"[a-z]+", text.casefold()):
        if w in _STOP or len(w) < 3:
            continue
        out.add(w[:6])  # a crude stem: "deradicalisation"/"deradicalise", "officers"/"officer"
    return out


def commitment_match(gold: dict[str, Any], pred: dict[str, Any], parties: list[str]) -> bool:
    if (gold.get("due") or None) != (pred.get("due") or None):
        return False
    g_parties = set(actor_parties(gold.get("actor") or "", parties))
    p_parties = set(pred.get("parties") or actor_parties(pred.get("actor") or "", parties))
    if g_parties and p_parties and g_parties != p_parties:
        return False
    g_words = _words(gold.get("text") or "")
    p_words = _words((pred.get("text") or "") + " " + (pred.get("actor") or ""))
    if not g_words:
        return True
    shared = g_words & p_words
    return len(shared) >= 2 or len(shared) / len(g_words) >= 0.34


def figure_match(gold: dict[str, Any], pred: dict[str, Any]) -> bool:
    try:
        g, p = float(gold["value"]), float(pred["value"])
    except (TypeError, ValueError, KeyError):
        return False
    if abs(g - p) > 1e-6 * max(1.0, abs(g)):
        return False
    return normalise_unit(gold.get("unit")) == normalise_unit(pred.get("unit"))


def sayer_match(gold: dict[str, Any], pred: dict[str, Any]) -> bool:
    """A gold sayer's count against a predicted assertion: the same measure and value, and the same sayer
    (case aside; a group's claim, ``<group> (claim)``, through the alias registry; null is the article)."""
    if gold.get("measure") != pred.get("measure") or gold.get("value") != pred.get("best"):
        return False
    g, p = gold.get("asserted_by"), pred.get("asserted_by")
    if g is None or p is None:
        return g == p
    if g.endswith(_CLAIM) and p.endswith(_CLAIM):
        return perpetrator_match(g.removesuffix(_CLAIM), p.removesuffix(_CLAIM))
    return bool(g.casefold() == p.casefold())


def _greedy(gold: list[dict[str, Any]], pred: list[dict[str, Any]], match: Any) -> int:
    used: set[int] = set()
    found = 0
    for g in gold:
        for i, p in enumerate(pred):
            if i not in used and match(g, p):
                used.add(i)
                found += 1
                break
    return found


def evaluate(gold_dir: Path, tolerance: int = 0, min_seconds: float = 1.0) -> dict[str, Any]:
    gold_entries = json.loads((gold_dir / "gold.json").read_text(encoding="utf-8"))
    texts = {g["file"]: (gold_dir / g["file"]).read_text(encoding="utf-8") for g in gold_entries}
    field_hits = dict.fromkeys(FIELDS, 0)
    main_total = 0
    inc_tp = inc_pred = inc_gold = 0
    com_found = com_total = 0
    fig_found = fig_total = 0
    bound_right = bound_total = bound_articles = 0
    say_tp = say_pred = say_gold = say_articles = 0
    per_file = []
    for g in gold_entries:
        extraction = extract_article(texts[g["file"]], file=g["file"])
        result = extraction.to_json()
        pred_inc = result["incidents"]
        gold_inc = g.get("incidents") or []
        row: dict[str, Any] = {"file": g["file"], "fields": {}}
        if gold_inc:
            main_total += 1
            gm = gold_inc[0]
            pm = pred_inc[0] if pred_inc else {}
            for name in FIELDS:
                ok = bool(pm) and field_match(name, gm.get(name), pm.get(name), tolerance)
                field_hits[name] += ok
                row["fields"][name] = ok if ok else {"gold": gm.get(name), "pred": pm.get(name) if pm else None}
            scored = [name for name in BOUNDS if name in gm]
            bound_articles += bool(scored)
            for name in scored:
                ok = bool(pm) and gm[name] == pm.get(name)
                bound_right += ok
                bound_total += 1
                if not ok:
                    row["fields"][name] = {"gold": gm[name], "pred": pm.get(name) if pm else None}
            if "sayers" in gm:
                said = pm.get("assertions") or []
                found = _greedy(gm["sayers"], said, sayer_match)
                say_articles += 1
                say_tp += found
                say_pred += len(said)
                say_gold += len(gm["sayers"])
                row["sayers"] = f"{found}/{len(gm['sayers'])} gold, {len(said)} predicted"
        tp = _greedy(
            gold_inc,
            pred_inc,
            lambda a, b: (
                date_match(a.get("date"), b.get("date"), tolerance) and admin1_match(a.get("admin1"), b.get("admin1"))
            ),
        )
        inc_tp += tp
        inc_pred += len(pred_inc)
        inc_gold += len(gold_inc)
        from sarhad.extract.commitments import article_parties

        parties = article_parties(extraction.article)
        cf = _greedy(
            g.get("commitments") or [],
            result["commitments"],
            lambda a, b, parties=parties: commitment_match(a, b, parties),
        )
        ff = _greedy(g.get("figures") or [], result["figures"], figure_match)
        com_found += cf
        com_total += len(g.get("commitments") or [])
        fig_found += ff
        fig_total += len(g.get("figures") or [])
        row.update(
            incidents=f"{tp}/{len(gold_inc)} gold, {len(pred_inc)} predicted",
            commitments=f"{cf}/{len(g.get('commitments') or [])}",
            figures=f"{ff}/{len(g.get('figures') or [])}",
        )
        per_file.append(row)
    # throughput: repeated passes over every article, one process, one core. The figure reported is the best
    # pass in CPU time (as timeit takes the best run): on a shared machine the wall clock and the mean measure
    # the neighbours as much as the code.
    passes: list[float] = []
    n = 0
    started = time.perf_counter()
    cpu_started = time.process_time()
    while True:
        geocode.cache_clear()  # every pass looks its places up again: no warm cache across passes
        t0 = time.process_time()
        for name, text in texts.items():
            extract_article(text, file=name)
            n += 1
        passes.append(max(time.process_time() - t0, 1e-9))
        elapsed = time.perf_counter() - started
        if elapsed >= min_seconds and len(passes) >= 3:
            break
    cpu = time.process_time() - cpu_started
    fields = {k: (field_hits[k] / main_total if main_total else None) for k in FIELDS}
    mean = sum(v for v in fields.values() if v is not None) / len(FIELDS) if main_total else None
    return {
        "gold_dir": str(gold_dir),
        "articles": len(gold_entries),
        "main_incidents": main_total,
        "main_field_accuracy": fields,
        "main_field_accuracy_mean": mean,
        "incident_precision": inc_tp / inc_pred if inc_pred else None,
        "incident_recall": inc_tp / inc_gold if inc_gold else None,
        "incidents": {"matched": inc_tp, "predicted": inc_pred, "gold": inc_gold},
        "commitment_recall": com_found / com_total if com_total else None,
        "commitments": {"found": com_found, "gold": com_total},
        "figure_recall": fig_found / fig_total if fig_total else None,
        "figures": {"found": fig_found, "gold": fig_total},
        "bound_accuracy": bound_right / bound_total if bound_total else None,
        "bounds": {"right": bound_right, "gold": bound_total, "articles": bound_articles},
        "sayer_precision": say_tp / say_pred if say_pred else None,
        "sayer_recall": say_tp / say_gold if say_gold else None,
        "sayers": {"matched": say_tp, "predicted": say_pred, "gold": say_gold, "articles": say_articles},
        "articles_per_second": len(texts) / min(passes),
        "articles_per_second_mean_cpu": n / cpu if cpu > 0 else None,
        "articles_per_second_mean_wall": n / elapsed,
        "passes": len(passes),
        "per_file": per_file,
    }


def _fmt(value: Any) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "gold_dir", type=Path, nargs="*", help="folders with NN.txt and gold.json (default: the test sets)"
    )
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--day-tolerance", type=int, default=0)
    parser.add_argument("--seconds", type=float, default=1.0, help="minimum time for the throughput passes")
    parser.add_argument("--verbose", "-v", action="store_true", help="show per-file results")
    args = parser.parse_args(argv)
    dirs = args.gold_dir or [d for d in DEFAULT_DIRS if (d / "gold.json").is_file()]
    results = [evaluate(d, args.day_tolerance, args.seconds) for d in dirs]
    if args.json:
        print(json.dumps(results if len(results) > 1 else results[0], indent=2))
        return 0
    for r in results:
        print(f"{r['gold_dir']}: {r['articles']} articles, {r['main_incidents']} with a main incident")
        for k, v in r["main_field_accuracy"].items():
            print(f"  main {k:<12} {_fmt(v)}")
        print(f"  main mean         {_fmt(r['main_field_accuracy_mean'])}")
        inc = r["incidents"]
        print(
            f"  incident P / R    {_fmt(r['incident_precision'])} / {_fmt(r['incident_recall'])}"
            f"  ({inc['matched']} matched, {inc['predicted']} predicted, {inc['gold']} gold)"
        )
        print(
            f"  commitment recall {_fmt(r['commitment_recall'])}  "
            f"({r['commitments']['found']}/{r['commitments']['gold']})"
        )
        print(f"  figure recall     {_fmt(r['figure_recall'])}  ({r['figures']['found']}/{r['figures']['gold']})")
        b, say = r["bounds"], r["sayers"]
        if b["gold"]:
            print(
                f"  bounds            {_fmt(r['bound_accuracy'])}  ({b['right']}/{b['gold']}, {b['articles']} articles)"
            )
        if say["articles"]:
            print(
                f"  sayers P / R      {_fmt(r['sayer_precision'])} / {_fmt(r['sayer_recall'])}  ({say['matched']} "
                f"matched, {say['predicted']} predicted, {say['gold']} gold, {say['articles']} articles)"
            )
        print(
            f"  articles/s        {r['articles_per_second']:.0f} (best of {r['passes']} passes; mean "
            f"{r['articles_per_second_mean_cpu']:.0f} per CPU second, {r['articles_per_second_mean_wall']:.0f} wall)"
        )
        if args.verbose:
            for row in r["per_file"]:
                bad = {k: v for k, v in row["fields"].items() if v is not True}
                print(
                    f"    {row['file']}: incidents {row['incidents']}; commitments {row['commitments']}; "
                    f"figures {row['figures']}"
                    + (f"; sayers {row['sayers']}" if "sayers" in row else "")
                    + (f"; wrong {bad}" if bad else "")
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
