from __future__ import annotations

import json

from mirra.mirrors.stripe.errors import (
    ParameterUnknown,
    ResourceMissing,
    mask_key,
    render_error,
)


def test_mask_key_keeps_the_prefix_and_last_four() -> None:
    assert mask_key("sk_test_abc123") == "sk_test_**c123"
    assert mask_key("sk_live_abcdefghwxyz") == "sk_live_********wxyz"
    assert mask_key("nope") == "nope"


def test_render_leaves_out_null_fields_and_sorts_keys() -> None:
    response = render_error(ParameterUnknown(["foo"]), "req_abc", 1700000000)
    assert response.status == 400
    assert response.body.decode() == json.dumps(
        {
            "error": {
                "code": "parameter_unknown",
                "doc_url": "https://stripe.com/docs/error-codes/parameter-unknown",
                "message": "Received unknown parameter: foo",
                "param": "foo",
                "request_log_url": "https://dashboard.stripe.com/test/logs/req_abc?t=1700000000",
                "type": "invalid_request_error",
            }
        },
        indent=2,
    )


def test_resource_missing_is_404_in_the_path_and_400_as_a_parameter() -> None:
    assert ResourceMissing("customer", "cus_x").status == 404
    assert ResourceMissing("customer", "cus_x", param="customer").status == 400
