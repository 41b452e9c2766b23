from django.http import HttpResponse


def publication_list(request):
    return HttpResponse("publications")


def publication_detail(request, slug):
    return HttpResponse(slug)
