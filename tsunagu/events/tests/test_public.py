import icalendar
import pytest
from django.urls import reverse

from tsunagu.events.models import EventTranslation

pytestmark = pytest.mark.django_db


def test_list_shows_published_events_without_login(client, events):
    page = client.get(reverse("events:list")).content.decode()
    assert "いきいき健康サロン" in page and "こども夏まつり" in page
    assert "下書きの講座" not in page
    assert "防災マップを配布します" in page


def test_list_filters_by_audience_and_district(client, events, ward):
    page = client.get(reverse("events:list"), {"audience": "children"}).content.decode()
    assert "こども夏まつり" in page and "いきいき健康サロン" not in page
    page = client.get(reverse("events:list"), {"district": ward.districts.a.pk}).content.decode()
    assert "いきいき健康サロン" in page and "こども夏まつり" not in page


def test_unpublished_event_is_not_found(client, events):
    assert client.get(reverse("events:detail", args=[events.draft.pk])).status_code == 404
    assert client.get(reverse("events:flyer", args=[events.draft.pk])).status_code == 404


def test_furigana_and_easy_japanese_switches(client, events):
    url = reverse("events:detail", args=[events.salon.pk])
    plain = client.get(url).content.decode()
    assert "<ruby>" not in plain and "からだを うごかします" not in plain
    ruby = client.get(url, {"ruby": "1", "easy": "1"}).content.decode()
    assert "<ruby>高齢者<rt>こうれいしゃ</rt></ruby>" in ruby
    assert "からだを うごかします" in ruby


def test_translation_shown_in_the_visitors_language_else_japanese_with_a_note(client, events):
    EventTranslation.objects.create(event=events.salon, language="en", title="Health salon", body="Exercise and tea.")
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("events:detail", args=[events.salon.pk])).content.decode()
    assert "Health salon" in page and 'lang="en"' in page
    other = client.get(reverse("events:detail", args=[events.children.pk])).content.decode()
    assert "こども夏まつり" in other
    assert "only in Japanese" in other or "この情報は日本語だけで掲載しています" in other


def test_ical_feed_per_district_and_audience(client, events, ward):
    answer = client.get(reverse("events:calendar"), {"audience": "elderly"})
    assert answer["Content-Type"].startswith("text/calendar")
    cal = icalendar.Calendar.from_ical(answer.content)
    summaries = [str(e["SUMMARY"]) for e in cal.walk("VEVENT")]
    assert summaries == ["いきいき健康サロン"]
    event = cal.walk("VEVENT")[0]
    assert str(event["UID"]).startswith(f"event-{events.salon.pk}@")
    assert event["DTSTART"].dt == events.salon.starts_at
    assert cal.walk("VTIMEZONE"), "times carry their time zone"
    by_district = icalendar.Calendar.from_ical(
        client.get(reverse("events:calendar"), {"district": ward.districts.b.pk}).content
    )
    assert [str(e["SUMMARY"]) for e in by_district.walk("VEVENT")] == ["こども夏まつり"]


def test_cancelled_event_is_cancelled_in_the_calendar(client, events):
    events.salon.is_cancelled = True
    events.salon.save()
    cal = icalendar.Calendar.from_ical(client.get(reverse("events:ics", args=[events.salon.pk])).content)
    assert str(cal.walk("VEVENT")[0]["STATUS"]) == "CANCELLED"


def test_rss_and_atom(client, events):
    rss = client.get(reverse("events:rss")).content.decode()
    assert "<rss" in rss and "いきいき健康サロン" in rss and "下書きの講座" not in rss
    atom = client.get(reverse("events:atom"), {"audience": "children"}).content.decode()
    assert "http://www.w3.org/2005/Atom" in atom and "こども夏まつり" in atom and "いきいき健康サロン" not in atom
    news = client.get(reverse("events:articles_rss")).content.decode()
    assert "防災マップを配布します" in news


def test_flyer_is_a_pdf_with_the_events_address(client, events):
    answer = client.get(reverse("events:flyer", args=[events.salon.pk]))
    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    assert answer.content.startswith(b"%PDF")
    assert len(answer.content) > 5000  # the embedded font and the drawn QR code


def test_article_page(client, events):
    page = client.get(reverse("events:article", args=[events.article.pk]), {"ruby": "1"}).content.decode()
    assert "<ruby>配布<rt>はいふ</rt></ruby>" in page
