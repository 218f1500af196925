// A real OpenID provider for the tests (panva's certified oidc-provider), on a loopback port.
//
//   node provider.mjs <settings.json>
//
// settings: { "now_ms": the tests' clock (the run is time-travelled, tests/clock.py),
//             "clients": [client metadata…], "accounts": { "<login>": {claims…} } }
// Prints one line "LISTENING <port>" when ready. The development login and consent pages
// (devInteractions) accept any login; accounts listed in settings get their claims.
//
// Test-only controls (never part of a real provider), under /__test/:
//   POST /__test/clock?offset_ms=N  move the provider's clock N ms from the tests' clock
//   POST /__test/rotate             sign from now on with a new key (a new kid)
import http from "node:http";
import { readFileSync } from "node:fs";
import { generateKeyPairSync } from "node:crypto";

const settings = JSON.parse(readFileSync(process.argv[2], "utf8"));

// ---- the clock: the tests' moment, plus an adjustable offset --------------------------------
const RealDate = Date;
const base = settings.now_ms - RealDate.now();
let offset = 0;
const now = () => RealDate.now() + base + offset;
class TestDate extends RealDate {
  constructor(...args) {
    if (args.length === 0) super(now());
    else super(...args);
  }
  static now() {
    return now();
  }
}
globalThis.Date = TestDate;

// A browser under test (Chromium) keeps the machine's clock while this provider keeps the
// tests' (time-travelled) one, so a cookie's Expires would be in the browser's past: every
// cookie goes out as a browser-session cookie instead (fixed as the headers are written, after
// oidc-provider has added the session cookie's expiry).
const writeHead = http.ServerResponse.prototype.writeHead;
http.ServerResponse.prototype.writeHead = function (...args) {
  const cookies = this.getHeader("set-cookie");
  if (cookies) {
    const strip = (cookie) => String(cookie).replace(/;\s*(expires|max-age)=[^;]*/gi, "");
    this.setHeader("set-cookie", Array.isArray(cookies) ? cookies.map(strip) : strip(cookies));
  }
  return writeHead.apply(this, args);
};

const { default: Provider } = await import("oidc-provider");

function signingKey(kid) {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  return { ...privateKey.export({ format: "jwk" }), kid, use: "sig", alg: "RS256" };
}

let issuer = null; // known once listening
let generation = 0;

function makeProvider() {
  generation += 1;
  const provider = new Provider(issuer, {
    clients: settings.clients,
    jwks: { keys: [signingKey(`test-key-${generation}`)] },
    pkce: { required: () => true },
    conformIdTokenClaims: false, // email and name in the ID token as well as from userinfo
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"] },
    scopes: ["openid", "email", "profile"],
    features: {
      devInteractions: { enabled: true },
      rpInitiatedLogout: { enabled: true },
    },
    ttl: { IdToken: 3600, AccessToken: 3600, AuthorizationCode: 60, Interaction: 600, Session: 3600, Grant: 3600 },
    cookies: { keys: ["casetrack-test-provider-cookie-key"] },
    async findAccount(ctx, id) {
      const claims = settings.accounts[id] || {};
      return { accountId: id, async claims() { return { sub: id, ...claims }; } };
    },
  });
  provider.on("server_error", (ctx, error) => console.error("server_error", error));
  return provider;
}

let handler = null;

const server = http.createServer((req, res) => {
  const url = new URL(req.url, "http://x");
  if (url.pathname === "/__test/clock" && req.method === "POST") {
    offset = Number(url.searchParams.get("offset_ms") || 0);
    res.end("ok");
    return;
  }
  if (url.pathname === "/__test/rotate" && req.method === "POST") {
    handler = makeProvider().callback();
    res.end(`test-key-${generation}`);
    return;
  }
  handler(req, res);
});

server.listen(0, "127.0.0.1", () => {
  const { port } = server.address();
  issuer = `http://127.0.0.1:${port}`;
  handler = makeProvider().callback();
  console.log(`LISTENING ${port}`);
});
