"""The platform's REST v6 API: one client per account (`provider.rest.client`).

    async with RestClient(url, "login", SecretStr("password")) as client:
        result = await client.send(SendRequest(dest_addr="79001234560", message=...))

The request, message and report models are shared at `provider`'s root: they are the
bot's one form of a message, which the legacy API's requests are made from too.
"""

from provider.rest.client import RestClient, new_partner_id

__all__ = ["RestClient", "new_partner_id"]
