from django.apps import AppConfig


class TfpbConfig(AppConfig):
    name = "tfpb"
    verbose_name = "Abattement de TFPB"

    def ready(self):
        from django.db.models import Exists, OuterRef

        from accounts.models import Kind
        from accounts.registry import register_home_panel, register_home_step, register_nav, register_presence

        from .models import ConventionParty, Report, ReportState
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

        def reports_sent(organization_ids):
            """A landlord has reported once it sent a yearly report to the parties (draft does not count)."""
            return set(
                Report.objects.filter(convention__landlord__in=organization_ids)
                .exclude(state=ReportState.DRAFT)
                .values_list("convention__landlord", flat=True)
            )

        register_home_step("tfpb_report_sent", [Kind.LANDLORD], reports_sent)
