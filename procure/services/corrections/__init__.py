"""Corrections and contract amendments: a wrong fact is corrected by a new record that names
the one it corrects, the reason and who did it (money needs a second person's approval); a
contract changes by numbered amendments the leader approves. The old values stay visible.
"""
