"""Invented-name material for the synthetic ward: (spelling, フリガナ) pairs, most frequent first.

Every pair is a common Japanese name, not a person: a synthetic resident is a random combination of a family
name and a given name, so the フリガナ is always built together with the name (Faker's kana does not match).
Weights follow rank (a Zipf curve), which is close to how surnames are spread in a real ward register.

異体字 spellings (髙橋, 山﨑, 齋藤, 渡邉 …) are separate entries with the base spelling's reading and a small
share of its weight, as registers keep them: they exercise search folding and CP932 exports in the demo."""

from __future__ import annotations

import bisect
import random
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate

__all__ = [
    "CHINESE_FAMILY_NAMES",
    "CHINESE_GIVEN_NAMES",
    "FAMILY_NAMES",
    "FAMILY_NAME_VARIANTS",
    "GIVEN_NAMES",
    "OKINAWAN_FAMILY_NAMES",
    "VARIANT_SPELLINGS",
    "VIETNAMESE_FAMILY_NAMES",
    "VIETNAMESE_GIVEN_NAMES",
    "NameTable",
    "era_of_birth_year",
    "family_name_table",
    "foreign_tables",
    "given_name_tables",
]

Name = tuple[str, str]  # (spelling as registered, full-width katakana reading)

# Surnames common in Osaka, roughly by frequency.
FAMILY_NAMES: tuple[Name, ...] = (
    ("田中", "タナカ"), ("山本", "ヤマモト"), ("中村", "ナカムラ"), ("吉田", "ヨシダ"), ("松本", "マツモト"),
    ("井上", "イノウエ"), ("山田", "ヤマダ"), ("高橋", "タカハシ"), ("木村", "キムラ"), ("小林", "コバヤシ"),
    ("山口", "ヤマグチ"), ("林", "ハヤシ"), ("清水", "シミズ"), ("藤原", "フジワラ"), ("岡田", "オカダ"),
    ("山下", "ヤマシタ"), ("前田", "マエダ"), ("西村", "ニシムラ"), ("森", "モリ"), ("佐藤", "サトウ"),
    ("鈴木", "スズキ"), ("伊藤", "イトウ"), ("渡辺", "ワタナベ"), ("加藤", "カトウ"), ("山崎", "ヤマザキ"),
    ("松田", "マツダ"), ("藤田", "フジタ"), ("池田", "イケダ"), ("橋本", "ハシモト"), ("坂本", "サカモト"),
    ("石田", "イシダ"), ("上田", "ウエダ"), ("森本", "モリモト"), ("西田", "ニシダ"), ("原田", "ハラダ"),
    ("村上", "ムラカミ"), ("谷口", "タニグチ"), ("岡本", "オカモト"), ("藤井", "フジイ"), ("中川", "ナカガワ"),
    ("久保", "クボ"), ("松井", "マツイ"), ("宮本", "ミヤモト"), ("大西", "オオニシ"), ("北村", "キタムラ"),
    ("小川", "オガワ"), ("和田", "ワダ"), ("中西", "ナカニシ"), ("斎藤", "サイトウ"), ("浜田", "ハマダ"),
    ("中島", "ナカジマ"), ("宮崎", "ミヤザキ"), ("阪本", "サカモト"), ("長谷川", "ハセガワ"), ("近藤", "コンドウ"),
    ("石川", "イシカワ"), ("辻", "ツジ"), ("野村", "ノムラ"), ("竹内", "タケウチ"), ("松尾", "マツオ"),
    ("川口", "カワグチ"), ("安田", "ヤスダ"), ("大塚", "オオツカ"), ("福田", "フクダ"), ("太田", "オオタ"),
    ("増田", "マスダ"), ("平田", "ヒラタ"), ("島田", "シマダ"), ("堀", "ホリ"), ("杉本", "スギモト"),
    ("今井", "イマイ"), ("上野", "ウエノ"), ("丸山", "マルヤマ"), ("東", "ヒガシ"), ("酒井", "サカイ"),
    ("奥田", "オクダ"), ("斉藤", "サイトウ"), ("福井", "フクイ"), ("内田", "ウチダ"), ("野口", "ノグチ"),
    ("三宅", "ミヤケ"), ("大野", "オオノ"), ("小西", "コニシ"), ("吉川", "ヨシカワ"), ("岩崎", "イワサキ"),
    ("富田", "トミタ"), ("沢田", "サワダ"), ("徳田", "トクダ"), ("広田", "ヒロタ"), ("尾崎", "オザキ"),
    ("藤本", "フジモト"), ("村田", "ムラタ"), ("岡", "オカ"), ("松下", "マツシタ"), ("植田", "ウエダ"),
    ("大橋", "オオハシ"), ("吉村", "ヨシムラ"), ("山中", "ヤマナカ"), ("小山", "コヤマ"), ("横山", "ヨコヤマ"),
    ("青木", "アオキ"), ("中野", "ナカノ"), ("河野", "コウノ"), ("高田", "タカダ"), ("岩田", "イワタ"),
    ("武田", "タケダ"), ("中井", "ナカイ"), ("樋口", "ヒグチ"), ("川村", "カワムラ"), ("森田", "モリタ"),
    ("浅野", "アサノ"), ("荒木", "アラキ"), ("西川", "ニシカワ"), ("梅田", "ウメダ"), ("寺田", "テラダ"),
    ("南", "ミナミ"), ("北川", "キタガワ"), ("川端", "カワバタ"), ("土井", "ドイ"), ("岸本", "キシモト"),
    ("坂口", "サカグチ"), ("中尾", "ナカオ"), ("白石", "シライシ"), ("山内", "ヤマウチ"), ("野田", "ノダ"),
    ("西山", "ニシヤマ"), ("柴田", "シバタ"), ("米田", "ヨネダ"), ("宮田", "ミヤタ"), ("服部", "ハットリ"),
    ("大川", "オオカワ"), ("津田", "ツダ"), ("堤", "ツツミ"), ("中山", "ナカヤマ"), ("松村", "マツムラ"),
    ("石原", "イシハラ"), ("古川", "フルカワ"), ("桑原", "クワハラ"), ("榎本", "エノモト"), ("金田", "カネダ"),
    ("新井", "アライ"), ("菊池", "キクチ"), ("三浦", "ミウラ"), ("黒田", "クロダ"), ("西岡", "ニシオカ"),
)

