"""Placeholder views: the pledge issue replaces these."""

from django.shortcuts import render


def pledge_start(request):
    return render(request, "resources/home.html")


def roster(request):
    return render(request, "resources/home.html")
