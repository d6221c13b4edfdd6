from django.apps import AppConfig


class TfpbConfig(AppConfig):
    name = "tfpb"
    verbose_name = "Abattement de TFPB"

    def ready(self):
        from django.db.models import Exists, OuterRef

        from accounts.models import Kind
        from accounts.registry import register_home_panel, register_nav, register_presence

        from .models import ConventionParty
        from .views import home_panel

        kinds = [Kind.LANDLORD, Kind.CITY, Kind.STATE]
        register_nav("Abattement TFPB", "tfpb:convention_list", kinds, order=60)
        register_home_panel("tfpb/home_panel.html", kinds, context=home_panel, order=60)

        def is_party_in(communes):
            """City staff see the organisations (landlords, communes, State) that signed a convention
            for a QPV lying in their communes."""
            return Exists(
                ConventionParty.objects.filter(
                    organization=OuterRef("pk"), convention__qpvs__communes__insee_code__in=communes
                )
            )

        register_presence(is_party_in)
