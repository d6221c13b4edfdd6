from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Comptes et organisations"

    def ready(self):
        from . import checks  # noqa: F401  (registers the production settings check)
        from .models import Enrolment, Kind
        from .registry import register_home_step

        def enrolled_partners(ids):
            return (
                Enrolment.objects.filter(enrolled_by__in=ids)
                .values_list("enrolled_by", flat=True)
                .order_by()
                .distinct()
            )

        register_home_step("partners_enrolled", [Kind.CITY], enrolled_partners)
