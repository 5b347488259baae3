"""Without chromium the browser tests skip on a developer's machine and fail loudly in CI."""

import pytest

from fourfold.web.tests.conftest import without_chromium


def test_without_chromium_the_browser_tests_fail_in_ci():
    with pytest.raises(pytest.fail.Exception, match="chromium is missing"):
        without_chromium({"CI": "true"})


@pytest.mark.parametrize("environ", [{}, {"CI": "false"}, {"CI": ""}])
def test_without_chromium_the_browser_tests_skip_outside_ci(environ):
    with pytest.raises(pytest.skip.Exception, match="chromium is missing"):
        without_chromium(environ)
