"""Open data (OCDS 1.1.5, domain.md §8): each event of a tender becomes an immutable release.

The tender's life calls `release_on_commit(...)` at each event, once the transaction that made the
event is committed: a rolled-back award never reaches the open data. `record_release` builds the
release from the objects as they stand at that moment and stores it as a `Release`, never
regenerated later; `release_package` bundles the stored releases for the export and the public URL.

Events and their OCDS tags:
- "tender": publication;             - "tenderAmendment": corrective notice (`amendment`);
- "tenderUpdate": bids opened (bid statistics), or declared unsuccessful;
- "tenderCancellation": sans suite; - "award": award (`contract` is the pending contract);
- "contract": contract signed;      - "contractTermination": contract terminated or expired;
- "implementation", "implementationUpdate": the rollout, once `subscriptions` registers its
  milestones with `register_implementation`.

What the public sees (§8 visibility table, "the public (open data)" row), enforced here:
- before the opening, the notice only: nothing of a bid, not even how many came;
- from the opening, who bid and how many (counts only, no price statistics: with two bids the
  lowest and highest price would give the loser's price away);
- from the award, the winning bid (price, technology, speeds) and the award and contract figures.
  Never a losing bid's content, never a free text written once the bids came in (award reasons,
  rejection letters, cancellation or termination reasons: they may quote a bid).
"""

import datetime
import mimetypes

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from .models import (
    OPENED_BID_STATES,
    BidState,
    Contract,
    ContractState,
    Procedure,
    Release,
    Tender,
    TenderState,
    money,
)

OCDS_VERSION = "1.1"
CURRENCY = "EUR"
# org-id.guide list for French organisations: the RCS list code, identifiers are SIREN numbers (as
# the DECP-to-OCDS conversion of data.gouv.fr does). OPH, public bodies, have a SIREN too.
ORG_SCHEME = "FR-RCS"
# The bids extension, pinned to the commit whose schema is in ../shared/data/ocds_bid_extension.
BID_EXTENSION_URL = (
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_bid_extension/"
    "d62ff4b0ba393d823ca8113a9039b12edf7acb8f/extension.json"
)
LICENSE_URL = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
CPV = {"scheme": "CPV", "id": "72400000", "description": "Services Internet"}

NOTICE_TAGS = {"tender", "tenderAmendment"}
AWARD_TAGS = {"award", "contract", "contractTermination", "implementation", "implementationUpdate"}
TAGS = NOTICE_TAGS | AWARD_TAGS | {"tenderUpdate", "tenderCancellation"}

CONTRACT_STATUS = {
    ContractState.PENDING: "pending",
    ContractState.ACTIVE: "active",
    ContractState.TERMINATED: "terminated",
    ContractState.EXPIRED: "terminated",  # OCDS: "has now come to a close", completed or terminated early
}

implementation_builders = []


def register_implementation(func):
    """Extension point for `subscriptions`: func(contract) -> the contract's OCDS `implementation`
    (the dwelling-by-dwelling rollout as milestones), or None."""
    implementation_builders.append(func)
    return func


def release_on_commit(*, tender, tag, amendment=None, contract=None):
    transaction.on_commit(lambda: record_release(tender=tender, tag=tag, amendment=amendment, contract=contract))


def ocid_for(tender):
    if not settings.OCDS_PREFIX:
        # A published ocid can never change: no release without the real publisher prefix.
        raise ImproperlyConfigured("OCDS_PREFIX doit être défini pour publier les données OCDS (voir le README).")
    return f"{settings.OCDS_PREFIX}-{tender.reference}"


def record_release(*, tender, tag, amendment=None, contract=None):
    """Store the OCDS release of one event, from the database as it stands now."""
    if tag not in TAGS:
        raise ValueError(f"Unknown OCDS release tag: {tag}")
    with transaction.atomic():
        # The tender row is locked while the release is numbered: two events never share a number.
        tender = (
            Tender.objects.select_for_update(of=("self",))
            .select_related("landlord", "awarded_bid__operator")
            .get(pk=tender.pk)
        )
        return store_release(tender, tag, amendment=amendment, contract=contract)


