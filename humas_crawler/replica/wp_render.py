"""What the WordPress replica serves, as WordPress 6.4 writes it: a theme's HTML (after
underscores-based themes), the RSS 2.0 feed, the core sitemaps, and wp/v2 REST objects."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from html import escape
from typing import Any

from humas_crawler.replica.model import DAYS, MONTHS
from humas_crawler.replica.wordpress import (
    AUTHORS,
    WordPressSite,
    WpCategory,
    WpPost,
    gmt_iso,
    local_iso,
    texturize,
)

WP_VERSION = "6.4.3"
FEED_ITEMS = 10  # posts_per_rss
EXCERPT_WORDS = 55
RECENT_WIDGET = 5
API_REL = "https://api.w.org/"


def display_date(when: datetime) -> str:
    """`Selasa, 6 Juni 2023` (date_i18n 'l, j F Y' in Indonesian)."""
    return f"{DAYS[when.weekday()]}, {when.day} {MONTHS[when.month - 1]} {when.year}"


def rfc822(when: datetime) -> str:
    return format_datetime(when.astimezone(UTC))  # Tue, 06 Jun 2023 02:15:00 +0000


def w3c_gmt(when: datetime) -> str:
    return when.astimezone(UTC).isoformat()  # 2023-06-06T02:15:00+00:00


# ----- a post's content ------------------------------------------------------------------------


def upload_url(base: str, post: WpPost) -> str:
    day = post.published
    return f"{base}/wp-content/uploads/{day.year:04d}/{day.month:02d}/foto-{post.id - 1}.jpg"


def _figure(base: str, post: WpPost) -> str:
    src, media = upload_url(base, post), post.id - 1
    caption = texturize(post.raw_caption or "")
    if post.published.year < 2019:  # the classic editor's [caption] shortcode
        return (
            f'<figure id="attachment_{media}" aria-describedby="caption-attachment-{media}" '
            f'style="width: 800px" class="wp-caption aligncenter"><img decoding="async" '
            f'class="size-full wp-image-{media}" src="{src}" alt="" width="800" height="533" />'
            f'<figcaption id="caption-attachment-{media}" class="wp-caption-text">{caption}'
            "</figcaption></figure>"
        )
    return (
        f'<figure class="wp-block-image size-large"><img decoding="async" width="800" '
        f'height="533" src="{src}" alt="" class="wp-image-{media}"/>'
        f'<figcaption class="wp-element-caption">{caption}</figcaption></figure>'
    )


def content_html(base: str, post: WpPost) -> str:
    """`content.rendered`: paragraphs, the photo's figure, a dead shortcode left as text."""
    blocks = [_figure(base, post)] if post.raw_caption and post.caption_after < 0 else []
    for i, paragraph in enumerate(post.paragraphs):
        blocks.append(f"<p>{texturize(paragraph)}</p>")
        if post.raw_caption and i == post.caption_after:
            blocks.append(_figure(base, post))
        if post.shortcode and i == post.shortcode_after:
            blocks.append(f"<p>{texturize(post.shortcode)}</p>")
    return "\n".join(blocks) + "\n"


def excerpt_text(post: WpPost) -> str:
    """The automatic excerpt: the first 55 words, texturized, ` [&hellip;]` after a cut."""
    words = " ".join(post.paragraphs).split()
    more = " [&hellip;]" if len(words) > EXCERPT_WORDS else ""
    return texturize(" ".join(words[:EXCERPT_WORDS])) + more


def excerpt_html(post: WpPost) -> str:
    return f"<p>{excerpt_text(post)}</p>\n"


# ----- the theme -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Theme:
    base: str
    site: WordPressSite

    def categories_of(self, post: WpPost) -> list[WpCategory]:
        return [c for c in map(self.site.category, post.categories) if c is not None]


