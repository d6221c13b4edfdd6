"""Filters of the stock lists.

`LodgingFilter` is shared: the lodging list and the export of the filtered list (leases/views/
imports.py) read the same query string, so that "Télécharger" exports exactly what is shown.
"""

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils.choices import BaseChoiceIterator

from accounts.models import Organization

from .addresses import fold
from .models import FIBRE_READY_STATES, EquipmentStatus, FibreState, Lodging, Qpv, Residence

OUTSIDE_QPV = "HZ"  # the RPLS code for "hors zone", as in QPV_CODE / PLG_QP24

FIBRE_CHOICES = [
    ("ready", "Raccordable"),
    ("not_ready", "Pas encore raccordable"),
    ("unknown", "Inconnu (non rapproché)"),
]
VACANCY_CHOICES = [("let", "Occupé"), ("vacant", "Vacant")]
STOCK_CHOICES = [("in", "Dans le parc"), ("left", "Sortis du parc"), ("all", "Tous")]


class LazyChoices(BaseChoiceIterator):
    """Choices read from the database on first use only: the export view, which builds the same
    filter without showing its form, runs no query for them."""

    def __init__(self, func):
        self.func = func
        self.items = None

    def __iter__(self):
        if self.items is None:
            self.items = list(self.func())
        return iter(self.items)

    def __len__(self):
        return len(list(iter(self)))

    def __deepcopy__(self, memo):
        # Forms deep-copy their fields; the choices belong to this request, share them.
        return self


def search_stock(queryset, value, fields):
    """Every word must match one of `fields` (lookups), so "12 bel air" finds 12 rue de Bel Air."""
    for word in value.split()[:8]:
        condition = Q()
        # RPLS extracts write streets in capitals without accents: "cités" also looks for "CITES".
        for variant in {word, fold(word)} - {""}:
            for lookup in fields:
                condition |= Q(**{lookup: variant})
        queryset = queryset.filter(condition)
    return queryset


class StockFilterMixin:
    """Choices built from what the user may see, evaluated only when the form is shown or checked."""

    def visible_residences(self):
        return Residence.objects.visible_to(self.request.user)

    def qpv_choices(self):
        visible = Lodging.objects.visible_to(self.request.user).filter(qpv=OuterRef("pk"))
        return [(OUTSIDE_QPV, "Hors QPV")] + [(qpv.code, str(qpv)) for qpv in Qpv.objects.filter(Exists(visible))]

    def commune_choices(self):
        communes = self.visible_residences().order_by("commune_name", "commune")
        return [
            (code, f"{name} ({code})" if name else code)
            for code, name in communes.values_list("commune", "commune_name").distinct()
        ]

    def landlord_choices(self):
        visible = Residence.objects.visible_to(self.request.user).filter(landlord=OuterRef("pk"))
        return [(str(pk), name) for pk, name in Organization.objects.filter(Exists(visible)).values_list("pk", "name")]

    def setup_choices(self):
        self.filters["qpv"].extra["choices"] = LazyChoices(self.qpv_choices)
        self.filters["commune"].extra["choices"] = LazyChoices(self.commune_choices)
        if self.request.user.has_territory:
            self.filters["landlord"].extra["choices"] = LazyChoices(self.landlord_choices)
        else:
            # A landlord sees only its own stock: nothing to choose.
            del self.filters["landlord"]

    def filter_qpv(self, queryset, name, value):
        return queryset.filter(qpv__isnull=True) if value == OUTSIDE_QPV else queryset.filter(qpv__code=value)

    def filter_fibre(self, queryset, name, value):
        field = "residence__fibre_state" if queryset.model is Lodging else "fibre_state"
        if value == "ready":
            return queryset.filter(**{f"{field}__in": FIBRE_READY_STATES})
        if value == "not_ready":
            return queryset.exclude(**{f"{field}__in": [*FIBRE_READY_STATES, FibreState.UNKNOWN]})
        return queryset.filter(**{field: FibreState.UNKNOWN})


