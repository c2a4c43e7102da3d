"""``conformance drift --format html``: the drift report as one self-contained page.

The text and Markdown reports are for a terminal and a pull request; this one is for a person who
opens a file from a CI job's artifacts, possibly offline, possibly on a machine that blocks
third-party content. So the page stands alone: inline CSS, inline SVG, no script, and no
reference to anything outside itself (no ``src``, ``href`` or ``url(`` to the network), so that
opening it fetches nothing and leaks nothing.

It shows the tables of the other formats (per enum location: the declared values seen, the
undeclared ones with their first location, the declared ones never seen, how often the location
was absent, ``null`` or ``""``; per object type, the undeclared properties) and, for every enum
location whose resources carried a time (see ``conformance.drift``), a chart of the values seen
per day: stacked bars, undeclared values in warm colors apart from the declared ones' cool ones,
and a dashed line labelled at the first day each undeclared value was seen, which is the question
a reader brings ("since when does the service send this?").

Every piece of text that comes from documents or file names (values, pointers, places, property
names, schema names) goes through ``html.escape`` after ``visible`` (control characters shown,
secrets already withheld by the analysis), so a value such as ``<script>`` is shown, never run.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any

from conformance.drift import OTHER, DriftReport, EnumTable, PropertyTable, summary
from conformance.report import clip, plural, visible

__all__ = ["render_html"]

# Declared values: cool colors; undeclared values: warm ones; the values past the cap: grey.
_DECLARED_COLORS = ("#2b6cb0", "#38a169", "#319795", "#5a67d8", "#4a5568", "#2c7a7b", "#3182ce")
_UNDECLARED_COLORS = ("#dd6b20", "#e53e3e", "#d69e2e", "#b83280", "#c05621", "#9b2c2c")
_OTHER_COLOR = "#a0aec0"

_CSS = """
body { font: 14px/1.45 system-ui, sans-serif; margin: 2rem; color: #1a202c; background: #fff; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.15rem; margin-top: 2.2rem; }
code { font: 13px ui-monospace, monospace; background: #edf2f7; padding: 0 .25em; }
table { border-collapse: collapse; margin: .6rem 0 1rem; }
th, td { border: 1px solid #cbd5e0; padding: .25rem .6rem; text-align: left; }
th { background: #edf2f7; } td.n { text-align: right; font-variant-numeric: tabular-nums; }
tr.undeclared td { background: #fffaf0; } tr.never td { color: #718096; }
.status-new { color: #c53030; font-weight: 600; } .status-baseline { color: #b7791f; }
.legend { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: .4rem 1.2rem; }
.swatch { display: inline-block; width: .9em; height: .9em; margin-right: .35em;
  vertical-align: -.1em; border-radius: 2px; }
svg { display: block; margin: .5rem 0; max-width: 100%; height: auto; }
.marker { font: 11px system-ui, sans-serif; fill: #9b2c2c; }
.axis { font: 11px system-ui, sans-serif; fill: #4a5568; }
"""


def _text(value: Any) -> str:
    """Untrusted text for the page: control characters shown, then HTML-escaped."""
    return escape(visible(str(value)))


def _shown(value: Any) -> str:
    """A raw JSON value as the tables show it (shortened, visible), HTML-escaped."""
    return escape(visible(clip(value)))


def _key(value: Any) -> str:
    import json

    try:
        return json.dumps(value, sort_keys=True)
    except (TypeError, ValueError):
        return repr(value)


def render_html(report: DriftReport, sections: Sequence[str] = ()) -> str:
    """The report as one self-contained HTML page (``--format html``), with ``sections`` of
    HTML made elsewhere (their text escaped there) after the tables: the drift per group."""
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>Drift report</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        "<h1>Drift report</h1>",
        f'<p class="summary">{_text(summary(report))}.</p>',
    ]
    others = [escape(plural(n, kind)) for kind, n in report.findings if kind not in _DRIFT]
    if others:
        parts.append(
            f"<p>The corpus also had {', '.join(others)}: see <code>conformance validate</code>."
            "</p>"
        )
    for index, table in enumerate(report.enums):
        parts.extend(_enum_section(table, index))
    for ptable in report.properties:
        parts.extend(_property_section(ptable))
    parts.extend(sections)
    parts.extend(["</body>", "</html>", ""])
    return "\n".join(parts)


_DRIFT = frozenset({"enum-drift", "property-drift"})


def _enum_section(table: EnumTable, index: int) -> list[str]:
    loc = table.location
    enum = f"{loc.enum_type} {loc.member}" if loc.member else loc.enum_type
    p = table.presence
    out = [
        f'<section class="enum" id="enum-{index}">',
        f"<h2><code>{_text(table.schema)}</code> <code>{_text(table.pointer or '(resource)')}"
        "</code></h2>",
        f"<p>Enum <code>{_text(enum)}</code>. Presence: {plural(p.value, 'value')},"
        f" {p.absent} absent, {p.null} null, {p.empty} empty (<code>&quot;&quot;</code>).</p>",
    ]
    if table.per_day:
        out.append(_chart(table, index))
    caption = f"Values at {_text(table.schema)} {_text(table.pointer or '(resource)')}"
    out.extend(
        [
            "<table>",
            f"<caption>{caption}</caption>",
            "<thead><tr>"
            + "".join(
                f'<th scope="col">{h}</th>'
                for h in ("value", "count", "status", "first seen", "first day")
            )
            + "</tr></thead>",
            "<tbody>",
        ]
    )
    for seen in (*table.declared_seen, *table.undeclared):
        row = "declared" if seen.declared else "undeclared"
        out.append(
            f'<tr class="{row}"><td><code>{_shown(seen.value)}</code></td>'
            f'<td class="n">{seen.count}</td>'
            f'<td class="status-{seen.status}">{seen.status}</td>'
            f"<td>{_text(seen.first) if seen.first else ''}</td>"
            f"<td>{escape(seen.first_day or '')}</td></tr>"
        )
    for value in table.never_seen:
        out.append(
            f'<tr class="never"><td><code>{_shown(value)}</code></td><td class="n">0</td>'
            "<td>never seen</td><td></td><td></td></tr>"
        )
    if table.other:
        out.append(
            f'<tr class="undeclared"><td>(other values)</td><td class="n">{table.other}</td>'
            '<td class="status-new">new</td><td>past the cap</td><td></td></tr>'
        )
    out.extend(["</tbody>", "</table>", "</section>"])
    return out


def _property_section(ptable: PropertyTable) -> list[str]:
    out = [
        '<section class="properties">',
        f"<h2>Undeclared properties of <code>{_text(ptable.type)}</code></h2>",
        "<table>",
        f"<caption>Properties {_text(ptable.type)} does not declare</caption>",
        "<thead><tr>"
        + "".join(
            f'<th scope="col">{h}</th>'
            for h in ("property", "count", "types", "presence", "status", "first seen")
        )
        + "</tr></thead>",
        "<tbody>",
    ]
    for prop in ptable.properties:
        types = ", ".join(f"{escape(kind)} {n}" for kind, n in prop.types)
        pr = prop.presence
        out.append(
            f'<tr><td><code>{_text(prop.name)}</code></td><td class="n">{prop.count}</td>'
            f"<td>{types}</td>"
            f"<td>{plural(pr.value, 'value')}, {pr.null} null, {pr.empty} empty</td>"
            f'<td class="status-{prop.status}">{prop.status}</td>'
            f"<td>{_text(prop.first)}</td></tr>"
        )
    if ptable.other:
        out.append(
            f'<tr><td>(other properties)</td><td class="n">{ptable.other}</td><td></td>'
            '<td></td><td class="status-new">new</td><td>past the cap</td></tr>'
        )
    out.extend(["</tbody>", "</table>", "</section>"])
    return out


# --- the chart -----------------------------------------------------------------------------------

_HEIGHT = 220  # the plot area
_TOP = 20
_LEFT = 48
_BOTTOM = 48
_MARKER_ROW = 14  # the height of one marker label row


def _chart(table: EnumTable, index: int) -> str:
    """An inline SVG: the values per day as stacked bars, one marker per undeclared value."""
    days = [day for day, _ in table.per_day]
    position = {day: i for i, day in enumerate(days)}
    bar = max(2, min(36, 960 // max(1, len(days))))
    gap = 1 if bar < 8 else 3
    width = len(days) * bar
    # Colors: the declared values in their schema's order, then the undeclared by frequency.
    order: list[Any] = [v.value for v in table.declared_seen]
    undeclared = {_key(v.value) for v in table.undeclared}
    order.extend(v.value for v in table.undeclared)
    colors: dict[str, str] = {}
    declared_n = undeclared_n = 0
    for value in order:
        key = _key(value)
        if key in undeclared:
            colors[key] = _UNDECLARED_COLORS[undeclared_n % len(_UNDECLARED_COLORS)]
            undeclared_n += 1
        else:
            colors[key] = _DECLARED_COLORS[declared_n % len(_DECLARED_COLORS)]
            declared_n += 1
    markers = [
        (v.value, v.first_day) for v in table.undeclared if v.first_day and v.first_day in position
    ]
    top = _TOP + _MARKER_ROW * len(markers)
    tallest = max(sum(n for _, n in counts) for _, counts in table.per_day) or 1
    scale = _HEIGHT / tallest
    total_w = _LEFT + width + 220
    total_h = top + _HEIGHT + _BOTTOM
    name = f"{table.schema} {table.pointer or '(resource)'}"
    title_id = f"chart-{index}-title"
    desc_id = f"chart-{index}-desc"
    new_said = "; ".join(f"{visible(clip(v))} first seen {d}" for v, d in markers)
    desc = (
        f"Values seen per day at {name}, {days[0]} to {days[-1]}, stacked; the tallest day holds"
        f" {tallest}. Undeclared values in warm colors." + (f" {new_said}." if new_said else "")
    )
    out = [
        f'<svg class="chart" role="img" width="{total_w}" height="{total_h}"'
        f' viewBox="0 0 {total_w} {total_h}" aria-label="{_text(f"Values per day at {name}")}"'
        f' aria-labelledby="{title_id} {desc_id}">',
        f'<title id="{title_id}">Values per day at {_text(name)}</title>',
        f'<desc id="{desc_id}">{_text(desc)}</desc>',
    ]
    base = top + _HEIGHT
    out.append(
        f'<line x1="{_LEFT}" y1="{base}" x2="{_LEFT + width}" y2="{base}" stroke="#4a5568"/>'
    )
    out.append(f'<line x1="{_LEFT}" y1="{top}" x2="{_LEFT}" y2="{base}" stroke="#4a5568"/>')
    out.append(
        f'<text class="axis" x="{_LEFT - 6}" y="{top + 4}" text-anchor="end">{tallest}</text>'
    )
    out.append(f'<text class="axis" x="{_LEFT - 6}" y="{base}" text-anchor="end">0</text>')
    for day, counts in table.per_day:
        x = float(_LEFT + position[day] * bar)
        y = float(base)
        # Declared first (the bottom of the stack), then undeclared, then the rest.
        ordered = sorted(
            counts, key=lambda vc: (vc[0] is OTHER, _key(vc[0]) in undeclared, _key(vc[0]))
        )
        for value, n in ordered:
            h = n * scale
            y -= h
            color = _OTHER_COLOR if value is OTHER else colors.get(_key(value), _OTHER_COLOR)
            label = "(other values)" if value is OTHER else visible(clip(value))
            out.append(
                f'<rect x="{x + gap / 2:.1f}" y="{y:.1f}" width="{bar - gap}" height="{h:.1f}"'
                f' fill="{color}"><title>{_text(f"{day}: {label} {n}")}</title></rect>'
            )
    # Day labels: the first, the last, and about ten between.
    step = max(1, len(days) // 10)
    for i, day in enumerate(days):
        if i % step == 0 or i == len(days) - 1:
            tick = _LEFT + i * bar + bar / 2
            out.append(
                f'<text class="axis" x="{tick:.1f}" y="{base + 14}" text-anchor="end"'
                f' transform="rotate(-35 {tick:.1f} {base + 14})">{escape(day)}</text>'
            )
    for row, (value, day) in enumerate(markers):
        x = _LEFT + position[day] * bar + bar / 2
        y = float(_TOP + row * _MARKER_ROW)
        label = f"{visible(clip(value))} first seen {day}"
        out.append(
            f'<g class="first-seen"><line x1="{x:.1f}" y1="{y:.1f}" x2="{x:.1f}" y2="{base}"'
            ' stroke="#9b2c2c" stroke-width="1.5" stroke-dasharray="4 3"/>'
            f'<text class="marker" x="{x + 4:.1f}" y="{y + 10:.1f}">{_text(label)}</text></g>'
        )
    out.append("</svg>")
    legend = ['<ul class="legend">']
    for value in order:
        status = "undeclared" if _key(value) in undeclared else "declared"
        legend.append(
            f'<li><span class="swatch" style="background:{colors[_key(value)]}"></span>'
            f"<code>{_shown(value)}</code> ({status})</li>"
        )
    if any(v is OTHER for _, counts in table.per_day for v, _ in counts):
        legend.append(
            f'<li><span class="swatch" style="background:{_OTHER_COLOR}"></span>'
            "(other values, past the cap)</li>"
        )
    legend.append("</ul>")
    undated = (
        f"<p>{plural(table.undated, 'value')} seen in resources without a usable time (not"
        " charted).</p>"
        if table.undated
        else ""
    )
    return "\n".join([*out, *legend]) + ("\n" + undated if undated else "")
