from leases.models import ImportKind

from ._import import ImportCommand


class Command(ImportCommand):
    help = "Importe les baux d'un bailleur (IDENT_REP, référence, début, fin) : import_leases FICHIER --landlord SIREN"
    kind = ImportKind.LEASES