def store_release(tender, tag, *, amendment, contract):
    if contract is not None:
        contract = Contract.objects.select_related("operator").get(pk=contract.pk)
    elif tag in AWARD_TAGS:
        contract = Contract.objects.select_related("operator").filter(tender=tender).first()
    ocid = ocid_for(tender)
    previous = list(Release.objects.filter(tender=tender).order_by("pk").values_list("release_id", flat=True))
    release_id = f"{ocid}/{len(previous) + 1:02d}-{tag}"
    date = event_date(tender, tag, amendment, contract)
    data = build_release(
        tender,
        tag,
        ocid=ocid,
        release_id=release_id,
        date=date,
        previous_id=previous[-1] if previous else None,
        amendment=amendment,
        contract=contract,
    )
    return Release.objects.create(tender=tender, ocid=ocid, release_id=release_id, tag=tag, date=date, data=data)


def release_package(releases):
    """An OCDS release package of stored releases (their data verbatim: never rebuilt)."""
    releases = list(releases)
    published = max((r.created_at for r in releases), default=None) or timezone.now()
    return {
        "uri": public_url("operators:ocds_package"),
        "version": OCDS_VERSION,
        "extensions": [BID_EXTENSION_URL],
        "publishedDate": stamp(published),
        "publisher": {"name": settings.SITE_NAME, "uri": settings.SITE_URL},
        "license": LICENSE_URL,
        "publicationPolicy": public_url("operators:open_data"),
        "releases": [r.data for r in releases],
    }


def published_releases():
    return Release.objects.published().order_by("ocid", "pk")


def public_url(name):
    return settings.SITE_URL.rstrip("/") + reverse(name)


# -- building one release ------------------------------------------------------------------------


def event_date(tender, tag, amendment, contract):
    """When the event happened (its own recorded date), so that the release dates tell the story."""
    dates = {
        "tender": tender.published_at,
        "tenderAmendment": amendment.published_at if amendment else None,
        "tenderUpdate": tender.ended_at if tender.state == TenderState.UNSUCCESSFUL else tender.opened_at,
        "tenderCancellation": tender.ended_at,
        "award": tender.awarded_at,
        "contract": contract.signed_at if contract else None,
    }
    return (dates.get(tag) or timezone.now()).replace(microsecond=0)


def build_release(tender, tag, *, ocid, release_id, date, previous_id=None, amendment=None, contract=None):
    opened = tag not in NOTICE_TAGS and tender.opened_at is not None
    awarded = tag in AWARD_TAGS and tender.awarded_bid is not None
    bids = list(tender.bids.filter(state__in=OPENED_BID_STATES).select_related("operator")) if opened else []
    winner = tender.awarded_bid if awarded else None
    release = {
        "ocid": ocid,
        "id": release_id,
        "date": stamp(date),
        "tag": [tag],
        "initiationType": "tender",
        "language": "fr",
        "parties": parties(tender, bids, winner),
        "buyer": org_ref(tender.landlord),
        "tender": tender_section(
            tender, tag, bids, release_id=release_id, previous_id=previous_id, amendment=amendment
        ),
    }
    if opened:
        release["bids"] = {"statistics": bid_statistics(tender, bids)}
    if winner is not None:
        release.setdefault("bids", {})["details"] = [winning_bid(tender, winner)]
        release["awards"] = [award_section(tender, tag, winner)]
        if contract is not None:
            release["contracts"] = [contract_section(tender, contract, winner)]
    return compact(release)


def parties(tender, bids, winner):
    result = [party(tender.landlord, ["buyer", "procuringEntity"])]
    operators = {bid.operator_id: bid.operator for bid in bids}
    if winner is not None:
        operators[winner.operator_id] = winner.operator
    for operator in sorted(operators.values(), key=lambda o: o.name):
        roles = ["tenderer", "supplier"] if winner is not None and operator.pk == winner.operator_id else ["tenderer"]
        result.append(party(operator, roles))
    return result


def party(organization, roles):
    return {
        "id": party_id(organization),
        "name": organization.name,
        "identifier": {"scheme": ORG_SCHEME, "id": organization.siren, "legalName": organization.name},
        "address": {"countryName": "France"},
        "roles": roles,
    }