# 大正区 has a large community with roots in Okinawa, so these surnames are far more common there than
# nationally. They share OKINAWAN_SHARE of the households.
OKINAWAN_FAMILY_NAMES: tuple[Name, ...] = (
    ("比嘉", "ヒガ"), ("金城", "キンジョウ"), ("大城", "オオシロ"), ("宮城", "ミヤギ"), ("上原", "ウエハラ"),
    ("新垣", "アラカキ"), ("玉城", "タマキ"), ("島袋", "シマブクロ"), ("知念", "チネン"), ("照屋", "テルヤ"),
    ("仲宗根", "ナカソネ"), ("宮里", "ミヤザト"), ("平良", "タイラ"), ("安里", "アサト"), ("喜屋武", "キャン"),
    ("嘉数", "カカズ"), ("具志堅", "グシケン"), ("与那嶺", "ヨナミネ"), ("屋比久", "ヤビク"), ("渡嘉敷", "トカシキ"),
)
OKINAWAN_SHARE = 0.12

# 異体字 as registered: (variant, base spelling, share of the base spelling's weight). The reading is the
# base spelling's. Each variant folds to its base in tsunagu.core.japanese.name_search_key.
VARIANT_SPELLINGS: tuple[tuple[str, str, float], ...] = (
    ("髙橋", "高橋", 0.03),
    ("山﨑", "山崎", 0.03),
    ("宮﨑", "宮崎", 0.03),
    ("岩﨑", "岩崎", 0.02),
    ("尾﨑", "尾崎", 0.02),
    ("齋藤", "斎藤", 0.03),
    ("齊藤", "斉藤", 0.02),
    ("渡邊", "渡辺", 0.02),
    ("渡邉", "渡辺", 0.03),
    ("濱田", "浜田", 0.03),
    ("濵田", "浜田", 0.01),
    ("德田", "徳田", 0.02),
    ("𠮷田", "吉田", 0.01),  # outside the BMP and CP932: exports must report it
    ("嶋田", "島田", 0.03),
    ("中嶋", "中島", 0.03),
    ("冨田", "富田", 0.03),
    ("澤田", "沢田", 0.03),
    ("廣田", "広田", 0.02),
    ("惠子", "恵子", 0.03),
    ("眞理子", "真理子", 0.03),
    ("眞一", "真一", 0.03),
    ("榮一", "栄一", 0.05),
    ("國男", "国男", 0.05),
    ("壽子", "寿子", 0.05),
)

