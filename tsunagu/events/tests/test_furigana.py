from tsunagu.core.furigana import furigana_html


def test_kanji_get_ruby_and_okurigana_stay_plain():
    assert furigana_html("食べる") == "<ruby>食<rt>た</rt></ruby>べる"
    assert "<ruby>講座<rt>こうざ</rt></ruby>" in furigana_html("健康講座を開きます")


def test_everything_else_is_escaped():
    html = furigana_html('<script>alert("x")</script>漢字 & <b>')
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;script&gt;" in html and "&amp;" in html
    assert "<ruby>漢字<rt>かんじ</rt></ruby>" in html


def test_variant_kanji_are_read_and_printed_as_written():
    # pykakasi drops 髙 and 﨑 when asked directly; the text is read folded and printed as written.
    html = furigana_html("髙橋さんと﨑山さん")
    assert "<ruby>髙橋<rt>たかはし</rt></ruby>" in html
    assert "<ruby>﨑山<rt>さきやま</rt></ruby>" in html


def test_lines_are_kept():
    assert furigana_html("一行目\n二行目").count("<br>") == 1
