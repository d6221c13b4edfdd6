from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.module_loading import import_module, module_has_submodule


class Command(BaseCommand):
    help = "Crée les données de démonstration de Grand Poitiers (idempotent ; refusé si DEBUG est désactivé)."

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true", help="ne fait rien si des organisations existent")

    def handle(self, if_empty, **options):
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo crée des comptes aux mots de passe connus : il ne s'exécute qu'avec DEBUG activé."
            )
        from accounts.models import Organization

        if if_empty and Organization.objects.exists():
            self.stdout.write("Base déjà remplie : données de démonstration inchangées.")
            return
        # Each app may own a `demo` module with `seed(stdout)`, run in dependency order.
        with transaction.atomic():
            for config in apps.get_app_configs():
                if module_has_submodule(config.module, "demo"):
                    import_module(f"{config.name}.demo").seed(self.stdout)
        self.stdout.write(self.style.SUCCESS("Données de démonstration prêtes."))
