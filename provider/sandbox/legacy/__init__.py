"""The sandbox's legacy HTTPS API (GET, JSON, XML): `api` answers the requests, `ledger`
keeps what was accepted, `course` plans each message's states, `wire` and `texts` speak
the API's formats and words."""
