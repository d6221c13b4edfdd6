from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.models import Kind, Organization
from accounts.validators import parse_insee_list


class Command(BaseCommand):
    help = 'Crée une organisation : add_organization KIND SIREN "NOM" [--territory 86194,86041]'

    def add_arguments(self, parser):
        parser.add_argument("kind", help="landlord, city, operator ou state")
        parser.add_argument("siren")
        parser.add_argument("name")
        parser.add_argument(
            "--territory", default="", help="codes INSEE couverts, séparés par des virgules (city, state)"
        )

    def handle(self, kind, siren, name, territory, **options):
        if kind not in Kind.values:
            raise CommandError(f"Type « {kind} » inconnu : choisissez parmi {', '.join(Kind.values)}.")
        try:
            codes = parse_insee_list(territory)
            organization = Organization.create_with_territory(kind=kind, siren=siren, name=name, territory=codes)
        except ValidationError as error:
            messages = (
                [m for ms in error.message_dict.values() for m in ms]
                if hasattr(error, "error_dict")
                else error.messages
            )
            raise CommandError(" ".join(messages)) from None
        self.stdout.write(
            f"Organisation créée : {organization.name} ({organization.get_kind_display()}, "
            f"SIREN {organization.siren}, id {organization.pk})"
        )
