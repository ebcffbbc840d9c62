"""HTML of the replica's pages, after the fixture templates (bootstrap-2019 and portal-2025)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from html import escape

from humas_crawler.replica.model import DAYS, MONTHS, ReplicaArticle

SITE_NAME = "Pemerintah Provinsi Kalimantan Timur"
# Links every page's footer carries: two that robots.txt forbids and one to another host.
FOOTER_LINKS = (
    ("/admin/login", "Login Admin"),
    ("/cari?q=kaltim", "Cari Berita"),
    ("https://example.org/mitra", "Mitra Media"),
)
_TRACKING = "?utm_source=replica&utm_medium=web"


@dataclass(frozen=True)
class Chrome:
    """What every page of one served site shares: where it is served, its menu, its clock."""

    base_url: str  # "http://127.0.0.1:8765"
    categories: Mapping[str, str]  # label -> slug, menu order
    now: datetime  # the site's "server time" shown in the top bar
    # "stable": a current-site article is linked as /detailberita/<slug> (sidebars of old pages
    # aside); "shifting": listings and "latest" lists link some as /berita/<slug>, by position,
    # so an article switches form as newer items push it down.
    link_forms: str = "stable"


# ----- small parts -----------------------------------------------------------------------------


def jam(when: datetime) -> str:
    """The old site's timestamp: `01 Juli 2014 Jam 00:00:00`."""
    return f"{when.day:02d} {MONTHS[when.month - 1]} {when.year} Jam {when:%H:%M:%S}"


def portal_time(when: datetime) -> str:
    """The current site's timestamp, seconds kept: `Selasa, 30 Desember 2025 | 14:20:05 WITA`."""
    day = DAYS[when.weekday()]
    return f"{day}, {when.day} {MONTHS[when.month - 1]} {when.year} | {when:%H:%M:%S} WITA"


def _day_line(when: datetime) -> str:
    return f"{DAYS[when.weekday()]}, {when.day:02d} {MONTHS[when.month - 1]} {when.year}"


def href(
    article: ReplicaArticle,
    chrome: Chrome,
    slot: int,
    *,
    old_site: bool = False,
    position: int | None = None,
) -> str:
    """A link to `article`, escaped for an attribute, in one of several equivalent forms.

    Mostly root-relative; some absolute, with tracking parameters, a fragment or a trailing slash,
    so the crawler's canonicalization is exercised. `old_site`: the old template links every
    article as `/berita/<slug>`, current-site ones included (the server redirects those).
    `position`: the item's place in a list that shifts as articles are added; with shifting
    link forms, it picks the form of a current-site article.
    """
    old_form = old_site or (
        chrome.link_forms == "shifting" and position is not None and _old_at(article, position)
    )
    path = f"/berita/{article.slug}" if old_form else article.path
    variant = (article.id * 7 + slot * 3) % 16
    if variant == 0:
        path = chrome.base_url + path
    elif variant == 1:
        path += _TRACKING
    elif variant == 2:
        path += "#komentar"
    elif variant == 3:
        path += "/"
    return escape(path)


def _old_at(article: ReplicaArticle, position: int) -> bool:
    """Whether a list links `article` at `position` in the old form: about half the positions,
    scattered, so that any shift of the list changes the form of about half its items."""
    return ((article.id * 2654435761 + position * 40503) >> 7) & 1 == 1


def _category_href(chrome: Chrome, label: str) -> str:
    return f"/kategori/{chrome.categories.get(label, '')}"


def _excerpt(article: ReplicaArticle, limit: int = 140) -> str:
    first = article.paragraphs[0] if article.paragraphs else ""
    if len(first) <= limit:
        return first
    return first[:limit].rsplit(" ", 1)[0] + "..."


def _image(article: ReplicaArticle, kind: str = "berita") -> str:
    when = article.published
    return f"/uploads/{kind}/{when.year}/{when.month:02d}/{article.slug.strip('-')}.jpg"


def _json_script(data: object) -> str:
    text = json.dumps(data, ensure_ascii=False, indent=2).replace("</", "<\\/")
    return f'<script type="application/ld+json">\n{text}\n</script>'


