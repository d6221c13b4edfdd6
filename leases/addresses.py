"""French postal addresses, normalised so that two spellings of the same street compare equal.

Used to match ARCEP's buildings to our residences (leases/fibre.py): the RPLS writes
`AV DU CLOS GAULTIER`, ARCEP `avenue du Clos-Gaultier`; both become `AVENUE CLOS GAULTIER`.
"""

import re
import unicodedata
from functools import lru_cache

# Street types (FANTOIR / La Poste abbreviations and the usual spellings) -> one canonical word.
STREET_TYPES = {
    "ALLEE": ["ALL", "AL", "ALLEES"],
    "AVENUE": ["AV", "AVE", "AVN", "AVEN"],
    "BOULEVARD": ["BD", "BLD", "BLVD", "BOUL", "BVD"],
    "CHEMIN": ["CHE", "CHEM", "CH", "CHM"],
    "CHAUSSEE": ["CHS", "CHAU"],
    "CITE": ["CTE", "CI"],
    "COURS": ["CRS"],
    "CLOS": ["CLO"],
    "DOMAINE": ["DOM"],
    "ESPLANADE": ["ESP", "ESPL"],
    "FAUBOURG": ["FG", "FBG", "FAUB"],
    "HAMEAU": ["HAM"],
    "IMPASSE": ["IMP"],
    "LOTISSEMENT": ["LOT"],
    "MAIL": ["MAI"],
    "PASSAGE": ["PASS", "PAS", "PSG"],
    "PARVIS": ["PRV"],
    "PLACE": ["PL", "PLA"],
    "PLACETTE": ["PLT"],
    "PROMENADE": ["PROM", "PRM"],
    "QUAI": ["QU", "QAI"],
    "QUARTIER": ["QUA", "QRT"],
    "RESIDENCE": ["RES", "RSD"],
    "ROND POINT": ["RPT", "RDPT", "ROND-POINT"],
    "ROUTE": ["RTE", "RT"],
    "RUE": ["R"],
    "RUELLE": ["RLE"],
    "SENTIER": ["SEN", "SENT"],
    "SQUARE": ["SQ"],
    "TERRASSE": ["TSSE", "TER", "TERR"],
    "TRAVERSE": ["TRA", "TRAV"],
    "VILLA": ["VLA"],
    "VOIE": ["VOI"],
    "ZONE": ["ZA", "ZAC", "ZI", "ZONE"],
}
CANONICAL_TYPE = {alias: canonical for canonical, aliases in STREET_TYPES.items() for alias in [canonical, *aliases]}
# Types that may open a street name when the type column is empty ("RUE DE LA PAIX").
# One-letter aliases are left out: "R" opens no real street name, but "A" or "B" might.
LEADING_TYPES = {alias for alias in CANONICAL_TYPE if len(alias) > 1}

# Words that carry no meaning for matching, and the usual abbreviations inside names.
ARTICLES = {"DE", "DU", "DES", "LA", "LE", "LES", "L", "D", "AU", "AUX", "ET", "A", "EN"}
NAME_WORDS = {
    "ST": "SAINT",
    "STE": "SAINTE",
    "GAL": "GENERAL",
    "GEN": "GENERAL",
    "MAL": "MARECHAL",
    "PDT": "PRESIDENT",
    "PRES": "PRESIDENT",
    "DR": "DOCTEUR",
    "PR": "PROFESSEUR",
    "CDT": "COMMANDANT",
    "CNE": "CAPITAINE",
    "LT": "LIEUTENANT",
    "MGR": "MONSEIGNEUR",
    "NTRE": "NOTRE",
    "ND": "NOTRE DAME",
}
REPETITIONS = {"B": "B", "BIS": "B", "T": "T", "TER": "T", "Q": "Q", "QUATER": "Q", "C": "C", "QUINQUIES": "C"}

_PUNCTUATION = re.compile(r"[^A-Z0-9 ]+")
_SPACES = re.compile(r"\s+")
_NUMBER = re.compile(r"^\s*0*(\d+)\s*([A-Z]*)")


def fold(text):
    """Upper case, no accents, punctuation as spaces, single spaces: "Clos-Gaultier " -> "CLOS GAULTIER"."""
    text = unicodedata.normalize("NFKD", str(text or "")).encode("ascii", "ignore").decode("ascii").upper()
    return _SPACES.sub(" ", _PUNCTUATION.sub(" ", text)).strip()


@lru_cache(maxsize=65536)
def normalise_street(street_type, street_name):
    """(canonical type, name without articles) for a street; the type is taken from the name if empty.

    >>> normalise_street("AV", "du Clos-Gaultier")
    ('AVENUE', 'CLOS GAULTIER')
    >>> normalise_street("", "Bd des Couronneries")
    ('BOULEVARD', 'COURONNERIES')
    """
    kind = fold(street_type)
    words = fold(street_name).split()
    if not kind and len(words) > 1:
        # "ROND POINT" is the one two-word type.
        if " ".join(words[:2]) in CANONICAL_TYPE:
            kind, words = " ".join(words[:2]), words[2:]
        elif words[0] in LEADING_TYPES:
            kind, words = words[0], words[1:]
    kind = CANONICAL_TYPE.get(kind, kind)
    name = []
    for word in words:
        if word in ARTICLES:
            continue
        name.extend(NAME_WORDS.get(word, word).split())
    return kind, " ".join(name)


def normalise_number(number, repetition=""):
    """House number with its repetition index: ("004", "bis") -> "4B"; "" when there is no number."""
    match = _NUMBER.match(fold(f"{number or ''}"))
    if not match:
        return ""
    suffix = fold(repetition) or match.group(2)
    return match.group(1) + REPETITIONS.get(suffix, suffix[:1])


_LEADING_NUMBER = re.compile(r"^\s*(\d+)\s*(BIS|TER|QUATER|[BTQC])?\b[\s,]*(.*)$")


def split_address(text):
    """A one-line address "12 bis av. du Clos Gaultier" -> ("12B", "AVENUE", "CLOS GAULTIER")."""
    folded = fold(text)
    match = _LEADING_NUMBER.match(folded)
    if match:
        number = normalise_number(match.group(1), match.group(2) or "")
        rest = match.group(3)
    else:
        number, rest = "", folded
    return (number, *normalise_street("", rest))