def party_id(organization):
    return f"{ORG_SCHEME}-{organization.siren}"


def org_ref(organization):
    return {"id": party_id(organization), "name": organization.name}


def tender_status(tender, tag):
    if tag == "tenderCancellation":
        return "cancelled"
    if tag == "tenderUpdate" and tender.state == TenderState.UNSUCCESSFUL:
        return "unsuccessful"
    if tag in AWARD_TAGS:
        return "complete"
    return "active"


def tender_section(tender, tag, bids, *, release_id, previous_id, amendment):
    criteria = list(tender.criteria.all())
    procedure = tender.procedure or tender.expected_procedure()
    section = {
        "id": tender.reference,
        "title": tender.title,
        "description": tender.description or tender.title,
        "status": tender_status(tender, tag),
        "procuringEntity": org_ref(tender.landlord),
        "items": [
            {
                "id": "1",
                "description": requirements(tender),
                "classification": CPV,
                "quantity": tender.perimeter_dwellings,
                "unit": {"name": "logement"},
            }
        ],
        "value": value(tender.estimated_value_ht),
        "procurementMethod": "open",
        "procurementMethodDetails": Procedure(procedure).label if procedure else None,
        "procurementMethodRationale": procedure_rationale(tender, procedure),
        "mainProcurementCategory": "services",
        "awardCriteria": "priceOnly" if [c.is_price for c in criteria] == [True] else "ratedCriteria",
        "awardCriteriaDetails": " ; ".join(f"{c.name} : {c.weight} %" for c in criteria),
        "submissionMethod": ["electronicSubmission"],
        "submissionMethodDetails": "Dépôt en ligne sur Quartiers Connectés, horodaté à l'heure du serveur, "
        "avec un récépissé portant l'empreinte SHA-256 de l'offre ; offres scellées jusqu'à la date limite.",
        "tenderPeriod": {"startDate": stamp(tender.published_at), "endDate": stamp(tender.deadline)},
        "enquiryPeriod": {"startDate": stamp(tender.published_at), "endDate": stamp(tender.questions_deadline)},
        "hasEnquiries": tender.questions.exists(),
        "documents": tender_documents(tender, tag),
        "amendments": amendments(tender, amendment, release_id=release_id, previous_id=previous_id),
    }
    if bids:
        tenderers = {bid.operator_id: bid.operator for bid in bids}
        section["numberOfTenderers"] = len(tenderers)
        section["tenderers"] = [org_ref(o) for o in sorted(tenderers.values(), key=lambda o: o.name)]
    if tender.opened_at and tag not in NOTICE_TAGS:
        end = tender.awarded_at if tag in AWARD_TAGS else None
        section["awardPeriod"] = {"startDate": stamp(tender.opened_at), "endDate": stamp(end)}
    return section


def requirements(tender):
    technology = tender.get_technology_display() if tender.technology else "au choix de l'opérateur"
    parts = [
        "Accès internet dans chaque logement du périmètre",
        f"technologie : {technology}",
        f"débits minimaux : {tender.min_download_mbps} Mbit/s descendant, {tender.min_upload_mbps} Mbit/s montant",
    ]
    if tender.box_in_every_dwelling:
        parts.append("une box dans chaque logement")
    if tender.max_unit_price_ht is not None:
        parts.append(f"prix mensuel maximal : {euros(tender.max_unit_price_ht)} HT par logement")
    parts.append(f"durée du marché : {tender.duration_months} mois")
    return " ; ".join(parts) + "."


def procedure_rationale(tender, procedure):
    if not procedure or tender.threshold_ht is None:
        return None
    below = procedure == Procedure.ADAPTED
    return (
        f"Valeur estimée de {euros(tender.estimated_value_ht)} HT sur toute la durée, "
        f"{'sous le' if below else 'au-dessus du'} seuil européen des services ({euros(tender.threshold_ht)} HT)."
    )


