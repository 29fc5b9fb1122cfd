"""Synthetic GTD-format rows (all 135 columns) for Pakistan and Iran: realistic in shape, invented in content.

No real GTD row may be committed (the GTD End User Agreement forbids redistributing the data), so tests use rows
made here from the GTD codebook's code lists: real provinces and cities with their coordinates, group names in
GTD's spelling, attack/target/weapon codes with their labels, the -9/-99 sentinels, blank unknowns, unknown
months and days (``imonth``/``iday`` = 0), extended incidents with a resolution date, summaries and citations.
Every incident is invented; target descriptions name no person.

Usage::

    python benchmarks/gtd_synth.py N OUT.csv [--seed S]
"""

from __future__ import annotations

import argparse
import calendar
import csv
import random
import sys
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Final

sys.path.insert(0, str(Path(__file__).resolve().parent))

from acled_synth import MONTHS, PLACES

__all__ = ["COLUMNS", "rows", "write"]

COLUMNS: Final = (
    "eventid", "iyear", "imonth", "iday", "approxdate", "extended", "resolution", "country", "country_txt",
    "region", "region_txt", "provstate", "city", "latitude", "longitude", "specificity", "vicinity", "location",
    "summary", "crit1", "crit2", "crit3", "doubtterr", "alternative", "alternative_txt", "multiple", "success",
    "suicide", "attacktype1", "attacktype1_txt", "attacktype2", "attacktype2_txt", "attacktype3",
    "attacktype3_txt", "targtype1", "targtype1_txt", "targsubtype1", "targsubtype1_txt", "corp1", "target1",
    "natlty1", "natlty1_txt", "targtype2", "targtype2_txt", "targsubtype2", "targsubtype2_txt", "corp2",
    "target2", "natlty2", "natlty2_txt", "targtype3", "targtype3_txt", "targsubtype3", "targsubtype3_txt",
    "corp3", "target3", "natlty3", "natlty3_txt", "gname", "gsubname", "gname2", "gsubname2", "gname3",
    "gsubname3", "motive", "guncertain1", "guncertain2", "guncertain3", "individual", "nperps", "nperpcap",
    "claimed", "claimmode", "claimmode_txt", "claim2", "claimmode2", "claimmode2_txt", "claim3", "claimmode3",
    "claimmode3_txt", "compclaim", "weaptype1", "weaptype1_txt", "weapsubtype1", "weapsubtype1_txt",
    "weaptype2", "weaptype2_txt", "weapsubtype2", "weapsubtype2_txt", "weaptype3", "weaptype3_txt",
    "weapsubtype3", "weapsubtype3_txt", "weaptype4", "weaptype4_txt", "weapsubtype4", "weapsubtype4_txt",
    "weapdetail", "nkill", "nkillus", "nkillter", "nwound", "nwoundus", "nwoundte", "property", "propextent",
    "propextent_txt", "propvalue", "propcomment", "ishostkid", "nhostkid", "nhostkidus", "nhours", "ndays",
    "divert", "kidhijcountry", "ransom", "ransomamt", "ransomamtus", "ransompaid", "ransompaidus", "ransomnote",
    "hostkidoutcome", "hostkidoutcome_txt", "nreleased", "addnotes", "scite1", "scite2", "scite3", "dbsource",
    "INT_LOG", "INT_IDEO", "INT_MISC", "INT_ANY", "related",
)  # fmt: skip