def _head(
    theme: Theme, title: str, feeds: Sequence[str], json: str | None, tail: Sequence[str]
) -> str:
    """The head as wp_head() orders it: feeds, styles, REST discovery, EditURI, generator, then
    the canonical link and what SEO plugins add. `json`: this page's REST resource."""
    site, base = theme.site, theme.base
    name = escape(site.name)
    lines = [
        '<meta charset="UTF-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{title}</title>",
        "<meta name='robots' content='max-image-preview:large' />",
        f'<link rel="alternate" type="application/rss+xml" title="{name} &raquo; Feed" '
        f'href="{base}/feed/" />',
        *feeds,
        f"<link rel='stylesheet' id='theme-style-css' href='{base}/wp-content/themes/warta/"
        "style.css?ver=1.4.2' media='all' />",
    ]
    if site.api:
        lines.append(f'<link rel="{API_REL}" href="{base}/wp-json/" />')
        if json:
            lines.append(
                f'<link rel="alternate" type="application/json" href="{base}/wp-json{json}" />'
            )
    lines += [
        f'<link rel="EditURI" type="application/rsd+xml" title="RSD" '
        f'href="{base}/xmlrpc.php?rsd" />',
        f'<meta name="generator" content="WordPress {WP_VERSION}" />',
        *tail,
    ]
    return "\n".join(lines)


def _menu(theme: Theme) -> str:
    items = [
        f'<li id="menu-item-101" class="menu-item menu-item-type-custom menu-item-object-custom '
        f'menu-item-home"><a href="{theme.base}/">Beranda</a></li>'
    ]
    for n, category in enumerate(theme.site.categories[1:], start=102):
        items.append(
            f'<li id="menu-item-{n}" class="menu-item menu-item-type-taxonomy '
            f'menu-item-object-category"><a href="{theme.base}{category.path}">'
            f"{category.name_html}</a></li>"
        )
    return "\n".join(items)


def _sidebar(theme: Theme) -> str:
    site, base = theme.site, theme.base
    recent = "\n".join(
        f'<li><a href="{base}{p.path}">{texturize(p.raw_title)}</a></li>'
        for p in site.newest_first()[:RECENT_WIDGET]
    )
    categories = "\n".join(
        f'<li class="cat-item cat-item-{c.id}"><a href="{base}{c.path}">{c.name_html}</a> '
        f"({len(site.in_category(c.id))})</li>"
        for c in site.categories
        if site.in_category(c.id)
    )
    return f"""<aside id="secondary" class="widget-area">
<section id="search-2" class="widget widget_search"><form role="search" method="get" class="search-form" action="{base}/"><label><span class="screen-reader-text">Cari untuk:</span><input type="search" class="search-field" placeholder="Cari &hellip;" value="" name="s" /></label><input type="submit" class="search-submit" value="Cari" /></form></section>
<section id="recent-posts-2" class="widget widget_recent_entries"><h2 class="widget-title">Berita Terbaru</h2><ul>
{recent}
</ul></section>
<section id="categories-2" class="widget widget_categories"><h2 class="widget-title">Kategori</h2><ul>
{categories}
</ul></section>
</aside>"""  # noqa: E501 - template lines as themes write them


def page(
    theme: Theme,
    *,
    title: str,
    body_class: str,
    main: str,
    feeds: Sequence[str] = (),
    json: str | None = None,
    tail: Sequence[str] = (),
) -> str:
    site, base = theme.site, theme.base
    return f"""<!DOCTYPE html>
<html lang="id">
<head>
{_head(theme, title, feeds, json, tail)}
</head>
<body class="{body_class}">
<div id="page" class="site">
<a class="skip-link screen-reader-text" href="#primary">Langsung ke konten</a>
<header id="masthead" class="site-header">
<div class="site-branding">
<p class="site-title"><a href="{base}/" rel="home">{escape(site.name)}</a></p>
<p class="site-description">{escape(site.description)}</p>
</div>
<nav id="site-navigation" class="main-navigation" aria-label="Menu Utama">
<ul id="primary-menu" class="menu">
{_menu(theme)}
</ul>
</nav>
</header>
<div id="content" class="site-content">
<main id="primary" class="site-main">
{main}
</main>
{_sidebar(theme)}
</div>
<footer id="colophon" class="site-footer">
<div class="site-info">&copy; {site.now.year} Dinas Komunikasi dan Informatika Provinsi Jawa Timur<span class="sep"> | </span><a href="https://wordpress.org/">Dengan bangga bertenaga WordPress</a></div>
</footer>
</div>
</body>
</html>
"""  # noqa: E501


