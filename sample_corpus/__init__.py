"""The sample corpus: five Arabic news pages exactly as scraped.

Shipped as package data (installed as ``store.sample_corpus``) so ``warraq`` with no
argument opens them after a plain ``pip install .`` as well as in a checkout.
"""
