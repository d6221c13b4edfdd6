"""Who may do what around FibreCité's contract with Habitat du Clain at Les Tilleuls (Poitiers)."""

# Pages of the contract, the residence, a subscription: its two parties and the city and State
# covering Poitiers see them; the others get a 404.
SEES = {
    "landlord_admin": 200,
    "landlord_member": 200,
    "landlord_viewer": 200,
    "landlord2_admin": 404,
    "city_admin": 200,
    "city_member": 200,
    "state_user": 200,
    "operator_admin": 200,
    "operator2_admin": 404,
    "outsider": 404,
}

# The landlord's actions (rollout, invoices, the share, a legal basis, contests): its admins and
# members; whoever sees the object without that right gets 403.
LANDLORD_ACTS = {
    **SEES,
    "landlord_admin": 302,
    "landlord_member": 302,
    **dict.fromkeys(["landlord_viewer", "city_admin", "city_member", "state_user", "operator_admin"], 403),
}

# The operator's actions (reports).
OPERATOR_ACTS = {**LANDLORD_ACTS, "landlord_admin": 403, "landlord_member": 403, "operator_admin": 302}

# Either party may act (a status, an incident).
PARTIES_ACT = {**LANDLORD_ACTS, "operator_admin": 302}

# Legal bases: the landlord's members and city and State staff see them (not operators).
BASIS_SEES = {**SEES, "operator_admin": 404}
BASIS_LANDLORD_ACTS = {**LANDLORD_ACTS, "operator_admin": 404}

# Lease references (opt-ins, charges, regularisations): the landlord's members only.
LEASE_SEES = {**dict.fromkeys(SEES, 404), "landlord_admin": 200, "landlord_member": 200, "landlord_viewer": 200}
LEASE_ACTS = {**LEASE_SEES, "landlord_admin": 302, "landlord_member": 302, "landlord_viewer": 403}
