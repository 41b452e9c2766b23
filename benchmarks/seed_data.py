"""Many realistic cases, fast: bulk inserts of people with their whole case files.

Each person gets names in three languages, a biography per language, one or two detention
episodes (the second one ongoing when there are two), charges, a first-instance and an appeal
hearing, a sentence, a place of detention, a UN decision and a health update; some fields are
restricted, so the pages pay the cost of redaction as they would in real life.
Needs a configured Django (it is called from benchmarks/pages.py after django.setup()).
"""

from __future__ import annotations

import random
from datetime import date, timedelta

FIRST = [
    ("Ales", "Алесь", "Алесь"),
    ("Maryia", "Марыя", "Мария"),
    ("Ihar", "Ігар", "Игорь"),
    ("Nasta", "Наста", "Настя"),
    ("Andrei", "Андрэй", "Андрей"),
    ("Palina", "Паліна", "Полина"),
    ("Uladzimir", "Уладзімір", "Владимир"),
    ("Kseniya", "Ксенія", "Ксения"),
]
LAST = [
    ("Kavalenka", "Каваленка", "Коваленко"),
    ("Shauchenka", "Шаўчэнка", "Шевченко"),
    ("Bandarenka", "Бандарэнка", "Бондаренко"),
    ("Lukashevich", "Лукашэвіч", "Лукашевич"),
    ("Novik", "Новік", "Новик"),
    ("Sidarenka", "Сідарэнка", "Сидоренко"),
    ("Karpovich", "Карповіч", "Карпович"),
    ("Zhuk", "Жук", "Жук"),
]
CHARGES = [
    ("243", "2", "tax evasion", "ухіленне ад выплаты падаткаў", "уклонение от уплаты налогов"),
    (
        "342",
        "1",
        "gross violation of public order",
        "грубае парушэнне парадку",
        "грубое нарушение порядка",
    ),
    (
        "361-1",
        "1",
        "creating an extremist formation",
        "стварэнне экстрэмісцкага фармавання",
        "создание экстремистского формирования",
    ),
    ("130", "3", "incitement to hatred", "распальванне варожасці", "разжигание вражды"),
]
BIOGRAPHY = (
    "A human-rights defender who documented arbitrary detentions and helped families of "
    "political prisoners for many years. ",
    "Праваабаронца, які шмат гадоў дакументаваў адвольныя затрыманні і дапамагаў сем'ям "
    "палітвязняў. ",
    "Правозащитник, много лет документировавший произвольные задержания и помогавший семьям "
    "политзаключённых. ",
)
CODE = "Criminal Code of the Republic of Belarus"


def create_cases(count: int, *, seed: int = 2011) -> list[str]:
    """Insert `count` people with their case files; returns their slugs."""
    from solidarity.cases import models as m

    rng = random.Random(seed)
    organisation, _ = m.Organisation.objects.get_or_create(
        slug="bench-human-rights-centre",
        defaults={"name": "Bench Human Rights Centre", "abbreviation": "BHRC", "country": "BY"},
    )
    people = m.Person.objects.bulk_create(
        [_person(rng, number) for number in range(count)], batch_size=500
    )
    m.Membership.objects.bulk_create(
        [
            m.Membership(
                person=p,
                organisation=organisation,
                role="member",
                role_en="member",
                role_be="сябра",
                role_ru="член",
                start_date=date(2000 + i % 20, 1, 1),
            )
            for i, p in enumerate(people)
        ],
        batch_size=500,
    )
    episodes = m.DetentionEpisode.objects.bulk_create(
        [episode for person in people for episode in _episodes(rng, person)], batch_size=500
    )
    _case_files(rng, episodes)
    m.Decision.objects.bulk_create([_decision(rng, p) for p in people], batch_size=500)
    m.CaseUpdate.objects.bulk_create([_update(rng, p) for p in people], batch_size=500)
    return [person.slug for person in people]


def _person(rng: random.Random, number: int):
    from solidarity.cases.models import Person

    first, last = rng.choice(FIRST), rng.choice(LAST)
    names = [f"{first[i]} {last[i]}" for i in range(3)]
    return Person(
        slug=f"bench-{number:04d}-{first[0].lower()}-{last[0].lower()}",
        name=names[0],
        name_en=names[0],
        name_be=names[1],
        name_ru=names[2],
        other_names=f"{first[0]} {last[0]}i\n{last[0]} {first[0]}",
        birth_date=date(1950, 1, 1) + timedelta(days=rng.randrange(50 * 365)),
        gender=rng.choice(["female", "male"]),
        country="BY",
        time_zone="Europe/Minsk",
        biography=BIOGRAPHY[0] * 3,
        biography_en=BIOGRAPHY[0] * 3,
        biography_be=BIOGRAPHY[1] * 3,
        biography_ru=BIOGRAPHY[2] * 3,
        identifiers={"bench": str(number)},
        restricted_fields=["birth_date"] if number % 10 == 0 else [],
    )


