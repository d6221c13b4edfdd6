"""A synthetic RPLS extract as a landlord's export looks: ~70 columns, shared strings, Excel dates.

Written by hand (zip + XML, like Excel lays it out) because openpyxl takes minutes for
7 million cells; the benchmark times reading, not writing.
"""

import datetime
import itertools
import random
import zipfile
from xml.sax.saxutils import escape

# The 21 columns the import reads, then the others a real extract carries (ignored by the import).
IMPORTED = [
    "IDENT_REP", "IDENT_INT", "DEPCOM", "CODEPOSTAL", "LIBCOM", "NUMVOIE", "INDREP", "TYPVOIE", "NOMVOIE",
    "ETAGE", "ESC", "NUMAPPT", "BAT", "IMMEU", "ENTREE", "PLG_QP24", "TYPECONST", "NBPIECE", "SURFHAB",
    "CONSTRUCT", "FINAN",
]  # fmt: skip
OTHERS = [
    "REG", "LIBREG", "DEP", "LIBDEP", "EPCI", "LIBEPCI", "PLG_IRIS", "PLG_QPV", "NUMBOITE", "COULOIR",
    "COMPLIDENT", "LOCAT", "PATRIMOIN", "ORIGINE", "FINANAUTRE", "CONV", "NUMCONV", "DATCONV", "NEWLOGT",
    "MODE", "REMLOCDATE", "BAIL", "LOYERPRINC", "LOYERACC", "CONTRESLOY", "SORTIEPATRIM", "CUS", "DPEDATE",
    "DPEENERGIE", "DPESERRE", "SRU_EXPIR", "SRU_ALINEA", "CODSEGPATRIM", "LIBSEGPATRIM", "DROIT", "MODSTATUT",
    "OLDLOGT", "PMR", "SIREN", "RS", "MILLESIME", "SURFLOC", "TYPOLOGIE", "X", "Y", "DATEMEL", "LOGEMENT_FOYER",
    "NB_LOGT_IMM", "ASCENSEUR",
]  # fmt: skip
COLUMNS = IMPORTED + OTHERS

COMMUNES = [
    ("86194", "86000", "POITIERS", ["QN08603M", "QN08604M", "QN08605M", "QN08606M", "HZ", "HZ"]),
    ("86041", "86180", "BUXEROLLES", ["QN08605M", "HZ"]),
    ("86214", "86280", "SAINT-BENOIT", ["QN08604M", "HZ"]),
    ("86066", "86100", "CHATELLERAULT", ["QN08601M", "QN08602M", "HZ"]),
]
STREET_TYPES = ["RUE", "AV", "BD", "PL", "ALL", "IMP", "CHE"]
STREET_NAMES = [
    "DES LILAS", "JEAN JAURES", "VICTOR HUGO", "DE LA PAIX", "DU CLOS GAULTIER", "DES TROIS CITES", "DE BEL AIR",
    "DES COURONNERIES", "SAINT ELOI", "DE BEAULIEU", "D OZON", "DE FRANCE", "PIERRE DE COUBERTIN", "DES ECOLES",
    "DU MOULIN", "DE LA GARE", "DES ROSIERS", "PASTEUR", "JULES FERRY", "DU STADE",
]  # fmt: skip
FINANCING = ["PLUS", "PLAI", "PLS", "HLMO", "PLA", "PLR", "ILM"]


def _letters(count):
    out = []
    for index in range(count):
        name, n = "", index + 1
        while n:
            n, rest = divmod(n - 1, 26)
            name = chr(65 + rest) + name
        out.append(name)
    return out


