"""Evaluation records (绩效评价记录): one printable, verifiable PDF per contracted project.

``data`` builds a record's plain data from the database; ``render`` turns it into a PDF
(Jinja2 + WeasyPrint, imported only when a record is printed); ``verify`` checks a printed
file against the database; ``batch`` prints a year's records across processes; ``fonts``
checks the system packages printing needs.
"""