_SURNAME_READINGS = dict(FAMILY_NAMES)
# The surname variants: (variant, base spelling, reading).
FAMILY_NAME_VARIANTS: tuple[tuple[str, str, str], ...] = tuple(
    (variant, base, _SURNAME_READINGS[base]) for variant, base, _share in VARIANT_SPELLINGS if base in _SURNAME_READINGS
)

# Given names by sex and by the era of birth, most popular first. Old registers hold katakana names (ハル,
# キヨ) and some hiragana ones; all of them have a katakana reading like any other name.
_MALE_TAISHO_SHOWA: tuple[Name, ...] = (
    ("正雄", "マサオ"), ("清", "キヨシ"), ("茂", "シゲル"), ("博", "ヒロシ"), ("実", "ミノル"), ("勇", "イサム"),
    ("進", "ススム"), ("武", "タケシ"), ("弘", "ヒロシ"), ("明", "アキラ"), ("勝", "マサル"), ("正", "タダシ"),
    ("三郎", "サブロウ"), ("稔", "ミノル"), ("隆", "タカシ"), ("昭", "アキラ"), ("豊", "ユタカ"), ("修", "オサム"),
    ("勝利", "カツトシ"), ("正夫", "マサオ"), ("義雄", "ヨシオ"), ("一郎", "イチロウ"), ("幸雄", "ユキオ"),
    ("和夫", "カズオ"), ("秀雄", "ヒデオ"), ("繁", "シゲル"), ("保", "タモツ"), ("登", "ノボル"), ("功", "イサオ"),
    ("勲", "イサオ"), ("守", "マモル"), ("忠", "タダシ"), ("光雄", "ミツオ"), ("信夫", "ノブオ"), ("敏夫", "トシオ"),
    ("次郎", "ジロウ"), ("貞夫", "サダオ"), ("照雄", "テルオ"), ("久雄", "ヒサオ"), ("芳雄", "ヨシオ"),
    ("輝夫", "テルオ"), ("喜一", "キイチ"), ("栄一", "エイイチ"), ("国男", "クニオ"), ("源太郎", "ゲンタロウ"),
)
_FEMALE_TAISHO_SHOWA: tuple[Name, ...] = (
    ("和子", "カズコ"), ("幸子", "サチコ"), ("節子", "セツコ"), ("弘子", "ヒロコ"), ("美代子", "ミヨコ"),
    ("久子", "ヒサコ"), ("文子", "フミコ"), ("光子", "ミツコ"), ("静子", "シズコ"), ("京子", "キョウコ"),
    ("洋子", "ヨウコ"), ("千代子", "チヨコ"), ("正子", "マサコ"), ("信子", "ノブコ"), ("悦子", "エツコ"),
    ("登美子", "トミコ"), ("清子", "キヨコ"), ("敏子", "トシコ"), ("照子", "テルコ"), ("貞子", "サダコ"),
    ("八重子", "ヤエコ"), ("春子", "ハルコ"), ("花子", "ハナコ"), ("初江", "ハツエ"), ("ハル", "ハル"),
    ("キヨ", "キヨ"), ("ミツ", "ミツ"), ("ヨシ", "ヨシ"), ("ウメ", "ウメ"), ("ツル", "ツル"), ("フミ", "フミ"),
    ("タケ", "タケ"), ("君子", "キミコ"), ("富子", "トミコ"), ("春江", "ハルエ"), ("菊枝", "キクエ"),
    ("房子", "フサコ"), ("満子", "ミツコ"), ("寿子", "ヒサコ"), ("恵子", "ケイコ"), ("ふさ", "フサ"),
)
_MALE_SHOWA: tuple[Name, ...] = (
    ("誠", "マコト"), ("浩", "ヒロシ"), ("健一", "ケンイチ"), ("隆", "タカシ"), ("修", "オサム"), ("剛", "ツヨシ"),
    ("聡", "サトシ"), ("哲也", "テツヤ"), ("浩二", "コウジ"), ("和彦", "カズヒコ"), ("正樹", "マサキ"),
    ("直樹", "ナオキ"), ("大輔", "ダイスケ"), ("達也", "タツヤ"), ("秀樹", "ヒデキ"), ("英樹", "ヒデキ"),
    ("健", "ケン"), ("学", "マナブ"), ("徹", "トオル"), ("篤", "アツシ"), ("茂樹", "シゲキ"), ("幸一", "コウイチ"),
    ("雅之", "マサユキ"), ("健二", "ケンジ"), ("智也", "トモヤ"), ("拓也", "タクヤ"), ("亮", "リョウ"),
    ("淳", "ジュン"), ("信也", "シンヤ"), ("浩之", "ヒロユキ"), ("隆之", "タカユキ"), ("雅彦", "マサヒコ"),
    ("一也", "カズヤ"), ("和也", "カズヤ"), ("康弘", "ヤスヒロ"), ("誠司", "セイジ"), ("裕之", "ヒロユキ"),
    ("伸一", "シンイチ"), ("龍也", "タツヤ"), ("竜也", "タツヤ"), ("真一", "シンイチ"), ("勝也", "カツヤ"),
)
_FEMALE_SHOWA: tuple[Name, ...] = (
    ("恵子", "ケイコ"), ("由美子", "ユミコ"), ("裕子", "ユウコ"), ("真由美", "マユミ"), ("久美子", "クミコ"),
    ("明美", "アケミ"), ("直美", "ナオミ"), ("智子", "トモコ"), ("陽子", "ヨウコ"), ("典子", "ノリコ"),
    ("美穂", "ミホ"), ("恵美", "エミ"), ("香織", "カオリ"), ("麻美", "アサミ"), ("智美", "トモミ"), ("由美", "ユミ"),
    ("真理子", "マリコ"), ("純子", "ジュンコ"), ("順子", "ジュンコ"), ("裕美", "ヒロミ"), ("理恵", "リエ"),
    ("幸恵", "ユキエ"), ("友美", "トモミ"), ("愛", "アイ"), ("美紀", "ミキ"), ("さゆり", "サユリ"), ("千恵", "チエ"),
    ("加奈子", "カナコ"), ("美香", "ミカ"), ("聡子", "サトコ"), ("和美", "カズミ"), ("亜紀", "アキ"),
    ("尚子", "ナオコ"), ("美和", "ミワ"), ("里美", "サトミ"), ("恵理", "エリ"), ("めぐみ", "メグミ"),
    ("由香", "ユカ"), ("浩子", "ヒロコ"), ("貴子", "タカコ"),
)
_MALE_HEISEI: tuple[Name, ...] = (
    ("翔太", "ショウタ"), ("拓海", "タクミ"), ("大輝", "ダイキ"), ("健太", "ケンタ"), ("翔", "ショウ"), ("蓮", "レン"),
    ("颯太", "ソウタ"), ("大翔", "ヒロト"), ("悠斗", "ユウト"), ("陸", "リク"), ("海斗", "カイト"), ("優斗", "ユウト"),
    ("翼", "ツバサ"), ("大和", "ヤマト"), ("瑛太", "エイタ"), ("悠真", "ユウマ"), ("湊", "ミナト"), ("樹", "イツキ"),
    ("蒼", "アオイ"), ("隼人", "ハヤト"), ("拓真", "タクマ"), ("亮太", "リョウタ"), ("雄大", "ユウダイ"),
    ("直人", "ナオト"), ("駿", "シュン"), ("和真", "カズマ"), ("陽太", "ヨウタ"), ("悠人", "ユウト"), ("航", "ワタル"),
    ("涼", "リョウ"), ("康介", "コウスケ"), ("大地", "ダイチ"), ("健斗", "ケント"), ("優太", "ユウタ"),
    ("将太", "ショウタ"), ("奏太", "ソウタ"), ("圭太", "ケイタ"), ("光", "ヒカル"), ("大樹", "ダイキ"),
    ("祐介", "ユウスケ"),
)
_FEMALE_HEISEI: tuple[Name, ...] = (
    ("美咲", "ミサキ"), ("彩", "アヤ"), ("さくら", "サクラ"), ("陽菜", "ヒナ"), ("結衣", "ユイ"), ("葵", "アオイ"),
    ("優奈", "ユウナ"), ("美羽", "ミウ"), ("七海", "ナナミ"), ("凛", "リン"), ("莉子", "リコ"), ("萌", "モエ"),
    ("彩花", "アヤカ"), ("花音", "カノン"), ("遥", "ハルカ"), ("千尋", "チヒロ"), ("舞", "マイ"), ("沙織", "サオリ"),
    ("奈々", "ナナ"), ("未来", "ミライ"), ("明日香", "アスカ"), ("真央", "マオ"), ("結菜", "ユイナ"), ("芽依", "メイ"),
    ("杏", "アン"), ("美月", "ミヅキ"), ("愛美", "マナミ"), ("ひなた", "ヒナタ"), ("心愛", "ココア"),
    ("咲良", "サクラ"), ("結愛", "ユア"), ("彩乃", "アヤノ"), ("優花", "ユウカ"), ("菜々子", "ナナコ"),
    ("琴音", "コトネ"), ("紗希", "サキ"), ("瑞穂", "ミズホ"), ("茜", "アカネ"), ("美優", "ミユ"), ("愛子", "アイコ"),
)
_MALE_REIWA: tuple[Name, ...] = (
    ("蓮", "レン"), ("陽翔", "ハルト"), ("蒼", "アオイ"), ("湊", "ミナト"), ("樹", "イツキ"), ("碧", "アオイ"),
    ("大翔", "ヒロト"), ("悠真", "ユウマ"), ("朝陽", "アサヒ"), ("律", "リツ"), ("陽向", "ヒナタ"), ("暖", "ダン"),
    ("新", "アラタ"), ("伊織", "イオリ"), ("結翔", "ユイト"), ("颯", "ハヤテ"), ("凪", "ナギ"), ("奏", "カナデ"),
    ("蒼空", "ソラ"), ("湊斗", "ミナト"), ("悠人", "ハルト"), ("大和", "ヤマト"), ("翔", "ショウ"), ("岳", "ガク"),
)
_FEMALE_REIWA: tuple[Name, ...] = (
    ("陽葵", "ヒマリ"), ("凛", "リン"), ("紬", "ツムギ"), ("結菜", "ユイナ"), ("芽依", "メイ"), ("葵", "アオイ"),
    ("澪", "ミオ"), ("翠", "スイ"), ("莉子", "リコ"), ("結愛", "ユア"), ("杏", "アン"), ("心春", "コハル"),
    ("咲茉", "エマ"), ("陽菜", "ヒナ"), ("詩", "ウタ"), ("花", "ハナ"), ("美桜", "ミオ"), ("菫", "スミレ"),
    ("琴葉", "コトハ"), ("一華", "イチカ"), ("結月", "ユヅキ"), ("芽生", "メイ"), ("さな", "サナ"),
    ("つむぎ", "ツムギ"),
)

