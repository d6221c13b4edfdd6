from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from leases.referential import QpvFileError, load_qpv, parse, read_text


class Command(BaseCommand):
    help = (
        "Charge ou met à jour la liste des QPV 2024 de l'ANCT : CSV code_qp,lib_qp,insee_com "
        "(codes INSEE séparés par |), GeoJSON de l'ANCT ou JSON {meta, qpvs}, éventuellement compressé (gzip)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="chemin du fichier (.csv, .json, .geojson, éventuellement .gz)")

    def handle(self, file, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"Fichier introuvable : {file}")
        try:
            rows = parse(read_text(path))
        except QpvFileError as error:
            more = (
                f"\n… et {error.total - len(error.errors)} autres erreurs." if error.total > len(error.errors) else ""
            )
            raise CommandError(
                f"Fichier refusé, rien n'a été enregistré ({error.total} erreur{'s' if error.total > 1 else ''}) :\n"
                + "\n".join(error.errors)
                + more
            ) from None
        counts = load_qpv(rows)
        self.stdout.write(
            f"QPV : {len(rows)} lus, {counts['created']} créés, {counts['updated']} mis à jour, "
            f"{counts['unchanged']} inchangés ; {counts['absent']} absents du fichier (conservés)."
        )
