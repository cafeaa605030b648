"""The demo's events and articles: four months of サロン, 講座, 子ども向けイベント, 防災訓練 and まつり across the
ward's 小学校区 (and some for the whole ward), for the audiences of the ward's welfare plan, organised by the
demo's 社協, care plazas and 町会; some with やさしい日本語 and an English translation, some taking sign-ups (a few
already full, with a waiting list). Deterministic for (seed, today)."""

from __future__ import annotations

import datetime
import random

from django.utils.translation import gettext

from tsunagu.areas.models import District, Municipality
from tsunagu.core.wareki import JST
from tsunagu.events.models import (
    Article,
    ArticleTranslation,
    AudienceKind,
    Event,
    EventKind,
    EventTranslation,
    Signup,
    SignupStatus,
    audiences_for,
    token_digest,
)
from tsunagu.organisations.models import Organisation, OrganisationKind

MONTHS = 4

# (kind, title, body, やさしい日本語 or "", English title, English body or "", audiences, capacity, cost, hour, hours)
TEMPLATES = [
    (
        EventKind.SALON,
        "ふれあい喫茶サロン",
        "地域の方が気軽に集まる喫茶サロンです。お茶を飲みながら、おしゃべりを楽しみましょう。",
        "おちゃを のみながら おはなしを します。だれでも きて ください。",
        "Community tea salon",
        "A relaxed tea salon for neighbours. Drop in for a chat.",
        [AudienceKind.ELDERLY],
        20,
        "100円（お茶代）",
        13,
        2,
    ),
    (
        EventKind.COURSE,
        "はじめてのスマホ教室",
        "スマートフォンの基本的な使い方を、ゆっくり丁寧にお伝えします。スマホをお持ちください。",
        "スマホの つかいかたを ゆっくり おしえます。",
        "Smartphone class for beginners",
        "",
        [AudienceKind.ELDERLY],
        12,
        "無料",
        10,
        2,
    ),
    (
        EventKind.CHILDREN,
        "こども食堂",
        "地域のボランティアが手作りのごはんを用意します。子どもだけでも、親子でも参加できます。",
        "こどもは ただで ごはんを たべられます。おとなは 300えん です。",
        "Children's cafeteria",
        "Home-made dinner by local volunteers. Free for children, 300 yen for adults.",
        [AudienceKind.CHILDREN, AudienceKind.PARENTING],
        30,
        "子ども無料・大人300円",
        17,
        2,
    ),
    (
        EventKind.DRILL,
        "地域の防災訓練",
        "地震を想定した避難訓練と、消火器・AEDの使い方の体験を行います。",
        "じしんの ときの にげかたを れんしゅう します。",
        "Neighbourhood disaster drill",
        "An evacuation drill for an earthquake, and hands-on practice with extinguishers and AEDs.",
        [],
        None,
        "無料",
        9,
        3,
    ),
    (
        EventKind.COURSE,
        "子育てひろば 親子で体操",
        "0〜3歳の子どもと保護者が一緒に楽しめる体操です。子育ての相談もできます。",
        "",
        "Parent and toddler exercise",
        "",
        [AudienceKind.PARENTING, AudienceKind.CHILDREN],
        15,
        "無料",
        10,
        1,
    ),
    (
        EventKind.COURSE,
        "日本語で話そう 交流会",
        "外国にルーツのある方と地域の方が、やさしい日本語で話す交流会です。",
        "やさしい にほんごで はなしましょう。",
        "Let's talk in Japanese",
        "A meeting where residents with roots abroad and neighbours talk in easy Japanese.",
        [AudienceKind.FOREIGN_ROOTS],
        25,
        "無料",
        14,
        2,
    ),
    (
        EventKind.SALON,
        "みんなのカフェ（障害のある方もない方も）",
        "障害のある方もない方も、一緒にお茶とおしゃべりを楽しむカフェです。手話のできるスタッフがいます。",
        "だれでも きて ください。しゅわが できる ひとが います。",
        "Café for everyone",
        "",
        [AudienceKind.DISABILITY],
        20,
        "200円",
        13,
        2,
    ),
    (
        EventKind.MEETING,
        "若者ボランティア説明会",
        "地域で活動したい高校生・大学生向けの説明会です。",
        "",
        "Volunteering for young people",
        "",
        [AudienceKind.YOUTH],
        30,
        "無料",
        18,
        1,
    ),
    (
        EventKind.FESTIVAL,
        "地域ふれあいまつり",
        "模擬店、ステージ、子ども向けのゲームコーナーがあります。どなたでもお越しください。",
        "おみせや ゲームが あります。だれでも きて ください。",
        "Community festival",
        "Food stalls, a stage and games for children. Everyone welcome.",
        [],
        None,
        "無料（模擬店は有料）",
        11,
        5,
    ),
]

