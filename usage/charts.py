"""Trend charts drawn on the server as SVG (no JavaScript, no chart library): lines over days.

Each chart has a <title> and <desc> and is shown next to a table with the same figures, which
is what screen readers are pointed to.
"""

from django.utils.html import format_html, format_html_join

WIDTH, HEIGHT = 720, 240
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 48, 12, 12, 28
# Distinct in hue and lightness, and told apart by the legend's words too (colour is never the only cue).
SERIES_STYLES = {
    "views": ("#005ea2", ""),
    "downloads": ("#b50909", "6 3"),
    "link_clicks": ("#2e8540", "2 3"),
    "searches": ("#5c5c5c", "10 4"),
}


def _nice_maximum(value):
    if value <= 5:
        return 5
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return value


def trend_chart(trend, series, *, title, description):
    """An SVG line chart of `series` (keys of each trend entry) over the trend's days."""
    plot_width = WIDTH - MARGIN_LEFT - MARGIN_RIGHT
    plot_height = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
    maximum = _nice_maximum(max([entry[name] for entry in trend for name in series] or [0]))
    step = plot_width / max(len(trend) - 1, 1)

    def point(index, value):
        return f"{MARGIN_LEFT + index * step:.1f},{MARGIN_TOP + plot_height - value / maximum * plot_height:.1f}"

    lines = format_html_join(
        "",
        '<polyline fill="none" stroke="{}" stroke-width="2" stroke-dasharray="{}" points="{}"/>',
        (
            (*SERIES_STYLES[name], " ".join(point(index, entry[name]) for index, entry in enumerate(trend)))
            for name in series
        ),
    )
    gridlines = []
    for value in (0, maximum // 2, maximum):
        y = f"{MARGIN_TOP + plot_height - value / maximum * plot_height:.1f}"
        gridlines.append((MARGIN_LEFT, WIDTH - MARGIN_RIGHT, y, y, MARGIN_LEFT - 6, y, value))
    grid = format_html_join(
        "",
        '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="#dfe1e2"/>'
        '<text x="{}" y="{}" dy="4" text-anchor="end" font-size="11" fill="#1b1b1b">{}</text>',
        gridlines,
    )
    first, last = trend[0]["day"], trend[-1]["day"]
    return format_html(
        '<svg class="usage-chart" viewBox="0 0 {} {}" role="img" aria-labelledby="{id}-title {id}-desc" '
        'xmlns="http://www.w3.org/2000/svg"><title id="{id}-title">{}</title><desc id="{id}-desc">{}</desc>'
        '{}{}<text x="{}" y="{}" font-size="11" fill="#1b1b1b">{}</text>'
        '<text x="{}" y="{}" font-size="11" text-anchor="end" fill="#1b1b1b">{}</text></svg>',
        WIDTH,
        HEIGHT,
        title,
        description,
        grid,
        lines,
        MARGIN_LEFT,
        HEIGHT - 8,
        first.strftime("%b %-d"),
        WIDTH - MARGIN_RIGHT,
        HEIGHT - 8,
        last.strftime("%b %-d"),
        id=title.lower().replace(" ", "-"),
    )
