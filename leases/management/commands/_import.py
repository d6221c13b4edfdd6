"""What import_lodgings, import_leases and import_equipment share: find the landlord, run,
print the counts or the errors (line, column, value, reason) and exit with status 1."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts.models import Kind, Organization
from accounts.validators import normalize_siren
from leases.imports import import_file


def landlord_by_siren(siren):
    landlord = Organization.objects.filter(siren=normalize_siren(siren), kind=Kind.LANDLORD).first()
    if landlord is None:
        raise CommandError(f"Aucun bailleur avec le SIREN {siren}.")
    return landlord


def error_line(error):
    where = f"ligne {error['line']}" if error["line"] else "fichier"
    if error["column"]:
        where += f", colonne {error['column']}"
    value = f", valeur « {error['value']} »" if error["value"] else ""
    return f"{where}{value} : {error['message']}"


class ImportCommand(BaseCommand):
    kind = None

    def add_arguments(self, parser):
        parser.add_argument("file", help="fichier .xlsx ou .csv")
        parser.add_argument("--landlord", required=True, metavar="SIREN", help="SIREN du bailleur")
        parser.add_argument("--dry-run", action="store_true", help="vérifier et compter sans rien enregistrer")

    def handle(self, file, landlord, dry_run, **options):
        landlord = landlord_by_siren(landlord)
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"Fichier introuvable : {file}")
        outcome = import_file(self.kind, landlord=landlord, path=path, dry_run=dry_run)
        if not outcome.ok:
            for error in outcome.errors:
                self.stderr.write(error_line(error))
            if outcome.error_count > len(outcome.errors):
                self.stderr.write(f"… et {outcome.error_count - len(outcome.errors)} autres erreurs.")
            plural = "s" if outcome.error_count > 1 else ""
            raise CommandError(f"{outcome.error_count} erreur{plural} : rien n'a été enregistré.")
        self.stdout.write(self.summary(outcome, dry_run))

    def summary(self, outcome, dry_run):
        lines = [
            f"{outcome.total_rows} lignes lues.",
            *self.counts(outcome),
        ]
        if dry_run:
            lines.append("Simulation : rien n'a été enregistré.")
        else:
            lines.append("Les changements ont été enregistrés." if outcome.changes else "Aucun changement.")
        return "\n".join(lines)

    def counts(self, outcome):
        return [f"créés : {outcome.created}", f"modifiés : {outcome.updated}", f"inchangés : {outcome.unchanged}"]