# Eras of birth for given-name fashion: (first birth year, male names, female names).
GIVEN_NAMES: tuple[tuple[int, tuple[Name, ...], tuple[Name, ...]], ...] = (
    (0, _MALE_TAISHO_SHOWA, _FEMALE_TAISHO_SHOWA),
    (1946, _MALE_SHOWA, _FEMALE_SHOWA),
    (1989, _MALE_HEISEI, _FEMALE_HEISEI),
    (2019, _MALE_REIWA, _FEMALE_REIWA),
)

# Foreign residents are on the 住民基本台帳 too; 大正区 has many from Viet Nam and China. Alphabet names are
# stored as registered, upper case, with a katakana reading (words separated by a 全角 space).
VIETNAMESE_FAMILY_NAMES: tuple[Name, ...] = (
    ("NGUYEN", "グエン"), ("TRAN", "チャン"), ("LE", "レ"), ("PHAM", "ファム"), ("HOANG", "ホアン"), ("VU", "ヴー"),
)
VIETNAMESE_GIVEN_NAMES: tuple[tuple[Name, ...], tuple[Name, ...]] = (
    (("VAN HUNG", "ヴァン\u3000フン"), ("DUC ANH", "ドゥック\u3000アイン"), ("MINH TUAN", "ミン\u3000トゥアン"),
     ("QUOC BAO", "クオック\u3000バオ"), ("VAN NAM", "ヴァン\u3000ナム")),
    (("THI LAN", "ティ\u3000ラン"), ("THI HOA", "ティ\u3000ホア"), ("THI MAI", "ティ\u3000マイ"),
     ("NGOC ANH", "ゴック\u3000アイン"), ("THI THU", "ティ\u3000トゥー")),
)
CHINESE_FAMILY_NAMES: tuple[Name, ...] = (
    ("王", "ワン"), ("李", "リ"), ("張", "チョウ"), ("陳", "チン"), ("劉", "リュウ"), ("楊", "ヤン"),
)
CHINESE_GIVEN_NAMES: tuple[tuple[Name, ...], tuple[Name, ...]] = (
    (("偉", "ウェイ"), ("強", "チアン"), ("磊", "レイ"), ("浩然", "ハオラン"), ("俊傑", "ジュンジエ")),
    (("静", "ジン"), ("麗", "リー"), ("芳", "ファン"), ("婷", "ティン"), ("雪梅", "シュエメイ")),
)