# ----- the old site (bootstrap-2019) -----------------------------------------------------------


def _bootstrap_head(title: str, chrome: Chrome, extra: str = "") -> str:
    return f"""<!DOCTYPE html>
<html lang="id">
<head>
<meta charset="utf-8">
<meta http-equiv="X-UA-Compatible" content="IE=edge">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)} | {SITE_NAME}</title>
<meta property="og:site_name" content="{SITE_NAME}">
{extra}<link rel="shortcut icon" href="/assets/img/favicon.ico">
<link rel="stylesheet" href="/assets/bootstrap/css/bootstrap.min.css">
<link rel="stylesheet" href="/assets/css/style.css?v=20190214">
<script>
  var BASE_URL = "{escape(chrome.base_url)}/";
  var tanggalServer = "{jam(chrome.now)}";
</script>
</head>
<body>
<div class="topbar">
  <div class="container">
    <span class="pull-left"><i class="fa fa-phone"></i> (0541) 733333</span>
    <span class="pull-right">{_day_line(chrome.now)}</span>
    <div class="clearfix"></div>
  </div>
</div>

<div class="header">
  <div class="container">
    <div class="logo"><a href="/"><img src="/assets/img/logo-kaltim.png" alt="{SITE_NAME}" height="70"></a></div>
    <div class="header-title"><h2 class="site-title">{SITE_NAME}</h2></div>
  </div>
</div>

<div class="navbar navbar-default navbar-static-top" role="navigation">
  <div class="container">
    <ul class="nav navbar-nav">
      <li><a href="/">Beranda</a></li>
      <li class="dropdown active"><a href="/berita" class="dropdown-toggle" data-toggle="dropdown">Berita <b class="caret"></b></a>
        <ul class="dropdown-menu">
{_bootstrap_menu(chrome)}
        </ul>
      </li>
    </ul>
    <form class="navbar-form navbar-right" action="/cari" method="get">
      <input type="text" name="q" class="form-control input-sm" placeholder="Cari berita...">
    </form>
  </div>
</div>
"""  # noqa: E501 - template lines as the site writes them


def _bootstrap_menu(chrome: Chrome) -> str:
    return "\n".join(
        f'          <li><a href="/kategori/{slug}">{escape(label)}</a></li>'
        for label, slug in chrome.categories.items()
    )


def _bootstrap_footer(chrome: Chrome) -> str:
    links = " &middot; ".join(f'<a href="{escape(url)}">{text}</a>' for url, text in FOOTER_LINKS)
    return f"""
<div class="footer">
  <div class="container">
    <p>Biro Humas Setda Provinsi Kalimantan Timur &middot; Jl. Gajah Mada No. 2 Samarinda 75121</p>
    <p>{links}</p>
    <p>&copy; {chrome.now.year} {SITE_NAME}</p>
  </div>
</div>
<script src="/assets/js/jquery-1.12.4.min.js"></script>
<script src="/assets/bootstrap/js/bootstrap.min.js"></script>
</body>
</html>
"""


def _media_item(article: ReplicaArticle, chrome: Chrome, slot: int, *, old_site: bool) -> str:
    """A sidebar entry: title link, timestamp, category label."""
    link = href(article, chrome, slot, old_site=old_site)
    return f"""          <div class="media"><div class="media-body">
            <a class="judul-kecil" href="{link}">{escape(article.title)}</a>
            <div class="tanggal"><i class="fa fa-calendar"></i> {jam(article.published)}</div>
            <a class="label label-info" href="{_category_href(chrome, article.category)}">{escape(article.category)}</a>
          </div></div>"""  # noqa: E501


def _panel(title: str, items: Sequence[ReplicaArticle], chrome: Chrome, slot: int) -> str:
    if not items:
        return ""
    body = "\n".join(_media_item(a, chrome, slot + i, old_site=True) for i, a in enumerate(items))
    return f"""      <div class="panel panel-default">
        <div class="panel-heading"><h4 class="panel-title">{title}</h4></div>
        <div class="panel-body">
{body}
        </div>
      </div>
"""


