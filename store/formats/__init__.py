"""Gold formats: one pure converter module per format (``read``/``export`` over ``GoldDoc``
records from ``common``), listed by name in ``registry``. No store access, no terminal."""
