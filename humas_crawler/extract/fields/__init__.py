"""One module per article field, each a set of plain functions over one parsed page.

`extract.article.ArticlePage` calls them in this order, passing what each needs:

    facts     the page as parsed: tree, document order, metadata, declared titles
    noise     blocks that never hold article content (sidebars, share bars, menus)
    layout    where the body, the title element and the article region sit (uses title)
    title     the title element and its text
    timestamp the publication stamp and the short meta line around it
    category  the category label (meta line, link near the title, breadcrumbs, metadata)
    body      paragraphs, dateline, caption and signature (uses caption)
    images    the article's photos
"""
