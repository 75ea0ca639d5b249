"""What an agent reads: the customer view's words, with the template's line breaks taken out."""

import re

import pytest
from django.urls import reverse

from tests.lookup.conftest import GOLD, answer_member

pytestmark = pytest.mark.django_db


def words(html: str) -> str:
    """The text a browser shows: tags dropped, runs of whitespace as one space."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_no_line_break_of_the_template_puts_a_space_before_punctuation(agent_client, capillary):
    answer_member(capillary)
    text = words(agent_client.get(reverse("customer", args=[GOLD])).content.decode())
    assert re.search(r"\w \d{1,2} \w{3} \d{4} at [^,]+, till [^,]+, by \S", text)
    assert re.findall(r"\w [,.;:](?:\s|$)", text) == []