def _times(post: WpPost) -> str:
    return (
        f'<time class="entry-date published" datetime="{post.published.isoformat()}">'
        f"{display_date(post.published)}</time>"
        f'<time class="updated" datetime="{post.modified.isoformat()}">'
        f"{display_date(post.modified)}</time>"
    )


def _post_classes(theme: Theme, post: WpPost) -> str:
    thumb = " has-post-thumbnail" if post.featured_media else ""
    cats = " ".join(f"category-{c.slug}" for c in theme.categories_of(post))
    return f"post-{post.id} post type-post status-publish format-standard{thumb} hentry {cats}"


def post_page(theme: Theme, post: WpPost) -> str:
    site, base = theme.site, theme.base
    link = base + post.path
    title = texturize(post.raw_title)
    cat_links = ", ".join(
        f'<a href="{base}{c.path}" rel="category tag">{c.name_html}</a>'
        for c in theme.categories_of(post)
    )
    thumbnail = ""
    if post.featured_media:
        thumbnail = (
            f'<div class="post-thumbnail"><img width="800" height="533" src="'
            f'{upload_url(base, post)}" class="attachment-post-thumbnail size-post-thumbnail '
            'wp-post-image" alt="" decoding="async" fetchpriority="high" /></div>\n'
        )
    older, newer = site.neighbours(post)
    nav = ""
    if older is not None:
        nav += (
            f'<div class="nav-previous"><a href="{base}{older.path}" rel="prev">'
            f"{texturize(older.raw_title)}</a></div>"
        )
    if newer is not None:
        nav += (
            f'<div class="nav-next"><a href="{base}{newer.path}" rel="next">'
            f"{texturize(newer.raw_title)}</a></div>"
        )
    main = f"""<article id="post-{post.id}" class="{_post_classes(theme, post)}">
<header class="entry-header">
<h1 class="entry-title">{title}</h1>
<div class="entry-meta">
<span class="posted-on">Diterbitkan <a href="{link}" rel="bookmark">{_times(post)}</a></span><span class="byline"> oleh <span class="author vcard">{escape(AUTHORS[post.author])}</span></span>
</div>
</header>
{thumbnail}<div class="entry-content">
{content_html(base, post)}</div>
<footer class="entry-footer"><span class="cat-links">Diposting di {cat_links}</span></footer>
</article>
<nav class="navigation post-navigation" aria-label="Pos">
<h2 class="screen-reader-text">Navigasi pos</h2>
<div class="nav-links">{nav}</div>
</nav>"""  # noqa: E501
    tail = [
        f'<link rel="canonical" href="{link}" />',
        f"<link rel='shortlink' href='{base}/?p={post.id}' />",
        '<meta property="og:type" content="article" />',
        f'<meta property="og:title" content="{title}" />',
        f'<meta property="og:url" content="{link}" />',
        f'<meta property="og:site_name" content="{escape(site.name)}" />',
        f'<meta property="article:published_time" content="{w3c_gmt(post.published)}" />',
        f'<meta property="article:modified_time" content="{w3c_gmt(post.modified)}" />',
    ]
    return page(
        theme,
        title=f"{title} &#8211; {escape(site.name)}",
        body_class=f"post-template-default single single-post postid-{post.id} "
        "single-format-standard",
        main=main,
        json=f"/wp/v2/posts/{post.id}",
        tail=tail,
    )


