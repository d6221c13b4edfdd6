"""Whose figures a dashboard shows: a territory (city and State staff), a landlord, an operator.

A scope answers, for each kind of record the dashboards count, "which of them are mine", as a
queryset of the app that owns them. It never widens what the apps' own `visible_to` allow:
- territory: what lies in the communes the user's city or State organisations cover
  (`accounts.models.territory_of`): dwellings and residences there, published tenders and
  contracts with a residence there, the commitments of the charters of cities covering them, the
  TFPB programmes the user may see for a QPV lying there. Nothing from elsewhere;
- landlord: one landlord's own stock, tenders, contracts, commitments and TFPB programmes, for
  its members;
- operator: the dwellings of its current contracts (pending or in progress), the tenders it bid on,
  its contracts and its own charter commitments, for its members; of those dwellings' internet
  subscriptions, only those of its own contracts (a rival's are not its business).
Filters (a QPV, a landlord) narrow every figure the same way (`narrow_*`).
"""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse

from accounts.models import Kind, Organization, TerritoryCommune, territory_of
from charter.models import Charter, Commitment, Signature
from leases.models import Lodging, Qpv, Residence
from operators.models import PUBLIC_TENDER_STATES, Contract, ContractState, Tender
from subscriptions.models import Subscription
from tfpb.models import Programme

from .models import MonthlyOperatorActive, MonthlyStock

URL_NAMES = {
    "territory": {
        "dashboard": "dashboard",
        "xlsx": "dashboard_xlsx",
        "pdf": "dashboard_pdf",
        "commitments": "commitment_list",
    },
    "landlord": {
        "dashboard": "landlord_dashboard",
        "xlsx": "landlord_xlsx",
        "pdf": "landlord_pdf",
        "commitments": "landlord_commitments",
    },
    "operator": {
        "dashboard": "operator_dashboard",
        "xlsx": "operator_xlsx",
        "pdf": "operator_pdf",
        "commitments": "operator_commitments",
    },
}
CURRENT_CONTRACT_STATES = [ContractState.PENDING, ContractState.ACTIVE]
CONTRACT_RESIDENCES = Contract.residences.through
TENDER_RESIDENCES = Tender.residences.through


