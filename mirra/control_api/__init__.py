"""The REST control plane (`/v1/...`) and direct mode (`/m/<session>/<vendor>/...`)."""