def page_url(root: str, number: int) -> str:
    """`root` is a listing's first page, ending in `/`."""
    return root if number == 1 else f"{root}page/{number}/"


def pagination(root: str, current: int, total: int) -> str:
    """paginate_links(): end_size 1, mid_size 2, prev and next."""
    if total <= 1:
        return ""
    links = []
    if current > 1:
        links.append(
            f'<a class="prev page-numbers" href="{page_url(root, current - 1)}">'
            "&laquo; Sebelumnya</a>"
        )
    dots = False
    for n in range(1, total + 1):
        if n == current:
            links.append(f'<span aria-current="page" class="page-numbers current">{n}</span>')
            dots = True
        elif n <= 1 or n > total - 1 or current - 2 <= n <= current + 2:
            links.append(f'<a class="page-numbers" href="{page_url(root, n)}">{n}</a>')
            dots = True
        elif dots:
            links.append('<span class="page-numbers dots">&hellip;</span>')
            dots = False
    if current < total:
        links.append(
            f'<a class="next page-numbers" href="{page_url(root, current + 1)}">'
            "Berikutnya &raquo;</a>"
        )
    return (
        '<nav class="navigation pagination" aria-label="Pos">\n'
        '<h2 class="screen-reader-text">Navigasi pos</h2>\n'
        f'<div class="nav-links">{"".join(links)}</div>\n</nav>'
    )


def _summary(theme: Theme, post: WpPost) -> str:
    link = theme.base + post.path
    return f"""<article id="post-{post.id}" class="{_post_classes(theme, post)}">
<header class="entry-header">
<h2 class="entry-title"><a href="{link}" rel="bookmark">{texturize(post.raw_title)}</a></h2>
<div class="entry-meta"><span class="posted-on">Diterbitkan <a href="{link}" rel="bookmark">{_times(post)}</a></span></div>
</header>
<div class="entry-summary">
{excerpt_html(post)}</div>
</article>"""  # noqa: E501


_NOTHING = """<section class="no-results not-found">
<header class="page-header"><h1 class="page-title">Tidak Ada yang Ditemukan</h1></header>
<div class="page-content"><p>Sepertinya kami tidak dapat menemukan yang Anda cari.</p></div>
</section>"""


def listing_page(
    theme: Theme, posts: list[WpPost], number: int, total: int, category: WpCategory | None
) -> str:
    """The home page (`category` None) or a category archive, page `number` of `total`."""
    site, base = theme.site, theme.base
    root = base + (category.path if category else "/")
    name = escape(site.name)
    tail, feeds, json = [], [], None
    if number > 1:
        tail.append(f'<link rel="prev" href="{page_url(root, number - 1)}" />')
    if number < total:
        tail.append(f'<link rel="next" href="{page_url(root, number + 1)}" />')
    paged = f" &#8211; Halaman {number}" if number > 1 else ""
    if category is None:
        title = f"{name} &#8211; {escape(site.description)}" if number == 1 else name + paged
        body = "home blog" if number == 1 else f"blog paged paged-{number}"
        header = ""
    else:
        title = f"{category.name_html}{paged} &#8211; {name}"
        body = f"archive category category-{category.slug} category-{category.id}"
        body += f" paged paged-{number}" if number > 1 else ""
        header = (
            f'<header class="page-header"><h1 class="page-title">Kategori: <span>'
            f"{category.name_html}</span></h1></header>\n"
        )
        feeds.append(
            f'<link rel="alternate" type="application/rss+xml" title="{name} &raquo; '
            f'{category.name_html} Umpan Kategori" href="{root}feed/" />'
        )
        json = f"/wp/v2/categories/{category.id}"
    items = "\n".join(_summary(theme, p) for p in posts) or _NOTHING
    main = header + items + "\n" + pagination(root, number, total)
    return page(theme, title=title, body_class=body, main=main, feeds=feeds, json=json, tail=tail)


