"""The web app: app factory, middleware, error handlers, layout templates and static files."""