def rpls_rows(count, seed=86, prefix="086"):
    """`count` dwellings in ~50-dwelling programmes: the values a landlord's extract carries."""
    rng = random.Random(seed)
    excel_epoch = datetime.date(1899, 12, 30)
    for programme_start in range(0, count, 50):
        depcom, postcode, libcom, qpvs = rng.choice(COMMUNES)
        programme = f"RESIDENCE {programme_start // 50 + 1:05d}"
        street_type, street = rng.choice(STREET_TYPES), rng.choice(STREET_NAMES)
        number, qpv = rng.randint(1, 250), rng.choice(qpvs)
        year, financing = rng.randint(1950, 2022), rng.choice(FINANCING)
        for i in range(programme_start, min(programme_start + 50, count)):
            k = i - programme_start
            rooms = rng.randint(1, 6)
            conv = (datetime.date(year, 1, 1) - excel_epoch).days + rng.randint(0, 300)
            dpe = (datetime.date(2021, 7, 1) - excel_epoch).days + rng.randint(0, 900)
            yield [
                f"{prefix}{i:07d}", f"L{i:08d}", depcom, postcode, libcom, number, "B" if k % 17 == 0 else "",
                street_type, street, k % 6, str(1 + k // 25), f"{k % 6}{k % 10 + 1:02d}", chr(65 + k // 25),
                programme, str(1 + k // 25), qpv, "C" if k % 10 else "I", rooms,
                round(18 + rooms * 14 + rng.random() * 8, 2), year, financing,
                # the others
                "75", "NOUVELLE-AQUITAINE", "86", "VIENNE", "200069854", "CU DU GRAND POITIERS", f"{depcom}0{k % 9}01",
                "", "", "", "", 1, 1, rng.choice([1, 2, 3]), "", 1, f"86/1/{year}/{i % 997}", conv, 0, 1, "",
                1, round(rooms * 95.3 + rng.random() * 40, 2), round(rng.random() * 60, 2), 0, "", "",
                dpe, rng.choice("ABCDEFG"), rng.choice("ABCDEFG"), "", "", "A", "SEGMENT A", 1, 2, 0,
                rng.choice([0, 0, 0, 1]), "503456782", "BAILLEUR BENCH", 2024, round(rooms * 16.5, 2),
                f"T{rooms}", 497000 + rng.random() * 2000, 6610000 + rng.random() * 2000, conv + 400, 0, 50,
                rng.choice(["O", "N"]),
            ]  # fmt: skip


DATE_COLUMNS = {COLUMNS.index("DATCONV"), COLUMNS.index("DPEDATE"), COLUMNS.index("DATEMEL")}

_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="RPLS" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
    'Target="sharedStrings.xml"/>'
    '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" '
    'Target="styles.xml"/></Relationships>'
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    '<Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>'
)
# Style 1 is Excel's built-in short date (numFmtId 14): calamine reads those cells as dates.
_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
    '<borders count="1"><border/></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
    "</styleSheet>"
)


def write_rpls_xlsx(path, count, seed=86):
    """Write `count` dwellings to `path`; returns the number of data rows."""
    strings = {}
    letters = _letters(len(COLUMNS))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(
                b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                + f'<dimension ref="A1:{letters[-1]}{count + 1}"/><sheetData>'.encode()
            )
            for number, row in enumerate(itertools.chain([COLUMNS], rpls_rows(count, seed)), start=1):
                parts = [f'<row r="{number}">']
                for index, (letter, value) in enumerate(zip(letters, row, strict=True)):
                    if value == "" or value is None:
                        continue
                    if isinstance(value, str):
                        position = strings.setdefault(value, len(strings))
                        parts.append(f'<c r="{letter}{number}" t="s"><v>{position}</v></c>')
                    elif index in DATE_COLUMNS and number > 1:
                        parts.append(f'<c r="{letter}{number}" s="1"><v>{value}</v></c>')
                    else:
                        parts.append(f'<c r="{letter}{number}"><v>{value}</v></c>')
                parts.append("</row>")
                sheet.write("".join(parts).encode())
            sheet.write(b"</sheetData></worksheet>")
        shared = [
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" uniqueCount="{len(strings)}">'
        ]
        shared.extend(f'<si><t xml:space="preserve">{escape(text)}</t></si>' for text in strings)
        shared.append("</sst>")
        archive.writestr("xl/sharedStrings.xml", "".join(shared))
        archive.writestr("xl/styles.xml", _STYLES)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
    return count
