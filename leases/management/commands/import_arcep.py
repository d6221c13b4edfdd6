from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from leases.fibre import ArcepFileError, import_arcep


class Command(BaseCommand):
    help = (
        "Lit le fichier ARCEP des immeubles raccordables à la fibre (FttH, un immeuble par ligne ; "
        "UTF-8 ou Windows-1252 ; CSV, .gz ou .zip) et rapproche chaque immeuble des résidences "
        "par code INSEE et adresse normalisée."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="chemin du fichier ARCEP (immeubles)")

    def handle(self, file, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"Fichier introuvable : {file}")
        try:
            report = import_arcep(path)
        except ArcepFileError as error:
            raise CommandError(f"Fichier refusé, rien n'a été enregistré : {error}") from None
        self.stdout.write(report.summary())
