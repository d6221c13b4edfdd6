import django_filters

from leases.models import Qpv

from .models import CommitmentKind, Signature


class FollowupFilter(django_filters.FilterSet):
    """Filters of the city's follow-up table. QPV and kind also narrow the commitments shown (views.followup_rows)."""

    qpv = django_filters.ModelChoiceFilter(
        label="Quartier prioritaire", queryset=Qpv.objects.none(), method="by_qpv", empty_label="Tous"
    )
    kind = django_filters.ModelChoiceFilter(
        label="Type d'engagement", queryset=CommitmentKind.objects.all(), method="by_kind", empty_label="Tous"
    )
    state = django_filters.ChoiceFilter(label="Adhésion", choices=Signature.State.choices, empty_label="Toutes")

    class Meta:
        model = Signature
        fields = ["qpv", "kind", "state"]

    def __init__(self, *args, charter, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["qpv"].queryset = charter.qpvs.all()

    def by_qpv(self, queryset, name, value):
        return queryset.filter(commitments__qpv=value).distinct()

    def by_kind(self, queryset, name, value):
        return queryset.filter(commitments__kind=value).distinct()
