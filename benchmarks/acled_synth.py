"""Synthetic ACLED-format rows for Pakistan and Iran: realistic in shape, invented in content.

No real ACLED row may be committed (the ACLED Terms of Use forbid redistributing the data), so tests and the
import benchmark use rows made here from the codebook's code lists: real place names with coordinates in the
right province, actor names in ACLED's spelling, event and sub-event types that fit the actors, fatalities with
many zeros (ACLED's "none or not reported"), notes, sources and upload timestamps. Every event is invented.

Usage::

    python benchmarks/acled_synth.py N OUT.csv [--seed S] [--numeric-inter]

``--numeric-inter`` writes the numeric actor-type codes of older exports (``inter1 = 2``, ``interaction = 12``)
instead of the current text ("Rebel group", "State forces-Rebel group"). As a module: :func:`rows` yields
rows (column → text) and :func:`write` writes a CSV file the way ``sarhad export acled`` does.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Final

__all__ = ["COLUMNS", "PLACES", "rows", "write"]

COLUMNS: Final = (
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type", "sub_event_type",
    "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "interaction",
    "civilian_targeting", "iso", "region", "country", "admin1", "admin2", "admin3", "location", "latitude",
    "longitude", "geo_precision", "source", "source_scale", "notes", "fatalities", "tags", "timestamp",
)  # fmt: skip

# (country, admin1, admin2, admin3, location, latitude, longitude): real places, approximate coordinates.
PLACES: Final[tuple[tuple[str, str, str, str, str, float, float], ...]] = (
    ("Pakistan", "Balochistan", "Quetta", "Quetta City", "Quetta", 30.1798, 66.9750),
    ("Pakistan", "Balochistan", "Kech", "Turbat", "Turbat", 26.0031, 63.0544),
    ("Pakistan", "Balochistan", "Kech", "Mand", "Mand", 26.0833, 61.9833),
    ("Pakistan", "Balochistan", "Kech", "Tump", "Tump", 26.1167, 62.3667),
    ("Pakistan", "Balochistan", "Gwadar", "Gwadar", "Gwadar", 25.1264, 62.3225),
    ("Pakistan", "Balochistan", "Gwadar", "Pasni", "Pasni", 25.2631, 63.4710),
    ("Pakistan", "Balochistan", "Panjgur", "Panjgur", "Panjgur", 26.9644, 64.0903),
    ("Pakistan", "Balochistan", "Mastung", "Mastung", "Mastung", 29.7997, 66.8455),
    ("Pakistan", "Balochistan", "Khuzdar", "Khuzdar", "Khuzdar", 27.8000, 66.6167),
    ("Pakistan", "Balochistan", "Kachhi", "Mach", "Mach", 29.8667, 67.3333),
    ("Pakistan", "Balochistan", "Sibi", "Sibi", "Sibi", 29.5430, 67.8773),
    ("Pakistan", "Balochistan", "Dera Bugti", "Dera Bugti", "Dera Bugti", 29.0303, 69.1512),
    ("Pakistan", "Balochistan", "Kohlu", "Kohlu", "Kohlu", 29.8965, 69.2532),
    ("Pakistan", "Balochistan", "Noshki", "Noshki", "Noshki", 29.5552, 66.0213),
    ("Pakistan", "Balochistan", "Chagai", "Taftan", "Taftan", 28.9667, 61.5667),
    ("Pakistan", "Balochistan", "Chaman", "Chaman", "Chaman", 30.9210, 66.4597),
    ("Pakistan", "Balochistan", "Zhob", "Zhob", "Zhob", 31.3413, 69.4493),
    ("Pakistan", "Balochistan", "Kalat", "Kalat", "Kalat", 29.0225, 66.5916),
    ("Pakistan", "Balochistan", "Kharan", "Kharan", "Kharan", 28.5833, 65.4167),
    ("Pakistan", "Khyber Pakhtunkhwa", "Peshawar", "Peshawar City", "Peshawar", 34.0151, 71.5249),
    ("Pakistan", "Khyber Pakhtunkhwa", "Bannu", "Bannu", "Bannu", 32.9889, 70.6056),
    ("Pakistan", "Khyber Pakhtunkhwa", "Dera Ismail Khan", "Dera Ismail Khan", "Dera Ismail Khan", 31.8313,
     70.9017),
    ("Pakistan", "Khyber Pakhtunkhwa", "North Waziristan", "Miran Shah", "Miran Shah", 33.0000, 70.0667),
    ("Pakistan", "Khyber Pakhtunkhwa", "North Waziristan", "Mir Ali", "Mir Ali", 33.0206, 70.2750),
    ("Pakistan", "Khyber Pakhtunkhwa", "South Waziristan", "Wana", "Wana", 32.2989, 69.5725),
    ("Pakistan", "Khyber Pakhtunkhwa", "Bajaur", "Khar", "Khar", 34.7296, 71.5213),
    ("Pakistan", "Khyber Pakhtunkhwa", "Kurram", "Parachinar", "Parachinar", 33.8992, 70.1008),
    ("Pakistan", "Khyber Pakhtunkhwa", "Tank", "Tank", "Tank", 32.2167, 70.3833),
    ("Pakistan", "Khyber Pakhtunkhwa", "Lakki Marwat", "Lakki Marwat", "Lakki Marwat", 32.6072, 70.9114),
    ("Pakistan", "Khyber Pakhtunkhwa", "Kohat", "Kohat", "Kohat", 33.5869, 71.4429),
    ("Pakistan", "Khyber Pakhtunkhwa", "Khyber", "Landi Kotal", "Landi Kotal", 34.0988, 71.1413),
    ("Pakistan", "Khyber Pakhtunkhwa", "Swat", "Babuzai", "Mingora", 34.7717, 72.3600),
    ("Pakistan", "Khyber Pakhtunkhwa", "Chitral", "Chitral", "Chitral", 35.8518, 71.7864),
    ("Pakistan", "Khyber Pakhtunkhwa", "Mardan", "Mardan", "Mardan", 34.1986, 72.0404),
    ("Pakistan", "Punjab", "Lahore", "Lahore City", "Lahore", 31.5497, 74.3436),
    ("Pakistan", "Punjab", "Rawalpindi", "Rawalpindi", "Rawalpindi", 33.5973, 73.0479),
    ("Pakistan", "Punjab", "Dera Ghazi Khan", "Dera Ghazi Khan", "Dera Ghazi Khan", 30.0561, 70.6348),
    ("Pakistan", "Punjab", "Mianwali", "Mianwali", "Mianwali", 32.5853, 71.5436),
    ("Pakistan", "Punjab", "Multan", "Multan City", "Multan", 30.1968, 71.4782),
    ("Pakistan", "Sindh", "Karachi South", "Saddar", "Karachi", 24.8608, 67.0104),
    ("Pakistan", "Sindh", "Karachi East", "Gulshan-e-Iqbal", "Karachi - Gulshan-e-Iqbal", 24.9204, 67.0932),
    ("Pakistan", "Sindh", "Hyderabad", "Hyderabad City", "Hyderabad", 25.3960, 68.3578),
    ("Pakistan", "Sindh", "Sukkur", "Sukkur", "Sukkur", 27.7052, 68.8574),
    ("Pakistan", "Sindh", "Jacobabad", "Jacobabad", "Jacobabad", 28.2769, 68.4514),
    ("Pakistan", "Islamabad Capital Territory", "Islamabad", "Islamabad", "Islamabad", 33.6938, 73.0652),
    ("Pakistan", "Gilgit-Baltistan", "Gilgit", "Gilgit", "Gilgit", 35.9208, 74.3083),
    ("Pakistan", "Gilgit-Baltistan", "Diamer", "Chilas", "Chilas", 35.4200, 74.0944),
    ("Iran", "Sistan and Baluchestan", "Zahedan", "Central", "Zahedan", 29.4963, 60.8629),
    ("Iran", "Sistan and Baluchestan", "Saravan", "Central", "Saravan", 27.3709, 62.3342),
    ("Iran", "Sistan and Baluchestan", "Khash", "Central", "Khash", 28.2211, 61.2158),
    ("Iran", "Sistan and Baluchestan", "Iranshahr", "Central", "Iranshahr", 27.2025, 60.6848),
    ("Iran", "Sistan and Baluchestan", "Chabahar", "Central", "Chabahar", 25.2919, 60.6430),
    ("Iran", "Sistan and Baluchestan", "Rask", "Central", "Rask", 26.2372, 61.3990),
    ("Iran", "Sistan and Baluchestan", "Rask", "Pishin", "Pishin", 26.0792, 61.7486),
    ("Iran", "Sistan and Baluchestan", "Mirjaveh", "Central", "Mirjaveh", 29.0175, 61.4497),
    ("Iran", "Sistan and Baluchestan", "Zabol", "Central", "Zabol", 31.0287, 61.5012),
    ("Iran", "Kerman", "Kerman", "Central", "Kerman", 30.2839, 57.0834),
    ("Iran", "Tehran", "Tehran", "Central", "Tehran", 35.6892, 51.3890),
    ("Iran", "Khuzestan", "Ahvaz", "Central", "Ahvaz", 31.3183, 48.6706),
    ("Iran", "Kurdistan", "Sanandaj", "Central", "Sanandaj", 35.3144, 46.9923),
    ("Iran", "West Azerbaijan", "Mahabad", "Central", "Mahabad", 36.7631, 45.7222),
    ("Iran", "Kermanshah", "Javanrud", "Central", "Javanrud", 34.8067, 46.4913),
    ("Iran", "Hormozgan", "Bandar Abbas", "Central", "Bandar Abbas", 27.1832, 56.2666),
)  # fmt: skip

# Armed groups active in each province (ACLED's spelling).
GROUPS: Final[dict[str, tuple[str, ...]]] = {
    "Balochistan": ("BLA: Baloch Liberation Army", "BLF: Baloch Liberation Front",
                    "BRAS: Baloch Raaji Aajoi Sangar", "TTP: Tehreek-i-Taliban Pakistan", "Islamic State (Pakistan)",
                    "BLA: Baloch Liberation Army - Majeed Brigade"),
    "Khyber Pakhtunkhwa": ("TTP: Tehreek-i-Taliban Pakistan", "Hafiz Gul Bahadur Group", "Lashkar-e-Islam",
                           "Islamic State (Pakistan)", "Ittehad-ul-Mujahideen Pakistan"),
    "Punjab": ("TTP: Tehreek-i-Taliban Pakistan", "LeJ: Lashkar-e-Jhangvi"),
    "Sindh": ("BLA: Baloch Liberation Army", "SRA: Sindhudesh Revolutionary Army", "TTP: Tehreek-i-Taliban Pakistan"),
    "Islamabad Capital Territory": ("TTP: Tehreek-i-Taliban Pakistan",),
    "Gilgit-Baltistan": ("TTP: Tehreek-i-Taliban Pakistan",),
    "Sistan and Baluchestan": ("Jaish al-Adl", "Jaish al-Adl", "Ansar al-Furqan"),
    "Kerman": ("Islamic State Khorasan Province",),
    "Tehran": ("Islamic State Khorasan Province",),
    "Khuzestan": ("Arab Struggle Movement for the Liberation of Ahvaz",),
    "Kurdistan": ("PJAK: Free Life Party of Kurdistan", "KDPI: Kurdistan Democratic Party of Iran"),
    "West Azerbaijan": ("PJAK: Free Life Party of Kurdistan",),
    "Kermanshah": ("PJAK: Free Life Party of Kurdistan",),
    "Hormozgan": ("Jaish al-Adl",),
}  # fmt: skip
STATE: Final = {
    "Pakistan": ("Military Forces of Pakistan (2018-)", "Police Forces of Pakistan (2018-)"),
    "Iran": ("Military Forces of Iran (1989-)", "Police Forces of Iran (1989-)"),
}
STATE_UNITS: Final = {
    "Pakistan": ("Military Forces of Pakistan (2018-) Frontier Corps", "Police Forces of Pakistan (2018-) Counter "
                 "Terrorism Department", "Police Forces of Pakistan (2018-) Levies", ""),
    "Iran": ("Military Forces of Iran (1989-) Islamic Revolutionary Guard Corps", "Police Forces of Iran (1989-) "
             "Border Guard", "Military Forces of Iran (1989-) Basij Militia", ""),
}  # fmt: skip
FOREIGN: Final = {
    "Pakistan": ("Military Forces of Afghanistan (2021-)", "Military Forces of Iran (1989-)"),
    "Iran": ("Military Forces of Pakistan (2018-)",),
}
PROTEST_GROUPS: Final = {
    "Pakistan": ("BYC: Baloch Yakjehti Committee", "PTI: Pakistan Tehreek-i-Insaf", "Lawyers (Pakistan)",
                 "Traders (Pakistan)", "JI: Jamaat-e-Islami", "Students (Pakistan)", "PTM: Pashtun Tahafuz Movement",
                 "Health Workers (Pakistan)", ""),
    "Iran": ("Labor Group (Iran)", "Retirees (Iran)", "Teachers (Iran)", "Baloch Ethnic Group (Iran)",
             "Women (Iran)", "Farmers (Iran)", ""),
}  # fmt: skip
SOURCES: Final = {
    "Pakistan": ("Dawn", "Express Tribune", "The News International (Pakistan)", "Balochistan Post", "Geo News",
                 "Pakistan Today", "Daily Times (Pakistan)", "Khorasan Diary", "The Frontier Post", "Twitter"),
    "Iran": ("HalVash", "IRNA", "Tasnim News Agency", "Iran International", "Kurdistan Human Rights Network",
             "HRANA", "Radio Zamaneh", "Fars News Agency", "Haalvsh (\u062d\u0627\u0644\u200c\u0648\u0634)"),
}  # fmt: skip
SOURCE_SCALES: Final = ("National", "Subnational", "National-Regional", "Local partner-National",
                        "New media-National", "Other-National", "International")  # fmt: skip
ACTOR_TYPES: Final = {1: "State forces", 2: "Rebel group", 3: "Political militia", 4: "Identity militia",
                      5: "Rioters", 6: "Protesters", 7: "Civilians", 8: "External/Other forces"}  # fmt: skip
MONTHS: Final = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
                 "November", "December")  # fmt: skip
TARGETS: Final = ("security checkpost", "Frontier Corps convoy", "police station", "police mobile van",
                  "gas pipeline", "mobile phone tower", "army camp", "Levies post", "construction company camp",
                  "railway track", "passenger bus", "polio vaccination team")  # fmt: skip

# (event_type, sub_event_type, disorder_type, weight) per country.
_EVENTS: Final = {
    "Pakistan": (
        ("Battles", "Armed clash", "Political violence", 21),
        ("Battles", "Government regains territory", "Political violence", 1),
        ("Explosions/Remote violence", "Remote explosive/landmine/IED", "Political violence", 10),
        ("Explosions/Remote violence", "Grenade", "Political violence", 3),
        ("Explosions/Remote violence", "Suicide bomb", "Political violence", 2),
        ("Explosions/Remote violence", "Shelling/artillery/missile attack", "Political violence", 2),
        ("Explosions/Remote violence", "Air/drone strike", "Political violence", 3),
        ("Violence against civilians", "Attack", "Political violence", 12),
        ("Violence against civilians", "Abduction/forced disappearance", "Political violence", 6),
        ("Protests", "Peaceful protest", "Demonstrations", 24),
        ("Protests", "Protest with intervention", "Demonstrations", 3),
        ("Protests", "Excessive force against protesters", "Political violence; Demonstrations", 1),
        ("Riots", "Violent demonstration", "Demonstrations", 2),
        ("Riots", "Mob violence", "Political violence", 2),
        ("Strategic developments", "Arrests", "Strategic developments", 4),
        ("Strategic developments", "Disrupted weapons use", "Strategic developments", 3),
        ("Strategic developments", "Looting/property destruction", "Strategic developments", 1),
    ),
    "Iran": (
        ("Battles", "Armed clash", "Political violence", 8),
        ("Explosions/Remote violence", "Remote explosive/landmine/IED", "Political violence", 3),
        ("Explosions/Remote violence", "Suicide bomb", "Political violence", 1),
        ("Explosions/Remote violence", "Air/drone strike", "Political violence", 1),
        ("Violence against civilians", "Attack", "Political violence", 14),
        ("Violence against civilians", "Abduction/forced disappearance", "Political violence", 4),
        ("Protests", "Peaceful protest", "Demonstrations", 38),
        ("Protests", "Protest with intervention", "Demonstrations", 6),
        ("Protests", "Excessive force against protesters", "Political violence; Demonstrations", 2),
        ("Riots", "Violent demonstration", "Demonstrations", 6),
        ("Riots", "Mob violence", "Political violence", 2),
        ("Strategic developments", "Arrests", "Strategic developments", 12),
        ("Strategic developments", "Disrupted weapons use", "Strategic developments", 2),
        ("Strategic developments", "Other", "Strategic developments", 1),
    ),
}
_EPOCH: Final = date(2018, 1, 1)
_DAYS: Final = (date(2025, 12, 31) - _EPOCH).days + 1


def _fatalities(rnd: random.Random, kind: str) -> int:
    """Many zeros (ACLED writes 0 for "none" and for "not reported"), a long tail for bombings and clashes."""
    if kind in ("Protests", "Strategic developments"):
        return 0 if rnd.random() < 0.97 else rnd.randint(1, 3)
    zero = {"Riots": 0.85, "Violence against civilians": 0.35, "Battles": 0.45}.get(kind, 0.5)
    if rnd.random() < zero:
        return 0
    value = int(rnd.expovariate(0.35)) + 1
    if kind == "Explosions/Remote violence" and rnd.random() < 0.05:
        value += rnd.randint(10, 60)  # a mass-casualty bombing
    return value


def _interaction(inter1: int, inter2: int, numeric: bool) -> str:
    if numeric:
        low, high = sorted((inter1, inter2)) if inter2 else (inter1, 0)
        return f"{low}{high}" if inter2 else f"{inter1}0"
    if not inter2:
        return f"{ACTOR_TYPES[inter1]} only"
    low, high = sorted((inter1, inter2))
    return f"{ACTOR_TYPES[low]}-{ACTOR_TYPES[high]}"


def _short(actor: str) -> str:
    return actor.split(":")[0] if ":" in actor else actor.split(" (")[0]


def rows(n: int, seed: int = 0, *, numeric_inter: bool = False) -> Iterator[dict[str, str]]:
    """Yield ``n`` synthetic ACLED rows (column → text), the same ones for the same ``seed``."""
    rnd = random.Random(seed)
    choice, random_, randint = rnd.choice, rnd.random, rnd.randint
    pk_places = [p for p in PLACES if p[0] == "Pakistan"]
    ir_places = [p for p in PLACES if p[0] == "Iran"]
    events = {c: ([e[:3] for e in evs], [e[3] for e in evs]) for c, evs in _EVENTS.items()}
    counters = {"Pakistan": 10000 + randint(0, 5000), "Iran": 3000 + randint(0, 2000)}
    for _ in range(n):
        country = "Pakistan" if random_() < 0.8 else "Iran"
        pk = country == "Pakistan"
        place = choice(pk_places if pk else ir_places)
        _, admin1, admin2, admin3, location, lat, lon = place
        kinds, weights = events[country]
        event_type, sub_event, disorder = rnd.choices(kinds, weights)[0]
        groups = GROUPS.get(admin1) or GROUPS["Khyber Pakhtunkhwa" if pk else "Sistan and Baluchestan"]
        group = choice(groups)
        state = choice(STATE[country])
        unit = choice(STATE_UNITS[country])
        unidentified = f"Unidentified Armed Group ({country})"
        civilians = f"Civilians ({country})"
        assoc1 = assoc2 = actor2 = ""
        inter2 = 0
        civ = ""
        tags = ""
        if event_type == "Battles":
            if random_() < 0.5:
                actor1, inter1, actor2, inter2, assoc1 = state, 1, group, 2, unit
            else:
                actor1, inter1, actor2, inter2, assoc2 = group, 2, state, 1, unit
        elif event_type == "Explosions/Remote violence":
            if sub_event == "Air/drone strike":
                actor1, inter1, actor2, inter2 = state, 1, group, 2
                if random_() < 0.2:
                    actor1, inter1 = choice(FOREIGN[country]), 8
            elif sub_event == "Shelling/artillery/missile attack":
                actor1, inter1, actor2, inter2 = choice(FOREIGN[country]), 8, state, 1
            else:
                actor1, inter1 = (group, 2) if random_() < 0.6 else (unidentified, 3)
                if random_() < 0.6:
                    actor2, inter2, assoc2 = state, 1, unit
                else:
                    actor2, inter2, civ = civilians, 7, "Civilians targeted"
        elif event_type == "Violence against civilians":
            roll = random_()
            if roll < 0.4:
                actor1, inter1 = group, 2
            elif roll < 0.75:
                actor1, inter1 = unidentified, 3
            else:
                actor1, inter1 = state, 1
            actor2, inter2, civ = civilians, 7, "Civilians targeted"
            if random_() < 0.3:
                assoc2 = choice(("Labour Group (Pakistan)", "Health Workers (Pakistan)", "Journalists (Pakistan)")
                                if pk else ("Baloch Ethnic Group (Iran)", "Fuel Porters (Iran)"))  # fmt: skip
        elif event_type == "Protests":
            actor1, inter1, assoc1 = f"Protesters ({country})", 6, choice(PROTEST_GROUPS[country])
            if sub_event != "Peaceful protest":
                actor2, inter2 = STATE[country][1], 1
            crowd = choice(("no report", "no report", "around 100", "around 50", "hundreds", "around 2000"))
            tags = f"crowd size={crowd}"
        elif event_type == "Riots":
            actor1, inter1 = f"Rioters ({country})", 5
            if sub_event == "Mob violence":
                actor2, inter2, civ = civilians, 7, "Civilians targeted"
            else:
                actor2, inter2 = STATE[country][1], 1
        else:  # Strategic developments
            if sub_event == "Arrests":
                actor1, inter1, actor2, inter2 = STATE[country][1], 1, choice((group, f"Protesters ({country})")), 0
                inter2 = 2 if actor2 == group else 6
            elif sub_event == "Disrupted weapons use":
                actor1, inter1, actor2, inter2 = state, 1, choice((group, unidentified)), 0
                inter2 = 2 if actor2 == group else 3
            elif sub_event == "Looting/property destruction":
                actor1, inter1, actor2, inter2, civ = group, 2, civilians, 7, "Civilians targeted"
            else:
                actor1, inter1 = group, 2
        fatalities = _fatalities(rnd, event_type)
        roll = random_()
        precision = 1 if roll < 0.9 else (2 if roll < 0.97 else 3)
        day = _EPOCH + timedelta(days=randint(0, _DAYS - 1))
        if precision == 3:
            day = day.replace(day=15)
        geo = 1 if (roll := random_()) < 0.7 else (2 if roll < 0.92 else 3)
        counters[country] += 1
        source = "; ".join(sorted(set(rnd.sample(SOURCES[country], randint(1, 3)))))
        when = f"On {day.day} {MONTHS[day.month - 1]} {day.year}"
        if precision == 2:
            when = f"Around {day.day} {MONTHS[day.month - 1]} {day.year} (week of)"
        elif precision == 3:
            when = f"In {MONTHS[day.month - 1]} {day.year}"
        where = f"{location} ({admin2}, {admin1})"
        if fatalities:
            harm = f"{fatalities} {'person was' if fatalities == 1 else 'people were'} killed."
        else:
            harm = choice(("No fatalities were reported.", "Casualties unknown.", "No injuries were reported."))
        if event_type == "Protests":
            reason = choice(("enforced disappearances", "power outages", "rising prices", "water shortages",
                             "unpaid salaries", "the arrest of a leader", "fuel border closures"))  # fmt: skip
            notes = f"{when}, {_short(assoc1) or 'people'} held a protest in {where} over {reason}. [{tags}]"
        elif event_type == "Battles":
            notes = f"{when}, {_short(actor1)} and {_short(actor2)} clashed in {where}. {harm}"
        elif sub_event in ("Remote explosive/landmine/IED", "Grenade", "Suicide bomb"):
            notes = (
                f"{when}, {'a suicide bomber' if sub_event == 'Suicide bomb' else _short(actor1)} targeted a "
                f"{choice(TARGETS)} with {'a grenade' if sub_event == 'Grenade' else 'an IED'} in {where}. {harm}"
            )
            if actor1 == group and random_() < 0.4:
                notes += f' {_short(group)} claimed the attack, calling it "retaliation".'
        else:
            other = _short(actor2) or "unknown actors"
            notes = f"{when}, {_short(actor1)}: {sub_event.lower()} involving {other} in {where}. {harm}"
        uploaded = datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(
            days=randint(2, 60), seconds=randint(0, 86399)
        )
        if numeric_inter:
            i1, i2 = str(inter1), str(inter2)
        else:
            i1, i2 = ACTOR_TYPES[inter1], (ACTOR_TYPES[inter2] if inter2 else "")
        yield {
            "event_id_cnty": f"{'PAK' if pk else 'IRN'}{counters[country]}",
            "event_date": day.isoformat(),
            "year": str(day.year),
            "time_precision": str(precision),
            "disorder_type": disorder,
            "event_type": event_type,
            "sub_event_type": sub_event,
            "actor1": actor1,
            "assoc_actor_1": assoc1,
            "inter1": i1,
            "actor2": actor2,
            "assoc_actor_2": assoc2,
            "inter2": i2,
            "interaction": _interaction(inter1, inter2, numeric_inter),
            "civilian_targeting": civ,
            "iso": "586" if pk else "364",
            "region": "South Asia" if pk else "Middle East",
            "country": country,
            "admin1": admin1,
            "admin2": admin2,
            "admin3": admin3,
            "location": location,
            "latitude": f"{lat:.4f}",
            "longitude": f"{lon:.4f}",
            "geo_precision": str(geo),
            "source": source,
            "source_scale": choice(SOURCE_SCALES),
            "notes": notes,
            "fatalities": str(fatalities),
            "tags": tags,
            "timestamp": str(int(uploaded.timestamp())),
        }


def write(path: Path, n: int, seed: int = 0, *, numeric_inter: bool = False) -> int:
    """Write ``n`` synthetic rows to ``path`` as CSV (the dialect ``sarhad export acled`` writes); return n."""
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(COLUMNS)
        for row in rows(n, seed, numeric_inter=numeric_inter):
            writer.writerow([row[c] for c in COLUMNS])
    return n


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write N synthetic ACLED-format rows (Pakistan and Iran).")
    parser.add_argument("n", type=int, help="how many rows")
    parser.add_argument("out", type=Path, help="the CSV file to write")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--numeric-inter", action="store_true", help="numeric inter1/inter2 codes (older exports)")
    args = parser.parse_args(argv)
    write(args.out, args.n, args.seed, numeric_inter=args.numeric_inter)
    print(f"wrote {args.n} synthetic ACLED rows to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