class LodgingFilter(StockFilterMixin, django_filters.FilterSet):
    """Filters of the lodging list. Build it with the request: `LodgingFilter(request.GET,
    queryset=Lodging.objects.visible_to(request.user), request=request)`, then read `.qs`.

    GET parameters (all optional, combined with AND):
    - `q`: words to search in the IDENT_REP (prefix), the landlord's id (prefix), the address
      (number, street type and name, commune) and the residence's name;
    - `qpv`: a QPV code (`QN08604M`), or `HZ` for the dwellings outside any QPV;
    - `residence`: a residence id;
    - `commune`: an INSEE code (`86194`);
    - `landlord`: an organisation id (city and State staff only; ignored for landlords);
    - `equipment`: `none`, `outlet` or `box` (the current, derived status);
    - `fibre`: `ready` (ARCEP: deployed or connectable on demand), `not_ready` (a known state that
      is not yet connectable), `unknown` (no ARCEP building matched);
    - `vacancy`: `let` (a lease runs today) or `vacant`;
    - `stock`: `in` (default: dwellings still in the stock), `left` (sold, demolished…) or `all`.
    The table adds `sort` (a column name, `-` for descending) and `page`.
    """

    q = django_filters.CharFilter(label="Recherche (adresse ou IDENT_REP)", method="search")
    qpv = django_filters.ChoiceFilter(label="QPV", method="filter_qpv", empty_label="Tous")
    residence = django_filters.ModelChoiceFilter(
        label="Résidence",
        queryset=lambda request: Residence.objects.visible_to(request.user),
        empty_label="Toutes",
    )
    commune = django_filters.ChoiceFilter(label="Commune", empty_label="Toutes")
    landlord = django_filters.ChoiceFilter(label="Bailleur", field_name="landlord_id", empty_label="Tous")
    equipment = django_filters.ChoiceFilter(
        label="Équipement", field_name="equipment_status", choices=EquipmentStatus.choices, empty_label="Tous"
    )
    fibre = django_filters.ChoiceFilter(
        label="Fibre (ARCEP)", choices=FIBRE_CHOICES, method="filter_fibre", empty_label="Tous"
    )
    vacancy = django_filters.ChoiceFilter(
        label="Occupation aujourd'hui", choices=VACANCY_CHOICES, method="filter_vacancy", empty_label="Tous"
    )
    stock = django_filters.ChoiceFilter(label="Parc", choices=STOCK_CHOICES, method="filter_stock", empty_label=None)

    class Meta:
        model = Lodging
        fields = []

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        self.setup_choices()

    def search(self, queryset, name, value):
        return search_stock(
            queryset,
            value,
            [
                "rpls_id__istartswith",
                "internal_id__istartswith",
                "street_number__iexact",
                "street_type__iexact",
                "street_name__icontains",
                "commune_name__icontains",
                "residence__name__icontains",
            ],
        )

    def filter_vacancy(self, queryset, name, value):
        return queryset.let_on() if value == "let" else queryset.vacant_on()

    def filter_stock(self, queryset, name, value):
        if value == "left":
            return queryset.exclude(exit_reason="")
        if value == "all":
            return queryset
        return queryset.in_stock()

    def filter_queryset(self, queryset):
        # Dwellings that left the stock are shown only on request ("stock=left" or "stock=all").
        if not self.form.cleaned_data.get("stock"):
            queryset = queryset.in_stock()
        return super().filter_queryset(queryset)


class ResidenceFilter(StockFilterMixin, django_filters.FilterSet):
    """Filters of the residence list: `q` (name or address), `qpv`, `commune`, `landlord`, `fibre`."""

    q = django_filters.CharFilter(label="Recherche (nom ou adresse)", method="search")
    qpv = django_filters.ChoiceFilter(label="QPV", method="filter_qpv", empty_label="Tous")
    commune = django_filters.ChoiceFilter(label="Commune", empty_label="Toutes")
    landlord = django_filters.ChoiceFilter(label="Bailleur", field_name="landlord_id", empty_label="Tous")
    fibre = django_filters.ChoiceFilter(
        label="Fibre (ARCEP)", choices=FIBRE_CHOICES, method="filter_fibre", empty_label="Tous"
    )

    class Meta:
        model = Residence
        fields = []

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        self.setup_choices()

    def qpv_choices(self):
        visible = self.visible_residences().filter(qpv=OuterRef("pk"))
        return [(OUTSIDE_QPV, "Hors QPV")] + [(qpv.code, str(qpv)) for qpv in Qpv.objects.filter(Exists(visible))]

    def search(self, queryset, name, value):
        return search_stock(queryset, value, ["name__icontains", "address__icontains", "commune_name__icontains"])
