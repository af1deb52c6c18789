"""Placeholder views: the catalog issue replaces these."""

from django.http import Http404
from django.shortcuts import render


def home(request):
    return render(request, "resources/home.html")


def resource_list(request):
    return render(request, "resources/home.html")


def resource_feed(request):
    raise Http404


def resource_detail(request, slug):
    raise Http404


def resource_download(request, slug):
    raise Http404
