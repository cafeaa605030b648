"""Japanese PDFs with reportlab. The font is embedded (IPAex Gothic, Debian's fonts-ipaexfont), so a printed
form shows the same characters on any machine; reportlab's built-in CID fonts are not embedded."""

from functools import cache
from pathlib import Path

from django.conf import settings
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

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


class NumberedCanvas(Canvas):
    """A canvas that knows the page count when it draws each page's header and footer (「n / N」): the pages are
    kept as they are laid out and painted at the end. Subclasses draw in `paint_page(number, total)`."""

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self._pages: list[dict] = []

    def showPage(self) -> None:  # noqa: N802 - reportlab's name
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for number, state in enumerate(self._pages, start=1):
            self.__dict__.update(state)
            self.paint_page(number, total)
            super().showPage()
        super().save()

    def paint_page(self, number: int, total: int) -> None:
        raise NotImplementedError

