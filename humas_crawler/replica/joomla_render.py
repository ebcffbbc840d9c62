"""HTML of the Joomla/K2 replica: a Joomla 3 template around K2's item, category, user and tag
views, its modules, pagination, error page, robots.txt and RSS feed."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from html import escape

from humas_crawler.replica.joomla import AUTHORS, SITE_NAME, K2Item, category_alias
from humas_crawler.replica.model import DAYS, MONTHS

GENERATOR = "Joomla! - Open Source Content Management"
K2_VERSION = "v=2.10.3&amp;b=20200429"
BERITA_ITEMID = 102  # the menu item "Berita"
# Joomla 3's robots.txt as installed, no sitemap.
ROBOTS_DISALLOW = (
    "/administrator/",
    "/bin/",
    "/cache/",
    "/cli/",
    "/components/",
    "/includes/",
    "/installation/",
    "/language/",
    "/layouts/",
    "/libraries/",
    "/logs/",
    "/media/",
    "/modules/",
    "/plugins/",
    "/templates/",
    "/tmp/",
)
_AUTHOR_NAMES = {uid: (alias, name) for uid, alias, name in AUTHORS}


@dataclass(frozen=True)
class Frame:
    """What every page of one served portal shares: where it is served, its menu and modules."""

    base_url: str
    categories: Mapping[str, str]  # label -> alias, menu order
    counts: Mapping[str, int]  # label -> items (the category module's counters)
    now: datetime
    latest: Sequence[K2Item]
    popular: Sequence[K2Item]
    picks: Sequence[K2Item]  # "Pilihan Redaksi": a custom module of pasted non-SEF links
    tags: Sequence[str]


# ----- small parts -----------------------------------------------------------------------------


def k2_date(when: datetime, *, time: bool = True) -> str:
    """K2's date: `Selasa, 28 Mei 2024 11:45`, or `Selasa, 28 Mei 2024`."""
    text = f"{DAYS[when.weekday()]}, {when.day} {MONTHS[when.month - 1]} {when.year}"
    return f"{text} {when:%H:%M}" if time else text


def module_date(when: datetime) -> str:
    """The modules' date: `Selasa 28 Mei 2024` (no comma)."""
    return f"{DAYS[when.weekday()]} {when.day} {MONTHS[when.month - 1]} {when.year}"


def item_date(item: K2Item) -> str:
    return k2_date(item.created, time=item.time_shown)


def image(item: K2Item, size: str) -> str:
    """K2's cached image of an item: `/media/k2/items/cache/<md5("Image" + id)>_<size>.jpg`."""
    digest = hashlib.md5(f"Image{item.id}".encode()).hexdigest()
    return f"/media/k2/items/cache/{digest}_{size}.jpg"


def user_path(user_id: int) -> str:
    alias, _ = _AUTHOR_NAMES[user_id]
    return f"/index.php/berita/itemlist/user/{user_id}-{alias}"


def tag_path(tag: str) -> str:
    return "/index.php/berita/itemlist/tag/" + tag.replace(" ", "%20")


def category_path(alias: str) -> str:
    return f"/index.php/berita/{alias}"


def _intro(item: K2Item, limit: int = 220) -> str:
    first = item.paragraphs[0] if item.paragraphs else ""
    return first if len(first) <= limit else first[:limit].rsplit(" ", 1)[0] + "..."


def _http_date(when: datetime) -> str:
    return format_datetime(when.astimezone(UTC))


# ----- the template ----------------------------------------------------------------------------