def tender_documents(tender, tag):
    """Metadata only: the files are served to signed-in operators, never from a public URL."""
    documents = []
    for field, journal in (("notice_boamp_reference", "BOAMP"), ("notice_joue_reference", "JOUE")):
        reference = getattr(tender, field)
        if reference:
            documents.append(
                {
                    "id": f"avis-{journal.lower()}",
                    "documentType": "tenderNotice",
                    "title": f"Avis de marché au {journal} n° {reference}",
                    "datePublished": stamp(tender.notice_sent_at or tender.published_at),
                    "language": "fr",
                }
            )
    for document in tender.documents.order_by("uploaded_at", "pk"):
        published = max(document.uploaded_at, tender.published_at) if tender.published_at else document.uploaded_at
        documents.append(
            {
                "id": f"document-{document.pk}",
                "documentType": "clarifications" if document.amendment_id else "biddingDocuments",
                "title": document.title,
                "datePublished": stamp(published),
                "format": mimetypes.guess_type(document.filename)[0],
                "language": "fr",
            }
        )
    if tag in ("tenderCancellation", "tenderUpdate") and tender.state in (
        TenderState.CANCELLED,
        TenderState.UNSUCCESSFUL,
    ):
        label = "déclaré sans suite" if tender.state == TenderState.CANCELLED else "déclaré infructueux"
        documents.append(
            {
                "id": "fin-de-procedure",
                "documentType": "cancellationDetails",
                "title": f"Appel d'offres {label}",
                "description": "Les motifs ont été communiqués aux opérateurs qui s'y étaient intéressés.",
                "datePublished": stamp(tender.ended_at),
                "language": "fr",
            }
        )
    return documents


def amendments(tender, current, *, release_id, previous_id):
    result = []
    for amendment in tender.amendments.all():
        entry = {
            "id": str(amendment.number),
            "date": stamp(amendment.published_at),
            "rationale": amendment.summary,
            "description": (
                f"Avis rectificatif n° {amendment.number}"
                + (f" ({amendment.notice_reference})" if amendment.notice_reference else "")
                + f" : date limite de remise des offres reportée du {local(amendment.previous_deadline)} "
                f"au {local(amendment.new_deadline)}."
            ),
        }
        if current is not None and amendment.pk == current.pk:
            entry.update(amendsReleaseID=previous_id, releaseID=release_id)
        result.append(entry)
    return result


def bid_statistics(tender, bids):
    """Counts only (see the module docstring). Validity is known once every bid was examined."""
    date = stamp(tender.opened_at)
    measures = [
        ("bids", len(bids)),
        ("bidders", len({bid.operator_id for bid in bids})),
        ("electronicBids", len(bids)),
    ]
    if bids and not any(bid.state == BidState.OPENED for bid in bids):
        disqualified = sum(
            1
            for bid in bids
            if bid.state == BidState.ELIMINATED or (bid.state == BidState.REJECTED and bid.elimination_reason)
        )
        measures += [("validBids", len(bids) - disqualified), ("disqualifiedBids", disqualified)]
    return [{"id": str(i), "measure": m, "value": v, "date": date} for i, (m, v) in enumerate(measures, start=1)]


def bid_id(bid):
    return f"offre-{bid.pk}"


def winning_bid(tender, bid):
    return {
        "id": bid_id(bid),
        "submissionType": "bid",
        "date": stamp(bid.submitted_at),
        "status": "valid",
        "description": offer_summary(bid),
        "tenderers": [org_ref(bid.operator)],
        "value": value(bid.total_value()),
        "items": priced_items(
            dwellings=tender.perimeter_dwellings,
            months=tender.duration_months,
            unit_price_ht=bid.unit_price_ht,
            installation_fee_ht=bid.installation_fee_ht,
        ),
        "hasRank": bid.rank is not None,
        "rank": bid.rank,
    }


def offer_summary(bid):
    return (
        f"{bid.get_technology_display()}, {bid.download_mbps} Mbit/s descendant et {bid.upload_mbps} Mbit/s "
        f"montant ; {euros(bid.unit_price_ht)} HT par logement et par mois ({euros(bid.unit_price_ttc)} TTC, "
        f"TVA {bid.vat_rate.normalize():f} %)."
    )