def not_found_page(theme: Theme) -> str:
    main = """<section class="error-404 not-found">
<header class="page-header"><h1 class="page-title">Ups! Halaman itu tidak dapat ditemukan.</h1></header>
<div class="page-content"><p>Sepertinya tidak ada apa pun di lokasi ini. Coba salah satu tautan di bawah atau pencarian?</p></div>
</section>"""  # noqa: E501
    title = f"Halaman tidak ditemukan &#8211; {escape(theme.site.name)}"
    return page(theme, title=title, body_class="error404", main=main)


# ----- robots, feed, sitemaps ------------------------------------------------------------------


def robots_txt(theme: Theme) -> str:
    extra = "".join(f"Disallow: {path}\n" for path in theme.site.disallow)
    return (
        f"User-agent: *\nDisallow: /wp-admin/\n{extra}Allow: /wp-admin/admin-ajax.php\n\n"
        f"Sitemap: {theme.base}/wp-sitemap.xml\n"
    )


def _cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def feed_xml(theme: Theme, posts: list[WpPost], category: WpCategory | None) -> str:
    """RSS 2.0 as /feed/ (or /category/<slug>/feed/) serves it."""
    site, base = theme.site, theme.base
    name = escape(site.name)
    title = f"{category.name_html} &#8211; {name}" if category else name
    link = base + (category.path.rstrip("/") if category else "")
    newest = max((p.modified for p in site.newest_first()), default=site.now)
    items = []
    for post in posts[:FEED_ITEMS]:
        categories = "".join(
            f"\n\t\t<category>{_cdata(c.name)}</category>" for c in theme.categories_of(post)
        )
        description = excerpt_text(post).replace("[&hellip;]", "[&#8230;]")
        items.append(
            f"""\t<item>
\t\t<title>{texturize(post.raw_title)}</title>
\t\t<link>{base}{post.path}</link>
\t\t<dc:creator>{_cdata(AUTHORS[post.author])}</dc:creator>
\t\t<pubDate>{rfc822(post.published)}</pubDate>{categories}
\t\t<guid isPermaLink="false">{base}/?p={post.id}</guid>
\t\t<description>{_cdata(description)}</description>
\t\t<content:encoded>{_cdata(content_html(base, post))}</content:encoded>
\t</item>"""
        )
    self_url = link + "/feed/"
    return f"""<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"
\txmlns:content="http://purl.org/rss/1.0/modules/content/"
\txmlns:wfw="http://wellformedweb.org/CommentAPI/"
\txmlns:dc="http://purl.org/dc/elements/1.1/"
\txmlns:atom="http://www.w3.org/2005/Atom"
\txmlns:sy="http://purl.org/rss/1.0/modules/syndication/"
\txmlns:slash="http://purl.org/rss/1.0/modules/slash/"
\t>

<channel>
\t<title>{title}</title>
\t<atom:link href="{self_url}" rel="self" type="application/rss+xml" />
\t<link>{link or base}</link>
\t<description>{escape(site.description)}</description>
\t<lastBuildDate>{rfc822(newest)}</lastBuildDate>
\t<language>id</language>
\t<sy:updatePeriod>hourly</sy:updatePeriod>
\t<sy:updateFrequency>1</sy:updateFrequency>
\t<generator>https://wordpress.org/?v={WP_VERSION}</generator>
{chr(10).join(items)}
\t</channel>
</rss>
"""


_XML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'
_SITEMAP_NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'