def _head(title: str, base_href: str, extra: str = "") -> str:
    return f"""<!DOCTYPE html>
<html lang="id-id" dir="ltr">
<head>
	<meta name="viewport" content="width=device-width, initial-scale=1.0" />
	<meta charset="utf-8">
	<base href="{escape(base_href)}" />
	<meta name="keywords" content="berita sulbar, pemprov sulbar, sulawesi barat, mamuju" />
	<meta name="rights" content="Biro Administrasi Pimpinan Setda Provinsi Sulawesi Barat" />
{extra}	<meta name="generator" content="{GENERATOR}" />
	<title>{escape(title)}</title>
	<link href="/templates/sulbar/favicon.ico" rel="shortcut icon" type="image/vnd.microsoft.icon" />
	<link href="/media/k2/assets/css/k2.fonts.css?{K2_VERSION}" rel="stylesheet" />
	<link href="/components/com_k2/css/k2.css?{K2_VERSION}" rel="stylesheet" />
	<link href="/templates/sulbar/css/template.css?8f2c1a" rel="stylesheet" />
	<script src="/media/jui/js/jquery.min.js?8f2c1a"></script>
	<script src="/media/jui/js/jquery-noconflict.js?8f2c1a"></script>
	<script src="/media/jui/js/jquery-migrate.min.js?8f2c1a"></script>
	<script src="/media/k2/assets/js/k2.frontend.js?{K2_VERSION}&amp;sitepath=/"></script>
	<script src="/media/jui/js/bootstrap.min.js?8f2c1a"></script>
	<script>
jQuery(function($){{ initTooltips(); $("body").on("subform-row-add", initTooltips); function initTooltips (event, container) {{ container = container || document;$(container).find(".hasTooltip").tooltip({{"html": true,"container": "body"}});}} }});
	</script>
</head>
"""  # noqa: E501 - as Joomla writes its head


def _menu(frame: Frame, active: str | None) -> str:
    children = "\n".join(
        f'<li class="item-{110 + i}{" current active" if alias == active else ""}">'
        f'<a href="{category_path(alias)}">{escape(label)}</a></li>'
        for i, (label, alias) in enumerate(frame.categories.items())
    )
    berita = " active" if active is not None else ""
    return f"""<ul class="nav menu nav-pills mod-list">
<li class="item-101 default"><a href="/index.php">Beranda</a></li><li class="item-{BERITA_ITEMID} deeper parent{berita}"><a href="/index.php/berita">Berita</a><ul class="nav-child unstyled small">{children}</ul></li><li class="item-103"><a href="/index.php/profil">Profil</a></li></ul>"""  # noqa: E501


def _module_list(items: Sequence[K2Item], hrefs: Sequence[str]) -> str:
    rows = []
    for n, (item, link) in enumerate(zip(items, hrefs, strict=True)):
        parity = "odd" if n % 2 else "even"
        last = " lastItem" if n == len(items) - 1 else ""
        rows.append(f"""			<li class="{parity}{last}">
				<a class="moduleItemTitle" href="{link}">{escape(item.title)}</a>
				<span class="moduleItemDateCreated">{module_date(item.created)}</span>
				<div class="clr"></div>
			</li>""")
    return "\n".join(rows)


def _modules(frame: Frame) -> str:
    latest = _module_list(frame.latest, [i.path for i in frame.latest])
    popular = _module_list(frame.popular, [i.path for i in frame.popular])
    picks = "\n".join(
        f'<p><a href="/index.php?option=com_k2&amp;view=item&amp;id={i.id}:{i.alias}'
        f'&amp;Itemid={BERITA_ITEMID}">{escape(i.title)}</a></p>'
        for i in frame.picks
    )
    categories = "\n".join(
        f'<li><a href="{category_path(alias)}"><span class="catTitle">{escape(label)}</span>'
        f'<span class="catCounter"> ({frame.counts.get(label, 0)})</span></a></li>'
        for label, alias in frame.categories.items()
    )
    cloud = "\n".join(
        f'<a href="{tag_path(tag)}" style="font-size:{160 - 10 * n}%" '
        f'title="{n + 1} item diberi tag {escape(tag)}">{escape(tag)}</a>'
        for n, tag in enumerate(frame.tags[:8])
    )
    return f"""				<div class="moduletable">
					<h3>Cari</h3>
					<div id="k2ModuleBox91" class="k2SearchBlock">
	<form action="/index.php/berita/itemlist/search" method="get" autocomplete="off" class="k2SearchBlockForm">
		<input type="text" value="Cari..." name="searchword" class="inputbox" onblur="if(this.value=='') this.value='Cari...';" onfocus="if(this.value=='Cari...') this.value='';" />
		<input type="hidden" name="categories" value="" />
		<input type="hidden" name="Itemid" value="{BERITA_ITEMID}" />
	</form>
					</div>
				</div>
				<div class="moduletable">
					<h3>Berita Terbaru</h3>
					<div id="k2ModuleBox92" class="k2ItemsBlock">
		<ul>
{latest}
		</ul>
					</div>
				</div>
				<div class="moduletable">
					<h3>Terpopuler</h3>
					<div id="k2ModuleBox93" class="k2ItemsBlock">
		<ul>
{popular}
		</ul>
					</div>
				</div>
				<div class="moduletable">
					<h3>Pilihan Redaksi</h3>
					<div class="custom">
{picks}
					</div>
				</div>
				<div class="moduletable">
					<h3>Kategori</h3>
					<div id="k2ModuleBox94" class="k2CategoriesListBlock">
		<ul class="level0">
{categories}
		</ul>
					</div>
				</div>
				<div class="moduletable">
					<h3>Tag</h3>
					<div id="k2ModuleBox95" class="k2TagCloudBlock">
{cloud}
						<div class="clr"></div>
					</div>
				</div>
"""  # noqa: E501


