"""The consent-replies CSV refuses control and direction-override characters (checked once, in
tsunagu.core.csvio): the page names the line, the column and the code point, and records nothing."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tsunagu.audit.models import AuditAction, AuditEntry
from tsunagu.core.csvio import UNSAFE_CHARACTER_MESSAGE
from tsunagu.people.models import Consent

REPLIES_URL = reverse("consent:replies")


def test_a_control_character_in_an_uploaded_reply_file_is_refused_on_the_page(ward, verified_client):
    b1 = ward.people.b1_unanswered
    content = f"宛名番号,回答,記入者,回答日\n{b1.resident_number},不同意,家\u2066族,2026-01-12\n".encode()
    upload = SimpleUploadedFile("replies.csv", content, content_type="text/csv")
    before = Consent.objects.count()

    response = verified_client(ward.ward_officer).post(REPLIES_URL, {"file": upload})

    assert response.status_code == 200
    expected = UNSAFE_CHARACTER_MESSAGE.format(line=2, column="記入者", codepoint="U+2066")
    assert expected in response.content.decode()
    assert Consent.objects.count() == before
    assert not AuditEntry.objects.filter(action=AuditAction.CREATE).exists()
