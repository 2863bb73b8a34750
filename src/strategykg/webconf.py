"""Web-server configuration for the static site: content negotiation and media types, no Python.

nginx and Apache get the same rules, generated from the one format table in
:mod:`strategykg.dumps`: a request for an IRI path (no extension) is answered with the file whose
format the ``Accept`` header asks for (HTML by default, French HTML when ``Accept-Language``
starts with French), with ``Vary: Accept, Accept-Language`` and CORS for JavaScript clients.
The first media type the client lists that the site has wins; q-values are not weighed, which is
what browsers, curl, rdflib and JSON-LD libraries need in practice.
"""

from __future__ import annotations

from strategykg.dumps import FORMATS, OTHER_MEDIA_TYPES, RESOURCE_FORMATS

# Accept patterns, from weakest to strongest: a later match overrides an earlier one.
_ACCEPT = {
    "ttl": r"text/turtle",
    "nt": r"application/n-triples",
    "jsonld": r"application/(ld\+)?json",
    "rdf": r"application/rdf\+xml",
    "html": r"text/html|application/xhtml\+xml",
}
_ORDER = ("rdf", "nt", "jsonld", "ttl", "html")


def media_types() -> dict[str, str]:
    """Extension -> media type for every file the release writes."""
    types = {f.extension: f.media_type for f in FORMATS}
    types.update(OTHER_MEDIA_TYPES)
    return dict(sorted(types.items()))


def nginx_conf(version: str) -> str:
    """Server-level rules for nginx (include them inside the server block that serves site/)."""
    types = "\n".join(f"    {media} {ext};" for ext, media in _by_media(media_types()))
    text_types = " ".join(
        sorted({m for m in media_types().values() if _is_text(m)} - {"text/html"})
    )
    lines = [
        f"# strategykg {version}: the static linked-data site with content negotiation (nginx).",
        "#",
        "# Include this file inside the server block whose root is this release's site/ folder:",
        "#",
        "#   server {",
        "#       listen 80;",
        "#       server_name data.example.org;",
        "#       root /srv/strategykg/site;",
        "#       include /srv/strategykg/server/nginx.conf;",
        "#   }",
        "#",
        "# A request for an IRI path without extension gets the file in the format its Accept header",
        "# asks for: " + ", ".join(f"{f.media_type} (.{f.extension})" for f in RESOURCE_FORMATS),
        "# or HTML (.html; .fr.html when Accept-Language starts with fr). The first type the client",
        "# lists wins. Files requested with their extension are served as they are.",
        "",
        "charset utf-8;",
        f"charset_types {text_types};",
        "index index.html;",
        "types {",
        types,
        "}",
        "default_type application/octet-stream;",
        "",
        "set $skg_ext html;",
    ]
    for ext in _ORDER:
        lines.append(f'if ($http_accept ~* "({_ACCEPT[ext]})") {{ set $skg_ext {ext}; }}')
    for ext in _ORDER:
        lines.append(f'if ($http_accept ~* "^\\s*({_ACCEPT[ext]})") {{ set $skg_ext {ext}; }}')
    lines += [
        "set $skg_suffix .$skg_ext;",
        "set $skg_want $skg_ext;",
        'if ($http_accept_language ~* "^\\s*fr") { set $skg_want "${skg_ext}-fr"; }',
        'if ($skg_want = "html-fr") { set $skg_suffix .fr.html; }',
        "",
        "location / {",
        "    try_files $uri$skg_suffix $uri.$skg_ext $uri $uri/index$skg_suffix $uri/index.html =404;",
        '    add_header Vary "Accept, Accept-Language" always;',
        '    add_header Access-Control-Allow-Origin "*" always;',
        "}",
        "",
        "location ~ /\\.ht {",
        "    deny all;",
        "}",
        "",
        "# The SPARQL endpoint is not static: proxy it to `strategykg serve` if you run one.",
        "# location = /sparql { proxy_pass http://127.0.0.1:8080/sparql; }",
        "",
    ]
    return "\n".join(lines)