def _episodes(rng: random.Random, person) -> list:
    from solidarity.cases.models import DetentionEpisode

    first_arrest = date(2008, 1, 1) + timedelta(days=rng.randrange(10 * 365))
    if rng.random() < 0.5:
        return [DetentionEpisode(person=person, arrest_date=first_arrest, arrest_place="Minsk")]
    release = first_arrest + timedelta(days=rng.randrange(200, 1500))
    return [
        DetentionEpisode(
            person=person,
            arrest_date=first_arrest,
            arrest_place="Minsk",
            release_date=release,
            release_mode=rng.choice(["served", "amnesty", "pardon"]),
            notes="Released after a campaign.",
            restricted_fields=["notes"],
        ),
        DetentionEpisode(
            person=person,
            arrest_date=release + timedelta(days=rng.randrange(100, 1500)),
            arrest_place="Hrodna",
        ),
    ]


def _case_files(rng: random.Random, episodes: list) -> None:
    from solidarity.cases import models as m

    charges, proceedings, sentences, places = [], [], [], []
    for episode in episodes:
        for article, part, en, be, ru in rng.sample(CHARGES, rng.randint(1, 2)):
            charges.append(
                m.Charge(
                    episode=episode,
                    code=CODE,
                    article=article,
                    part=part,
                    label=en,
                    label_en=en,
                    label_be=be,
                    label_ru=ru,
                )
            )
        trial = episode.arrest_date + timedelta(days=rng.randrange(60, 200))
        proceedings += [
            m.Proceeding(
                episode=episode,
                court="Minsk City Court",
                date=trial,
                stage="first_instance",
                outcome="Found guilty",
                outcome_en="Found guilty",
                outcome_be="Прызнаны вінаватым",
                outcome_ru="Признан виновным",
            ),
            m.Proceeding(
                episode=episode,
                court="Supreme Court",
                date=trial + timedelta(days=60),
                stage="appeal",
                outcome="Appeal rejected",
                outcome_en="Appeal rejected",
                outcome_be="Скаргу адхілілі",
                outcome_ru="Жалоба отклонена",
            ),
        ]
        sentences.append(
            m.Sentence(
                episode=episode,
                date=trial,
                term=_term(rng),
                regime=rng.choice(["general", "reinforced", "strict"]),
                confiscation=rng.random() < 0.3,
            )
        )
        places.append(
            m.DetentionPlace(
                episode=episode,
                name="Penal colony No. 9, Horki",
                start_date=trial + timedelta(days=90),
                postal_address="231310 Horki, ul. Dabrauskaha 16",
                restricted_fields=["postal_address"],
            )
        )
    m.Charge.objects.bulk_create(charges, batch_size=500)
    m.Proceeding.objects.bulk_create(proceedings, batch_size=500)
    m.Sentence.objects.bulk_create(sentences, batch_size=500)
    m.DetentionPlace.objects.bulk_create(places, batch_size=500)


def _term(rng: random.Random) -> str:
    return f"P{rng.randint(2, 10)}Y{rng.randint(0, 11)}M"


def _decision(rng: random.Random, person):
    from solidarity.cases.models import Decision

    number = rng.randint(1, 90)
    body = "UN Working Group on Arbitrary Detention"
    return Decision(
        person=person,
        kind="decision",
        body_type="un_wgad",
        body=body,
        body_en=body,
        body_be="Рабочая група ААН па адвольных затрыманнях",
        body_ru="Рабочая группа ООН по произвольным задержаниям",
        reference=f"Opinion No. {number}/2019",
        document_symbol=f"A/HRC/WGAD/2019/{number}",
        adopted_on=date(2019, 5, 1) + timedelta(days=rng.randrange(300)),
        finding="arbitrary",
        summary="The detention is arbitrary.",
        summary_en="The detention is arbitrary.",
        summary_be="Затрыманне адвольнае.",
        summary_ru="Задержание произвольно.",
    )


def _update(rng: random.Random, person):
    from solidarity.cases.models import CaseUpdate

    return CaseUpdate(
        person=person,
        date=date(2023, 1, 1) + timedelta(days=rng.randrange(600)),
        kind="health",
        title="Health concern",
        title_en="Health concern",
        title_be="Занепакоенасць здароўем",
        title_ru="Беспокойство о здоровье",
        text="Relatives report that medical care is refused.",
        text_en="Relatives report that medical care is refused.",
        text_be="Сваякі паведамляюць, што ў медычнай дапамозе адмаўляюць.",
        text_ru="Родственники сообщают, что в медицинской помощи отказывают.",
        restricted_fields=["text"] if rng.random() < 0.2 else [],
    )