def _old_body(article: ReplicaArticle, read_also: ReplicaArticle | None, chrome: Chrome) -> str:
    style = article.style
    lines: list[str] = []
    caption = (
        f"<p><em>{escape(style.caption_marker + article.photo_caption)}</em></p>"
        if article.photo_caption
        else ""
    )
    if article.id % 3 == 0:
        lines.append(f'<p style="text-align: center;"><img src="{_image(article)}" alt=""></p>')
    if caption and style.caption_first:
        lines.append(caption)
    last = len(article.paragraphs) - 1
    for i, paragraph in enumerate(article.paragraphs):
        text = escape(paragraph)
        if style.ragged_spaces and i == min(1, last):
            # Editors' stray spaces: collapsed by any reader, so the stored text is unchanged.
            text = "&nbsp; " + text.replace(", ", ",  ", 1)
        if i == last and article.author_codes:
            if style.signature == "inline":
                text += f" ({escape(article.author_codes)})."
            elif style.signature == "glued":
                text += f"({escape(article.author_codes)})"
        lines.append(f'<p style="text-align: justify;">{text}</p>')
        if read_also is not None and style.read_also and i == 1 and last > 1:
            link = href(read_also, chrome, 9)
            lines.append(
                f'<p><strong>Baca Juga:</strong> <a href="{link}">{escape(read_also.title)}</a></p>'
            )
        if i in style.dots_after and i < last:
            lines.append('<p style="text-align: justify;">.</p>')
        if i in style.blanks_after and i < last:
            lines.append('<p style="text-align: justify;">&nbsp;</p>')
    if article.author_codes and style.signature == "alone":
        lines.append(f'<p style="text-align: justify;">({escape(article.author_codes)})</p>')
    if caption and not style.caption_first:
        lines.append(caption)
    lines.append('<p style="text-align: justify;"> </p>')
    return "\n".join(lines)


def old_article_page(
    article: ReplicaArticle,
    chrome: Chrome,
    *,
    related: Sequence[ReplicaArticle],
    latest: Sequence[ReplicaArticle],
    others: Sequence[ReplicaArticle],
    read_also: ReplicaArticle | None = None,
) -> str:
    """An article of the old site: sidebar first, then the article (fixtures bootstrap-2019-*)."""
    canonical = escape(chrome.base_url + article.path)
    title = escape(article.title)
    extra = (
        f'<meta name="description" content="{escape(_excerpt(article, 200))}">\n'
        f'<meta property="og:type" content="article">\n'
        f'<meta property="og:title" content="{title}">\n'
        f'<meta property="og:url" content="{canonical}">\n'
        f'<link rel="canonical" href="{canonical}">\n'
    )
    sidebar = (
        _panel("Berita Terkait", related, chrome, 0)
        + _panel("Berita Terbaru", latest, chrome, 5)
        + _panel("Kategori Lain", others, chrome, 10)
    )
    share = escape(chrome.base_url + article.path)
    return (
        _bootstrap_head(article.title, chrome, extra)
        + f"""
<div class="container">
  <div class="row">

    <div class="col-md-4 sidebar-kiri">
{sidebar}    </div>

    <div class="col-md-8 konten">
      <div class="nama-situs">Kalimantan Timur</div>
      <div class="berita-detail">
        <h3 class="judul">{title}</h3>
        <div class="tanggal"><i class="fa fa-calendar"></i> {jam(article.published)}</div>
        <a class="label label-info" href="{_category_href(chrome, article.category)}">{escape(article.category)}</a>
        <div class="isi">
{_old_body(article, read_also, chrome)}
        </div>
        <div class="share-box">
          <span>Bagikan:</span>
          <a class="btn btn-xs btn-primary" href="https://www.facebook.com/sharer/sharer.php?u={share}"><i class="fa fa-facebook"></i> Facebook</a>
          <a class="btn btn-xs btn-success" href="whatsapp://send?text={share}"><i class="fa fa-whatsapp"></i> WhatsApp</a>
        </div>
        <div class="dibaca"><i class="fa fa-eye"></i> Dibaca {100 + article.id * 37 % 900} kali</div>
      </div>
    </div>

  </div>
</div>
"""  # noqa: E501
        + _bootstrap_footer(chrome)
    )


# ----- listings (bootstrap-2019) ---------------------------------------------------------------


