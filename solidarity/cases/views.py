from django.http import HttpResponse


def case_list(request):
    return HttpResponse("cases")


def case_detail(request, slug):
    return HttpResponse(slug)
