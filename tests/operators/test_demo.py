import io

from django.core.management import call_command

from leases.models import Lodging
from operators.models import Contract, Tender


def test_demo_has_a_tender_in_every_state_and_the_trois_cites_contract(db, settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())  # idempotent
    states = set(Tender.objects.values_list("state", flat=True))
    assert {"draft", "published", "evaluation", "awarded", "contracted"} <= states
    published = Tender.objects.get(state="published")
    assert published.bids.filter(state="submitted").count() == 2
    contract = Contract.objects.get(state="active")
    assert contract.landlord.siren == "501234561" and contract.operator.siren == "412345670"
    assert {r.qpv.code for r in contract.residences.all()} == {"QN08604M"}
    # Les Tilleuls and Clos Gaultier: 180 dwellings, less those the demo marks as having left the stock
    in_trois_cites = Lodging.objects.in_stock().filter(residence__in=contract.residences.all())
    assert contract.lodgings().count() == in_trois_cites.count() > 170
    assert Tender.objects.count() == 5
