// Swagger UI for Haven's API, loaded from Haven itself (no CDN, no inline script).
window.ui = SwaggerUIBundle({ url: "/api/openapi.json", dom_id: "#swagger-ui" });