ARTICLES = [
    (
        "地域福祉計画の説明会を開きます",
        "区の地域福祉計画について、各地域で説明会を開きます。日程は行事の一覧をご覧ください。",
        "Briefings on the ward's community welfare plan",
        [],
    ),
    (
        "防災マップを更新しました",
        "区の防災マップを更新しました。区役所の窓口と出張所で配布しています。",
        "The ward's disaster map has been updated",
        [],
    ),
    (
        "子育て相談の窓口のご案内",
        "子育てについて困ったときは、区役所の子育て支援の窓口にご相談ください。",
        "",
        [AudienceKind.PARENTING],
    ),
    (
        "見守りボランティアを募集しています",
        "一人暮らしの高齢者の見守り活動に協力してくださる方を募集しています。",
        "",
        [AudienceKind.ELDERLY, AudienceKind.YOUTH],
    ),
]


def clear_events() -> None:
    """Events, articles and sign-ups name districts and organisations a replaced ward deletes (PROTECT)."""
    for model in (Signup, EventTranslation, ArticleTranslation, Event, Article):
        model.objects.all().delete()


def generate_events(*, municipality: Municipality, seed: int, today: datetime.date, progress) -> int:  # noqa: ANN001
    rng = random.Random(f"events-{seed}")  # noqa: S311 - reproducible demo data, not secrets
    districts = list(District.objects.filter(municipality=municipality, district_type__code="school").order_by("code"))
    organisers = list(
        Organisation.objects.filter(
            municipality=municipality,
            kind__in=[OrganisationKind.SHAKYO, OrganisationKind.CARE_PLAZA, OrganisationKind.NEIGHBOURHOOD],
        ).order_by("pk")
    )
    ward_office = Organisation.objects.filter(municipality=municipality, kind=OrganisationKind.WARD_WELFARE).first()
    published = datetime.datetime.combine(today - datetime.timedelta(days=14), datetime.time(9), tzinfo=JST)
    count = 0
    for week in range(MONTHS * 52 // 12):
        for _ in range(rng.randint(2, 4)):
            kind, title, body, easy, en_title, en_body, audiences, capacity, cost, hour, hours = rng.choice(TEMPLATES)
            day = today + datetime.timedelta(days=week * 7 + rng.randint(1, 7))
            start = datetime.datetime.combine(day, datetime.time(hour, rng.choice((0, 30))), tzinfo=JST)
            whole_ward = kind == EventKind.FESTIVAL and rng.random() < 0.5
            district = None if whole_ward or not districts else rng.choice(districts)
            event = Event.objects.create(
                municipality=municipality,
                district=district,
                kind=kind,
                title=f"{district.name} {title}" if district else title,
                body=body,
                easy_body=easy,
                place=f"{district.name}会館" if district else f"{municipality.name}民センター",
                starts_at=start,
                ends_at=start + datetime.timedelta(hours=hours),
                cost=cost,
                capacity=capacity,
                signups_open=capacity is not None,
                organisation=rng.choice(organisers) if organisers else ward_office,
                contact="06-0000-0000（デモ）",
                is_published=True,
                published_at=published,
            )
            event.audiences.set(audiences_for(audiences))
            if en_title:
                EventTranslation.objects.create(event=event, language="en", title=en_title, body=en_body)
            if capacity is not None:
                _signups(event, rng)
            count += 1
    for title, body, en_title, audiences in ARTICLES:
        article = Article.objects.create(
            municipality=municipality,
            title=title,
            body=body,
            organisation=ward_office,
            organiser_name="" if ward_office else municipality.name,
            is_published=True,
            published_at=published,
        )
        article.audiences.set(audiences_for(audiences))
        if en_title:
            ArticleTranslation.objects.create(article=article, language="en", title=en_title, body="")
    progress(gettext("行事：{count}件、お知らせ：{articles}件").format(count=count, articles=len(ARTICLES)))
    return count


def _signups(event: Event, rng: random.Random) -> None:
    """Some sign-ups, named and anonymous; one event in eight is full with a waiting list."""
    full = rng.random() < 0.125
    taken = event.capacity if full else rng.randint(0, event.capacity // 2)
    number = 0
    while taken > 0:
        party = min(rng.randint(1, 3), taken)
        number += 1
        anonymous = rng.random() < 0.3
        Signup.objects.create(
            event=event,
            name="" if anonymous else f"参加者{number}（デモ）",
            contact="" if anonymous else f"090-0000-{number:04d}",
            head_count=party,
            status=SignupStatus.CONFIRMED,
            token_hash=token_digest(f"demo-{event.pk}-{number}"),
        )
        taken -= party
    if full:
        Signup.objects.create(
            event=event,
            name="キャンセル待ち（デモ）",
            head_count=1,
            status=SignupStatus.WAITING,
            token_hash=token_digest(f"demo-{event.pk}-waiting"),
        )
