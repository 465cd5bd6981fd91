from __future__ import annotations

from mirra.mirrors.stripe.forms import decode, split_key


def test_split_key() -> None:
    assert split_key("a") == ["a"]
    assert split_key("a[b][0][c]") == ["a", "b", "0", "c"]
    assert split_key("a[]") == ["a", ""]


def test_what_both_sdks_send() -> None:
    body = (
        "email=a%40b.c&metadata[k]=v&expand[0]=default_source&preferred_locales[0]=en"
        "&preferred_locales[1]=fr&invoice_settings[custom_fields][0][name]=n"
        "&invoice_settings[custom_fields][0][value]=v&description="
    )
    assert decode(body) == {
        "email": "a@b.c",
        "metadata": {"k": "v"},
        "expand": {"0": "default_source"},
        "preferred_locales": {"0": "en", "1": "fr"},
        "invoice_settings": {"custom_fields": {"0": {"name": "n", "value": "v"}}},
        "description": "",
    }


def test_percent_encoded_brackets_rack_arrays_and_merged_query() -> None:
    assert decode("expand%5B0%5D=data.x&created%5Bgte%5D=1", "a[]=1&a[]=2") == {
        "expand": {"0": "data.x"},
        "created": {"gte": "1"},
        "a": ["1", "2"],
    }
