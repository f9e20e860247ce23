"""The Django admin, set up for coordinators: search in any script, filters, inlines, history.

Coordinators are staff users in the ``coordinator`` group; model permissions decide what
they can change, exactly as in the API. Writes that carry business rules (sectors that
follow affiliations, the organisation of the day, capacity, append-only consent) go through
the same services or checks as the API.
"""

from . import consent, contacts, forums, lists, organisations, working_groups  # noqa: F401