def htaccess(version: str) -> str:
    """Per-folder rules for Apache 2.4 (mod_rewrite, mod_setenvif, mod_headers, mod_mime)."""
    return "\n".join(
        [
            f"# strategykg {version}: the static linked-data site with content negotiation (Apache 2.4).",
            "# Needs AllowOverride FileInfo Indexes Options=Indexes,MultiViews (or include",
            "# server/apache.conf in the server configuration instead) and mod_rewrite, mod_setenvif,",
            "# mod_headers, mod_mime and mod_dir.",
            *_apache_rules(),
            "",
        ]
    )


def apache_conf(version: str) -> str:
    """The same rules as a <Directory> block for the main Apache configuration."""
    body = "\n".join("    " + line if line else "" for line in _apache_rules())
    return "\n".join(
        [
            f"# strategykg {version}: the static linked-data site with content negotiation (Apache 2.4).",
            "# Set the folder to where this release's site/ folder is, then Include this file.",
            '<Directory "/srv/strategykg/site">',
            "    Require all granted",
            "    AllowOverride None",
            body,
            "</Directory>",
            "",
        ]
    )


def _apache_rules() -> list[str]:
    rules = [
        "Options -MultiViews -Indexes",
        "# A resource can be both x.html and a folder x/ (its sub-resources): never add a slash.",
        "DirectorySlash Off",
        "DirectoryIndex index.html",
        "AddDefaultCharset utf-8",
    ]
    # The charset goes into the type, not AddCharset: mod_mime would add the charset of .ttl to
    # the type of .gz for strategykg.ttl.gz, and a gzip file has no charset.
    for ext, media in media_types().items():
        if _is_text(media):
            rules.append(f'AddType "{media}; charset=utf-8" .{ext}')
        else:
            rules.append(f"AddType {media} .{ext}")
    rules.append("SetEnvIf Request_URI . SKG_EXT=html")
    for ext in _ORDER:
        rules.append(f'SetEnvIfNoCase Accept "({_ACCEPT[ext]})" SKG_EXT={ext}')
    for ext in _ORDER:
        rules.append(f'SetEnvIfNoCase Accept "^\\s*({_ACCEPT[ext]})" SKG_EXT={ext}')
    rules += [
        'SetEnvIfNoCase Accept-Language "^\\s*fr" SKG_FRENCH=1',
        "RewriteEngine On",
        "# .htaccess and the like are not part of the site (as in the nginx rules).",
        "RewriteRule (^|/)\\.ht - [F]",
        "RewriteCond %{REQUEST_FILENAME} -f",
        "RewriteRule ^ - [L]",
        "RewriteCond %{ENV:SKG_EXT} =html",
        "RewriteCond %{ENV:SKG_FRENCH} =1",
        "RewriteCond %{REQUEST_FILENAME}.fr.html -f",
        "RewriteRule ^(.*)$ $1.fr.html [L]",
        "RewriteCond %{REQUEST_FILENAME}.%{ENV:SKG_EXT} -f",
        "RewriteRule ^(.*)$ $1.%{ENV:SKG_EXT} [L]",
        "RewriteCond %{REQUEST_FILENAME}.html -f",
        "RewriteRule ^(.*)$ $1.html [L]",
        "<IfModule mod_headers.c>",
        '    Header merge Vary "Accept, Accept-Language"',
        '    Header set Access-Control-Allow-Origin "*"',
        "</IfModule>",
    ]
    return rules


def _is_text(media_type: str) -> bool:
    return media_type.startswith("text/") or media_type in {
        "application/n-triples",
        "application/n-quads",
        "application/ld+json",
        "application/rdf+xml",
        "application/trig",
        "application/json",
        "application/rdf-patch",
        "image/svg+xml",
    }


def _by_media(types: dict[str, str]) -> list[tuple[str, str]]:
    """nginx's types block: one line per media type with all its extensions."""
    grouped: dict[str, list[str]] = {}
    for ext, media in types.items():
        grouped.setdefault(media, []).append(ext)
    return [(" ".join(sorted(exts)), media) for media, exts in sorted(grouped.items())]
