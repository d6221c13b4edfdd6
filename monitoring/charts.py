"""Charts drawn on the server as SVG: no JavaScript, no CDN, readable without sight.

Every chart is a `Chart`: an `<svg role="img">` named by its `<title>` and described by its
`<desc>` (a sentence with the numbers that matter), and the same numbers as a `<table>` shown
beside it (templates/monitoring/includes/chart.html). Series differ by line style and marker as
well as colour, so that a colour-blind reader or a black-and-white print still tells them apart.
The SVG is built as text here (escaped), which is much faster than a template loop.
"""

import math
from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import mark_safe

from .forms import month_label

INK = "#1b1f23"
MUTED = "#4a5560"
GRID = "#c9d2d6"
PRIMARY = "#0a5c66"
ORANGE = "#8a4b00"
DANGER = "#a4161a"
OK = "#1d6b34"
LINK = "#0b4f8a"
FONT = 'font-family="system-ui, DejaVu Sans, Arial, sans-serif"'


NARROW_NBSP = "\u202f"  # the French thousands separator, as Django's fr formats write it


def number(value):
    """12345 -> « 12 345 » (narrow no-break space). Plain Python: Django's number_format, called a
    few thousand times on a large territory, cost more than the page's SQL."""
    if value is None:
        return "—"
    return f"{round(value):,}".replace(",", NARROW_NBSP)


def percent(value):
    """Rounded as the foundation's `percent` filter rounds (round()), so that the page agrees with itself."""
    if value is None:
        return "—"
    return f"{round(value)} %"


def lower_first(text):
    """« En résidence … (ARCEP) » -> « en résidence … (ARCEP) »: acronyms keep their capitals."""
    return text[:1].lower() + text[1:]


def ratio_text(part, whole):
    if not whole or part is None:
        return "—"
    return percent(100 * part / whole)


@dataclass
class Series:
    label: str
    values: list  # one per x, None where unknown
    color: str = PRIMARY
    dash: str = ""
    marker: str = "circle"  # circle, square or "" (none)


@dataclass(frozen=True)
class Cell:
    """A cell of a chart's table; with a `url`, it links to the list behind the number."""

    text: str
    url: str = ""

    def __str__(self):
        return self.text


def cells(*values):
    return [value if isinstance(value, Cell) else Cell(str(value)) for value in values]


@dataclass
class Chart:
    id: str
    title: str
    desc: str
    svg: str
    caption: str
    headers: list
    rows: list = field(default_factory=list)  # [[row header Cell, Cell, …]]
    note: str = ""

    @property
    def table_rows(self):
        from .blocks import chart_rows

        return chart_rows(self)


def _svg(chart_id, title, desc, width, height, body):
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="chart-svg" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" preserveAspectRatio="xMinYMin meet">'
        f'<title id="{chart_id}-title">{escape(title)}</title><desc id="{chart_id}-desc">{escape(desc)}</desc>'
        f"{''.join(body)}</svg>"
    )


def nice_ceiling(value):
    """The top of the value axis: the smallest of 4, 8, 12, 20 × 10^n at or above `value`, so that its
    four gridlines fall on round whole numbers (1, 2, 3, 5 × 10^n apart)."""
    magnitude = 1
    while True:
        for top in (4, 8, 12, 20):
            if top * magnitude >= value:
                return top * magnitude
        magnitude *= 10


def _marker(kind, x, y, color):
    if kind == "circle":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{color}"/>'
    if kind == "square":
        return f'<rect x="{x - 3:.1f}" y="{y - 3:.1f}" width="6" height="6" fill="{color}"/>'
    return ""


