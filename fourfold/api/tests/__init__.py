import pytest

# The contract suite's steps assert as they go: their failures should read as a test's do.
pytest.register_assert_rewrite("fourfold.api.tests.contract")
