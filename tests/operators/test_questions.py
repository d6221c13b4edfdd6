import datetime

import pytest
import time_machine
from django.urls import reverse

from operators.models import Question


def ask(client, tender, text="Les logements vacants sont-ils inclus ?"):
    return client.post(reverse("operators:question_ask", args=[tender.pk]), {"text": text}, follow=True)


def test_operator_asks_and_every_operator_reads_the_answer_without_the_askers_name(
    client_of, operator_admin, operator2_admin, landlord_admin, tender, operator
):
    ask(client_of(operator_admin), tender)
    question = Question.objects.get()
    assert question.operator == operator
    other = client_of(operator2_admin).get(reverse("operators:tender_questions", args=[tender.pk]))
    assert "logements vacants" not in other.text  # not answered yet: only the asker and the landlord see it
    client_of(landlord_admin).post(
        reverse("operators:question_answer", args=[question.pk]), {"answer": "Oui, tous les logements."}
    )
    other = client_of(operator2_admin).get(reverse("operators:tender_questions", args=[tender.pk]))
    assert "logements vacants" in other.text and "Oui, tous les logements." in other.text
    assert "FibreCité" not in other.text.split("Questions-réponses</h2>")[1]
    landlord_page = client_of(landlord_admin).get(reverse("operators:tender_questions", args=[tender.pk]))
    assert "par FibreCité" in landlord_page.text


def test_question_after_the_questions_deadline_is_refused(client_of, operator_admin, tender):
    with time_machine.travel(tender.questions_deadline + datetime.timedelta(seconds=1), tick=False):
        response = ask(client_of(operator_admin), tender)
    assert "date limite des questions est passée" in response.text
    assert not Question.objects.exists()


@pytest.mark.parametrize(("who", "status"), [("landlord_admin", 403), ("city_admin", 403), ("outsider", 404)])
def test_only_operators_ask(client_of, cast, tender, who, status):
    response = client_of(cast[who]).post(reverse("operators:question_ask", args=[tender.pk]), {"text": "?"})
    assert response.status_code == status


@pytest.mark.parametrize(("who", "status"), [("landlord_viewer", 403), ("operator2_admin", 404), ("city_admin", 404)])
def test_only_the_landlord_answers(client_of, cast, tender, operator, operator_admin, who, status):
    question = Question.objects.create(tender=tender, operator=operator, asked_by=operator_admin, text="?")
    url = reverse("operators:question_answer", args=[question.pk])
    assert client_of(cast[who]).post(url, {"answer": "!"}).status_code == status


def test_formal_answer_later_than_6_days_before_the_deadline_is_refused(
    client_of, landlord_admin, tender, operator, operator_admin
):
    from operators.models import Tender

    Tender.objects.filter(pk=tender.pk).update(answer_days=6)
    question = Question.objects.create(tender=tender, operator=operator, asked_by=operator_admin, text="?")
    with time_machine.travel(tender.deadline - datetime.timedelta(days=5), tick=False):
        response = client_of(landlord_admin).post(
            reverse("operators:question_answer", args=[question.pk]), {"answer": "!"}, follow=True
        )
    assert "avis rectificatif" in response.text
    question.refresh_from_db()
    assert not question.is_answered
