import pytest

from leases.addresses import fold, normalise_number, normalise_street, split_address


@pytest.mark.parametrize(
    ("street_type", "name", "expected"),
    [
        ("AV", "DU CLOS GAULTIER", ("AVENUE", "CLOS GAULTIER")),
        ("Avenue", "du Clos-Gaultier", ("AVENUE", "CLOS GAULTIER")),
        ("BD", "DES COURONNERIES", ("BOULEVARD", "COURONNERIES")),
        ("", "Boulevard des Couronneries", ("BOULEVARD", "COURONNERIES")),
        ("R", "D'OZON", ("RUE", "OZON")),
        ("RUE", "D OZON", ("RUE", "OZON")),
        ("", "rue de l'Église", ("RUE", "EGLISE")),
        ("PL", "DU GAL DE GAULLE", ("PLACE", "GENERAL GAULLE")),
        ("", "Rond-Point de la Paix", ("ROND POINT", "PAIX")),
        ("CHE", "ST JEAN", ("CHEMIN", "SAINT JEAN")),
        ("", "BEL AIR", ("", "BEL AIR")),
    ],
)
def test_street_spellings_meet(street_type, name, expected):
    assert normalise_street(street_type, name) == expected


@pytest.mark.parametrize(
    ("number", "repetition", "expected"),
    [("4", "", "4"), ("004", "", "4"), ("4", "bis", "4B"), ("4 ter", "", "4T"), ("4B", "", "4B"), ("", "", "")],
)
def test_numbers(number, repetition, expected):
    assert normalise_number(number, repetition) == expected


def test_one_line_addresses():
    assert split_address("12 bis, av. du Clos Gaultier") == ("12B", "AVENUE", "CLOS GAULTIER")
    assert split_address("RUE DES TROIS CITES") == ("", "RUE", "TROIS CITES")


def test_fold():
    assert fold("  Saint-Benoît ") == "SAINT BENOIT"