@dataclass(frozen=True)
class NameTable:
    """Names with cumulative weights, for drawing with a seeded random.Random."""

    names: tuple[Name, ...]
    cum_weights: tuple[float, ...]

    def pick(self, rng: random.Random) -> Name:
        # bisect over the cumulative weights: one random number per draw, cheaper than rng.choices(k=1).
        index = bisect.bisect_right(self.cum_weights, rng.random() * self.cum_weights[-1])
        return self.names[min(index, len(self.names) - 1)]


def _ranked(names: Sequence[Name], *, offset: float, total: float = 1.0) -> list[tuple[Name, float]]:
    """Zipf weights by rank, scaled to sum to ``total``."""
    raw = [1.0 / (rank + offset) for rank in range(len(names))]
    scale = total / sum(raw)
    return [(name, weight * scale) for name, weight in zip(names, raw, strict=True)]


def _with_variants(weighted: list[tuple[Name, float]]) -> NameTable:
    by_spelling = {name[0]: (name, weight) for name, weight in weighted}
    for variant, base, share in VARIANT_SPELLINGS:
        if base in by_spelling:
            (_, reading), weight = by_spelling[base]
            weighted.append(((variant, reading), weight * share))
    names = tuple(name for name, _ in weighted)
    return NameTable(names, tuple(accumulate(weight for _, weight in weighted)))


