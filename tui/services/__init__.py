"""App services: what screens and widgets use, with no Textual import."""
