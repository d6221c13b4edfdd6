from django.apps import AppConfig


class LeasesConfig(AppConfig):
    name = "leases"
    verbose_name = "Parc de logements"

    def ready(self):
        from django.db.models import Exists, OuterRef

        from accounts.registry import register_presence

        from .models import Lodging

        def has_dwellings_in(communes):
            """A landlord works in a city's territory when it has dwellings there."""
            return Exists(Lodging.objects.filter(landlord=OuterRef("pk"), commune__in=communes))

        register_presence(has_dwellings_in)
