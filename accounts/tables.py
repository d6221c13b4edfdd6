import django_tables2 as tables

from .models import Organization


class OrganizationTable(tables.Table):
    name = tables.Column("Nom", linkify=True)
    kind = tables.Column("Type")
    siren = tables.Column("SIREN")

    class Meta:
        model = Organization
        fields = ("name", "kind", "siren")
        empty_text = "Aucune organisation ne correspond à ces critères."
