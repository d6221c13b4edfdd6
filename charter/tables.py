import django_tables2 as tables


class FollowupTable(tables.Table):
    """The city's table: organisations × adhesion × commitments, with progress as text and bars."""

    organization = tables.TemplateColumn(
        template_name="charter/cells/organization.html", verbose_name="Organisation", orderable=False
    )
    signature = tables.TemplateColumn(
        template_name="charter/cells/signature.html", verbose_name="Adhésion", orderable=False
    )
    commitment = tables.TemplateColumn(
        template_name="charter/cells/commitment.html", verbose_name="Engagement", orderable=False
    )
    progress = tables.TemplateColumn(
        template_name="charter/cells/progress.html", verbose_name="Progression", orderable=False
    )
    status = tables.TemplateColumn(template_name="charter/cells/status.html", verbose_name="Statut", orderable=False)

    class Meta:
        empty_text = "Aucune adhésion ne correspond à ces critères."
