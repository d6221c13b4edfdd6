from django.apps import AppConfig


class CharterConfig(AppConfig):
    name = "charter"
    verbose_name = "Charte de connexion"

    def ready(self):
        from django.db.models import Exists, OuterRef

        from accounts.models import Kind
        from accounts.registry import register_home_panel, register_home_step, register_nav, register_presence

        from . import measures
        from .models import Charter, Signature
        from .views import home_panel_city, home_panel_partner

        def invited_to_a_charter_there(communes):
            """An organisation invited to (or signatory of) a charter of a city covering these communes."""
            return Exists(
                Signature.objects.filter(organization=OuterRef("pk"), charter__city__territory__insee_code__in=communes)
            )

        register_presence(invited_to_a_charter_there)
        register_nav("Charte", "charter:charter_list", [Kind.CITY, Kind.LANDLORD, Kind.OPERATOR], order=20)
        register_home_panel("charter/home/city.html", [Kind.CITY], home_panel_city, order=20)
        register_home_panel("charter/home/partner.html", [Kind.LANDLORD, Kind.OPERATOR], home_panel_partner, order=20)
        measures.register_builtin_measures()

        def signed(ids):
            signatures = Signature.objects.filter(organization__in=ids, state=Signature.State.SIGNED)
            return signatures.values_list("organization", flat=True).order_by().distinct()

        def published(ids):
            charters = Charter.objects.filter(city__in=ids).exclude(state=Charter.State.DRAFT)
            return charters.values_list("city", flat=True).order_by().distinct()

        register_home_step("charter_signed", [Kind.LANDLORD], signed)
        register_home_step("charter_published", [Kind.CITY], published)
