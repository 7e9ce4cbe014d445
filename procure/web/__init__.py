"""The browser face of procure: thin routes over the same services as the CLI.

Routes parse a request, call a service with the signed-in account, and render a
server-side Jinja2 page; plain HTML forms work without JavaScript. One same-origin script
(``templates/web/static/enhance.js``, no inline script: the policy forbids it) only adds what
a phone and a screen reader gain from it: column names on table cards, errors tied to their
inputs where a page did not tie them. Build the app
with :func:`procure.web.app.create_app`; nothing is created at import time.
"""
