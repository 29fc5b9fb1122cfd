"""The word cues an incident sentence is read for: what kind of attack it names (the GTD attack-type cues and
the codebook's hierarchy among them) and whether it attributes the attack to a group (claim, blame,
suspicion, denial, "the group").
"""

from __future__ import annotations

import re

__all__ = ["ANAPHORA", "ATTACK_CUES", "ATTACK_HIERARCHY", "BLAME", "CLAIM", "DENY", "SUSPECT"]


# GTD primary attack type hierarchy (codebook): the highest-ranked type present is the primary one.
ATTACK_HIERARCHY = [1, 4, 6, 5, 3, 2, 8, 7, 9]

ATTACK_CUES: list[tuple[int, float, re.Pattern[str]]] = [
    (
        3,
        3.0,
        re.compile(
            r"\bsuicide\s+(?:bomb(?:ing|er|ers)?|attack(?:er|s)?|blast|explosion|car bomb|vest|jacket)|"
            r"\bblew (?:himself|herself|themselves) up\b",
            re.I,
        ),
    ),
    (
        3,
        2.5,
        re.compile(
            r"\b(?:blasts?|explosions?|exploded|explosives?|IEDs?|improvised explosive|bomb(?:s|ing|ings|ed)?|"
            r"car bomb|VBIED|grenades?|"
            r"landmines?|mine blast|roadside bomb|remote[- ]control(?:led)?|detonated|detonation|rocket attack|mortar|"
            r"magnetic bomb|missiles?|"
            r"(?:missile|drone|air|aerial|artillery|rocket)\s+(?:and\s+(?:missile|drone|air)\s+)?strikes?|"
            r"airstrikes?|air raids?|drone attacks?|shell(?:ing|ed)|mortar shells?|quadcopters?|"
            r"sticky bomb|blown up|blew up)\b",
            re.I,
        ),
    ),
    (
        2,
        2.0,
        re.compile(
            r"\b(?:opened fire|open fire|fired upon|fired at|fired on|gunfire|gunmen|gunman|shooting|shot dead|"
            r"shot at|ambush(?:ed|es)?|"
            r"stormed|gun battle|gunfight|firing|exchange of fire|armed men|assailants|sniper|heavy weapons|shootout|"
            r"armed attack|raid(?:ed)? on|attacked with guns|assault rifles)\b",
            re.I,
        ),
    ),
    (
        2,
        0.8,
        re.compile(r"\b(?:attack(?:ed|s)?|assault(?:ed)?|clash(?:es|ed)?|struck|targeted|mounted an attack)\b", re.I),
    ),
    (
        6,
        3.0,
        re.compile(
            r"\b(?:kidnap(?:ped|ping|pers)?|abduct(?:ed|ion|ing|ors)?|taken hostage|took .{0,30}hostage|whisked away|"
            r"held captive)\b",
            re.I,
        ),
    ),
    (5, 3.0, re.compile(r"\b(?:barricaded|holed up|hostage stand-?off|siege)\b", re.I)),
    (4, 4.0, re.compile(r"\b(?:hijack(?:ed|ing|ers)?|seized (?:a|the) (?:train|bus|plane|vehicle|aircraft))\b", re.I)),
    (1, 4.0, re.compile(r"\b(?:assassinat(?:ed|ion|e)|targeted killing|target killing)\b", re.I)),
    (
        7,
        2.0,
        re.compile(r"\b(?:set (?:on )?fire|set ablaze|torched|arson|burnt down|burned down|vandali[sz]ed)\b", re.I),
    ),
    (8, 2.0, re.compile(r"\b(?:stoned|lynched|beaten to death|tortured)\b", re.I)),
]


ANAPHORA = re.compile(
    r"\b(?:the|this|that)\s+(?:(?:banned|proscribed|outlawed|militant|terrorist|separatist|insurgent|armed|extremist|"
    r"so-called)\s+){0,2}"
    r"(?:group|outfit|organi[sz]ation|militia|faction)\b",
    re.I,
)
CLAIM = re.compile(
    r"\bclaimed it\b|"
    r"\b(?:claimed|claiming|claims|claim)\s+(?:responsibility|credit|the (?:attack|assault|bombing|blast|killing|"
    r"ambush))|"
    r"\bresponsibility\b[^.]{0,60}\bclaimed\b|\bclaimed\b[^.]{0,10}$|\bsaid (?:it|they) (?:had )?carried out\b|"
    r"\bstatement saying (?:it|they) had carried out\b|\bsaying (?:it|they) (?:had )?carried out\b|\b(?:say|said|"
    r"says) (?:they|it) (?:had )?killed\b|"
    # "the ISPR said the attack was carried out by …" is a blame (below), not a claim
    r"\b(?:said|says|saying)\b[^.;]{0,60}\b(?:had |have )?(?:carried out|conducted|launched|staged)\b(?!\s+by\b)|"
    r"\btook responsibility\b|\bowned (?:up )?(?:the )?(?:attack|responsibility)\b|\blater claimed\b|\bclaimed by\b",
    re.I,
)
BLAME = re.compile(
    r"\b(?:blamed|blames|blaming|accused|held responsible|holds? responsible|pointed the finger|carried out by|"
    r"perpetrated by|"
    r"behind the (?:attack|bombing|blast|killings?|assault|ambush|abduction)|responsible for the)\b",
    re.I,
)
SUSPECT = re.compile(
    r"\b(?:suspected|suspect|linked (?:to|with)|affiliated (?:to|with)|belonging to|belonged to|belong to|"
    r"(?:were|was|are|is) (?:a )?members? of|believed to be|likely|"
    r"bore the hallmarks|"
    r"associated with|members of|militants of|terrorists of|fighters of|operatives of)\b",
    re.I,
)
DENY = re.compile(r"\b(?:denied|denies|deny|distanced|rejected (?:any )?involvement)\b", re.I)
