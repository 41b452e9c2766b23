"""Fields kept once per language (name_en, name_be, name_ru ...) by django-modeltranslation.

Each historical model (django-simple-history) is registered with the same fields, so the
history keeps every language rather than failing on the per-language columns.
"""

from modeltranslation.translator import TranslationOptions, translator

from solidarity.cases import models


def register(model):
    def decorator(options):
        translator.register([model, model.history.model], options)
        return options

    return decorator


@register(models.Organisation)
class OrganisationTranslation(TranslationOptions):
    fields = ("name",)


@register(models.Person)
class PersonTranslation(TranslationOptions):
    fields = ("name", "biography")


@register(models.Membership)
class MembershipTranslation(TranslationOptions):
    fields = ("role",)


@register(models.Charge)
class ChargeTranslation(TranslationOptions):
    fields = ("label",)


@register(models.Proceeding)
class ProceedingTranslation(TranslationOptions):
    fields = ("outcome",)


@register(models.Decision)
class DecisionTranslation(TranslationOptions):
    fields = ("body", "summary", "quotation")


@register(models.CaseUpdate)
class CaseUpdateTranslation(TranslationOptions):
    fields = ("title", "text")
