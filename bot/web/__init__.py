"""The web side: web chat for people, console for KI staff and editors, operations endpoints."""
