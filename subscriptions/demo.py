"""Demo subscriptions: the Trois Cités contract of the tenders demo (Habitat du Clain with FibreCité)
rolled out, through the real paths (rollout, operator reports, votes, regularisation):

- Les Tilleuls under a collective agreement (a tenant vote that carried), Résidence du Clos
  Gaultier under individual opt-in (about half of its tenants agreed);
- the landlord bears 75 % (tenants pay 2,67 € a month of the contract's 10,68 € TTC);
- two operator reports (installations and activations, then a few suspensions), an incident
  resolved and one still open, the operator's invoices month by month;
- a regularisation from 1 January to the end of last month, sent to the tenants.
"""

import csv
import datetime
import io
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from leases.models import Lease, Residence
from operators.models import Contract, ContractState

from .charges import months_between
from .models import (
    AllocationKey,
    ChargeSetting,
    Incident,
    LeaseOptIn,
    LegalBasis,
    OperatorInvoice,
    OperatorReport,
    Regularisation,
    Subscription,
    SubscriptionEvent,
    SubscriptionStatus,
    ensure_rules_seeded,
    first_of_month,
)
from .reports import apply_report
from .rollout import start_rollout

REFERENCE = "DEMO-2026-01"


def user_of(organization):
    return User.objects.filter(memberships__organization=organization).order_by("pk").first()


def csv_upload(rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(["IDENT_REP", "STATUT", "DATE_EFFET", "NUMERO_SERIE", "MOTIF"])
    writer.writerows(rows)
    return io.BytesIO(buffer.getvalue().encode("utf-8"))


@transaction.atomic
def seed(stdout):
    contract = (
        Contract.objects.filter(reference=REFERENCE, state=ContractState.ACTIVE)
        .select_related("landlord", "operator")
        .first()
    )
    if contract is None or Subscription.objects.filter(contract=contract).exists():
        return
    ensure_rules_seeded()
    rng = random.Random(6)
    today = timezone.localdate()
    landlord_user, operator_user = user_of(contract.landlord), user_of(contract.operator)
    start = contract.start
    residences = {r.name: r for r in Residence.objects.filter(operator_contracts=contract)}
    tilleuls, clos = residences.get("Les Tilleuls"), residences.get("Résidence du Clos Gaultier")

    # The legal bases: a vote that carried at Les Tilleuls, opt-in at the Clos Gaultier.
    if tilleuls:
        consultation = LegalBasis.start_consultation(
            residence=tilleuls, proposed_charge=Decimal("2.67"), answer_by=start + datetime.timedelta(days=5), by=None
        )
        consultation.record_vote(
            by=landlord_user,
            held_on=start + datetime.timedelta(days=6),
            consulted=tilleuls.lodgings.filter(exit_reason="").count(),
            votes_for=64,
            votes_against=19,
        )
        consultation.save()
    if clos:
        LegalBasis.adopt_opt_in(residence=clos, effective_from=start, by=landlord_user)
        leases = list(Lease.objects.current_on(today).filter(lodging__residence=clos).order_by("pk"))
        LeaseOptIn.objects.bulk_create(
            LeaseOptIn(lease=lease, opted_in_on=max(lease.start, start), recorded_by=landlord_user)
            for lease in leases
            if rng.random() < 0.55
        )
    for residence in residences.values():
        ChargeSetting.objects.create(
            residence=residence,
            valid_from=first_of_month(start),
            landlord_share_percent=Decimal("75.00"),
            allocation_key=AllocationKey.PER_DWELLING,
            created_by=landlord_user,
        )

    # The rollout, then the operator's reports.
    start_rollout(contract=contract, by=landlord_user, on=start + datetime.timedelta(days=2))
    dwellings = list(
        Subscription.objects.filter(contract=contract).select_related("lodging").order_by("lodging__rpls_id")
    )
    first_rows = []
    first_report = start + datetime.timedelta(days=25)
    for subscription in dwellings:
        roll = rng.random()
        if roll < 0.55:
            continue  # still planned: the rollout is under way (the charter's 80 % equipped target not met yet)
        day = start + datetime.timedelta(days=rng.randint(8, 24))
        status = "installé" if roll < 0.65 else "actif"
        first_rows.append(
            [subscription.lodging.rpls_id, status, f"{day:%d/%m/%Y}", f"FC-{subscription.lodging.rpls_id}", ""]
        )
    suspended = [row[0] for row in first_rows if row[1] == "actif"][::15][:4]
    later = today - datetime.timedelta(days=6)
    second_rows = [[rpls_id, "suspendu", f"{later:%d/%m/%Y}", "", "Logement en travaux"] for rpls_id in suspended]
    outcome = apply_report(
        contract=contract, upload=csv_upload(first_rows), file_name="rapport-fibrecite-1.csv", by=operator_user
    )
    backdate(outcome.report, timezone.make_aware(datetime.datetime.combine(first_report, datetime.time(10))))
    if second_rows:
        apply_report(
            contract=contract, upload=csv_upload(second_rows), file_name="rapport-fibrecite-2.csv", by=operator_user
        )

    # Incidents: one resolved in 30 hours, one still open.
    actives = list(Subscription.objects.filter(contract=contract, status=SubscriptionStatus.ACTIVE)[:2])
    now = timezone.now()
    for n, subscription in enumerate(actives):
        incident = Incident.objects.create(
            subscription=subscription,
            description="Plus de connexion : la box ne se synchronise plus."
            if n == 0
            else "Débit très faible le soir.",
            reported_at=now - (datetime.timedelta(days=9) if n == 0 else datetime.timedelta(hours=5)),
            reported_by=landlord_user if n == 0 else operator_user,
            reporter_side=Incident.Side.LANDLORD if n == 0 else Incident.Side.OPERATOR,
        )
        if n == 0:
            incident.resolve(
                by=operator_user,
                resolved_at=incident.reported_at + datetime.timedelta(hours=30),
                resolution="Box remplacée",
            )
            incident.save()

    # The operator's invoices, one per elapsed month: the dwellings active at the month's end.
    for month in months_between(start, first_of_month(today) - datetime.timedelta(days=1)):
        active = Subscription.objects.filter(contract=contract).active_on(month.last).count()
        if active:
            OperatorInvoice.objects.create(
                contract=contract,
                month=month.first,
                reference=f"FC-{month.first:%Y%m}",
                amount_ht=contract.unit_price_ht * active,
                vat_rate=contract.vat_rate,
                recorded_by=landlord_user,
            )

    # A regularisation up to the end of last month, sent.
    end = first_of_month(today) - datetime.timedelta(days=1)
    regularisation = Regularisation.objects.create(
        landlord=contract.landlord, period_start=datetime.date(end.year, 1, 1), period_end=end
    )
    regularisation.compute(by=landlord_user)
    if regularisation.lines.exists():
        regularisation.send(by=landlord_user)
        regularisation.save()
    stdout.write(
        f"Abonnements de démonstration : {len(dwellings)} logements du marché {REFERENCE}, "
        f"{regularisation.lines.count()} décomptes de régularisation."
    )


def backdate(report, moment):
    """The first report was uploaded weeks ago: its record and its lines say so."""
    OperatorReport.objects.filter(pk=report.pk).update(uploaded_at=moment)
    SubscriptionEvent.objects.filter(report=report).update(recorded_at=moment)