def _featured(pinned: Sequence[ReplicaArticle], chrome: Chrome) -> str:
    if not pinned:
        return ""
    slides = []
    for i, article in enumerate(pinned):
        link = href(article, chrome, 20 + i)
        active = " active" if i == 0 else ""
        slides.append(f"""        <div class="item{active}">
          <a href="{link}"><img src="{_image(article, "slider")}" alt=""></a>
          <div class="carousel-caption">
            <span class="label label-warning">{escape(article.category)}</span>
            <h3><a href="{link}">{escape(article.title)}</a></h3>
          </div>
        </div>""")
    slides_html = "\n".join(slides)
    return f"""
  <div class="berita-utama">
    <h4 class="section-title">Berita Utama</h4>
    <div id="slider-utama" class="carousel slide" data-ride="carousel">
      <div class="carousel-inner" role="listbox">
{slides_html}
      </div>
      <a class="left carousel-control" href="#slider-utama" role="button" data-slide="prev"><span class="sr-only">Sebelumnya</span></a>
      <a class="right carousel-control" href="#slider-utama" role="button" data-slide="next"><span class="sr-only">Selanjutnya</span></a>
    </div>
  </div>
"""  # noqa: E501


def _listing_item(
    article: ReplicaArticle, chrome: Chrome, slot: int, position: int | None = None
) -> str:
    link = href(article, chrome, slot, position=position)
    return f"""      <div class="media">
        <div class="media-left"><a href="{link}"><img class="media-object" src="{_image(article, "thumbs")}" width="120" alt=""></a></div>
        <div class="media-body">
          <h4 class="media-heading"><a href="{link}">{escape(article.title)}</a></h4>
          <div class="tanggal"><i class="fa fa-calendar"></i> {jam(article.published)}</div>
          <a class="label label-info" href="{_category_href(chrome, article.category)}">{escape(article.category)}</a>
          <p class="ringkasan">{escape(_excerpt(article))}</p>
          <a class="selengkapnya" href="{link}">Selengkapnya &raquo;</a>
        </div>
      </div>
"""  # noqa: E501


def _page_href(base_path: str, page: int, chrome: Chrome) -> str:
    """Pagination links, in the equivalent forms real widgets mix."""
    if page == 1:
        return base_path
    if page % 5 == 0:
        return escape(f"{chrome.base_url}{base_path}?page={page}")
    if page % 3 == 0:
        return f"?page={page}"
    return f"{base_path}?page={page}"


def _pagination(base_path: str, page: int, page_count: int, chrome: Chrome) -> str:
    if page_count <= 1:
        return ""
    shown = sorted({1, page_count, *range(max(1, page - 2), min(page_count, page + 2) + 1)})
    items = []
    if page > 1:
        prev = _page_href(base_path, page - 1, chrome)
        items.append(f'<li><a href="{prev}">&laquo; Sebelumnya</a></li>')
    previous = 0
    for number in shown:
        if number > previous + 1:
            items.append('<li class="disabled"><span>&hellip;</span></li>')
        if number == page:
            items.append(
                f'<li class="active"><span>{number} <span class="sr-only">(sekarang)</span></span></li>'  # noqa: E501
            )
        else:
            items.append(f'<li><a href="{_page_href(base_path, number, chrome)}">{number}</a></li>')
        previous = number
    if page < page_count:
        following = _page_href(base_path, page + 1, chrome)
        items.append(f'<li><a href="{following}">Selanjutnya &raquo;</a></li>')
    joined = "\n          ".join(items)
    return f"""      <div class="text-center">
        <ul class="pagination">
          {joined}
        </ul>
      </div>
"""


