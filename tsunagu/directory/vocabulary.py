"""The need vocabulary: what residents type (「お金に困っている」「親の介護」「子どもの不登校」) mapped onto the topics
entries are tagged with, and the kinds of window that answer first.

Curated data, not learnt: each need lists plain phrases and their everyday synonyms, written as people say them.
Matching folds both sides the same way (tsunagu.directory.models.search_fold: width, 異体字, hiragana/katakana, small
kana), so 「ひきこもり」 and 「ヒキコモリ」 are one phrase, 「髙齢」 is 「高齢」; spelling variants that folding cannot
join (引きこもり, 障がい・障碍) are listed as synonyms. A phrase matches when it occurs in the query, or when a query
of two characters or more occurs in it (「介護」 finds 「親の介護」). To add a need: a new Need row, with its topics
from tsunagu.directory.models.Topic; the tests (test_search) show how a phrase is expected to answer."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from tsunagu.directory.models import ServiceKind, Topic, search_fold


@dataclass(frozen=True)
class Need:
    phrases: tuple[str, ...]
    topics: tuple[Topic, ...]
    kinds: tuple[ServiceKind, ...] = ()  # the windows that answer this need first


NEEDS: tuple[Need, ...] = (
    Need(
        (
            "お金に困っている",
            "お金がない",
            "お金が足りない",
            "生活が苦しい",
            "生活費",
            "家賃が払えない",
            "借金",
            "生活保護",
            "失業",
            "仕事がない",
            "仕事を探したい",
            "働けない",
            "収入が減った",
            "食べるものがない",
            "電気が止まる",
            "税金が払えない",
        ),
        (Topic.MONEY, Topic.WORK),
        (ServiceKind.SELF_RELIANCE, ServiceKind.WARD_OFFICE),
    ),
    Need(
        (
            "親の介護",
            "介護",
            "介護保険",
            "要介護",
            "要支援",
            "寝たきり",
            "ヘルパー",
            "デイサービス",
            "老老介護",
            "高齢の親",
            "介護が大変",
            "介護の相談",
            "ケアマネ",
            "施設に入りたい",
            "ひとり暮らしの親",
        ),
        (Topic.CARE, Topic.ELDERLY),
        (ServiceKind.CARE_PLAZA,),
    ),
    Need(
        ("認知症かも", "認知症", "物忘れ", "もの忘れ", "ものわすれ", "徘徊", "道に迷う", "同じことを何度も"),
        (Topic.DEMENTIA, Topic.CARE),
        (ServiceKind.CARE_PLAZA,),
    ),
    Need(
        (
            "子どもの不登校",
            "不登校",
            "学校に行かない",
            "学校に行けない",
            "学校に行きたくない",
            "いじめ",
            "登校しぶり",
            "勉強についていけない",
        ),
        (Topic.SCHOOL, Topic.CHILD_REARING),
        (ServiceKind.WARD_OFFICE, ServiceKind.CHILDCARE),
    ),
    Need(
        ("ひきこもり", "引きこもり", "引き籠もり", "家から出ない", "部屋から出てこない", "8050", "外に出られない"),
        (Topic.HIKIKOMORI,),
        (ServiceKind.SELF_RELIANCE, ServiceKind.WARD_OFFICE),
    ),
    Need(
        (
            "子育て",
            "育児",
            "赤ちゃん",
            "子育ての悩み",
            "子育てがつらい",
            "ママ友",
            "妊娠",
            "出産",
            "保育所",
            "一時預かり",
            "ひとり親",
        ),
        (Topic.CHILD_REARING,),
        (ServiceKind.CHILDCARE, ServiceKind.WARD_OFFICE),
    ),
    Need(
        (
            "障害",
            "障がい",
            "障碍",
            "障害者手帳",
            "手帳",
            "発達障害",
            "車いす",
            "目が見えない",
            "耳が聞こえない",
            "精神",
            "こころの病気",
        ),
        (Topic.DISABILITY,),
        (ServiceKind.DISABILITY,),
    ),
    Need(
        ("成年後見", "後見", "お金の管理", "財産管理", "通帳の管理", "契約が心配", "だまされ", "詐欺"),
        (Topic.GUARDIANSHIP,),
        (ServiceKind.GUARDIANSHIP, ServiceKind.SHAKYO),
    ),
    Need(
        (
            "さびしい",
            "寂しい",
            "話し相手",
            "ひとりぼっち",
            "孤独",
            "友達がほしい",
            "居場所",
            "集まり",
            "サロン",
            "おしゃべり",
            "ひとり暮らし",
            "外出したい",
            "仲間",
        ),
        (Topic.LONELINESS,),
        (ServiceKind.SALON, ServiceKind.CAFE),
    ),
    Need(
        ("子ども食堂", "こども食堂", "ごはん", "ご飯", "食事", "お腹がすいた", "晩ごはん", "フードバンク"),
        (Topic.FOOD,),
        (ServiceKind.KIDS_CAFETERIA,),
    ),
    Need(
        ("体操", "運動", "健康", "介護予防", "足腰", "筋トレ", "ウォーキング"),
        (Topic.HEALTH,),
        (ServiceKind.EXERCISE,),
    ),
    Need(
        ("DV", "暴力", "虐待", "夫が怖い", "殴られる", "逃げたい", "児童虐待"),
        (Topic.ABUSE,),
        (ServiceKind.WARD_OFFICE,),
    ),
    Need(
        ("外国", "日本語が分からない", "日本語がわからない", "通訳", "外国人", "やさしい日本語", "foreign", "english"),
        (Topic.FOREIGN,),
        (),
    ),
    Need(
        ("住まい", "住む所がない", "家がない", "引っ越し", "立ち退き", "アパートが借りられない", "空き家"),
        (Topic.HOUSING, Topic.MONEY),
        (ServiceKind.SELF_RELIANCE, ServiceKind.WARD_OFFICE),
    ),
    Need(
        ("見守り", "近所の高齢者が心配", "近所の人が心配", "民生委員", "安否", "最近見かけない"),
        (Topic.WATCH,),
        (ServiceKind.COMMISSIONER, ServiceKind.SHAKYO),
    ),
    Need(
        ("どこに相談", "何でも相談", "なんでも相談", "困っている", "困りごと", "相談したい", "総合相談"),
        (Topic.GENERAL,),
        (ServiceKind.WARD_OFFICE, ServiceKind.SHAKYO),
    ),
)

# The shortest query that may match inside a phrase: one character (「子」) would match half the vocabulary.
MIN_INSIDE_LENGTH = 2


@cache
def _folded_needs() -> tuple[tuple[tuple[str, ...], Need], ...]:
    return tuple((tuple(search_fold(p) for p in need.phrases), need) for need in NEEDS)


def needs_for(query: str) -> list[Need]:
    """The needs a query expresses, in the vocabulary's order."""
    key = search_fold(query)
    if not key:
        return []
    found = []
    for phrases, need in _folded_needs():
        if any(p in key or (len(key) >= MIN_INSIDE_LENGTH and key in p) for p in phrases):
            found.append(need)
    return found


def example_needs() -> list[str]:
    """The plain phrases the search page offers as examples (the first phrase of the main needs)."""
    return [need.phrases[0] for need in NEEDS[:8]]
