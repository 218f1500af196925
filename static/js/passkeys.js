// Passkeys and security keys (WebAuthn): the page's button carries the server's options as
// JSON; this asks the browser for a credential and posts it in the form's hidden field.
// Loaded only on the pages that need it, as a module with the page's CSP nonce.

const decode = (text) => {
  const base64 = text.replace(/-/g, "+").replace(/_/g, "/");
  const padded = base64 + "=".repeat((4 - (base64.length % 4)) % 4);
  return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0)).buffer;
};

const encode = (buffer) => {
  if (!buffer) return null;
  const bytes = new Uint8Array(buffer);
  let text = "";
  for (const byte of bytes) text += String.fromCharCode(byte);
  return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
};

const withIds = (list) => (list || []).map((item) => ({ ...item, id: decode(item.id) }));

function publicKeyOptions(mode, options) {
  const publicKey = { ...options, challenge: decode(options.challenge) };
  if (mode === "create") {
    publicKey.user = { ...options.user, id: decode(options.user.id) };
    publicKey.excludeCredentials = withIds(options.excludeCredentials);
  } else {
    publicKey.allowCredentials = withIds(options.allowCredentials);
  }
  return publicKey;
}

function asJson(credential) {
  const response = credential.response;
  const json = {
    id: credential.id,
    rawId: encode(credential.rawId),
    type: credential.type,
    clientExtensionResults: credential.getClientExtensionResults(),
    authenticatorAttachment: credential.authenticatorAttachment || undefined,
    response: { clientDataJSON: encode(response.clientDataJSON) },
  };
  if (response.attestationObject) {
    json.response.attestationObject = encode(response.attestationObject);
    json.response.transports = response.getTransports ? response.getTransports() : [];
  } else {
    json.response.authenticatorData = encode(response.authenticatorData);
    json.response.signature = encode(response.signature);
    json.response.userHandle = encode(response.userHandle);
  }
  return json;
}

for (const button of document.querySelectorAll("[data-passkey]")) {
  if (!window.PublicKeyCredential) continue; // the button stays hidden
  const form = button.closest("form");
  const error = form.querySelector("[data-passkey-error]");
  button.hidden = false;
  button.addEventListener("click", async () => {
    const mode = button.dataset.passkey;
    error.hidden = true;
    try {
      const options = JSON.parse(button.dataset.passkeyOptions);
      const publicKey = publicKeyOptions(mode, options);
      const credential = await navigator.credentials[mode]({ publicKey });
      form.elements.credential.value = JSON.stringify(asJson(credential));
      form.submit();
    } catch (problem) {
      error.textContent = "Your passkey was not used. Try again, or use another way to confirm it is you.";
      error.hidden = false;
    }
  });
}
