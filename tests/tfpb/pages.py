import html


def text(response):
    """The page as a reader sees it (apostrophes unescaped, non-breaking spaces as spaces)."""
    return html.unescape(response.content.decode()).replace("\xa0", " ").replace("\u202f", " ")
