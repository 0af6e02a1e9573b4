"""Settings for building the tinhoi site locally (``make html``)."""

AUTHOR = "Ban biên tập"
SITENAME = "Tin hội Khuyến học"
SITESUBTITLE = "Tin tức hoạt động khuyến học, khuyến tài, xây dựng xã hội học tập"
SITEURL = ""

PATH = "content"
ARTICLE_PATHS = [""]
ARTICLE_EXCLUDES = ["pages", "images"]
PAGE_PATHS = ["pages"]
STATIC_PATHS = []  # photos are copied when an article links them
OUTPUT_PATH = "output"
THEME = "theme"

TIMEZONE = "Asia/Ho_Chi_Minh"
DEFAULT_LANG = "vi"
DEFAULT_DATE = None
DEFAULT_PAGINATION = 10
SUMMARY_MAX_LENGTH = 60

PLUGIN_PATHS = ["plugins"]
PLUGINS = [
    "tinhoi_content", "vietnamese", "site_extras", "search",
    "events", "organisations", "taxonomy", "structured_data", "schedule",
    "feeds", "calendars", "images", "render",
]
# Extra front-matter fields: `id` pins an article's feed and calendar identity when its
# file moves; `gallery` lists an article's photo gallery (plugins/images).
TINHOI_EXTRA_FIELDS = ("id", "gallery")

MARKDOWN = {
    "extension_configs": {
        "markdown.extensions.extra": {},
        "markdown.extensions.sane_lists": {},
    },
    "output_format": "html5",
}

# Vietnamese URLs; every page is a folder with an index.html.
ARTICLE_URL = "{date:%Y}/{slug}/"
ARTICLE_SAVE_AS = "{date:%Y}/{slug}/index.html"
DRAFT_URL = "ban-nhap/{slug}/"
DRAFT_SAVE_AS = "ban-nhap/{slug}/index.html"
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = "{slug}/index.html"
CATEGORY_URL = "chuyen-muc/{slug}/"
CATEGORY_SAVE_AS = "chuyen-muc/{slug}/index.html"
CATEGORIES_URL = "chuyen-muc/"
CATEGORIES_SAVE_AS = "chuyen-muc/index.html"
TAG_URL = "chu-de/{slug}/"
TAG_SAVE_AS = "chu-de/{slug}/index.html"
TAGS_URL = "chu-de/"
TAGS_SAVE_AS = "chu-de/index.html"
AUTHOR_URL = "tac-gia/{slug}/"
AUTHOR_SAVE_AS = "tac-gia/{slug}/index.html"
AUTHORS_URL = "tac-gia/"
AUTHORS_SAVE_AS = "tac-gia/index.html"
ARCHIVES_URL = "luu-tru/"
ARCHIVES_SAVE_AS = "luu-tru/index.html"
YEAR_ARCHIVE_URL = "luu-tru/{date:%Y}/"
YEAR_ARCHIVE_SAVE_AS = "luu-tru/{date:%Y}/index.html"
MONTH_ARCHIVE_URL = "luu-tru/{date:%Y}/{date:%m}/"
MONTH_ARCHIVE_SAVE_AS = "luu-tru/{date:%Y}/{date:%m}/index.html"
PAGINATION_PATTERNS = (
    (1, "{url}", "{save_as}"),
    (2, "{base_name}/trang/{number}/", "{base_name}/trang/{number}/index.html"),
)
INDEX_SAVE_AS = "index.html"
DIRECT_TEMPLATES = ["index", "tags", "categories", "authors", "archives", "search"]
SEARCH_URL = "tim-kiem/"
SEARCH_SAVE_AS = "tim-kiem/index.html"

# Feeds are written by our own feed plugin (feedgen); Pelican's writer stays off.
FEED_ALL_ATOM = None
FEED_ALL_RSS = None
CATEGORY_FEED_ATOM = None
CATEGORY_FEED_RSS = None
TAG_FEED_ATOM = None
TAG_FEED_RSS = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
TRANSLATION_FEED_ATOM = None

DELETE_OUTPUT_DIRECTORY = False
CACHE_CONTENT = False
RELATIVE_URLS = True

# One organisation written two ways is one page.
ORGANISATIONS_ALIASES = {
    "Đoàn Thanh niên quận Cầu Giấy": "Đoàn TNCS Hồ Chí Minh quận Cầu Giấy",
}

MENUITEMS = ()
LINKS = ()
SOCIAL = ()

# Front-matter is untrusted: every template value is escaped unless marked safe.
# Templates are not checked for changes on every use: each build makes its environment
# anew (the live preview included), and the check was 1.5% of a cold build.
JINJA_ENVIRONMENT = {"trim_blocks": True, "lstrip_blocks": True, "autoescape": True,
                     "auto_reload": False}

# Only Markdown with a YAML front-matter is content here (the rst reader would
# also warn that docutils has no Vietnamese).
READERS = {"rst": None, "html": None, "htm": None}
