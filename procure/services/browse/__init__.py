"""Read services behind the browser pages and ``procure show``: who may read what, project
lists, the dashboard, an organization's own work (我的项目, :mod:`.organization`) and one
project's detail and history (:mod:`.project_view`).

Everything here reads and returns plain data (dataclasses of str, int, Decimal); nothing
changes the database, renders HTML or knows about HTTP.
"""