def listing_page(
    chrome: Chrome,
    *,
    heading: str,
    base_path: str,
    page: int,
    page_count: int,
    items: Sequence[ReplicaArticle],
    pinned: Sequence[ReplicaArticle],
    popular: Sequence[ReplicaArticle],
) -> str:
    """`/berita?page=N` or `/kategori/<slug>?page=N` (fixture listing/page-query-pinned)."""
    title = heading if page == 1 else f"{heading} - Halaman {page}"
    main = "".join(_listing_item(a, chrome, 30 + i, page * 1000 + i) for i, a in enumerate(items))
    popular_html = "\n".join(
        _media_item(a, chrome, 40 + i, old_site=True) for i, a in enumerate(popular)
    )
    empty = "" if items else '      <p class="kosong">Belum ada berita.</p>\n'
    return (
        _bootstrap_head(title, chrome)
        + f"""
<div class="container">
{_featured(pinned, chrome)}
  <div class="row">
    <div class="col-md-8 daftar-berita">
      <h3 class="judul-halaman">{escape(heading)}</h3>

{main}{empty}{_pagination(base_path, page, page_count, chrome)}    </div>

    <div class="col-md-4 sidebar-kanan">
      <div class="panel panel-default">
        <div class="panel-heading"><h4 class="panel-title">Terpopuler</h4></div>
        <div class="panel-body">
{popular_html}
        </div>
      </div>
    </div>
  </div>
</div>
"""
        + _bootstrap_footer(chrome)
    )


def home_page(chrome: Chrome, latest: Sequence[ReplicaArticle]) -> str:
    """The front page: the menu and the latest articles."""
    items = "".join(_listing_item(a, chrome, 50 + i, i) for i, a in enumerate(latest))
    return (
        _bootstrap_head("Beranda", chrome)
        + f"""
<div class="container">
  <div class="row">
    <div class="col-md-12 daftar-berita">
      <h3 class="judul-halaman">Berita Terkini</h3>
{items}      <p><a href="/berita">Indeks berita &raquo;</a></p>
    </div>
  </div>
</div>
"""
        + _bootstrap_footer(chrome)
    )


# ----- the current site (portal-2025) ----------------------------------------------------------


def _portal_widget_item(
    article: ReplicaArticle, chrome: Chrome, slot: int, position: int | None = None
) -> str:
    link = href(article, chrome, slot, position=position)
    return f"""          <li>
            <a href="{link}">{escape(article.title)}</a>
            <time datetime="{article.published.isoformat()}">{portal_time(article.published)}</time>
            <a class="badge" href="{_category_href(chrome, article.category)}">{escape(article.category)}</a>
          </li>"""  # noqa: E501


def _portal_body(article: ReplicaArticle, read_also: ReplicaArticle | None, chrome: Chrome) -> str:
    style = article.style
    lines = []
    last = len(article.paragraphs) - 1
    for i, paragraph in enumerate(article.paragraphs):
        opening = style.dateline_text
        if i == 0 and opening and opening.endswith("—") and paragraph.startswith(opening + " "):
            rest = paragraph[len(opening) + 1 :]
            text = f"<strong>{escape(opening)} </strong>{escape(rest)}"
        else:
            text = escape(paragraph)
        if i == last and article.author_codes and style.signature != "alone":
            text += f" ({escape(article.author_codes)})."
        lines.append(f"        <p>{text}</p>")
        if read_also is not None and style.read_also and i == 2 and last > 2:
            link = href(read_also, chrome, 9)
            lines.append(
                f'        <p class="baca-juga"><strong>Baca Juga:</strong> '
                f'<a href="{link}">{escape(read_also.title)}</a></p>'
            )
        if i == 3 and last > 3 and article.id % 2:
            lines.append(f'        <p><img src="{_image(article)}" alt="" width="800"></p>')
    if article.author_codes and style.signature == "alone":
        lines.append(f"        <p>({escape(article.author_codes)})</p>")
    return "\n".join(lines)


_COMMENTS = (
    ("Budi Santoso", "Semoga programnya cepat sampai ke kampung kami."),
    ("Rina", "Terima kasih infonya, sangat membantu warga."),
    ("Admin Pemprov Kaltim", "Terima kasih atas masukannya."),
)


def _comments(article: ReplicaArticle) -> str:
    count = article.style.comments
    if not count:
        return ""
    parts = []
    for i, (name, text) in enumerate(_COMMENTS[:count]):
        when = article.published + timedelta(minutes=17 * (i + 1), seconds=11 * i)
        parts.append(f"""        <div class="comment">
          <div class="comment__body">
            <strong class="comment__name">{name}</strong>
            <time datetime="{when.isoformat()}">{portal_time(when)}</time>
            <p>{text}</p>
          </div>
        </div>""")
    joined = "\n".join(parts)
    return f"""
      <section id="komentar" class="comments">
        <h2>{count} Komentar</h2>
{joined}
      </section>"""


