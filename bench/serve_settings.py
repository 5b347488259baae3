"""fourfold's own settings, with one bare Django view added (``bench/serve_urls.py``): the
baseline the member pages are measured against, served by the same server in the same run."""

from fourfold.settings import *  # noqa: F403

ROOT_URLCONF = "bench.serve_urls"