def family_name_table() -> NameTable:
    """Japanese surnames of the ward (incl. Okinawan ones and 異体字 spellings)."""
    weighted = _ranked(FAMILY_NAMES, offset=10, total=1 - OKINAWAN_SHARE)
    weighted += _ranked(OKINAWAN_FAMILY_NAMES, offset=4, total=OKINAWAN_SHARE)
    return _with_variants(weighted)


def given_name_tables() -> tuple[tuple[int, NameTable, NameTable], ...]:
    """(first birth year, male table, female table) per era of birth, oldest first."""
    return tuple(
        (first_year, _with_variants(_ranked(male, offset=5)), _with_variants(_ranked(female, offset=5)))
        for first_year, male, female in GIVEN_NAMES
    )


def era_of_birth_year(tables: Sequence[tuple[int, NameTable, NameTable]], year: int) -> tuple[NameTable, NameTable]:
    """The (male, female) given-name tables in fashion for someone born in ``year``."""
    chosen = tables[0]
    for entry in tables:
        if entry[0] <= year:
            chosen = entry
    return chosen[1], chosen[2]


def foreign_tables() -> tuple[tuple[NameTable, NameTable, NameTable], ...]:
    """(family, male given, female given) tables for Vietnamese and Chinese households."""

    def flat(names: Sequence[Name]) -> NameTable:
        return NameTable(tuple(names), tuple(float(i + 1) for i in range(len(names))))

    return (
        (flat(VIETNAMESE_FAMILY_NAMES), flat(VIETNAMESE_GIVEN_NAMES[0]), flat(VIETNAMESE_GIVEN_NAMES[1])),
        (flat(CHINESE_FAMILY_NAMES), flat(CHINESE_GIVEN_NAMES[0]), flat(CHINESE_GIVEN_NAMES[1])),
    )
