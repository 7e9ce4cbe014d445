"""procure: procurement and evaluation workflow engine for purchased services.

A trade-union federation buys worker services from social organizations; every
service project goes 立项 → 评审 → 签约 → 监管 → 考核 → renew or drop. This package
runs that lifecycle as declarative state machines, stored and audited.

Nothing is created at import time: engines, machines and settings are built by
small factory functions when they are first needed.
"""

__version__ = "0.1.0"

__all__ = ["__version__", "renew_year"]


def __getattr__(name: str) -> object:
    """Import the script API lazily, so ``import procure`` (and ``procure --help``) stays cheap."""
    if name == "renew_year":
        from procure.services.renewal.run import renew_year

        return renew_year
    raise AttributeError(f"module 'procure' has no attribute {name!r}")