def _breadcrumbs(trail: Sequence[tuple[str, str | None]]) -> str:
    """Joomla's mod_breadcrumbs: `(name, path)` pairs, the last one without a link."""
    parts = []
    for n, (name, path) in enumerate(trail, start=1):
        if path is None:
            parts.append(
                '\t\t<li itemprop="itemListElement" itemscope itemtype="https://schema.org/ListItem"'
                f' class="active">\n\t\t\t<span itemprop="name">{escape(name)}</span>\n'
                f'\t\t\t<meta itemprop="position" content="{n}">\n\t\t</li>'
            )
        else:
            parts.append(
                '\t\t<li itemprop="itemListElement" itemscope itemtype="https://schema.org/ListItem">'
                f'\n\t\t\t<a itemprop="item" href="{path}" class="pathway"><span itemprop="name">'
                f"{escape(name)}</span></a>\n"
                '\t\t\t<span class="divider"><img src="/media/system/images/arrow.png" alt="" />'
                f'</span>\n\t\t\t<meta itemprop="position" content="{n}">\n\t\t</li>'
            )
    joined = "\n".join(parts)
    return f"""<div aria-label="Breadcrumbs" role="navigation">
	<ul itemscope itemtype="https://schema.org/BreadcrumbList" class="breadcrumb">
		<li>Anda di sini: &#160;</li>
{joined}
	</ul>
</div>
"""


def _page(
    frame: Frame,
    *,
    title: str,
    base_href: str,
    body_class: str,
    main: str,
    trail: Sequence[tuple[str, str | None]],
    active: str | None = None,
    extra_head: str = "",
) -> str:
    year = frame.now.year
    return (
        _head(title, base_href, extra_head)
        + f"""<body class="site com_k2 {body_class} no-task itemid-{BERITA_ITEMID}">
	<div class="body" id="top">
		<div class="container">
			<header class="header" role="banner">
				<div class="header-inner clearfix">
					<a class="brand pull-left" href="/">
						<img src="/images/logo/logo-sulbar.png" alt="{SITE_NAME}" />
						<div class="site-description">Biro Administrasi Pimpinan Setda Provinsi Sulawesi Barat</div>
					</a>
				</div>
			</header>
			<nav class="navigation" role="navigation">
				<div class="navbar pull-left"><a class="btn btn-navbar collapsed" data-toggle="collapse" data-target=".nav-collapse"><span class="element-invisible">Toggle Navigation</span><span class="icon-bar"></span></a></div>
				<div class="nav-collapse">
{_menu(frame, active)}
				</div>
			</nav>
			<div class="moduletable">
{_breadcrumbs(trail)}			</div>
			<div class="row-fluid">
				<main id="content" role="main" class="span9">
					<div id="system-message-container">
	</div>

{main}
				</main>
				<div id="aside" class="span3">
{_modules(frame)}				</div>
			</div>
		</div>
	</div>
	<footer class="footer" role="contentinfo">
		<div class="container">
			<hr />
			<div class="custom"><p>Biro Administrasi Pimpinan Setda Provinsi Sulawesi Barat<br />Jl. Abdul Malik Pattana Endeng, Rangas, Mamuju 91512</p></div>
			<p class="pull-right"><a href="#top" id="back-top">Kembali ke atas</a></p>
			<p>&copy; {year} {SITE_NAME}</p>
		</div>
	</footer>
</body>
</html>
"""  # noqa: E501
    )


