import io

import pytest
from django.test import override_settings
from reportlab.pdfgen import canvas

from tsunagu.core import pdf


def test_the_japanese_font_is_embedded_and_draws_variant_kanji():
    out = io.BytesIO()
    page = canvas.Canvas(out)
    page.setFont(pdf.japanese_font(), 12)
    page.drawString(72, 720, "髙橋 﨑山 避難行動要支援者名簿")
    page.save()
    data = out.getvalue()
    assert b"/FontFile2" in data  # an embedded TrueType font program
    assert b"IPAexGothic" in data


def test_a_missing_font_is_a_clear_error(monkeypatch):
    pdf.japanese_font.cache_clear()
    monkeypatch.setattr(pdf, "FONT_CANDIDATES", ("/nonexistent/font.ttf",))
    try:
        with override_settings(TSUNAGU_PDF_FONT=""), pytest.raises(pdf.FontMissingError) as missing:
            pdf.japanese_font()
        assert str(missing.value) == pdf.FONT_MISSING_MESSAGE
    finally:
        pdf.japanese_font.cache_clear()
