"""The admin's change-history strings, so organisers read them in Belarusian and Russian.

django-simple-history ships no be catalogue and only a ru_RU one, which Django never loads for
"ru". Marking its English strings here puts them into our own catalogues (`makemessages` finds
the markers); Django looks every string up in all catalogues, so its pages then read translated.
Each string must be spelled exactly as django-simple-history spells it. Nothing imports this
module: it exists for `makemessages`.
"""

from django.utils.translation import gettext_noop, ngettext_lazy

HISTORY_ADMIN_STRINGS = [
    gettext_noop("Change History"),
    gettext_noop("Change history: %s"),
    gettext_noop("Change reason"),
    gettext_noop("Changed"),
    gettext_noop("Changed by"),
    gettext_noop("Changes"),
    gettext_noop(
        "Choose a date from the list below to revert to a previous version of this object."
    ),
    gettext_noop("Close"),
    gettext_noop("Comment"),
    gettext_noop("Created"),
    gettext_noop("Date/time"),
    gettext_noop("Deleted"),
    gettext_noop("Deleted %(type_name)s"),
    gettext_noop("History"),
    gettext_noop("Home"),
    gettext_noop("None"),
    gettext_noop("Object"),
    gettext_noop("Press the 'Change History' button below to edit the history."),
    gettext_noop("Press the 'Revert' button below to revert to this version of the object."),
    gettext_noop("Revert"),
    gettext_noop("Revert %(verbose_name)s"),
    gettext_noop("Revert %s"),
    gettext_noop('The %(name)s "%(obj)s" was changed successfully.'),
    gettext_noop("This object doesn't have a change history."),
    gettext_noop("View %(verbose_name)s"),
    gettext_noop("View %s"),
    gettext_noop("View history: %s"),
    gettext_noop("View on site"),
    gettext_noop("You may edit it again below"),
    ngettext_lazy("entry", "entries", "count"),
]