# ----- item -----------------------------------------------------------------------------------


def _full_text(item: K2Item) -> str:
    lines = []
    last = len(item.paragraphs) - 1
    for n, paragraph in enumerate(item.paragraphs):
        text = escape(paragraph, quote=False)
        if n == last and item.author_codes:
            text += f" ({escape(item.author_codes, quote=False)})"
        style = ' style="text-align: justify;"' if (item.id + n) % 3 else ""
        lines.append(f"<p{style}>{text}</p>")
    return "\n".join(lines)


def _share(url: str, title: str) -> str:
    quoted = escape(url)
    return f"""		<div class="itemSocialSharing">
			<div class="itemTwitterButton">
				<a href="https://twitter.com/share" class="twitter-share-button" data-url="{quoted}" data-text="{escape(title)}" data-lang="id">Tweet</a>
			</div>
			<div class="itemFacebookButton">
				<div class="fb-like" data-href="{quoted}" data-layout="button_count" data-action="like" data-show-faces="false" data-share="true"></div>
			</div>
			<div class="itemWhatsAppButton">
				<a href="https://api.whatsapp.com/send?text={quoted}" target="_blank" rel="noopener">WhatsApp</a>
			</div>
			<div class="clr"></div>
		</div>"""  # noqa: E501


def item_page(
    item: K2Item,
    frame: Frame,
    *,
    related: Sequence[K2Item],
    older: K2Item | None,
    newer: K2Item | None,
    print_view: bool = False,
) -> str:
    """`/index.php/berita/item/<id>-<alias>`: K2's item view (`?tmpl=component&print=1`: the
    print view, the item alone)."""
    url = frame.base_url + item.path
    title = escape(item.title)
    category_alias = frame.categories.get(item.category, "")
    author_alias, author_name = _AUTHOR_NAMES[item.author]
    image_block = ""
    if item.image:
        caption = (
            f'\n\t\t\t<span class="itemImageCaption">{escape(item.photo_caption)}</span>'
            '\n\t\t\t<span class="itemImageCredits">Humas Sulbar</span>'
            if item.photo_caption
            else ""
        )
        image_block = f"""
		<div class="itemImageBlock">
			<span class="itemImage">
				<a data-k2-modal="image" href="{image(item, "XL")}" title="Klik untuk melihat gambar">
					<img src="{image(item, "L")}" alt="{title}" style="width:600px; height:auto;" />
				</a>
			</span>{caption}
			<div class="clr"></div>
		</div>"""  # noqa: E501
    modified = ""
    if item.modified is not None:
        modified = f"""
		<div class="itemDateModified">Terakhir diubah pada {k2_date(item.modified)}</div>"""
    tags = "\n".join(f'\t\t\t\t<li><a href="{tag_path(t)}">{escape(t)}</a></li>' for t in item.tags)
    related_html = "\n".join(
        f'\t\t\t<li class="{"odd" if n % 2 else "even"}"><a class="itemRelTitle" '
        f'href="{r.path}">{escape(r.title)}</a></li>'
        for n, r in enumerate(related)
    )
    navigation = ""
    if older or newer:
        links = []
        if older:
            links.append(
                f'<a class="itemPrevious" href="{older.path}">&laquo; {escape(older.title)}</a>'
            )
        if newer:
            links.append(
                f'<a class="itemNext" href="{newer.path}">{escape(newer.title)} &raquo;</a>'
            )
        navigation = f"""
	<div class="itemNavigation">
		<span class="itemNavigationTitle">Lagi di kategori ini:</span>
		{" ".join(links)}
	</div>"""
    view = f"""<span id="startOfPageId{item.id}"></span>

<div id="k2Container" class="itemView">
	<div class="itemHeader">
		<span class="itemDateCreated">{item_date(item)}</span>
		<h2 class="itemTitle">{title}</h2>
		<span class="itemAuthor">Ditulis oleh&nbsp;<a rel="author" href="/index.php/berita/itemlist/user/{item.author}-{author_alias}">{author_name}</a></span>
	</div>
	<div class="itemToolbar">
		<ul>
			<li><span class="itemTextResizerTitle">ukuran font</span> <a href="#" id="fontDecrease"><span>kurangi ukuran font</span></a> <a href="#" id="fontIncrease"><span>tambah ukuran font</span></a></li>
			<li><a class="itemPrintLink" rel="nofollow" href="{item.path}?tmpl=component&amp;print=1" onclick="window.open(this.href,'printWindow','width=900,height=600,location=no,menubar=no,resizable=yes,scrollbars=yes'); return false;"><span>Cetak</span></a></li>
		</ul>
		<div class="clr"></div>
	</div>
	<div class="itemBody">{image_block}
		<div class="itemFullText">
{_full_text(item)}
		</div>
		<div class="clr"></div>{modified}
	</div>"""  # noqa: E501
    if print_view:
        return (
            _head(f"{item.title} - {SITE_NAME}", url, _item_metas(item, url, robots=True))
            + f"""<body class="contentpane modal">
	<div id="system-message-container">
	</div>
{view}
</div>
<script>window.print();</script>
</body>
</html>
"""
        )
    view += f"""
{_share(url, item.title)}
	<div class="itemLinks">
		<div class="itemCategory">
			<span>Diterbitkan di</span>
			<a href="{category_path(category_alias)}">{escape(item.category)}</a>
		</div>
		<div class="itemTagsBlock">
			<span>Tag</span>
			<ul class="itemTags">
{tags}
			</ul>
			<div class="clr"></div>
		</div>
		<div class="clr"></div>
	</div>
	<div class="itemRelated">
		<h3>Baca juga</h3>
		<ul>
{related_html}
		</ul>
		<div class="clr"></div>
	</div>{navigation}
	<div class="itemHitsTwitter">
		<span class="itemHits">Dibaca <b>{item.hits}</b> kali</span>
		<div class="clr"></div>
	</div>
	<div class="itemBackToTop"><a class="k2Anchor" href="{item.path}#startOfPageId{item.id}">kembali ke atas</a></div>
	<div class="clr"></div>
</div>
<!-- JoomlaWorks "K2" (v2.10.3) | Learn more about K2 at https://getk2.org -->
"""  # noqa: E501
    trail = [("Beranda", "/index.php"), ("Berita", "/index.php/berita")]
    trail += [(item.category, category_path(category_alias)), (item.title, None)]
    return _page(
        frame,
        title=f"{item.title} - {SITE_NAME}",
        base_href=url,
        body_class="view-item no-layout",
        main=view,
        trail=trail,
        active=category_alias,
        extra_head=_item_metas(item, url),
    )


