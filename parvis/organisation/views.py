from django.shortcuts import render


def placeholder(request):
    return render(request, "ui/home.html")