def line_chart(chart_id, title, desc, months, series, *, compact=False):
    """Monthly values as lines. Gaps (None) break the line rather than pretending a zero."""
    width, height = (360, 210) if compact else (720, 300)
    left, right, top, bottom = (44, 12, 12, 58) if compact else (60, 20, 16, 64)
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max([v for s in series for v in s.values if v is not None] + [0])
    top_value = nice_ceiling(peak)
    count = len(months)

    def x_of(i):
        return left + (plot_w * i / (count - 1) if count > 1 else plot_w / 2)

    def y_of(v):
        return top + plot_h - plot_h * v / top_value

    body = [f'<g {FONT} font-size="{11 if compact else 12}" fill="{INK}">']
    for step in range(5):
        value = top_value * step / 4
        y = y_of(value)
        body.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="{GRID}"/>')
        body.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{escape(number(value))}</text>')
    every = max(1, math.ceil(count / (4 if compact else 8)))
    for i, month in enumerate(months):
        last = i == count - 1
        if (i % every == 0 and count - 1 - i >= every * 0.75) or last:
            x = x_of(i)
            body.append(
                f'<line x1="{x:.1f}" y1="{top + plot_h}" x2="{x:.1f}" y2="{top + plot_h + 4}" stroke="{MUTED}"/>'
            )
            label = escape(month_label(month, short=True))
            anchor = "end" if last and count > 1 else "middle"
            body.append(f'<text x="{x:.1f}" y="{top + plot_h + 17}" text-anchor="{anchor}">{label}</text>')
    body.append(f'<line x1="{left}" y1="{top + plot_h}" x2="{width - right}" y2="{top + plot_h}" stroke="{MUTED}"/>')
    for s in series:
        segments, current = [], []
        for i, value in enumerate(s.values):
            if value is None:
                if current:
                    segments.append(current)
                current = []
            else:
                current.append((x_of(i), y_of(value)))
        if current:
            segments.append(current)
        dash = f' stroke-dasharray="{s.dash}"' if s.dash else ""
        for segment in segments:
            points = " ".join(f"{x:.1f},{y:.1f}" for x, y in segment)
            body.append(f'<polyline points="{points}" fill="none" stroke="{s.color}" stroke-width="2.5"{dash}/>')
            if s.marker and count <= 36:
                body.extend(_marker(s.marker, x, y, s.color) for x, y in segment)
    legend_y = height - (14 if compact else 18)
    x = left
    for s in series:
        dash = f' stroke-dasharray="{s.dash}"' if s.dash else ""
        body.append(
            f'<line x1="{x}" y1="{legend_y - 4}" x2="{x + 22}" y2="{legend_y - 4}" stroke="{s.color}" '
            f'stroke-width="2.5"{dash}/>'
        )
        body.append(_marker(s.marker, x + 11, legend_y - 4, s.color))
        body.append(f'<text x="{x + 28}" y="{legend_y}">{escape(s.label)}</text>')
        x += 40 + int(len(s.label) * (6.4 if compact else 7))
    body.append("</g>")
    return _svg(chart_id, title, desc, width, height, body)


def evolution_chart(chart_id, title, months, series_by_month, *, compact=False, subject=""):
    """The monthly evolution of a stock: dwellings, equipped, with an active subscription.

    `series_by_month`: {month: (dwellings, equipped, active) or None}.
    """
    values = [series_by_month.get(m) for m in months]
    dwellings = [v[0] if v else None for v in values]
    equipped = [v[1] if v else None for v in values]
    series = [
        Series("Logements du parc", dwellings, MUTED, "6 4", ""),
        Series("Équipés d'une box", equipped, PRIMARY, "", "circle"),
        Series("Abonnement actif", [v[2] if v else None for v in values], ORANGE, "2 3", "square"),
    ]
    headers = ["Mois", "Logements", "Équipés d'une box", "Part équipée", "Abonnement actif", "Part active"]
    rows = []
    for month, v in zip(months, values, strict=True):
        if v is None:
            values_ = [month_label(month)] + ["non calculé"] * (len(headers) - 1)
        else:
            values_ = [month_label(month), number(v[0]), number(v[1]), ratio_text(v[1], v[0])]
            values_ += [number(v[2]), ratio_text(v[2], v[0])]
        rows.append(cells(*values_))
    known = [(m, v) for m, v in zip(months, values, strict=True) if v is not None]
    if known:
        (m0, v0), (m1, v1) = known[0], known[-1]
        desc = (
            f"{subject}De {month_label(m0)} à {month_label(m1)}, les logements équipés d'une box passent de "
            f"{number(v0[1])} à {number(v1[1])}, soit de {ratio_text(v0[1], v0[0])} à {ratio_text(v1[1], v1[0])} "
            f"des logements du parc ({number(v1[0])} logements en {month_label(m1)}). Logements avec un abonnement "
            f"actif : de {number(v0[2])} à {number(v1[2])}, soit de {ratio_text(v0[2], v0[0])} à "
            f"{ratio_text(v1[2], v1[0])}."
        )
    else:
        desc = f"{subject}Aucune donnée mensuelle sur cette période."
    svg = line_chart(chart_id, title, desc, months, series, compact=compact)
    return Chart(chart_id, title, desc, svg, f"{title} : chiffres par mois", headers, rows)