def _item_metas(item: K2Item, url: str, *, robots: bool = False) -> str:
    title = escape(item.title)
    description = escape(_intro(item, 160))
    lines = [
        f'\t<meta name="author" content="{_AUTHOR_NAMES[item.author][1]}" />',
        f'\t<meta property="og:url" content="{escape(url)}" />',
        '\t<meta property="og:type" content="article" />',
        f'\t<meta property="og:title" content="{title}" />',
        f'\t<meta property="og:description" content="{description}" />',
    ]
    if item.image:
        picture = escape(url.split("/index.php")[0] + image(item, "XL"))
        lines += [
            f'\t<meta property="og:image" content="{picture}" />',
            f'\t<meta name="image" content="{picture}" />',
        ]
    lines += [
        '\t<meta name="twitter:card" content="summary_large_image" />',
        f'\t<meta name="twitter:title" content="{title}" />',
        f'\t<meta name="description" content="{description}" />',
    ]
    if robots:
        lines.append('\t<meta name="robots" content="noindex, nofollow" />')
    return "\n".join(lines) + "\n"


# ----- listings -------------------------------------------------------------------------------

# K2's views of a list: (container class, list class, item class, title tag, prefix).
_VIEWS = {
    "category": ("itemListView", "itemList", "catItemView", "h3", "catItem"),
    "user": ("userView", "userItemList", "userItemView", "h3", "userItem"),
    "tag": ("tagView", "tagItemList", "tagItemView", "h2", "tagItem"),
}


