"""Pure domain rules: money, USCC, scorecards, grades and the renewal policy.

Nothing here touches a database, a file system handle beyond reading given
paths, or a framework: these are the rules a finance officer would recite.
"""
