import django_filters
from django.db.models import Q
from django.utils import timezone

from .models import Tender, TenderState


class TenderFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Référence, objet ou bailleur", method="search")
    state = django_filters.ChoiceFilter(label="État", choices=TenderState.choices, empty_label="Tous")
    open_only = django_filters.BooleanFilter(
        label="Seulement les appels d'offres ouverts aux offres",
        method="filter_open",
        widget=django_filters.widgets.forms.CheckboxInput,
    )

    class Meta:
        model = Tender
        fields = ["q", "state", "open_only"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(reference__icontains=value) | Q(title__icontains=value) | Q(landlord__name__icontains=value)
        )

    def filter_open(self, queryset, name, value):
        if value:
            return queryset.filter(state=TenderState.PUBLISHED, deadline__gt=timezone.now())
        return queryset