def _list_item(item: K2Item, view: str, group: str) -> str:
    _, _, item_class, heading, prefix = _VIEWS[view]
    picture = ""
    if item.image:
        picture = f"""
		<div class="{prefix}ImageBlock">
			<span class="{prefix}Image">
				<a href="{item.path}" title="{escape(item.title)}">
					<img src="{image(item, "S")}" alt="{escape(item.title)}" style="width:200px; height:auto;" />
				</a>
			</span>
			<div class="clr"></div>
		</div>"""  # noqa: E501
    category = ""
    if view != "category":
        category = f"""
		<div class="{prefix}Category"><span>Diterbitkan di</span> <a href="{category_path(_alias_of(item))}">{escape(item.category)}</a></div>"""  # noqa: E501
    return f"""<div class="{item_class} {group}">
	<div class="{prefix}Header">
		<span class="{prefix}DateCreated">{item_date(item)}</span>
		<{heading} class="{prefix}Title"><a href="{item.path}">{escape(item.title)}</a></{heading}>
	</div>
	<div class="{prefix}Body">{picture}
		<div class="{prefix}IntroText"><p>{escape(_intro(item), quote=False)}</p></div>
		<div class="clr"></div>
	</div>{category}
	<div class="{prefix}ReadMore"><a class="k2ReadMore" href="{item.path}">Selengkapnya...</a></div>
	<div class="clr"></div>
</div>"""


def _alias_of(item: K2Item) -> str:
    return category_alias(item.category) or ""


