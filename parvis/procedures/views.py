from django.shortcuts import render


def placeholder(request, slug=None):
    return render(request, "ui/home.html")
