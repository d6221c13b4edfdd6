from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from leases.exports import lodgings_xlsx
from leases.models import Lodging

from ._import import landlord_by_siren


class Command(BaseCommand):
    help = (
        "Exporte les logements d'un bailleur au format RPLS, avec leur équipement : "
        "export_lodgings --landlord SIREN --output FICHIER.xlsx"
    )

    def add_arguments(self, parser):
        parser.add_argument("--landlord", required=True, metavar="SIREN", help="SIREN du bailleur")
        parser.add_argument("--output", required=True, metavar="FICHIER.xlsx")
        parser.add_argument("--all", action="store_true", help="inclure les logements sortis du parc")

    def handle(self, landlord, output, all, **options):
        landlord = landlord_by_siren(landlord)
        path = Path(output)
        if path.suffix.lower() != ".xlsx":
            raise CommandError("Le fichier de sortie doit avoir l'extension .xlsx.")
        queryset = Lodging.objects.filter(landlord=landlord)
        if not all:
            queryset = queryset.in_stock()
        count = queryset.count()
        try:
            path.write_bytes(lodgings_xlsx(queryset))
        except OSError as error:
            raise CommandError(f"Impossible d'écrire {output} : {error.strerror}.") from None
        self.stdout.write(f"{count} logements de {landlord} exportés dans {path}.")