def pagination(base_path: str, start: int, total: int, per_page: int) -> str:
    """Joomla 3's JPagination: `?start=` links, 10 page numbers around the current page,
    Mulai/Sebelumnya/Berikutnya/Akhir. A start past the end shows the last page as current (the
    list itself is empty then: JPagination clamps, the K2 model does not)."""
    pages = -(-total // per_page)
    if pages <= 1:
        return ""
    shown_start = max(0, start)
    if shown_start > total - per_page:
        shown_start = max(0, (pages - 1) * per_page)
    current = shown_start // per_page + 1
    first = max(1, current - 5)
    if first + 10 > pages:
        last, first = pages, max(1, pages - 9)
    else:
        last = first + 9

    def link(page: int) -> str:
        return base_path if page == 1 else f"{base_path}?start={(page - 1) * per_page}"

    def nav(cls: str, label: str, page: int | None) -> str:
        if page is None:
            span = f'<span class="pagenav">{label}</span>'
            return f'<li class="pagination-{cls} disabled">{span}</li>'
        return (
            f'<li class="pagination-{cls}"><a title="{label}" href="{link(page)}" '
            f'class="hasTooltip pagenav">{label}</a></li>'
        )

    items = [
        nav("start", "Mulai", 1 if current > 1 else None),
        nav("prev", "Sebelumnya", current - 1 if current > 1 else None),
    ]
    for page in range(first, last + 1):
        if page == current:
            items.append(f'<li class="active"><span class="pagenav">{page}</span></li>')
        else:
            items.append(f'<li><a href="{link(page)}" class="pagenav">{page}</a></li>')
    items.append(nav("next", "Berikutnya", current + 1 if current < pages else None))
    items.append(nav("end", "Akhir", pages if current < pages else None))
    joined = "\n\t\t\t".join(items)
    return f"""	<div class="k2Pagination">
		<div class="k2PaginationLinks">
			<ul class="pagination pagination-list">
			{joined}
			</ul>
		</div>
		<div class="k2PaginationCounter">Halaman {current} dari {pages}</div>
		<div class="clr"></div>
	</div>
"""


def listing_page(
    frame: Frame,
    *,
    view: str,
    heading: str,
    base_path: str,
    start: int,
    total: int,
    per_page: int,
    items: Sequence[K2Item],
    trail: Sequence[tuple[str, str | None]],
    feed: bool = False,
    active: str | None = None,
    intro: str = "",
) -> str:
    """A K2 list (category, user or tag view) from offset `start`; `/` uses it too (no
    pagination there)."""
    container, list_class, _, _, _ = _VIEWS[view]
    rows = []
    for n, item in enumerate(items):
        group = "groupLeading" if n == 0 and view == "category" else "groupPrimary"
        rows.append(_list_item(item, view, group))
    body = ""
    if rows:
        inner = "\n".join(rows)
        body = f"""	<div class="{list_class}">
{inner}
	</div>
"""
    feed_icon = extra = ""
    if feed:
        href = f"{base_path}?format=feed"
        feed_icon = f"""	<div class="k2FeedIcon">
		<a href="{href}" title="Berlangganan feed ini"><span>Berlangganan feed ini</span></a>
		<div class="clr"></div>
	</div>
"""
        extra = (
            f'\t<link href="{base_path}?format=feed&amp;type=rss" rel="alternate" '
            f'type="application/rss+xml" title="RSS 2.0" />\n'
        )
    block = "userBlock" if view == "user" else "itemListCategory"
    main = f"""<div id="k2Container" class="{container}">
{feed_icon}	<div class="itemListCategoriesBlock">
		<div class="{block}">
			<h2>{escape(heading)}</h2>{intro}
			<div class="clr"></div>
		</div>
	</div>
{body}{pagination(base_path, start, total, per_page) if total else ""}</div>
<!-- JoomlaWorks "K2" (v2.10.3) | Learn more about K2 at https://getk2.org -->
"""
    title = heading if heading == "Beranda" else f"{heading} - {SITE_NAME}"
    base_href = frame.base_url + base_path
    return _page(
        frame,
        title=title,
        base_href=base_href,
        body_class=f"view-itemlist layout-{view}",
        main=main,
        trail=trail,
        active=active,
        extra_head=extra,
    )


def home_page(frame: Frame, items: Sequence[K2Item]) -> str:
    intro = '\n\t\t\t<p class="indeks"><a href="/index.php/berita">Indeks berita &raquo;</a></p>'
    return listing_page(
        frame,
        view="category",
        heading="Berita Terkini",
        base_path="/",
        start=0,
        total=0,
        per_page=len(items) or 1,
        items=items,
        trail=[("Beranda", None)],
        intro=intro,
    )


# ----- other pages ----------------------------------------------------------------------------


def profile_page(frame: Frame) -> str:
    """`/index.php/profil`: a com_content article (not news)."""
    main = """<div class="item-page" itemscope itemtype="https://schema.org/Article">
	<meta itemprop="inLanguage" content="id-ID" />
	<div class="page-header">
		<h2 itemprop="headline">Profil Provinsi Sulawesi Barat</h2>
	</div>
	<div itemprop="articleBody">
		<p>Provinsi Sulawesi Barat dibentuk berdasarkan Undang-Undang Nomor 26 Tahun 2004 dengan ibu kota Mamuju. Provinsi ini terdiri atas enam kabupaten: Mamuju, Mamuju Tengah, Pasangkayu, Mamasa, Majene dan Polewali Mandar.</p>
		<p>Portal ini dikelola oleh Biro Administrasi Pimpinan Sekretariat Daerah Provinsi Sulawesi Barat sebagai sarana informasi kegiatan pemerintah provinsi kepada masyarakat.</p>
	</div>
</div>
"""  # noqa: E501
    return _page(
        frame,
        title=f"Profil - {SITE_NAME}",
        base_href=frame.base_url + "/index.php/profil",
        body_class="view-article",
        main=main,
        trail=[("Beranda", "/index.php"), ("Profil", None)],
    ).replace("com_k2 view-article", "com_content view-article")


def error_page(status: int, message: str) -> str:
    """Joomla's error page (the template's error.php): no modules, the message and a way home."""
    return f"""<!DOCTYPE html>
<html lang="id-id" dir="ltr">
<head>
	<meta charset="utf-8" />
	<meta name="viewport" content="width=device-width, initial-scale=1.0" />
	<meta name="generator" content="{GENERATOR}" />
	<title>{status} - {escape(message)}</title>
	<link href="/templates/sulbar/css/template.css?8f2c1a" rel="stylesheet" />
</head>
<body class="site error">
	<div class="body">
		<div class="container">
			<div class="header"><a href="/" class="brand"><img src="/images/logo/logo-sulbar.png" alt="{SITE_NAME}" /></a></div>
			<div class="well">
				<h1 class="page-header">Halaman yang Anda cari tidak dapat ditemukan.</h1>
				<p><strong>Anda mungkin tidak dapat mengunjungi halaman ini karena:</strong></p>
				<ol>
					<li>penanda (bookmark) yang <strong>kedaluwarsa</strong></li>
					<li>alamat yang <strong>salah ketik</strong></li>
					<li>mesin pencari yang indeksnya <strong>kedaluwarsa</strong></li>
				</ol>
				<p><a href="/index.php" class="btn"><span class="icon-home"></span> Beranda</a></p>
				<hr />
				<blockquote><span class="label label-inverse">{status}</span> {escape(message)}</blockquote>
			</div>
		</div>
	</div>
</body>
</html>
"""  # noqa: E501


def robots_txt(disallow: Sequence[str] = ()) -> str:
    head = (
        "# If the Joomla site is installed within a folder\n"
        "# eg www.example.com/joomla/ then the robots.txt file\n"
        "# MUST be moved to the site root\n"
        "# eg www.example.com/robots.txt\n"
        "# AND the joomla folder name MUST be prefixed to all of the\n"
        "# paths.\n"
        "#\n"
        "# For more information about the robots.txt standard, see:\n"
        "# https://www.robotstxt.org/orig.html\n\n"
    )
    lines = "".join(f"Disallow: {path}\n" for path in (*ROBOTS_DISALLOW, *disallow))
    return f"{head}User-agent: *\n{lines}"


def rss(frame: Frame, *, title: str, path: str, items: Sequence[K2Item]) -> str:
    """Joomla's RSS 2.0 feed of a K2 list (`?format=feed&type=rss`): its newest items."""
    link = frame.base_url + path
    entries = []
    for item in items:
        url = frame.base_url + item.path
        picture = ""
        if item.image:
            picture = f'<div class="K2FeedImage"><img src="{frame.base_url}{image(item, "M")}" alt="{escape(item.title)}" /></div>'  # noqa: E501
        description = f'{picture}<div class="K2FeedIntroText"><p>{escape(_intro(item))}</p></div>'
        name = _AUTHOR_NAMES[item.author][1]
        entries.append(f"""		<item>
			<title>{escape(item.title)}</title>
			<link>{escape(url)}</link>
			<guid isPermaLink="true">{escape(url)}</guid>
			<description><![CDATA[{description}]]></description>
			<author>humas@sulbarprov.go.id ({name})</author>
			<category>{escape(item.category)}</category>
			<pubDate>{_http_date(item.created)}</pubDate>
		</item>""")
    built = _http_date(items[0].created) if items else _http_date(frame.now)
    joined = "\n".join(entries)
    return f"""<?xml version="1.0" encoding="utf-8"?>
<!-- generator="{GENERATOR}" -->
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">
	<channel>
		<title>{escape(title)}</title>
		<description><![CDATA[{SITE_NAME}]]></description>
		<link>{escape(link)}</link>
		<lastBuildDate>{built}</lastBuildDate>
		<generator>{GENERATOR}</generator>
		<atom:link rel="self" type="application/rss+xml" href="{escape(link)}?format=feed&amp;type=rss"/>
		<language>id-id</language>
{joined}
	</channel>
</rss>
"""  # noqa: E501
