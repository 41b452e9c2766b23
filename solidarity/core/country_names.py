"""Country names that must read in Belarusian and Russian.

django-countries ships no Belarusian catalogue, and its Russian one is not loaded because it is
not an installed app. Marking its English names here puts them into our own be/ru catalogues
(`makemessages` finds the markers), and Django then translates `countries.name()` with them.
Each name must be spelled exactly as django-countries spells it in English, or nothing matches;
tests/test_translations.py checks that. To add a country, add its line and run `make messages`.
"""

from django.utils.translation import gettext_noop

# Belarus and its neighbours, the rest of the former USSR, and the states where partner
# organisations, UN bodies and the Nobel committee sit.
COUNTRY_NAMES = {
    "BY": gettext_noop("Belarus"),
    "LT": gettext_noop("Lithuania"),
    "LV": gettext_noop("Latvia"),
    "EE": gettext_noop("Estonia"),
    "PL": gettext_noop("Poland"),
    "RU": gettext_noop("Russia"),
    "UA": gettext_noop("Ukraine"),
    "MD": gettext_noop("Moldova"),
    "AZ": gettext_noop("Azerbaijan"),
    "AM": gettext_noop("Armenia"),
    "GE": gettext_noop("Georgia"),
    "KZ": gettext_noop("Kazakhstan"),
    "KG": gettext_noop("Kyrgyzstan"),
    "TJ": gettext_noop("Tajikistan"),
    "TM": gettext_noop("Turkmenistan"),
    "UZ": gettext_noop("Uzbekistan"),
    "AT": gettext_noop("Austria"),
    "BE": gettext_noop("Belgium"),
    "BG": gettext_noop("Bulgaria"),
    "CH": gettext_noop("Switzerland"),
    "CN": gettext_noop("China"),
    "CZ": gettext_noop("Czechia"),
    "DE": gettext_noop("Germany"),
    "DK": gettext_noop("Denmark"),
    "ES": gettext_noop("Spain"),
    "FI": gettext_noop("Finland"),
    "FR": gettext_noop("France"),
    "GB": gettext_noop("United Kingdom"),
    "HU": gettext_noop("Hungary"),
    "IL": gettext_noop("Israel"),
    "IR": gettext_noop("Iran"),
    "IT": gettext_noop("Italy"),
    "NL": gettext_noop("Netherlands"),
    "NO": gettext_noop("Norway"),
    "RO": gettext_noop("Romania"),
    "SE": gettext_noop("Sweden"),
    "SK": gettext_noop("Slovakia"),
    "TR": gettext_noop("Türkiye"),
    "US": gettext_noop("United States of America"),
}