# GTD's province names differ from ACLED's in places (and Iran's "Sistan and Baluchestan" keeps its spelling).
PROVSTATE: Final = {"Islamabad Capital Territory": "Islamabad", "Gilgit-Baltistan": "Gilgit-Baltistan"}
COUNTRY: Final = {"Pakistan": ("153", "6", "South Asia"), "Iran": ("94", "10", "Middle East & North Africa")}
GROUPS: Final[dict[str, tuple[str, ...]]] = {
    "Balochistan": ("Baloch Liberation Army (BLA)", "Baloch Liberation Front (BLF)", "Baloch Republican Army (BRA)",
                    "Baloch Raaji Aajoi Sangar (BRAS)", "Tehrik-i-Taliban Pakistan (TTP)",
                    "Khorasan Chapter of the Islamic State", "Lashkar-e-Jhangvi"),
    "Khyber Pakhtunkhwa": ("Tehrik-i-Taliban Pakistan (TTP)", "Jamaat-ul-Ahrar", "Lashkar-e-Islam (Pakistan)",
                           "Khorasan Chapter of the Islamic State", "Hizbul Ahrar"),
    "Punjab": ("Tehrik-i-Taliban Pakistan (TTP)", "Lashkar-e-Jhangvi", "Jamaat-ul-Ahrar"),
    "Sindh": ("Baloch Liberation Army (BLA)", "Sindhudesh Revolutionary Army (SRA)",
              "Tehrik-i-Taliban Pakistan (TTP)"),
    "Islamabad Capital Territory": ("Tehrik-i-Taliban Pakistan (TTP)",),
    "Gilgit-Baltistan": ("Tehrik-i-Taliban Pakistan (TTP)",),
    "Sistan and Baluchestan": ("Jaish al-Adl", "Jundallah", "Ansar al-Furqan"),
    "Kerman": ("Khorasan Chapter of the Islamic State",),
    "Tehran": ("Islamic State of Iraq and the Levant (ISIL)",),
    "Khuzestan": ("Arab Struggle Movement for the Liberation of Ahvaz (ASMLA)",),
    "Kurdistan": ("Party for a Free Life in Kurdistan (PJAK)", "Kurdistan Democratic Party-Iran (KDPI)"),
    "West Azerbaijan": ("Party for a Free Life in Kurdistan (PJAK)",),
    "Kermanshah": ("Party for a Free Life in Kurdistan (PJAK)",),
    "Hormozgan": ("Jaish al-Adl",),
}  # fmt: skip
ATTACKS: Final = {1: "Assassination", 2: "Armed Assault", 3: "Bombing/Explosion", 6: "Hostage Taking (Kidnapping)",
                  7: "Facility/Infrastructure Attack", 9: "Unknown"}  # fmt: skip
ATTACK_WEIGHTS: Final = {1: 8, 2: 30, 3: 40, 6: 8, 7: 10, 9: 4}
# targtype → [(targsubtype, label, corp, target)]: descriptions that name no person.
TARGETS: Final = {
    3: ("Police", ((22, "Police Building (headquarters, station, school)", "Police", "Police station"),
                   (23, "Police Patrol (including vehicles and convoys)", "Police", "Police patrol"),
                   (24, "Police Security Forces/Officers", "Police", "Police officers"),
                   (25, "Police Checkpoint", "Levies", "Checkpoint"))),
    4: ("Military", ((27, "Military Barracks/Base/Headquarters/Checkpost", "Frontier Corps (FC)", "Checkpost"),
                     (28, "Military Recruiting Station/Academy", "Pakistan Army", "Recruiting centre"),
                     (29, "Military Unit/Patrol/Convoy", "Frontier Corps (FC)", "Convoy"),
                     (34, "Military Personnel (soldiers, troops, officers, forces)", "Border Guards",
                      "Soldiers"))),
    14: ("Private Citizens & Property", ((67, "Unnamed Civilian/Unspecified", "Not Applicable", "Civilians"),
                                         (73, "Village/City/Town/Suburb", "Not Applicable", "Village"),
                                         (75, "Laborer (General)/Occupation Identified", "Not Applicable",
                                          "Labourers"))),
    2: ("Government (General)", ((15, "Government Building/Facility/Office", "Government of Pakistan",
                                  "District office"),
                                 (18, "Election-related", "Election Commission", "Polling station"))),
    21: ("Utilities", ((107, "Electricity", "Water and Power Development Authority", "Transmission tower"),
                       (108, "Gas", "Sui Southern Gas Company", "Gas pipeline"))),
    19: ("Transportation", ((99, "Bus (excluding tourists)", "Not Applicable", "Passenger bus"),
                            (102, "Train/Train Tracks/Trolley", "Pakistan Railways", "Railway track"))),
    8: ("Educational Institution", ((50, "School/University/Educational Building", "Not Applicable", "School"),)),
    15: ("Religious Figures/Institutions", ((86, "Place of Worship", "Not Applicable", "Mosque"),)),
    1: ("Business", ((1, "Gas/Oil/Electric", "Not Applicable", "Construction company camp"),)),
}  # fmt: skip
TARGET_WEIGHTS: Final = {3: 25, 4: 25, 14: 25, 2: 6, 21: 6, 19: 5, 8: 3, 15: 3, 1: 2}
WEAPONS: Final = {
    5: ("Firearms", ((5, "Unknown Gun Type"), (2, "Automatic or Semi-Automatic Rifle"), (3, "Handgun"))),
    6: ("Explosives", ((16, "Unknown Explosive Type"), (11, "Projectile (rockets, mortars, RPGs, etc.)"),
                       (13, "Suicide (carried bodily by human being)"), (15, "Other Explosive Type"),
                       (7, "Grenade"), (9, "Mine"), (17, "Vehicle"))),
    8: ("Incendiary", ((18, "Arson/Fire"),)),
    13: ("Unknown", ()),
}  # fmt: skip
WEAPON_OF_ATTACK: Final = {1: 5, 2: 5, 3: 6, 6: 5, 7: 8, 9: 13}
CLAIM_MODES: Final = {1: "Letter", 2: "Call (post-incident)", 4: "E-mail", 5: "Note left at scene", 6: "Video",
                      7: "Posted to website, blog, etc.", 8: "Personal claim", 9: "Other", 10: "Unknown"}  # fmt: skip
