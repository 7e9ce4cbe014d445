"""Read services behind the browser pages: who may read what, project lists, the dashboard.

Everything here reads and returns plain data (dataclasses of str, int, Decimal); nothing
changes the database, renders HTML or knows about HTTP.
"""
