"""Demonstration data: the case of Ales Bialiatski, three fictional people, four publications.

The facts about Ales Bialiatski are public; the wording is ours. The fictional people and the
press officer exist only to show the filters and confidentiality, and say so in their names.
Everything is marked `is_demo`. Loading twice leaves the same data (people and organisations
are upserted by slug, their records replaced, publications updated by language and slug).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from django.db import transaction

from solidarity.cases import interchange
from solidarity.cases.models import Organisation, Person
from solidarity.publications.models import MediaContact, Publication, Tag

ALES = "ales-bialiatski"
STATEMENT_GROUP = uuid.uuid5(uuid.NAMESPACE_URL, "https://solidarity.example.org/demo/statement")
NEWS_GROUP = uuid.uuid5(uuid.NAMESPACE_URL, "https://solidarity.example.org/demo/nobel-news")

CRIMINAL_CODE = "Criminal Code of the Republic of Belarus"
DEMO_NOTE = {
    "en": "Fictional: demonstration data, not about a real person.",
    "be": "Выдумка: дэманстрацыйныя даныя, не пра рэальнага чалавека.",
    "ru": "Вымысел: демонстрационные данные, не о реальном человеке.",
}


def _t(en: str, be: str, ru: str) -> dict[str, str]:
    return {"en": en, "be": be, "ru": ru}


def _record(**values) -> dict:
    """A record with the confidentiality fields every record carries."""
    return {"confidentiality": "public", "restricted_fields": [], "sources": [], **values}


def _episode(charges=(), proceedings=(), sentences=(), places=(), **values) -> dict:
    return _record(
        **{"arrest_place": "", "release_date": None, "release_mode": "", "notes": "", **values},
        charges=list(charges),
        proceedings=list(proceedings),
        sentences=list(sentences),
        places=list(places),
    )


ORGANISATIONS = [
    _record(
        slug="viasna",
        name=_t(
            "Human Rights Centre “Viasna”",
            "Праваабарончы цэнтр «Вясна»",
            "Правозащитный центр «Весна»",
        ),
        abbreviation="Viasna",
        country="BY",
        url="https://spring96.org/",
        is_demo=True,
    ),
    _record(
        slug="fidh",
        name=_t(
            "International Federation for Human Rights",
            "Міжнародная федэрацыя за правы чалавека",
            "Международная федерация за права человека",
        ),
        abbreviation="FIDH",
        country="FR",
        url="https://www.fidh.org/",
        is_demo=True,
    ),
    _record(
        slug="demo-solidarity-network",
        name=_t(
            "Demo Solidarity Network (fictional)",
            "Дэманстрацыйная сетка салідарнасці (выдуманая)",
            "Демонстрационная сеть солидарности (вымышленная)",
        ),
        abbreviation="DSN",
        country="",
        url="",
        is_demo=True,
    ),
]

BIALIATSKI = _record(
    slug=ALES,
    name=_t("Ales Bialiatski", "Алесь Бяляцкі", "Алесь Беляцкий"),
    other_names=["Aleś Bialacki", "Ales Byalyatski", "Ales Belyatsky"],
    birth_date=None,
    gender="male",
    country="BY",
    time_zone="Europe/Minsk",
    photo="",
    photo_credit="",
    biography=_t(
        "A Belarusian human-rights defender who leads the Human Rights Centre “Viasna” and "
        "serves as a vice-president of the International Federation for Human Rights (FIDH). "
        "He has been imprisoned twice because of his human-rights work and shared the 2022 "
        "Nobel Peace Prize while in prison.",
        "Беларускі праваабаронца, які ўзначальвае Праваабарончы цэнтр «Вясна» і з'яўляецца "
        "віцэ-прэзідэнтам Міжнароднай федэрацыі за правы чалавека (FIDH). Яго двойчы "
        "пазбаўлялі волі за праваабарончую працу; у 2022 годзе, знаходзячыся за кратамі, ён "
        "стаў адным з лаўрэатаў Нобелеўскай прэміі міру.",
        "Белорусский правозащитник, возглавляющий Правозащитный центр «Весна» и являющийся "
        "вице-президентом Международной федерации за права человека (FIDH). Его дважды "
        "лишали свободы за правозащитную работу; в 2022 году, находясь в заключении, он стал "
        "одним из лауреатов Нобелевской премии мира.",
    ),
    identifiers={},
    is_demo=True,
    sources=["https://spring96.org/", "https://www.fidh.org/"],
    memberships=[
        _record(
            organisation="viasna",
            role=_t("Chair", "Старшыня", "Председатель"),
            start_date=None,
            end_date=None,
        ),
        _record(
            organisation="fidh",
            role=_t("Vice-president", "Віцэ-прэзідэнт", "Вице-президент"),
            start_date=None,
            end_date=None,
        ),
    ],
    episodes=[
        _episode(
            arrest_date="2011-08-04",
            arrest_place="Minsk",
            release_date="2014-06-21",
            release_mode="amnesty",
            sources=["https://spring96.org/"],
            charges=[
                _record(
                    code=CRIMINAL_CODE,
                    article="243",
                    part="2",
                    label=_t(
                        "Tax evasion",
                        "Ухіленне ад выплаты падаткаў",
                        "Уклонение от уплаты налогов",
                    ),
                )
            ],
            proceedings=[
                _record(
                    court="Pershamaiski District Court of Minsk",
                    date="2011-11-24",
                    stage="first_instance",
                    outcome=_t(
                        "Convicted: four and a half years in a reinforced-regime colony, "
                        "with confiscation of property.",
                        "Асуджаны: чатыры з паловай гады калоніі ўзмоцненага рэжыму з "
                        "канфіскацыяй маёмасці.",
                        "Осуждён: четыре с половиной года колонии усиленного режима с "
                        "конфискацией имущества.",
                    ),
                ),
                _record(
                    court="Minsk City Court",
                    date="2012-01-24",
                    stage="appeal",
                    outcome=_t(
                        "Appeal rejected; the sentence stood.",
                        "Апеляцыю адхілілі; прысуд пакінулі ў сіле.",
                        "Апелляцию отклонили; приговор оставили в силе.",
                    ),
                ),
            ],
            sentences=[
                _record(
                    date="2011-11-24",
                    term="P4Y6M",
                    regime="reinforced",
                    fine_amount=None,
                    fine_currency="",
                    confiscation=True,
                )
            ],
            places=[
                _record(
                    name="Penal colony No. 2, Babruisk",
                    start_date=None,
                    end_date=None,
                    postal_address="",
                )
            ],
        ),
        _episode(
            arrest_date="2021-07-14",
            notes=(
                "Demonstration of a restricted field: this note is shown only to signed-in "
                "organisers, never on public pages, feeds, the API or public exports."
            ),
            restricted_fields=["notes"],
            sources=["Public reports, as of 2023"],
            sentences=[
                _record(
                    date="2023-03-03",
                    term="P10Y",
                    regime="",
                    fine_amount=None,
                    fine_currency="",
                    confiscation=False,
                    sources=["Public reports, as of 2023"],
                )
            ],
        ),
    ],
    decisions=[
        _record(
            kind="decision",
            body_type="un_wgad",
            body=_t(
                "UN Working Group on Arbitrary Detention",
                "Працоўная група ААН па адвольных затрыманнях",
                "Рабочая группа ООН по произвольным задержаниям",
            ),
            reference="Opinion No. 39/2012 (Belarus)",
            document_symbol="A/HRC/WGAD/2012/39",
            adopted_on=None,
            published_on=None,
            session="64th session, 27–31 August 2012",
            finding="arbitrary",
            summary=_t(
                "The Working Group concluded that holding Ales Bialiatski deprived him of his "
                "liberty arbitrarily.",
                "Працоўная група прыйшла да высновы, што ўтрыманне Алеся Бяляцкага пад вартай "
                "было адвольным пазбаўленнем волі.",
                "Рабочая группа пришла к выводу, что содержание Алеся Беляцкого под стражей "
                "является произвольным лишением свободы.",
            ),
            url="https://undocs.org/A/HRC/WGAD/2012/39",
            sources=["https://undocs.org/A/HRC/WGAD/2012/39"],
        ),
        _record(
            kind="statement",
            body_type="un_special_rapporteur",
            body=_t(
                "UN Special Rapporteur on the situation of human rights in Belarus, "
                "Miklós Haraszti",
                "Спецыяльны дакладчык ААН па сітуацыі з правамі чалавека ў Беларусі Міклаш Харасці",
                "Специальный докладчик ООН по ситуации с правами человека в Беларуси "
                "Миклош Харасти",
            ),
            reference="",
            document_symbol="",
            adopted_on="2013-08-02",
            published_on="2013-08-02",
            session="",
            finding="concern",
            summary=_t(
                "In our summary: the rapporteur held that Bialiatski is imprisoned for human-"
                "rights work that was legitimate, that raising money so that Viasna could go "
                "on working was in line with international human-rights law, and that his "
                "health gives cause for concern.",
                "Паводле нашага пераказу: дакладчык заявіў, што Бяляцкі зняволены за законную "
                "праваабарончую дзейнасць, што збор сродкаў на працу «Вясны» адпавядаў "
                "міжнародным стандартам правоў чалавека і што стан яго здароўя выклікае "
                "занепакоенасць.",
                "В нашем пересказе: докладчик заявил, что Беляцкий заключён за законную "
                "правозащитную деятельность, что сбор средств на работу «Весны» "
                "соответствовал международному праву в области прав человека и что состояние "
                "его здоровья вызывает беспокойство.",
            ),
            url="",
            sources=["Statement of the UN Special Rapporteur on Belarus, 2 August 2013"],
        ),
    ],
    updates=[
        _record(
            date="2013-08-02",
            kind="health",
            title=_t(
                "Concern for his health in prison",
                "Непакой за яго здароўе ў зняволенні",
                "Беспокойство о его здоровье в заключении",
            ),
            text=_t(
                "The UN Special Rapporteur on Belarus joined human-rights groups in voicing "
                "concern about his state of health in the colony.",
                "Спецыяльны дакладчык ААН па Беларусі далучыўся да праваабарончых арганізацый, "
                "якія выказвалі непакой за стан яго здароўя ў калоніі.",
                "Специальный докладчик ООН по Беларуси присоединился к правозащитным "
                "организациям, выразившим беспокойство о состоянии его здоровья в колонии.",
            ),
        ),
        _record(
            date="2022-10-07",
            kind="other",
            title=_t(
                "Nobel Peace Prize 2022",
                "Нобелеўская прэмія міру 2022 года",
                "Нобелевская премия мира 2022 года",
            ),
            text=_t(
                "He was named one of the laureates of the 2022 Nobel Peace Prize while in "
                "detention.",
                "Яго назвалі адным з лаўрэатаў Нобелеўскай прэміі міру 2022 года, калі ён "
                "знаходзіўся пад вартай.",
                "Его назвали одним из лауреатов Нобелевской премии мира 2022 года, когда он "
                "находился под стражей.",
            ),
            sources=["https://www.nobelprize.org/prizes/peace/2022/"],
        ),
        _record(
            date="2023-03-03",
            kind="legal",
            title=_t(
                "Sentenced to ten years",
                "Асуджаны да дзесяці гадоў",
                "Приговорён к десяти годам",
            ),
            text=_t(
                "As of 2023, according to public reports, a court in Minsk sentenced him to "
                "ten years' imprisonment.",
                "Паводле публічных паведамленняў, на 2023 год суд у Мінску прысудзіў яму "
                "дзесяць гадоў пазбаўлення волі.",
                "По публичным сообщениям, по состоянию на 2023 год суд в Минске приговорил его "
                "к десяти годам лишения свободы.",
            ),
            sources=["Public reports, as of 2023"],
        ),
    ],
)


def _fictional(slug: str, letter: str, **values) -> dict:
    return _record(
        slug=slug,
        name=_t(
            f"Demo Person {letter} (fictional)",
            f"Дэма-асоба {letter} (выдуманая)",
            f"Демо-персона {letter} (вымышленная)",
        ),
        other_names=[],
        birth_date=None,
        gender="",
        photo="",
        photo_credit="",
        biography=_t(
            f"{DEMO_NOTE['en']} Used to try out filters and confidentiality.",
            f"{DEMO_NOTE['be']} Для праверкі фільтраў і канфідэнцыйнасці.",
            f"{DEMO_NOTE['ru']} Для проверки фильтров и конфиденциальности.",
        ),
        identifiers={},
        is_demo=True,
        decisions=[],
        updates=[],
        **values,
    )


FICTIONAL = [
    _fictional(
        "demo-person-a",
        "A",
        country="BY",
        time_zone="Europe/Minsk",
        memberships=[
            _record(
                organisation="demo-solidarity-network",
                role=_t("Member", "Удзельнік", "Участник"),
                start_date="2018-01-01",
                end_date=None,
            )
        ],
        episodes=[
            _episode(
                arrest_date="2022-03-01",
                arrest_place="Demo Town (fictional)",
                places=[
                    _record(
                        name="Demo detention centre (fictional)",
                        start_date="2022-03-01",
                        end_date=None,
                        postal_address="Demo Street 1, Demo Town (fictional)",
                        restricted_fields=["postal_address"],
                    )
                ],
            )
        ],
    ),
    _fictional(
        "demo-person-b",
        "B",
        country="KZ",
        time_zone="Asia/Almaty",
        memberships=[],
        episodes=[
            _episode(
                arrest_date="2019-05-10",
                release_date="2020-05-10",
                release_mode="served",
                sentences=[
                    _record(
                        date="2019-09-02",
                        term="P1Y",
                        regime="general",
                        fine_amount="500.00",
                        fine_currency="EUR",
                        confiscation=False,
                        restricted_fields=["fine_amount"],
                    )
                ],
            )
        ],
    ),
    _fictional(
        "demo-person-c",
        "C",
        country="BY",
        time_zone="Europe/Minsk",
        confidentiality="restricted",
        memberships=[],
        episodes=[_episode(arrest_date="2023-09-15")],
    ),
]

DOCUMENT = {
    "format": "solidarity-cases",
    "version": 1,
    "organisations": ORGANISATIONS,
    "cases": [BIALIATSKI, *FICTIONAL],
}

MEDIA_CONTACT = {
    "name": "Demo Press Officer (fictional)",
    "role": "Press officer, Demo Solidarity Network",
    "phone": "+00 000 000 000",
    "email": "press@example.org",
}

STATEMENT_BODY = {
    "en": (
        "<p><em>Demonstration content.</em></p>"
        "<p>We ask the authorities of Belarus to free Ales Bialiatski at once and without "
        "conditions. He was first jailed on 4 August 2011 for defending human rights, and "
        "the UN Working Group on Arbitrary Detention found that detention arbitrary.</p>"
    ),
    "be": (
        "<p><em>Дэманстрацыйны змест.</em></p>"
        "<p>Мы просім уладу Беларусі неадкладна і без умоў вызваліць Алеся Бяляцкага. "
        "Упершыню яго кінулі за краты 4 жніўня 2011 года за абарону правоў чалавека, і "
        "Працоўная група ААН па адвольных затрыманнях прызнала тое затрыманне адвольным.</p>"
    ),
    "ru": (
        "<p><em>Демонстрационное содержание.</em></p>"
        "<p>Мы призываем власти Беларуси немедленно и без условий освободить Алеся "
        "Беляцкого. Впервые его лишили свободы 4 августа 2011 года за защиту прав человека, "
        "и Рабочая группа ООН по произвольным задержаниям признала то задержание "
        "произвольным.</p>"
    ),
}

PUBLICATIONS = [
    {
        "kind": Publication.Kind.STATEMENT,
        "language": "en",
        "slug": "free-ales-bialiatski",
        "translation_group": STATEMENT_GROUP,
        "title": "Free Ales Bialiatski",
        "summary": "Our call for the release of the chair of Viasna (demonstration statement).",
        "body": STATEMENT_BODY["en"],
        "published_at": datetime(2023, 8, 4, 9, 0, tzinfo=UTC),
    },
    {
        "kind": Publication.Kind.STATEMENT,
        "language": "be",
        "slug": "volju-alesju-bialiackamu",
        "translation_group": STATEMENT_GROUP,
        "title": "Волю Алесю Бяляцкаму",
        "summary": "Наш заклік вызваліць старшыню «Вясны» (дэманстрацыйная заява).",
        "body": STATEMENT_BODY["be"],
        "published_at": datetime(2023, 8, 4, 9, 0, tzinfo=UTC),
    },
    {
        "kind": Publication.Kind.STATEMENT,
        "language": "ru",
        "slug": "svobodu-alesju-beljackomu",
        "translation_group": STATEMENT_GROUP,
        "title": "Свободу Алесю Беляцкому",
        "summary": "Наш призыв освободить председателя «Весны» (демонстрационное заявление).",
        "body": STATEMENT_BODY["ru"],
        "published_at": datetime(2023, 8, 4, 9, 0, tzinfo=UTC),
    },
    {
        "kind": Publication.Kind.NEWS,
        "language": "en",
        "slug": "bialiatski-nobel-peace-prize-2022",
        "translation_group": NEWS_GROUP,
        "title": "Ales Bialiatski among the 2022 Nobel Peace Prize laureates",
        "summary": "The prize went to him while he was in prison (demonstration news item).",
        "body": (
            "<p><em>Demonstration content.</em></p>"
            "<p>The Norwegian Nobel Committee named Ales Bialiatski one of the laureates of "
            "the 2022 Peace Prize. He received the news in detention, more than a year after "
            "his second arrest on 14 July 2021.</p>"
        ),
        "published_at": datetime(2022, 10, 7, 12, 0, tzinfo=UTC),
    },
]


def load_demo() -> None:
    """Load (or reload) all demonstration data in one transaction."""
    with transaction.atomic():
        interchange.import_document(DOCUMENT)
        _load_publications()


def _load_publications() -> None:
    ales = Person.objects.get(slug=ALES)
    tag, _created = Tag.objects.update_or_create(slug="belarus", defaults={"name": "Belarus"})
    for values in PUBLICATIONS:
        values = dict(values)
        publication, _created = Publication.objects.update_or_create(
            language=values.pop("language"),
            slug=values.pop("slug"),
            defaults={**values, "status": Publication.Status.PUBLISHED, "is_demo": True},
        )
        publication.related_cases.set([ales])
        publication.tags.set([tag])
        publication.countries = ["BY"]
        publication.save(update_fields=["countries"])
        publication.media_contacts.all().delete()
        MediaContact.objects.create(publication=publication, **MEDIA_CONTACT)


def demo_counts() -> dict[str, int]:
    """What `load_demo` leaves, for its report."""
    return {
        "people": Person.objects.filter(is_demo=True).count(),
        "organisations": Organisation.objects.filter(is_demo=True).count(),
        "publications": Publication.objects.filter(is_demo=True).count(),
    }
