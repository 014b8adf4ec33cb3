"""What the tests share, by kind: tiny models and the sample (`devkit`, shared with bench/), translators
that record (`engines`), the page in AppTest (`page`), entity checks and a tiny tagger (`names`), Chromium
(`browser`), PostgreSQL (`database`), the reading session's steps (`session`), images for OCR (`ocr`), a
local news site and the network guard (`web`), sign-in (`signin`). Tests import them from here: `from tests.support import …`.
"""

from devkit.samples import (  # noqa: F401
    ARABIC_SENTENCES,
    ROOT,
    SAMPLE,
    SAMPLE_PATH,
    TRAINING_ARABIC,
    TRAINING_ENGLISH,
)
from devkit.server import (  # noqa: F401
    CHROMIUM,
    CHROMIUM_ARGS,
    free_port,
    start_app,
    stop_app,
)
from devkit.tiny_models import (  # noqa: F401
    SEED,
    add_pieces,
    build_endless_marian,
    build_tiny_marian,
    train_spm,
    write_tokenizer,
)
from tests.support.browser import (  # noqa: F401
    SENTENCES,
    browser_type_launch_args,
    chromium_available,
    distinct_words,
    every_page_watched,
    held_lexicon,
    no_page_errors,
    open_reader,
    reader_analysed,
    selected_index,
    slow_reader,
)
from tests.support.database import (  # noqa: F401
    POSTGRES_MISSING,
    PostgresServer,
    postgres_bin,
)
from tests.support.engines import (  # noqa: F401
    Recording,
)
from tests.support.names import (  # noqa: F401
    assert_whole_word_span,
    tiny_documents,
    tiny_ner_model,
)
from tests.support.ocr import (  # noqa: F401
    OCR_LINES,
    arabic_png,
)
from tests.support.page import (  # noqa: F401
    analysed_page,
    analysing,
    forget_loaded_state,
    run_page,
)
from tests.support.session import (  # noqa: F401
    analysed_first,
    chosen,
    glossed,
    held_load,
)
from tests.support.signin import (  # noqa: F401
    oidc_provider,
    sign_in,
    sign_in_secrets,
)
from tests.support.web import (  # noqa: F401
    ARABIC_SLUG,
    ATOM_FEED_1256,
    ENGLISH,
    FAKE_DNS,
    FRONT_PAGE,
    LOOPBACK,
    PAGES,
    RSS_FEED,
    SLOW_DNS,
    SLOW_NAME,
    TEST_CA,
    TEST_SITE_CERT,
    Answer,
    ForbiddenTraffic,
    NewsSite,
    news_site,
    only_loopback,
    tls_news_site,
)