def new_article_page(
    article: ReplicaArticle,
    chrome: Chrome,
    *,
    latest: Sequence[ReplicaArticle],
    popular: Sequence[ReplicaArticle],
    read_also: ReplicaArticle | None = None,
) -> str:
    """An article of the current site (fixtures portal-2025-*): `<article>`, `<time>`, aside."""
    canonical = chrome.base_url + article.path
    title = escape(article.title)
    category = escape(article.category)
    category_url = chrome.base_url + _category_href(chrome, article.category)
    iso = article.published.isoformat()
    news = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": canonical},
        "headline": article.title,
        "datePublished": iso,
        "dateModified": article.last_modified.isoformat(),
        "articleSection": article.category,
        "publisher": {"@type": "GovernmentOrganization", "name": SITE_NAME},
    }
    crumbs = {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": 1, "name": "Beranda", "item": chrome.base_url + "/"},
            {
                "@type": "ListItem",
                "position": 2,
                "name": "Berita",
                "item": chrome.base_url + "/berita",
            },
            {"@type": "ListItem", "position": 3, "name": article.category, "item": category_url},
        ],
    }
    menu = "\n".join(
        f'              <li><a href="/kategori/{slug}">{escape(label)}</a></li>'
        for label, slug in chrome.categories.items()
    )
    figure = ""
    if article.photo_caption or article.id % 2 == 0:
        caption = (
            f"\n        <figcaption>{escape(article.photo_caption)}</figcaption>"
            if article.photo_caption
            else ""
        )
        figure = f"""
      <figure class="article__figure">
        <img src="{_image(article)}" alt="" width="1200" height="675">{caption}
      </figure>"""
    ticker = ""
    if latest and latest[0].id != article.id:
        top = latest[0]
        ticker = f"""  <div class="ticker" role="marquee">
    <span class="ticker__label">Terkini</span>
    <a href="{href(top, chrome, 60)}">{escape(top.title)}</a>
    <time datetime="{top.published.isoformat()}">{portal_time(top.published)}</time>
  </div>
"""
    latest_html = "\n".join(
        _portal_widget_item(a, chrome, 61 + i, i)
        for i, a in enumerate(latest)
        if a.id != article.id
    )
    popular_html = "\n".join(_portal_widget_item(a, chrome, 70 + i) for i, a in enumerate(popular))
    footer = "".join(f'<li><a href="{escape(u)}">{t}</a></li>' for u, t in FOOTER_LINKS)
    return f"""<!doctype html>
<html lang="id" data-theme="light">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{title} | {SITE_NAME}</title>
  <meta name="description" content="{escape(_excerpt(article, 200))}">
  <meta property="og:type" content="article">
  <meta property="og:site_name" content="Pemprov Kaltim">
  <meta property="og:title" content="{title} - Pemprov Kaltim">
  <meta property="og:url" content="{escape(canonical)}">
  <meta property="article:published_time" content="{iso}">
  <meta property="article:modified_time" content="{article.last_modified.isoformat()}">
  <link rel="canonical" href="{escape(canonical)}">
  <link rel="stylesheet" href="/build/assets/app-3f9a1c2d.css">
  {_json_script(news)}
  {_json_script(crumbs)}
</head>
<body class="page-detailberita">
  <a class="skip-link" href="#konten">Lewati ke konten</a>
{ticker}  <header class="site-header">
    <div class="container site-header__inner">
      <a href="/" class="site-header__logo">
        <img src="/images/logo-kaltim.png" alt="Logo {SITE_NAME}" width="48" height="56">
        <h1 class="brand">Kalimantan Timur</h1>
      </a>
      <nav class="main-nav" aria-label="Menu utama">
        <ul>
          <li><a href="/">Beranda</a></li>
          <li class="has-sub"><a href="/berita">Berita</a>
            <ul class="sub">
{menu}
            </ul>
          </li>
        </ul>
      </nav>
      <form class="search" action="/cari" role="search"><input type="search" name="q" placeholder="Cari berita"><button type="submit">Cari</button></form>
    </div>
  </header>

  <main id="konten" class="container layout-detail">
    <nav aria-label="breadcrumb">
      <ol class="breadcrumb">
        <li class="breadcrumb-item"><a href="/">Beranda</a></li>
        <li class="breadcrumb-item"><a href="/berita">Berita</a></li>
        <li class="breadcrumb-item"><a href="{_category_href(chrome, article.category)}">{category}</a></li>
      </ol>
    </nav>

    <article class="article">
      <h1 class="article__title">{title}</h1>
      <div class="article__meta">
        <span class="article__author">Biro Adpim</span>
        <time datetime="{iso}">{portal_time(article.published)}</time>
        <a class="badge badge--kategori" href="{_category_href(chrome, article.category)}">{category}</a>
        <span class="article__views">{_views(article)} kali dibaca</span>
      </div>
{figure}

      <div class="article__body">
{_portal_body(article, read_also, chrome)}
      </div>

      <div class="share" aria-label="Bagikan">
        <span>Bagikan:</span>
        <a href="https://www.facebook.com/sharer/sharer.php?u={escape(canonical)}" target="_blank" rel="noopener"><img src="/images/icons/facebook.svg" alt="Facebook"></a>
        <a href="https://wa.me/?text={escape(canonical)}" target="_blank" rel="noopener"><img src="/images/icons/whatsapp.svg" alt="WhatsApp"></a>
      </div>
{_comments(article)}
    </article>

    <aside class="sidebar">
      <section class="widget">
        <h2 class="widget__title">Berita Terbaru</h2>
        <ul class="widget__list">
{latest_html}
        </ul>
      </section>
      <section class="widget">
        <h2 class="widget__title">Terpopuler</h2>
        <ol class="widget__list widget__list--rank">
{popular_html}
        </ol>
      </section>
    </aside>
  </main>

  <footer class="site-footer">
    <div class="container">
      <h2>{SITE_NAME}</h2>
      <address>Jl. Gajah Mada No. 2, Samarinda, Kalimantan Timur 75121</address>
      <ul>{footer}</ul>
      <p class="copyright">&copy; {chrome.now.year} Biro Administrasi Pimpinan Setda Provinsi Kalimantan Timur.</p>
    </div>
  </footer>
  <script src="/build/assets/app-9c0e2b7f.js" defer></script>
</body>
</html>
"""  # noqa: E501


