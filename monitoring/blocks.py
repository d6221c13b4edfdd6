"""The long, repeated parts of a dashboard page, written as HTML in Python.

A territory has a hundred QPV and as many lines in each table; rendered by template loops (or
even by format_html, with its lazy-string checks) they cost more than the SQL behind them
(benchmarks/national.py measures both). These functions write the same accessible markup
(captions and column headers stay in the template, `scope` on row headers) with f-strings, every
value passed through `e()` (html.escape, quotes included). The short parts stay in templates.
"""

from html import escape

from django.utils.safestring import mark_safe

from .charts import number, percent


def e(value):
    return escape(str(value), quote=True)


def _link(text, url):
    return f'<a href="{e(url)}">{e(text)}</a>' if url else e(text)


def chart_rows(chart):
    """<tr>s of a chart's table: the first cell is the row header."""
    rows = []
    for head, *rest in chart.rows:
        cells = "".join(f"<td>{_link(cell.text, cell.url)}</td>" for cell in rest)
        rows.append(f'<tr><th scope="row">{_link(head.text, head.url)}</th>{cells}</tr>')
    if not rows:
        rows.append(f'<tr><td colspan="{len(chart.headers)}" class="empty">Aucune donnée.</td></tr>')
    return mark_safe("".join(rows))


def qpv_rows(board):
    """<tr>s of the per-QPV table: dwellings, equipped, share, active, share, fibre-ready residences."""
    rows = []
    for line in board.by_qpv:
        label = e(line.label)
        equipped = (
            f'<a href="{e(line.equipped_url)}">{number(line.equipped)}'
            f'<span class="visually-hidden"> logements équipés, {label}</span></a>'
        )
        ready = "—"
        if line.code:
            ready = (
                f'<a href="{e(line.ready_url)}">{number(line.ready_residences)} sur {number(line.residences)}'
                f'<span class="visually-hidden"> résidences, {label}</span></a>'
            )
        rows.append(
            f'<tr><th scope="row"><a href="{e(line.lodging_url)}">{label}</a></th>'
            f'<td class="num">{number(line.dwellings)}</td><td class="num">{equipped}</td>'
            f'<td class="num">{percent(line.equipped_rate)}</td><td class="num">{number(line.active)}</td>'
            f'<td class="num">{percent(line.active_rate)}</td><td class="num">{ready}</td></tr>'
        )
    if not rows:
        rows.append('<tr><td colspan="7" class="empty">Aucun logement sur ce périmètre.</td></tr>')
    return mark_safe("".join(rows))


def fibre_lists(board):
    """Per QPV, a heading and the fibre-ready residences (the first few; a link to all)."""
    parts = []
    for line in board.by_qpv:
        if not line.code:
            continue
        plural = "s" if line.ready_residences > 1 else ""
        parts.append(
            f'<h3 class="fibre-qpv">{e(line.label)} : {number(line.ready_residences)} résidence{plural} '
            f"raccordable{plural} sur {number(line.residences)}</h3>"
        )
        if not line.ready_names:
            parts.append('<p class="empty">Aucune résidence raccordable pour l\'instant.</p>')
            continue
        items = "".join(
            f'<li><a href="{e(r["url"])}">{e(r["name"])}</a>'
            + (f" ({e(r['commune_name'])})" if r["commune_name"] else "")
            + "</li>"
            for r in line.ready_names
        )
        if line.more_ready:
            more = "s" if line.more_ready > 1 else ""
            items += f'<li><a href="{e(line.ready_url)}">et {number(line.more_ready)} autre{more}</a></li>'
        parts.append(f'<ul class="inline-list">{items}</ul>')
    if not parts:
        parts.append('<p class="empty">Aucune résidence sur ce périmètre.</p>')
    return mark_safe("".join(parts))


def landlord_rows(board):
    """<tr>s of the per-landlord table: stock, equipment, subscriptions, commitments by status."""
    rows = []
    for line in board.by_landlord:
        name = e(line.name)
        counts = line.commitments
        rows.append(
            f'<tr><th scope="row"><a href="{e(line.lodging_url)}">{name}</a></th>'
            f'<td class="num">{number(line.dwellings)}</td>'
            f'<td class="num"><a href="{e(line.equipped_url)}">{number(line.equipped)}'
            f'<span class="visually-hidden"> logements équipés, {name}</span></a></td>'
            f'<td class="num">{percent(line.equipped_rate)}</td><td class="num">{number(line.active)}</td>'
            f'<td class="num">{percent(line.active_rate)}</td><td class="num">{counts["met"]}</td>'
            f'<td class="num">{counts["on_track"]}</td><td class="num">{counts["late"]}</td></tr>'
        )
    return mark_safe("".join(rows))


def month_rows(rows):
    """<tr>s of the per-QPV, per-month table (charts.qpv_month_table)."""
    html = []
    for head, *rest in rows:
        cells = "".join(f'<td class="num">{e(cell.text)}</td>' for cell in rest)
        html.append(f'<tr><th scope="row">{_link(head.text, head.url)}</th>{cells}</tr>')
    return mark_safe("".join(html))
