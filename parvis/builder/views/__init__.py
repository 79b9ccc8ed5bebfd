"""The builder's pages (server-rendered, no JavaScript needed). Thin: rules live in the services."""
