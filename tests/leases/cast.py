"""Who may do what on Habitat du Clain's dwelling in Poitiers (tests/leases/conftest.py)."""

# Pages: its members and the city and State covering Poitiers see it; the others get a 404.
SEES_PAGE = {
    "landlord_admin": 200,
    "landlord_member": 200,
    "landlord_viewer": 200,
    "landlord2_admin": 404,
    "city_admin": 200,
    "city_member": 200,
    "state_user": 200,
    "operator_admin": 404,
    "operator2_admin": 404,
    "outsider": 404,
}

# Actions: its admins and members act; who sees it without editing gets 403; strangers 404.
MAY_ACT = {
    "landlord_admin": 302,
    "landlord_member": 302,
    "landlord_viewer": 403,
    "landlord2_admin": 404,
    "city_admin": 403,
    "city_member": 403,
    "state_user": 403,
    "operator_admin": 404,
    "operator2_admin": 404,
    "outsider": 404,
}
