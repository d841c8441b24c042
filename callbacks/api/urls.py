from django.urls import path

from . import called_in, views

urlpatterns = [
    path("config", views.ConfigView.as_view(), name="api-config"),
    path("slots", views.SlotsView.as_view(), name="api-slots"),
    path("ping", views.PingView.as_view(), name="api-ping"),
    path("agent-session", views.AgentSessionView.as_view(), name="api-agent-session"),
    path("callbacks", views.CallbackListCreateView.as_view(), name="api-callbacks"),
    path("callbacks/validate", views.ValidateView.as_view(), name="api-validate"),
    path("callbacks/<int:pk>", views.CallbackDetailView.as_view(), name="api-callback"),
    path("callbacks/<int:pk>/reschedule", views.RescheduleView.as_view(), name="api-reschedule"),
    path("callbacks/<int:pk>/cancel", views.CancelView.as_view(), name="api-cancel"),
    path("callbacks/<int:pk>/delivered", views.DeliveredView.as_view(), name="api-delivered"),
    path("ivr/callbacks", views.IvrCreateView.as_view(), name="api-ivr-create"),
    path("ivr/called-in", called_in.IvrCalledInView.as_view(), name="api-ivr-called-in"),
    path(
        "ivr/callbacks/<str:account_number>",
        views.IvrRouteView.as_view(),
        name="api-ivr-route",
    ),
    path(
        "ivr/callbacks/<str:account_number>/outcome",
        views.IvrOutcomeView.as_view(),
        name="api-ivr-outcome",
    ),
]