PAPERS: Final = {"Pakistan": ("Dawn", "The Express Tribune", "The News International", "Pakistan Today",
                              "Daily Times", "Balochistan Post"),
                 "Iran": ("IRNA", "Tasnim News Agency", "Press TV", "Radio Free Europe/Radio Liberty",
                          "Agence France Presse", "BBC Monitoring")}  # fmt: skip
DBSOURCES: Final = ("START Primary Collection", "START Primary Collection", "START Primary Collection", "PGIS",
                    "ISVG")  # fmt: skip
_EPOCH: Final = date(2008, 1, 1)
_DAYS: Final = (date(2020, 12, 31) - _EPOCH).days + 1


def _count(rnd: random.Random, zero: float, rate: float) -> int:
    return 0 if rnd.random() < zero else int(rnd.expovariate(rate)) + 1


def _headline(rnd: random.Random, attack: str, city: str) -> str:
    verb = {"Assassination": "gunned down", "Armed Assault": "attack", "Bombing/Explosion": "blast",
            "Hostage Taking (Kidnapping)": "abducted", "Facility/Infrastructure Attack": "set ablaze"}.get(
        attack, "incident")  # fmt: skip
    return f"{rnd.choice(('Militants', 'Gunmen', 'Assailants', 'Unknown men'))} {verb} in {city}"