def post_sitemap_count(site: WordPressSite) -> int:
    return -(-len(site) // site.sitemap_size)


def sitemap_index(theme: Theme) -> str:
    base, site = theme.base, theme.site
    locs = [f"{base}/wp-sitemap-posts-post-{n}.xml" for n in range(1, post_sitemap_count(site) + 1)]
    if any(site.in_category(c.id) for c in site.categories):
        locs.append(f"{base}/wp-sitemap-taxonomies-category-1.xml")
    entries = "".join(f"<sitemap><loc>{escape(loc)}</loc></sitemap>" for loc in locs)
    return (
        f'{_XML_HEAD}<?xml-stylesheet type="text/xsl" href="{base}/wp-sitemap-index.xsl" ?>\n'
        f"<sitemapindex {_SITEMAP_NS}>{entries}</sitemapindex>\n"
    )


def _urlset(base: str, entries: list[str]) -> str:
    return (
        f'{_XML_HEAD}<?xml-stylesheet type="text/xsl" href="{base}/wp-sitemap.xsl" ?>\n'
        f"<urlset {_SITEMAP_NS}>{''.join(entries)}</urlset>\n"
    )


def posts_sitemap(theme: Theme, number: int) -> str:
    """Page `number` of the posts sitemap: by id, `sitemap_size` a page, lastmod in UTC."""
    site, base = theme.site, theme.base
    posts = sorted(site.newest_first(), key=lambda p: p.id)
    chunk = posts[(number - 1) * site.sitemap_size : number * site.sitemap_size]
    return _urlset(
        base,
        [
            f"<url><loc>{escape(base + p.path)}</loc><lastmod>{w3c_gmt(p.modified)}</lastmod></url>"
            for p in chunk
        ],
    )


def categories_sitemap(theme: Theme) -> str:
    site, base = theme.site, theme.base
    return _urlset(
        base,
        [
            f"<url><loc>{escape(base + c.path)}</loc></url>"
            for c in site.categories
            if site.in_category(c.id)
        ],
    )


SITEMAP_XSL = (
    f'{_XML_HEAD}<xsl:stylesheet version="1.0" '
    'xmlns:xsl="http://www.w3.org/1999/XSL/Transform" '
    'xmlns:sitemap="http://www.sitemaps.org/schemas/sitemap/0.9">'
    '<xsl:output method="html" encoding="UTF-8" indent="yes"/>'
    '<xsl:template match="/"><html><body><h1>XML Sitemap</h1></body></html></xsl:template>'
    "</xsl:stylesheet>\n"
)


# ----- the REST API (wp/v2) --------------------------------------------------------------------


def wp_json(value: Any) -> bytes:
    """As PHP's json_encode writes it: ASCII only, `/` escaped."""
    return json.dumps(value, separators=(",", ":")).replace("/", "\\/").encode("ascii")


def rest_error(code: str, message: str, status: int, **data: Any) -> dict:
    return {"code": code, "message": message, "data": {"status": status, **data}}


def post_json(theme: Theme, post: WpPost) -> dict[str, Any]:
    base = theme.base
    api = f"{base}/wp-json/wp/v2"
    links: dict[str, Any] = {
        "self": [{"href": f"{api}/posts/{post.id}"}],
        "collection": [{"href": f"{api}/posts"}],
        "about": [{"href": f"{api}/types/post"}],
        "author": [{"embeddable": True, "href": f"{api}/users/{post.author}"}],
        "replies": [{"embeddable": True, "href": f"{api}/comments?post={post.id}"}],
        "version-history": [{"count": 1, "href": f"{api}/posts/{post.id}/revisions"}],
    }
    if post.featured_media:
        links["wp:featuredmedia"] = [
            {"embeddable": True, "href": f"{api}/media/{post.featured_media}"}
        ]
    links |= {
        "wp:attachment": [{"href": f"{api}/media?parent={post.id}"}],
        "wp:term": [
            {
                "taxonomy": "category",
                "embeddable": True,
                "href": f"{api}/categories?post={post.id}",
            },
            {"taxonomy": "post_tag", "embeddable": True, "href": f"{api}/tags?post={post.id}"},
        ],
        "curies": [{"name": "wp", "href": "https://api.w.org/{rel}", "templated": True}],
    }
    return {
        "id": post.id,
        "date": local_iso(post.published),
        "date_gmt": gmt_iso(post.published),
        "guid": {"rendered": f"{base}/?p={post.id}"},
        "modified": local_iso(post.modified),
        "modified_gmt": gmt_iso(post.modified),
        "slug": post.slug,
        "status": "publish",
        "type": "post",
        "link": base + post.path,
        "title": {"rendered": texturize(post.raw_title)},
        "content": {"rendered": content_html(base, post), "protected": False},
        "excerpt": {"rendered": excerpt_html(post), "protected": False},
        "author": post.author,
        "featured_media": post.featured_media,
        "comment_status": "closed",
        "ping_status": "closed",
        "sticky": False,
        "template": "",
        "format": "standard",
        "meta": {"footnotes": ""},
        "categories": list(post.categories),
        "tags": [],
        "_links": links,
    }


def category_json(theme: Theme, category: WpCategory) -> dict[str, Any]:
    api = f"{theme.base}/wp-json/wp/v2"
    return {
        "id": category.id,
        "count": len(theme.site.in_category(category.id)),
        "description": category.description,
        "link": theme.base + category.path,
        "name": category.name_html,
        "slug": category.slug,
        "taxonomy": "category",
        "parent": category.parent,
        "meta": [],
        "_links": {
            "self": [{"href": f"{api}/categories/{category.id}"}],
            "collection": [{"href": f"{api}/categories"}],
            "about": [{"href": f"{api}/taxonomies/category"}],
            "wp:post_type": [{"href": f"{api}/posts?categories={category.id}"}],
            "curies": [{"name": "wp", "href": "https://api.w.org/{rel}", "templated": True}],
        },
    }


ROUTES = (
    "/",
    "/wp/v2",
    "/wp/v2/posts",
    "/wp/v2/posts/(?P<id>[\\d]+)",
    "/wp/v2/categories",
    "/wp/v2/categories/(?P<id>[\\d]+)",
    "/wp/v2/tags",
)


def _routes(base: str, namespace: str | None = None) -> dict[str, Any]:
    routes = {}
    for route in ROUTES:
        if namespace and not route.startswith("/" + namespace):
            continue
        entry: dict[str, Any] = {
            "namespace": "" if route == "/" else "wp/v2",
            "methods": ["GET"],
            "endpoints": [{"methods": ["GET"], "args": {}}],
        }
        if "(?P" not in route:
            entry["_links"] = {"self": [{"href": f"{base}/wp-json{route}"}]}
        routes[route] = entry
    return routes


def api_index(theme: Theme) -> dict[str, Any]:
    site, base = theme.site, theme.base
    return {
        "name": site.name,
        "description": site.description,
        "url": base,
        "home": base,
        "gmt_offset": site.zone.hours,
        "timezone_string": site.zone.iana,
        "namespaces": ["oembed/1.0", "wp/v2"],
        "authentication": [],
        "routes": _routes(base),
        "site_logo": 0,
        "site_icon": 0,
        "site_icon_url": "",
        "_links": {"help": [{"href": "https://developer.wordpress.org/rest-api/"}]},
    }


def namespace_index(theme: Theme) -> dict[str, Any]:
    return {"namespace": "wp/v2", "routes": _routes(theme.base, "wp/v2")}


def pick_fields(value: dict[str, Any], fields: list[str]) -> dict[str, Any]:
    """`_fields=id,title.rendered`: those keys (nested with dots), in the object's order."""
    picked = {}
    for key, item in value.items():
        wanted = [f for f in fields if f == key or f.startswith(key + ".")]
        if not wanted:
            continue
        if key in fields or not isinstance(item, dict):
            picked[key] = item
        else:
            picked[key] = pick_fields(item, [f[len(key) + 1 :] for f in wanted])
    return picked
