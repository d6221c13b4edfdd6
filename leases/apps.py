from django.apps import AppConfig


class LeasesConfig(AppConfig):
    name = "leases"
    verbose_name = "Parc de logements"

    def ready(self):
        from django.db.models import Exists, OuterRef

        from accounts.models import Kind
        from accounts.registry import register_home_panel, register_home_step, register_nav, register_presence

        from .models import Lodging
        from .views.stock import home_panel_context

        def has_dwellings_in(communes):
            """A landlord works in a city's territory when it has dwellings there."""
            return Exists(Lodging.objects.filter(landlord=OuterRef("pk"), commune__in=communes))

        register_presence(has_dwellings_in)
        # Operators get no stock page yet: a later issue shows them the dwellings of their tenders.
        stock_kinds = [Kind.LANDLORD, Kind.CITY, Kind.STATE]
        register_nav("Parc", "leases:lodging_list", stock_kinds, order=20)
        register_home_panel("leases/home_panel.html", stock_kinds, context=home_panel_context, order=20)
        register_home_step(
            "stock",
            [Kind.LANDLORD],
            lambda ids: (
                Lodging.objects.filter(landlord__in=ids).values_list("landlord", flat=True).order_by().distinct()
            ),
        )
