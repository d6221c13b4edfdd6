from leases.models import ImportKind

from ._import import ImportCommand


class Command(ImportCommand):
    help = "Importe l'équipement des logements (IDENT_REP, EQUIPEMENT, DATE_EQUIPEMENT) : import_equipment FICHIER --landlord SIREN"  # noqa: E501
    kind = ImportKind.EQUIPMENT

    def counts(self, outcome):
        return [f"équipements enregistrés : {outcome.created}", f"inchangés : {outcome.unchanged}"]