def rows(n: int, seed: int = 0) -> Iterator[dict[str, str]]:
    """Yield ``n`` synthetic GTD rows (column → text), the same ones for the same ``seed``."""
    rnd = random.Random(seed)
    choice, random_, randint = rnd.choice, rnd.random, rnd.randint
    pk = [p for p in PLACES if p[0] == "Pakistan"]
    ir = [p for p in PLACES if p[0] == "Iran"]
    per_day: dict[str, int] = {}
    attack_codes, attack_w = list(ATTACK_WEIGHTS), list(ATTACK_WEIGHTS.values())
    target_codes, target_w = list(TARGET_WEIGHTS), list(TARGET_WEIGHTS.values())
    for _ in range(n):
        country_txt, admin1, admin2, _admin3, city, lat, lon = choice(pk) if random_() < 0.85 else choice(ir)
        country, region, region_txt = COUNTRY[country_txt]
        day = _EPOCH + timedelta(days=randint(0, _DAYS - 1))
        roll = random_()
        imonth, iday = day.month, day.day
        approx = ""
        if roll < 0.04:
            iday = 0
            approx = f"{MONTHS[day.month - 1]} {day.year}"
        elif roll < 0.05:
            imonth = iday = 0
            approx = f"{day.year}"
        key = f"{day.year:04d}{imonth:02d}{iday:02d}"
        per_day[key] = per_day.get(key, 0) + 1
        eventid = f"{key}{per_day[key]:04d}"
        extended = 1 if iday and random_() < 0.06 else 0
        resolution = ""
        if extended:
            end = day + timedelta(days=randint(1, 20))
            resolution = end.isoformat()
        attack = rnd.choices(attack_codes, attack_w)[0]
        attack_txt = ATTACKS[attack]
        attack2 = choice((2, 3, 7)) if random_() < 0.12 else 0
        if attack2 == attack:
            attack2 = 0
        suicide = 1 if attack == 3 and random_() < 0.12 else 0
        targ = rnd.choices(target_codes, target_w)[0]
        targ_txt, subs = TARGETS[targ]
        sub, sub_txt, corp, target = choice(subs)
        weap = WEAPON_OF_ATTACK[attack]
        weap_txt, weap_subs = WEAPONS[weap]
        if weap == 6 and suicide:
            weap_sub, weap_sub_txt = 13, "Suicide (carried bodily by human being)"
        elif weap_subs:
            weap_sub, weap_sub_txt = choice(weap_subs)
        else:
            weap_sub, weap_sub_txt = 0, ""
        if random_() < 0.55:
            gname = "Unknown"
        else:
            gname = choice(GROUPS.get(admin1, ("Tehrik-i-Taliban Pakistan (TTP)",)))
        known = gname != "Unknown"
        guncertain = 1 if known and random_() < 0.15 else 0
        claimed = (1 if random_() < 0.55 else 0) if known else (-9 if random_() < 0.2 else 0)
        claimmode = choice(list(CLAIM_MODES)) if claimed == 1 else 0
        gname2 = ""
        if known and random_() < 0.04:
            other = [g for g in GROUPS.get(admin1, ()) if g != gname]
            gname2 = choice(other) if other else ""
        nkill = _count(rnd, 0.35, 0.3)
        nkillter = min(nkill, _count(rnd, 0.85, 0.8)) if suicide or random_() < 0.2 else 0
        if suicide:
            nkillter = max(nkillter, 1)
            nkill = max(nkill, nkillter)
        nwound = _count(rnd, 0.45, 0.15)
        unknown_kill = random_() < 0.06
        unknown_wound = random_() < 0.08
        spec = rnd.choices((1, 2, 3, 4, 5), (80, 6, 8, 5, 1))[0]
        vicinity = 1 if spec == 1 and random_() < 0.1 else (-9 if random_() < 0.01 else 0)
        lat_txt, lon_txt = f"{lat:.6f}", f"{lon:.6f}"
        if spec == 5:
            lat_txt = lon_txt = ""
        kidnap = attack == 6
        nhostkid = randint(1, 12) if kidnap else 0
        hostage_outcome = choice((2, 4, 5, 7)) if kidnap else 0
        nreleased = (nhostkid if hostage_outcome in (2, 5) else (-99 if hostage_outcome == 7 else 0)) if kidnap else 0
        prop = 1 if attack in (3, 7) and random_() < 0.7 else (-9 if random_() < 0.2 else 0)
        propextent = choice((3, 3, 3, 4)) if prop == 1 else 0
        paper = choice(PAPERS[country_txt])
        date_text = f"{imonth:02d}/{iday:02d}/{day.year}"
        place_text = f"{city} city, {admin2} district, {admin1} province, {country_txt}"
        if spec == 5:
            place_text = f"an unknown location in {admin1} province, {country_txt}"
        if not known:
            blame = "No group claimed responsibility for the incident."
        elif claimed == 1:
            blame = f"{gname} claimed responsibility for the incident."
        else:
            blame = f"Sources attributed the attack to {gname}."
        summary = (
            f"{date_text}: {'A suicide bomber' if suicide else 'Assailants'} "
            f"{'detonated an explosive device' if attack == 3 else 'attacked'} targeting a "
            f"{target.lower()} in {place_text}. "
            + (f"{nkill} {'person was' if nkill == 1 else 'people were'} killed" if nkill else "No one was killed")
            + (f" and {nwound} were injured in the blast. " if nwound and attack == 3 else ". ")
            + blame
        )
        if random_() < 0.05:
            summary += ' A spokesman called it "a warning".'
        pk_row = country_txt == "Pakistan"
        cite = f'"{_headline(rnd, attack_txt, city)}," {paper}, {MONTHS[day.month - 1]} {max(iday, 1)}, {day.year}.'
        cite2 = f'"{country_txt}: security forces on alert after attack," {choice(PAPERS[country_txt])}, ' \
                f"{MONTHS[day.month - 1]} {calendar.monthrange(day.year, day.month)[1]}, {day.year}."  # fmt: skip
        spot = choice(("main bazaar", "bypass road", "border area", "district headquarters"))
        row = dict.fromkeys(COLUMNS, "")
        row.update({
            "eventid": eventid, "iyear": str(day.year), "imonth": str(imonth), "iday": str(iday),
            "approxdate": approx, "extended": str(extended), "resolution": resolution, "country": country,
            "country_txt": country_txt, "region": region, "region_txt": region_txt,
            "provstate": PROVSTATE.get(admin1, admin1), "city": city, "latitude": lat_txt, "longitude": lon_txt,
            "specificity": str(spec), "vicinity": str(vicinity),
            "location": f"The incident occurred near the {spot}." if random_() < 0.3 else "",
            "summary": summary, "crit1": "1", "crit2": "1", "crit3": "1" if random_() < 0.9 else "0",
            "doubtterr": "0" if random_() < 0.85 else ("1" if random_() < 0.9 else "-9"),
            "alternative": "", "alternative_txt": "", "multiple": "1" if random_() < 0.08 else "0",
            "success": "1" if random_() < 0.9 else "0", "suicide": str(suicide),
            "attacktype1": str(attack), "attacktype1_txt": attack_txt,
            "targtype1": str(targ), "targtype1_txt": targ_txt, "targsubtype1": str(sub),
            "targsubtype1_txt": sub_txt, "corp1": corp, "target1": target,
            "natlty1": country, "natlty1_txt": country_txt,
            "gname": gname, "gname2": gname2, "guncertain1": str(guncertain),
            "guncertain2": ("0" if gname2 else ""), "individual": "0",
            "nperps": str(randint(1, 8)) if random_() < 0.3 else "-99",
            "nperpcap": "0" if random_() < 0.8 else ("-99" if random_() < 0.5 else str(randint(1, 3))),
            "claimed": str(claimed), "claimmode": str(claimmode) if claimmode else "",
            "claimmode_txt": CLAIM_MODES.get(claimmode, ""),
            "weaptype1": str(weap), "weaptype1_txt": weap_txt,
            "weapsubtype1": str(weap_sub) if weap_sub else "", "weapsubtype1_txt": weap_sub_txt,
            "weapdetail": "Explosives were used in the attack." if weap == 6 else "",
            "nkill": "" if unknown_kill else str(nkill), "nkillus": "" if unknown_kill else "0",
            "nkillter": "" if unknown_kill else str(nkillter),
            "nwound": "" if unknown_wound else str(nwound), "nwoundus": "" if unknown_wound else "0",
            "nwoundte": "" if unknown_wound else "0",
            "property": str(prop), "propextent": str(propextent) if propextent else "",
            "propextent_txt": {3: "Minor (likely < $1 million)", 4: "Unknown"}.get(propextent, ""),
            "propvalue": "-99" if prop == 1 else "",
            "propcomment": "A vehicle was damaged in the attack." if prop == 1 and random_() < 0.5 else "",
            "ishostkid": "1" if kidnap else ("0" if random_() < 0.97 else "-9"),
            "nhostkid": str(nhostkid) if kidnap else "", "nhostkidus": "0" if kidnap else "",
            "nhours": "-99" if kidnap else "", "ndays": str(randint(1, 30)) if kidnap else "",
            "ransom": ("0" if random_() < 0.7 else "-9") if kidnap else "",
            "hostkidoutcome": str(hostage_outcome) if kidnap else "",
            "hostkidoutcome_txt": {2: "Hostage(s) released by perpetrators", 4: "Hostage(s) killed (not during "
                                   "rescue attempt)", 5: "Successful Rescue", 7: "Unknown"}.get(hostage_outcome, ""),
            "nreleased": str(nreleased) if kidnap else "",
            "scite1": cite, "scite2": cite2 if random_() < 0.6 else "",
            "dbsource": choice(DBSOURCES),
            "INT_LOG": "-9" if random_() < 0.6 else "0", "INT_IDEO": "-9" if random_() < 0.6 else "0",
            "INT_MISC": "0" if pk_row or random_() < 0.8 else "1", "INT_ANY": "-9" if random_() < 0.6 else "0",
        })  # fmt: skip
        if attack2:
            row["attacktype2"], row["attacktype2_txt"] = str(attack2), ATTACKS[attack2]
        yield row


def write(path: Path, n: int, seed: int = 0) -> int:
    """Write ``n`` synthetic rows to ``path`` as CSV (the dialect ``sarhad export gtd`` writes); return n."""
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(COLUMNS)
        for row in rows(n, seed):
            writer.writerow([row[c] for c in COLUMNS])
    return n


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write N synthetic GTD-format rows (Pakistan and Iran).")
    parser.add_argument("n", type=int, help="how many rows")
    parser.add_argument("out", type=Path, help="the CSV file to write")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    args = parser.parse_args(argv)
    write(args.out, args.n, args.seed)
    print(f"wrote {args.n} synthetic GTD rows to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
