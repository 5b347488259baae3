"""Data portability: a whole co-op as one versioned JSON document, and back again."""
