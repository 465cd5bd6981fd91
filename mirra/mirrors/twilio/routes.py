"""The Twilio routing table, for all four hosts (their paths do not overlap, so direct mode, which
sends every request as api.twilio.com, routes them the same)."""

from __future__ import annotations

from mirra.mirrors.routing import Route, Router
from mirra.mirrors.twilio import (
    accounts,
    calls,
    lookups,
    messages,
    numbers,
    services,
    verify,
)

A = "/2010-04-01/Accounts/{AccountSid}"

routes = [
    Route("POST", "/2010-04-01/Accounts.json", accounts.create_subaccount),
    Route("GET", "/2010-04-01/Accounts.json", accounts.list_accounts),
    Route("GET", f"{A}.json", accounts.fetch_account),
    Route("POST", f"{A}.json", accounts.update_account),
    Route("POST", f"{A}/Keys.json", accounts.create_key),
    Route("GET", f"{A}/Keys.json", accounts.list_keys),
    Route("GET", f"{A}/Keys/{{Sid}}.json", accounts.fetch_key),
    Route("DELETE", f"{A}/Keys/{{Sid}}.json", accounts.delete_key),
    Route("POST", f"{A}/Messages.json", messages.create_message),
    Route("GET", f"{A}/Messages.json", messages.list_messages),
    Route("GET", f"{A}/Messages/{{Sid}}.json", messages.fetch_message),
    Route("POST", f"{A}/Messages/{{Sid}}.json", messages.update_message),
    Route("DELETE", f"{A}/Messages/{{Sid}}.json", messages.delete_message),
    Route("GET", f"{A}/Messages/{{MessageSid}}/Media.json", messages.list_media),
    Route("GET", f"{A}/Messages/{{MessageSid}}/Media/{{Sid}}.json", messages.fetch_media),
    Route("DELETE", f"{A}/Messages/{{MessageSid}}/Media/{{Sid}}.json", messages.delete_media),
    Route("POST", f"{A}/Calls.json", calls.create_call),
    Route("GET", f"{A}/Calls.json", calls.list_calls),
    Route("GET", f"{A}/Calls/{{Sid}}.json", calls.fetch_call),
    Route("POST", f"{A}/Calls/{{Sid}}.json", calls.update_call),
    Route("DELETE", f"{A}/Calls/{{Sid}}.json", calls.delete_call),
    Route("POST", f"{A}/IncomingPhoneNumbers.json", numbers.create_number),
    Route("GET", f"{A}/IncomingPhoneNumbers.json", numbers.list_numbers),
    Route("GET", f"{A}/IncomingPhoneNumbers/{{Sid}}.json", numbers.fetch_number),
    Route("POST", f"{A}/IncomingPhoneNumbers/{{Sid}}.json", numbers.update_number),
    Route("DELETE", f"{A}/IncomingPhoneNumbers/{{Sid}}.json", numbers.delete_number),
    Route("POST", "/v1/Services", services.create_service),
    Route("GET", "/v1/Services", services.list_services),
    Route("GET", "/v1/Services/{Sid}", services.fetch_service),
    Route("POST", "/v1/Services/{Sid}", services.update_service),
    Route("DELETE", "/v1/Services/{Sid}", services.delete_service),
    Route("POST", "/v1/Services/{ServiceSid}/PhoneNumbers", services.add_phone_number),
    Route("GET", "/v1/Services/{ServiceSid}/PhoneNumbers", services.list_phone_numbers),
    Route("GET", "/v1/Services/{ServiceSid}/PhoneNumbers/{Sid}", services.fetch_phone_number),
    Route("DELETE", "/v1/Services/{ServiceSid}/PhoneNumbers/{Sid}", services.remove_phone_number),
    Route("POST", "/v2/Services", verify.create_service),
    Route("GET", "/v2/Services", verify.list_services),
    Route("GET", "/v2/Services/{Sid}", verify.fetch_service),
    Route("POST", "/v2/Services/{Sid}", verify.update_service),
    Route("DELETE", "/v2/Services/{Sid}", verify.delete_service),
    Route("POST", "/v2/Services/{ServiceSid}/Verifications", verify.create_verification),
    Route("GET", "/v2/Services/{ServiceSid}/Verifications/{Sid}", verify.fetch_verification),
    Route("POST", "/v2/Services/{ServiceSid}/Verifications/{Sid}", verify.update_verification),
    Route("POST", "/v2/Services/{ServiceSid}/VerificationCheck", verify.check_verification),
    Route("GET", "/v2/PhoneNumbers/{PhoneNumber}", lookups.fetch_phone_number),
]

# What Twilio's test credentials may call; everything else answers 403 / 20008.
TEST_CREDENTIAL_ROUTES = frozenset(
    {("POST", f"{A}/Messages.json"), ("POST", f"{A}/Calls.json"), ("POST", f"{A}/IncomingPhoneNumbers.json")}
)

router = Router(routes)
