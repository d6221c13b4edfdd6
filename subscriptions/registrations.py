"""What subscriptions adds to the extension points of the apps below it: the menu, the panels on the
stock's and the contracts' pages, the charter's measures, the contracts' OCDS implementation and a
step of the landlord's home page."""

from accounts.models import Kind
from accounts.registry import register_detail_panel, register_home_step, register_nav
from charter.measures import register_measure
from operators.releases import register_implementation


def lodging_panel(request, lodging):
    from .views.lodgings import lodging_panel

    return lodging_panel(request, lodging)


def residence_panel(request, residence):
    """A link to the residence's subscriptions page, where it has some or a legal basis to show."""
    from .models import Subscription

    user = request.user
    if not (user.has_role(residence.landlord_id) or Subscription.objects.filter(lodging__residence=residence).exists()):
        return None
    return {"residence": residence}


def contract_panel(request, contract):
    from .models import Subscription

    return {"contract": contract, "subscription_count": Subscription.objects.filter(contract=contract).count()}


def rollouts_started(ids):
    from .models import Rollout

    return (
        Rollout.objects.filter(contract__landlord__in=ids)
        .values_list("contract__landlord", flat=True)
        .order_by()
        .distinct()
    )


def register():
    from . import measures, ocds

    register_nav("Abonnements", "subscriptions:overview", [Kind.LANDLORD, Kind.OPERATOR, Kind.CITY, Kind.STATE], 35)
    register_detail_panel("leases.Lodging", "subscriptions/panels/lodging.html", lodging_panel)
    register_detail_panel("leases.Residence", "subscriptions/panels/residence.html", residence_panel)
    register_detail_panel("operators.Contract", "subscriptions/panels/contract.html", contract_panel)
    register_measure("subscribed_share", measures.subscribed_share, many=measures.subscribed_shares)
    register_measure("tenant_charge_ceiling", measures.charge_ceiling, many=measures.charge_ceilings)
    register_measure("legal_basis", measures.legal_basis, many=measures.legal_bases)
    register_measure("repair_delay", measures.repair_delay, many=measures.repair_delays_many)
    register_implementation(ocds.implementation)
    register_home_step("rollout_started", [Kind.LANDLORD], rollouts_started)