def _views(article: ReplicaArticle) -> str:
    return f"{(article.id * 7919) % 5000 + 120:,}".replace(",", ".")


# ----- small pages -----------------------------------------------------------------------------


def not_found_page(path: str) -> str:
    return f"""<!DOCTYPE html>
<html lang="id">
<head><meta charset="utf-8"><title>404 Halaman Tidak Ditemukan | {SITE_NAME}</title></head>
<body>
<h1>404</h1>
<p>Halaman <code>{escape(path)}</code> tidak ditemukan.</p>
<p><a href="/berita">Kembali ke indeks berita</a></p>
</body>
</html>
"""


def moved_page(location: str) -> str:
    return f"""<!DOCTYPE html>
<html lang="id">
<head><meta charset="utf-8"><title>301 Dipindahkan</title></head>
<body><p>Halaman ini dipindahkan ke <a href="{escape(location)}">{escape(location)}</a>.</p></body>
</html>
"""


def robots_txt(base_url: str, *, sitemap: bool, disallow: Sequence[str] = ()) -> str:
    text = "User-agent: *\nDisallow: /admin\nDisallow: /cari\n"
    text += "".join(f"Disallow: {path}\n" for path in disallow)
    if sitemap:
        text += f"Sitemap: {base_url}/sitemap.xml\n"
    return text


def sitemap_xml(base_url: str, articles: Sequence[ReplicaArticle]) -> str:
    entries = "".join(
        f"  <url><loc>{escape(base_url + a.path)}</loc>"
        f"<lastmod>{a.last_modified.replace(microsecond=0).isoformat()}</lastmod></url>\n"
        for a in articles
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        f"{entries}</urlset>\n"
    )
