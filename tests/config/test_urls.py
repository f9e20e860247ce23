"""The URL map: one API root for every resource."""


def test_the_api_root_lists_every_resource(coordinator_api):
    listed = coordinator_api.get("/api/v1/", HTTP_ACCEPT="application/json").json()
    for resource in ("contacts", "organisations", "forums", "participations", "consents",
                     "mailings", "templates", "invitations"):  # fmt: skip
        assert resource in listed