def priced_items(*, dwellings, months, unit_price_ht, installation_fee_ht):
    return [
        {
            "id": "abonnement",
            "description": "Accès internet et box : prix par logement et par mois (HT)",
            "classification": CPV,
            "quantity": dwellings * months,
            "unit": {"name": "logement et mois", "value": value(unit_price_ht)},
        },
        {
            "id": "installation",
            "description": "Frais d'installation par logement (HT)",
            "quantity": dwellings,
            "unit": {"name": "logement", "value": value(installation_fee_ht)},
        },
    ]


def award_id(tender):
    return f"{tender.reference}-attribution"


def award_section(tender, tag, winner):
    return {
        "id": award_id(tender),
        "title": f"Attribution — {tender.title}",
        # Pending while the standstill runs (OCDS: "not yet in force ... a cooling-off period").
        "status": "pending" if tag == "award" else "active",
        "date": stamp(tender.awarded_at),
        "value": value(winner.total_value()),
        "suppliers": [org_ref(winner.operator)],
        "items": priced_items(
            dwellings=tender.perimeter_dwellings,
            months=tender.duration_months,
            unit_price_ht=winner.unit_price_ht,
            installation_fee_ht=winner.installation_fee_ht,
        ),
        "relatedBids": [bid_id(winner)],
    }


def contract_section(tender, contract, winner):
    """OCDS 1.1.5 values have no tax field: `value` is HT (as DECP), the TTC figures are in the description."""
    total_ht = money(
        (contract.unit_price_ht * contract.duration_months + contract.installation_fee_ht) * contract.dwelling_count
    )
    total_ttc = money(total_ht * (1 + contract.vat_rate / 100))
    section = {
        "id": f"{contract.reference}-marche",
        "awardID": award_id(tender),
        "title": f"Marché {contract.reference} — {contract.operator.name}",
        "description": (
            f"{contract.dwelling_count} logements, {contract.duration_months} mois. Prix par logement et par mois : "
            f"{euros(contract.unit_price_ht)} HT, {euros(contract.unit_price_ttc)} TTC (TVA "
            f"{contract.vat_rate.normalize():f} %) ; frais d'installation par logement : "
            f"{euros(contract.installation_fee_ht)} HT. Valeur totale : {euros(total_ht)} HT, {euros(total_ttc)} TTC."
        ),
        "status": CONTRACT_STATUS[contract.state],
        "period": {"startDate": stamp(contract.start), "endDate": stamp(contract.end)},
        "value": value(total_ht),
        "items": priced_items(
            dwellings=contract.dwelling_count,
            months=contract.duration_months,
            unit_price_ht=contract.unit_price_ht,
            installation_fee_ht=contract.installation_fee_ht,
        ),
        "dateSigned": stamp(contract.landlord_signed_on),
        "relatedBids": [bid_id(winner)],
    }
    if contract.signed_document:
        section["documents"] = [
            {
                "id": "marche-signe",
                "documentType": "contractSigned",
                "title": "Marché signé des deux parties",
                "datePublished": stamp(contract.signed_at),
                "language": "fr",
            }
        ]
    if contract.state != ContractState.PENDING:
        for build in implementation_builders:
            implementation = build(contract)
            if implementation:
                section["implementation"] = implementation
    return section


# -- formats ------------------------------------------------------------------------------------


def stamp(moment):
    """RFC 3339 date-time in French local time; a date is its midnight."""
    if moment is None:
        return None
    if not isinstance(moment, datetime.datetime):
        moment = timezone.make_aware(datetime.datetime.combine(moment, datetime.time.min))
    return timezone.localtime(moment).replace(microsecond=0).isoformat()


def local(moment):
    return f"{timezone.localtime(moment):%d/%m/%Y à %H:%M}"


def value(amount):
    return {"amount": float(money(amount)), "currency": CURRENCY}


def euros(amount):
    text = f"{money(amount):,.2f}".replace(",", "\u00a0").replace(".", ",")
    return f"{text} €"


def compact(data):
    """Drop empty fields (None, [], {}): OCDS prefers a missing field to an empty one."""
    if isinstance(data, dict):
        cleaned = {key: compact(item) for key, item in data.items()}
        return {key: item for key, item in cleaned.items() if item not in (None, [], {})}
    if isinstance(data, list):
        return [compact(item) for item in data]
    return data
