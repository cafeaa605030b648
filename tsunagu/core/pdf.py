"""Japanese PDFs with reportlab. The font is embedded (IPAex Gothic, Debian's fonts-ipaexfont), so a printed
form shows the same characters on any machine; reportlab's built-in CID fonts are not embedded."""

from functools import cache
from pathlib import Path

from django.conf import settings
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT_NAME = "IPAexGothic"
FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf",
    "/usr/share/fonts/truetype/ipaexfont-gothic/ipaexg.ttf",
)
FONT_MISSING_MESSAGE = (
    "日本語フォント（IPAexゴシック）が見つかりません。Debian では `apt-get install fonts-ipaexfont` で導入できます。"
    "別の場所にある場合は設定 TSUNAGU_PDF_FONT にファイルのパスを指定してください。"
)


class FontMissingError(RuntimeError):
    pass


@cache
def japanese_font() -> str:
    """Register the embedded Japanese font once and return its name for reportlab."""
    configured = settings.TSUNAGU_PDF_FONT
    for candidate in (configured, *FONT_CANDIDATES):
        if candidate and Path(candidate).is_file():
            pdfmetrics.registerFont(TTFont(FONT_NAME, candidate))
            return FONT_NAME
    raise FontMissingError(FONT_MISSING_MESSAGE)
