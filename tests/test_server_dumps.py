"""A linked-data consumer downloads the whole dataset from a running server.

The server makes each dump when it is first asked for, so these tests start a server of their
own: nothing has been downloaded from it before they run.
"""

from __future__ import annotations

import gzip
import hashlib
import re
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from rdflib import Dataset

from tests.serving import running_server

PLAIN = {"Accept-Encoding": "identity"}


@pytest.fixture(scope="module")
def scratch(tmp_path_factory):
    """The server's temporary folder, to see what it leaves behind."""
    return tmp_path_factory.mktemp("server-tmp")


@pytest.fixture(scope="module")
def server(scratch):
    with running_server(env={"TMPDIR": str(scratch)}) as running:
        yield running


@pytest.fixture(scope="module")
def http(server):
    with httpx.Client(base_url=server.url, timeout=120) as client:
        yield client


def test_before_any_download_the_page_lists_every_file_as_made_on_first_download(http):
    page = http.get("/dumps/", headers={"Accept": "text/html"}).text
    for name in ("strategykg.ttl", "strategykg.nt", "strategykg.jsonld", "strategykg.trig"):
        assert f'href="/dumps/{name}"' in page
        assert f'href="/dumps/{name}.gz"' in page
    assert page.count("made on first download") == 10
    french = http.get("/dumps/", headers={"Accept-Language": "fr"}).text
    assert french.count("produit au premier téléchargement") == 10


def test_ten_clients_asking_at_once_for_a_new_dump_all_get_the_same_file(http):
    def fetch(_: int) -> bytes:
        answer = http.get("/dumps/strategykg.nq", headers=PLAIN)
        assert answer.status_code == 200
        return answer.content

    with ThreadPoolExecutor(max_workers=10) as pool:
        bodies = set(pool.map(fetch, range(10)))
    assert len(bodies) == 1
    dataset = Dataset().parse(data=bodies.pop().decode(), format="nquads")
    assert "https://w3id.org/strategykg/graph/data/goal-2" in {
        str(g.identifier) for g in dataset.graphs() if len(g)
    }


def test_once_made_the_page_shows_the_size_and_checksum_of_the_file(http):
    body = http.get("/dumps/strategykg.nq", headers=PLAIN).content
    page = http.get("/dumps/", headers={"Accept": "text/html"}).text
    assert hashlib.sha256(body).hexdigest() in page
    assert f">{len(body)}<" in page
    assert page.count("made on first download") == 8  # N-Quads, plain and gzip, are made


def test_a_download_has_a_strong_etag_and_is_not_sent_again_to_a_client_that_has_it(http):
    first = http.get("/dumps/strategykg.ttl", headers=PLAIN)
    etag = first.headers["etag"]
    assert re.fullmatch(r'"[0-9a-f]{32}"', etag)  # strong: byte ranges may be resumed with it
    again = http.get("/dumps/strategykg.ttl", headers={**PLAIN, "If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""


def test_an_interrupted_download_resumes_from_a_byte_range(http):
    whole = http.get("/dumps/strategykg.ttl", headers=PLAIN)
    etag = whole.headers["etag"]
    rest = http.get(
        "/dumps/strategykg.ttl", headers={**PLAIN, "Range": "bytes=100-", "If-Range": etag}
    )
    assert rest.status_code == 206
    assert rest.content == whole.content[100:]


def test_a_client_that_takes_gzip_gets_the_same_bytes_compressed_in_transfer(http):
    plain = http.get("/dumps/strategykg.nt", headers=PLAIN)
    squeezed = http.get("/dumps/strategykg.nt", headers={"Accept-Encoding": "gzip"})
    assert squeezed.headers["content-encoding"] == "gzip"
    assert squeezed.content == plain.content  # httpx decodes the transfer
    assert "Accept-Encoding" in squeezed.headers["vary"]
    packed = http.get("/dumps/strategykg.nt.gz", headers=PLAIN)
    assert packed.headers["content-type"] == "application/gzip"
    assert gzip.decompress(packed.content) == plain.content
    assert packed.content[4:8] == b"\0\0\0\0"  # no time stamp: the same data, the same bytes


def test_a_head_request_tells_the_size_without_the_body(http):
    whole = http.get("/dumps/strategykg.jsonld", headers=PLAIN)
    head = http.head("/dumps/strategykg.jsonld", headers=PLAIN)
    assert head.status_code == 200
    assert int(head.headers["content-length"]) == len(whole.content)
    assert head.content == b""


def test_the_dataset_description_links_every_download_without_claiming_sizes(http):
    void = http.get("/.well-known/void", headers={"Accept": "text/turtle"}).text
    assert void.count("dcat:downloadURL") == 10
    assert "byteSize" not in void


def test_the_server_removes_its_dumps_when_it_stops(scratch):
    (scratch / "own").mkdir()
    with running_server(env={"TMPDIR": str(scratch / "own")}) as running:
        httpx.get(running.url + "/dumps/strategykg.ttl", timeout=120).raise_for_status()
        assert any((scratch / "own").iterdir())
    assert not any((scratch / "own").iterdir())
