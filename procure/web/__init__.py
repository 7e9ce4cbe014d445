"""The browser face of procure: thin routes over the same services as the CLI.

Routes parse a request, call a service with the signed-in account, and render a
server-side Jinja2 page; plain HTML forms work without JavaScript. Build the app
with :func:`procure.web.app.create_app`; nothing is created at import time.
"""
