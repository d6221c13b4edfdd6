import json
import os
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from operators.releases import published_releases, release_package


class Command(BaseCommand):
    help = (
        "Écrit le paquet OCDS 1.1.5 (release package) de tous les appels d'offres publiés : les publications "
        "enregistrées à chaque étape, telles quelles."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", required=True, help="fichier JSON à écrire (remplacé s'il existe)")

    def handle(self, output, **options):
        releases = list(published_releases())
        package = release_package(releases)
        path = Path(output)
        if not path.parent.is_dir():
            raise CommandError(f"Le dossier {path.parent} n'existe pas : rien n'a été écrit.")
        # Written beside the target, then renamed: a reader never sees half a file.
        handle = None
        try:
            with tempfile.NamedTemporaryFile(
                "w", encoding="utf-8", dir=path.parent, prefix=f".{path.name}.", delete=False
            ) as handle:
                json.dump(package, handle, ensure_ascii=False, indent=2)
                handle.write("\n")
            os.chmod(handle.name, 0o644)  # open data: readable by the web server that may publish it
            os.replace(handle.name, path)
        except OSError as error:
            if handle is not None:
                Path(handle.name).unlink(missing_ok=True)
            raise CommandError(f"Impossible d'écrire {path} : {error.strerror or error}.") from None
        tenders = len({r.tender_id for r in releases})
        self.stdout.write(
            f"{len(releases)} publication{'s' if len(releases) > 1 else ''} OCDS de {tenders} appel"
            f"{'s' if tenders > 1 else ''} d'offres écrite{'s' if len(releases) > 1 else ''} dans {path}."
        )
