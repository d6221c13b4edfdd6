import django_filters
from django.db.models import Q

from .models import Kind, Organization


class OrganizationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Nom ou SIREN", method="search")
    kind = django_filters.ChoiceFilter(label="Type", choices=Kind.choices, empty_label="Tous")

    class Meta:
        model = Organization
        fields = ["q", "kind"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(siren__startswith=value.replace(" ", "")))
