"""The demo's year walked in a browser (a module with its own database and server)."""
