from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction

from accounts.invitations import AlreadyMember, invite_member
from accounts.models import Organization, Role
from accounts.validators import normalize_siren


class Command(BaseCommand):
    help = "Ajoute un membre à une organisation et lui envoie une invitation : add_member SIREN EMAIL --role admin"

    def add_arguments(self, parser):
        parser.add_argument("siren")
        parser.add_argument("email")
        parser.add_argument("--role", default=Role.MEMBER, choices=Role.values)
        parser.add_argument("--name", default="", help="nom complet")

    def handle(self, siren, email, role, name, **options):
        organization = Organization.objects.filter(siren=normalize_siren(siren)).first()
        if organization is None:
            raise CommandError(f"Aucune organisation avec le SIREN {siren}.")
        try:
            validate_email(email)
        except ValidationError:
            raise CommandError(f"« {email} » n'est pas une adresse e-mail valide.") from None
        try:
            with transaction.atomic():
                membership = invite_member(organization=organization, email=email, role=role, by=None, full_name=name)
        except AlreadyMember:
            raise CommandError(f"{email} fait déjà partie de {organization}.") from None
        self.stdout.write(
            f"{membership.user.email} ajouté à {organization} ({membership.get_role_display()}) ; "
            "une invitation lui a été envoyée."
        )
