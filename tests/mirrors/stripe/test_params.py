from __future__ import annotations

import pytest

from mirra.mirrors.stripe import errors
from mirra.mirrors.stripe.forms import decode
from mirra.mirrors.stripe.params import schema_for, validate


def check(schema: str, body: str) -> dict[str, object]:
    return validate(schema_for(schema), decode(body))


def test_types_are_coerced_from_the_sdks_schema() -> None:
    assert check("CustomerCreateParams", "balance=-5&preferred_locales[0]=en&tax_exempt=exempt&address=") == {
        "balance": -5,
        "preferred_locales": ["en"],
        "tax_exempt": "exempt",
        "address": None,
    }
    assert check("CustomerListParams", "created[gte]=10&limit=3") == {"created": {"gte": 10}, "limit": 3}
    assert check("CustomerListParams", "created=10") == {"created": 10}


def test_metadata_keys_can_be_unset_one_by_one() -> None:
    assert check("CustomerUpdateParams", "metadata[a]=&metadata[b]=2") == {"metadata": {"a": None, "b": "2"}}


def test_required_parameters_come_from_the_schema() -> None:
    with pytest.raises(errors.ParameterMissing) as missing:
        check("PaymentIntentCreateParams", "amount=100")
    assert missing.value.message == "Missing required param: currency."


@pytest.mark.parametrize(
    ("body", "error", "param", "message"),
    [
        ("foo=1&bar=2", errors.ParameterUnknown, "foo", "Received unknown parameters: foo, bar"),
        ("shipping[name]=n&shipping[address][x]=1", errors.ParameterUnknown, "shipping[address][x]", None),
        ("balance=1.5", errors.ParameterInvalidInteger, "balance", "Invalid integer: 1.5"),
        # Stripe's integers are 64-bit (and a stored object could not hold a larger one)
        ("balance=9223372036854775808", errors.ParameterInvalidInteger, "balance", "Invalid integer: 9223372036854775808"),
        ("name=", errors.ParameterInvalidEmpty, "name", None),
        ("address=oops", errors.InvalidParameter, "address", "Invalid object"),
        ("preferred_locales=en", errors.InvalidParameter, "preferred_locales", "Invalid array"),
        ("tax_exempt=no", errors.InvalidParameter, "tax_exempt", "Invalid tax_exempt: must be one of exempt, none, or reverse"),
        ("validate=yes", errors.InvalidParameter, "validate", "Invalid boolean: yes"),
    ],
)
def test_errors(body: str, error: type[errors.StripeError], param: str, message: str | None) -> None:
    with pytest.raises(error) as raised:
        check("CustomerCreateParams", body)
    assert raised.value.param == param
    if message:
        assert raised.value.message == message


@pytest.mark.parametrize("value", ["inf", "nan", "-Infinity"])
def test_decimals_must_be_finite(value: str) -> None:
    with pytest.raises(errors.InvalidParameter) as raised:
        check("CouponCreateParams", f"percent_off={value}")
    assert raised.value.param == "percent_off"
    assert raised.value.message == f"Invalid decimal: {value}"
