from leases.models import ImportKind

from ._import import ImportCommand


class Command(ImportCommand):
    help = "Importe l'extrait RPLS d'un bailleur, tout ou rien : import_lodgings FICHIER --landlord SIREN"
    kind = ImportKind.LODGINGS

    def counts(self, outcome):
        return [
            *super().counts(outcome),
            f"absents du fichier (jamais supprimés) : {outcome.absent}",
            f"résidences créées : {outcome.preview.get('residences_created', 0)}",
        ]
