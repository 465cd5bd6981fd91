from __future__ import annotations

from mirra.mirrors.routing import Route, Router


def handler() -> None:
    pass


def test_templates_match_one_segment_per_parameter() -> None:
    router = Router([Route("GET", "/v1/customers/{customer}", handler), Route("GET", "/v1/customers", handler)])
    match = router.match("GET", "/v1/customers/cus_%2B1")
    assert match is not None and match.path_params == {"customer": "cus_+1"}
    assert router.match("GET", "/v1/customers/a/b") is None
    assert router.match("POST", "/v1/customers") is None
    assert router.endpoints() == [("GET", "/v1/customers/{customer}"), ("GET", "/v1/customers")]
