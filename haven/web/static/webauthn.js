// WebAuthn for Haven's forms (no inline script: the CSP forbids it).
// A button with data-webauthn="create" or "get" and data-options-url sits in a form with a
// hidden input named webauthn_response. On click: fetch the options from Haven (POST, with
// the form's CSRF token in a header), ask the browser's authenticator, put its answer (JSON,
// binary fields in base64url) in the hidden input and submit the form. Without WebAuthn
// support the button stays hidden and the form's hint says why.
(function () {
  "use strict";

  function toBytes(value) {
    var base64 = value.replace(/-/g, "+").replace(/_/g, "/");
    while (base64.length % 4) { base64 += "="; }
    var binary = atob(base64);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) { bytes[i] = binary.charCodeAt(i); }
    return bytes.buffer;
  }

  function toBase64url(buffer) {
    var bytes = new Uint8Array(buffer);
    var binary = "";
    for (var i = 0; i < bytes.length; i++) { binary += String.fromCharCode(bytes[i]); }
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function creationOptions(json) {
    var options = Object.assign({}, json);
    options.challenge = toBytes(json.challenge);
    options.user = Object.assign({}, json.user, { id: toBytes(json.user.id) });
    options.excludeCredentials = (json.excludeCredentials || []).map(function (c) {
      return Object.assign({}, c, { id: toBytes(c.id) });
    });
    return options;
  }

  function requestOptions(json) {
    var options = Object.assign({}, json);
    options.challenge = toBytes(json.challenge);
    options.allowCredentials = (json.allowCredentials || []).map(function (c) {
      return Object.assign({}, c, { id: toBytes(c.id) });
    });
    return options;
  }

  function serialise(credential) {
    var r = credential.response;
    var response = { clientDataJSON: toBase64url(r.clientDataJSON) };
    if (r.attestationObject) {
      response.attestationObject = toBase64url(r.attestationObject);
      if (r.getTransports) { response.transports = r.getTransports(); }
    }
    if (r.authenticatorData) {
      response.authenticatorData = toBase64url(r.authenticatorData);
      response.signature = toBase64url(r.signature);
      if (r.userHandle) { response.userHandle = toBase64url(r.userHandle); }
    }
    return JSON.stringify({
      id: credential.id,
      rawId: toBase64url(credential.rawId),
      type: credential.type,
      response: response,
      clientExtensionResults: credential.getClientExtensionResults(),
      authenticatorAttachment: credential.authenticatorAttachment || undefined
    });
  }

  function showError(form, message) {
    var box = form.querySelector("[data-webauthn-error]");
    if (box) { box.textContent = message; box.hidden = false; }
  }

  function start(button) {
    var form = button.form;
    var mode = button.getAttribute("data-webauthn");
    var csrf = form.querySelector("input[name=csrf_token]").value;
    var failed = button.getAttribute("data-error") ||
      "The security key did not answer. Try again, or use your authenticator app.";
    button.disabled = true;
    fetch(button.getAttribute("data-options-url"), {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRF-Token": csrf, "Accept": "application/json" }
    }).then(function (answer) {
      if (!answer.ok) { throw new Error("options " + answer.status); }
      return answer.json();
    }).then(function (json) {
      return mode === "create"
        ? navigator.credentials.create({ publicKey: creationOptions(json) })
        : navigator.credentials.get({ publicKey: requestOptions(json) });
    }).then(function (credential) {
      form.querySelector("input[name=webauthn_response]").value = serialise(credential);
      form.submit();
    }).catch(function () {
      button.disabled = false;
      showError(form, failed);
    });
  }

  function init() {
    if (!window.PublicKeyCredential || !navigator.credentials) { return; }
    document.querySelectorAll("[data-webauthn]").forEach(function (button) {
      if (button.dataset.webauthnReady) { return; }
      button.dataset.webauthnReady = "1";
      button.hidden = false;
      var fallback = button.form && button.form.querySelector("[data-webauthn-fallback]");
      if (fallback) { fallback.hidden = true; }
      button.addEventListener("click", function () { start(button); });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
