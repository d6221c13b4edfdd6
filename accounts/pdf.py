"""PDF documents: one function over WeasyPrint (style.md, "Adapters stay thin")."""

from django.conf import settings
from django.template.loader import render_to_string


def render_pdf(template_name, context) -> bytes:
    from weasyprint import HTML  # imported here: it loads pango, slow to import

    html = render_to_string(template_name, context)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
