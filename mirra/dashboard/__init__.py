"""The dashboard: one static page (HTML, CSS, a JavaScript module; no build step) served by the
control server. Everything it shows comes from the public control API, the direct-mode admin
routes and the event stream; the token arrives once through the login link and lives in an
HttpOnly cookie."""