STATUS_ORDER = {"late": 0, "on_track": 1, "met": 2}
MAX_BARS = 30  # beyond, a chart is no longer read: the table and the list take over


def progress_chart(chart_id, title, rows, *, limit=24):
    """Commitments with a numeric "at least" target: a bar per commitment, value against target, with a
    mark where the straight line to the target stands today. `rows`: [(label, Progress)], late ones
    first; the table lists the same `limit` commitments as the bars (None: all, for the PDF)."""
    rows = sorted(rows, key=lambda row: STATUS_ORDER.get(str(row[1].status), 3))
    bars = [(label, p) for label, p in rows if p.bar_percent is not None][: min(limit or MAX_BARS, MAX_BARS)]
    width, row_h, label_w, top = 780, 30, 300, 8
    bar_w = width - label_w - 190
    height = top + row_h * max(len(bars), 1) + 30
    body = [f'<g {FONT} font-size="12" fill="{INK}">']
    colors = {"met": OK, "on_track": LINK, "late": DANGER}
    for i, (label, progress) in enumerate(bars):
        y = top + i * row_h
        short = label if len(label) <= 44 else label[:43] + "…"
        body.append(f'<text x="{label_w - 8}" y="{y + 17}" text-anchor="end">{escape(short)}</text>')
        body.append(f'<rect x="{label_w}" y="{y + 6}" width="{bar_w}" height="14" fill="#e3e8ea" stroke="#8a969d"/>')
        fill = bar_w * progress.bar_percent / 100
        color = colors.get(progress.status, MUTED)
        pattern = ' stroke-dasharray="3 2" stroke="#fff"' if progress.status == "late" else ""
        body.append(f'<rect x="{label_w}" y="{y + 6}" width="{fill:.1f}" height="14" fill="{color}"{pattern}/>')
        expected = progress.expected
        target = progress.commitment.target_value
        if expected is not None and target:
            ex = label_w + bar_w * min(100, max(0, float(expected) / float(target) * 100)) / 100
            body.append(
                f'<line x1="{ex:.1f}" y1="{y + 2}" x2="{ex:.1f}" y2="{y + 24}" stroke="{INK}" stroke-width="2"/>'
            )
        body.append(
            f'<text x="{label_w + bar_w + 8}" y="{y + 17}">{escape(progress.value_text)} '
            f"({escape(progress.label.lower())})</text>"
        )
    if not bars:
        body.append(f'<text x="10" y="{top + 18}">Aucun engagement chiffré à afficher.</text>')
    body.append(
        f'<text x="10" y="{height - 8}" fill="{MUTED}">Barre : part de la cible atteinte ; '
        "trait vertical : où la progression devrait en être aujourd'hui.</text>"
    )
    body.append("</g>")
    counts = {}
    for _, progress in rows:
        counts[progress.label] = counts.get(progress.label, 0) + 1
    summary = ", ".join(f"{n} {lower_first(label)}" for label, n in counts.items()) or "aucun engagement"
    desc = f"{len(rows)} engagement{'s' if len(rows) > 1 else ''} en vigueur : {summary}."
    listed = rows if limit is None else rows[:limit]
    if len(bars) < len(rows):
        desc += f" Le graphique montre les {len(bars)} premiers, les engagements en retard d'abord ; " + (
            "le tableau les donne tous." if limit is None else "la liste des engagements les donne tous."
        )
    table_rows = [
        cells(label, p.commitment.target_text, p.value_text or "—", p.expected_text or "—", p.label)
        for label, p in listed
    ]
    svg = _svg(chart_id, title, desc, width, height, body)
    return Chart(
        chart_id,
        title,
        desc,
        svg,
        f"{title} : valeurs et cibles",
        ["Engagement", "Cible", "Valeur aujourd'hui", "Attendu aujourd'hui", "État"],
        table_rows,
    )