@dataclass
class Scope:
    kind: str  # "territory", "landlord" or "operator"
    title: str
    user: object
    organization: Organization | None = None

    def link(self, page):
        """The URL of one of this scope's pages: dashboard, xlsx, pdf, commitments."""
        args = [] if self.kind == "territory" else [self.organization.pk]
        return reverse(f"monitoring:{URL_NAMES[self.kind][page]}", args=args)

    @property
    def link_dashboard(self):
        return self.link("dashboard")

    @property
    def link_xlsx(self):
        return self.link("xlsx")

    @property
    def link_pdf(self):
        return self.link("pdf")

    @property
    def link_commitments(self):
        return self.link("commitments")

    # -- the records of the scope ------------------------------------------------------------

    def lodgings(self):
        if self.kind == "territory":
            return Lodging.objects.filter(commune__in=territory_of(self.user))
        if self.kind == "landlord":
            return Lodging.objects.filter(landlord=self.organization)
        return Lodging.objects.filter(Exists(self._perimeter().filter(residence_id=OuterRef("residence_id"))))

    def residences(self):
        if self.kind == "territory":
            return Residence.objects.filter(commune__in=territory_of(self.user))
        if self.kind == "landlord":
            return Residence.objects.filter(landlord=self.organization)
        return Residence.objects.filter(Exists(self._perimeter().filter(residence_id=OuterRef("pk"))))

    def subscriptions(self):
        """Internet subscriptions of the scope's dwellings (an operator: of its own contracts only)."""
        if self.kind == "territory":
            return Subscription.objects.filter(lodging__commune__in=territory_of(self.user))
        if self.kind == "landlord":
            return Subscription.objects.filter(lodging__landlord=self.organization)
        # Subqueries rather than joins: joined, PostgreSQL multiplies the perimeter by the contracts.
        return Subscription.objects.filter(
            contract__in=Contract.objects.filter(operator=self.organization).values("pk"),
            lodging__residence_id__in=self._perimeter().values("residence_id"),
        )

    def monthly_rows(self):
        """MonthlyStock rows of the scope (an operator: of the residences of its perimeter today)."""
        if self.kind == "territory":
            return MonthlyStock.objects.filter(commune__in=territory_of(self.user))
        if self.kind == "landlord":
            return MonthlyStock.objects.filter(landlord=self.organization)
        return MonthlyStock.objects.filter(residence_id__in=self._perimeter().values("residence_id"))

    def monthly_active_rows(self):
        """Where an operator's past active subscriptions are read (its own contracts' only), or None:
        the others read MonthlyStock.active."""
        if self.kind != "operator":
            return None
        return MonthlyOperatorActive.objects.filter(
            operator=self.organization, residence_id__in=self._perimeter().values("residence_id")
        )

    def tenders(self):
        if self.kind == "territory":
            there = Residence.objects.filter(tenders=OuterRef("pk"), commune__in=territory_of(self.user))
            return Tender.objects.filter(state__in=PUBLIC_TENDER_STATES).filter(Exists(there))
        if self.kind == "landlord":
            return Tender.objects.filter(landlord=self.organization)
        return Tender.objects.filter(state__in=PUBLIC_TENDER_STATES).filter(
            Exists(self.organization.bids.filter(tender=OuterRef("pk")))
        )

    def contracts(self):
        if self.kind == "territory":
            there = Residence.objects.filter(operator_contracts=OuterRef("pk"), commune__in=territory_of(self.user))
            return Contract.objects.filter(Exists(there))
        if self.kind == "landlord":
            return Contract.objects.filter(landlord=self.organization)
        return Contract.objects.filter(operator=self.organization)

    def commitments(self):
        """Commitments in force of current signed adhesions (the ones that are met, on track or late)."""
        in_force = Commitment.objects.filter(signature__state=Signature.State.SIGNED, starts_on__isnull=False).exclude(
            signature__charter__state=Charter.State.DRAFT
        )
        if self.kind in ("landlord", "operator"):
            return in_force.filter(signature__organization=self.organization)
        communes = territory_of(self.user)
        charter_here = TerritoryCommune.objects.filter(
            organization=OuterRef("signature__charter__city"), insee_code__in=communes
        )
        return (
            in_force.filter(Exists(charter_here))
            .filter(Q(qpv__isnull=True) | Q(qpv__in=Qpv.objects.in_territory_of(self.user)))
            .filter(Q(residence__isnull=True) | Q(residence__commune__in=communes))
        )

    def programmes(self):
        """TFPB programmes (none for operators, who are not parties to the conventions)."""
        if self.kind == "operator":
            return None
        if self.kind == "landlord":
            return Programme.objects.filter(report__convention__landlord=self.organization)
        return Programme.objects.visible_to(self.user).filter(qpv__in=Qpv.objects.in_territory_of(self.user))

    # -- filter choices ------------------------------------------------------------------------

    def qpv_choices(self):
        if self.kind == "territory":
            return Qpv.objects.in_territory_of(self.user)
        return Qpv.objects.filter(Exists(self.residences().filter(qpv=OuterRef("pk"))))

    def landlord_choices(self):
        """Landlords to filter by (None: no such filter, a landlord's dashboard is its own)."""
        if self.kind == "landlord":
            return None
        if self.kind == "operator":
            mine = Contract.objects.filter(operator=self.organization, landlord=OuterRef("pk"))
            return Organization.objects.filter(kind=Kind.LANDLORD).filter(Exists(mine))
        # Residences rather than dwellings: the same landlords, read from a table fifty times smaller.
        there = Residence.objects.filter(landlord=OuterRef("pk"), commune__in=territory_of(self.user))
        return Organization.objects.filter(kind=Kind.LANDLORD).filter(Exists(there))

    # -- narrowing by the filters ------------------------------------------------------------

    def _perimeter(self):
        return CONTRACT_RESIDENCES.objects.filter(
            contract__operator=self.organization, contract__state__in=CURRENT_CONTRACT_STATES
        )

    @staticmethod
    def narrow_stock(queryset, qpv=None, landlord=None):
        """Lodgings, residences and MonthlyStock rows share the field names `qpv` and `landlord`."""
        if qpv is not None:
            queryset = queryset.filter(qpv=qpv)
        if landlord is not None:
            queryset = queryset.filter(landlord=landlord)
        return queryset

    @staticmethod
    def narrow_subscriptions(queryset, qpv=None, landlord=None):
        if qpv is not None:
            queryset = queryset.filter(lodging__qpv=qpv)
        if landlord is not None:
            queryset = queryset.filter(lodging__landlord=landlord)
        return queryset

    def narrow_tenders(self, queryset, qpv=None, landlord=None):
        if qpv is not None:
            queryset = queryset.filter(Exists(self.residences().filter(qpv=qpv, tenders=OuterRef("pk"))))
        if landlord is not None:
            queryset = queryset.filter(landlord=landlord)
        return queryset

    def narrow_contracts(self, queryset, qpv=None, landlord=None):
        if qpv is not None:
            queryset = queryset.filter(Exists(self.residences().filter(qpv=qpv, operator_contracts=OuterRef("pk"))))
        if landlord is not None:
            queryset = queryset.filter(landlord=landlord)
        return queryset

    @staticmethod
    def narrow_commitments(queryset, qpv=None, landlord=None):
        if qpv is not None:
            queryset = queryset.filter(Q(qpv=qpv) | Q(residence__qpv=qpv))
        if landlord is not None:
            queryset = queryset.filter(signature__organization=landlord)
        return queryset

    @staticmethod
    def narrow_programmes(queryset, qpv=None, landlord=None):
        if qpv is not None:
            queryset = queryset.filter(qpv=qpv)
        if landlord is not None:
            queryset = queryset.filter(report__convention__landlord=landlord)
        return queryset

    # -- links to the lists behind the figures ---------------------------------------------

    def lodging_params(self, qpv=None, landlord=None):
        """GET parameters of leases' lodging list (leases/filters.py LodgingFilter) for this scope."""
        params = {}
        if qpv is not None:
            params["qpv"] = qpv.code
        if landlord is not None and self.kind != "landlord" and self.user.has_territory:
            params["landlord"] = landlord.pk
        return params


def territory_title(user):
    names = [m.organization.name for m in user.memberships_cached if m.organization.is_territorial]
    return ", ".join(names)
