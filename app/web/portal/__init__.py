"""Server-rendered customer portal pages (``/portal/...``): Jinja templates over the portal services.

Pages work without JavaScript: every action is a form posted to the server with the session's CSRF token
in a hidden field, validated there; on an error the form is shown again with field messages and what the
user typed. ``render.page`` is how every page (this package's and the payment pages') is drawn inside
``templates/portal/base.html``.
"""