def funnel_chart(chart_id, title, stages, note=""):
    """The rollout funnel: from the stock to connected dwellings. `stages`: [(label, count or None, url)]."""
    shown = [(label, count) for label, count, _ in stages if count is not None]
    base = shown[0][1] if shown else 0
    width, row_h, top = 780, 34, 8
    height = top + row_h * max(len(shown), 1) + 8
    bar_area = 300
    body = [f'<g {FONT} font-size="12" fill="{INK}">']
    for i, (label, count) in enumerate(shown):
        y = top + i * row_h
        w = bar_area * count / base if base else 0
        x = 10 + (bar_area - w) / 2
        body.append(
            f'<rect x="{x:.1f}" y="{y + 4}" width="{max(w, 1):.1f}" height="22" fill="{PRIMARY}" '
            f'fill-opacity="{1 - i * 0.1:.2f}"/>'
        )
        body.append(
            f'<text x="{bar_area + 24}" y="{y + 20}">{escape(label)} : {escape(number(count))} '
            f"({escape(ratio_text(count, base))})</text>"
        )
    body.append("</g>")
    parts = [
        f"{label[0].lower()}{label[1:]} : {number(count)} ({ratio_text(count, base)})" for label, count in shown[1:]
    ]
    desc = f"Sur {number(base)} logements du parc, " + ("; ".join(parts) if parts else "aucune étape franchie") + "."
    rows = [
        cells(Cell(label, link), number(count), ratio_text(count, base))
        for label, count, link in stages
        if count is not None
    ]
    svg = _svg(chart_id, title, desc, width, height, body)
    return Chart(
        chart_id,
        title,
        desc,
        svg,
        f"{title} : logements à chaque étape",
        ["Étape", "Logements", "Part du parc"],
        rows,
        note,
    )


def commitment_label(commitment):
    """« Habitat du Clain — QN08604M — cible 40 % »: short enough for a bar's label."""
    scope = commitment.qpv.code if commitment.qpv_id else commitment.scope_text or commitment.kind.label
    parts = [commitment.signature.organization.name, scope]
    if commitment.target_value is not None:
        parts.append(f"cible {commitment.kind.format_value(commitment.target_value)}")
    return " — ".join(p for p in parts if p)


def dashboard_charts(board, *, small_multiples=12, commitments_listed=24):
    """The charts of a dashboard (figures.Dashboard): evolution, per QPV, commitments, funnel."""
    period = board.period
    main = evolution_chart(
        "chart-evolution",
        f"Logements équipés d'une box et abonnements actifs, {period.label}",
        board.months,
        board.total_series,
    )
    largest = sorted((line for line in board.by_qpv if line.code), key=lambda line: -line.dwellings)
    per_qpv = [
        evolution_chart(
            f"chart-qpv-{line.code}",
            line.label,
            board.months,
            line.series,
            compact=True,
            subject=f"{line.label}. ",
        )
        for line in largest[:small_multiples]
    ]
    progress = progress_chart(
        "chart-commitments",
        "Engagements de la charte : progression vers la cible",
        [(commitment_label(c), p) for c, p in board.commitments],
        limit=commitments_listed,
    )
    suspended = board.today.suspended
    note = (
        "Les trois dernières étapes viennent des statuts des abonnements (un logement compte une fois, quel que "
        "soit le nombre de ses marchés) ; « box posée » compte aussi les abonnements actifs et suspendus"
        + (f", dont {number(suspended)} suspendu{'s' if suspended > 1 else ''} aujourd'hui." if suspended else ".")
    )
    funnel = funnel_chart("chart-funnel", "Du parc au logement connecté", board.funnel, note)
    return {
        "evolution": main,
        "per_qpv": per_qpv,
        "per_qpv_lines": largest[:small_multiples],
        "per_qpv_hidden": max(0, len(largest) - small_multiples),
        "commitments": progress,
        "funnel": funnel,
    }


def qpv_month_table(board, lines):
    """Equipped, active and all dwellings per QPV (rows) and month (columns): the numbers of the
    small charts (`lines`: the QPV charted; the xlsx has every QPV)."""
    headers = ["QPV"] + [month_label(m, short=True) for m in board.months]
    rows = []
    for line in lines:
        row = [Cell(line.label, line.equipped_url)]
        for month in board.months:
            value = line.series.get(month)
            row.append(Cell("—" if value is None else f"{number(value[1])} / {number(value[2])} / {number(value[0])}"))
        rows.append(row)
    return headers, rows
