// A real OpenID provider for membercare's single sign-on tests: panva's oidc-provider on 127.0.0.1.
//
// Environment:
//   PORT              where it listens (the issuer is http://127.0.0.1:PORT)
//   CLIENT_ID, CLIENT_SECRET, REDIRECT_URI   the one client: membercare
//   ACCOUNTS_FILE     JSON: {"<sub>": {"username", "email", "name", "groups": [...],
//                     "store_code", "disabled"}}. Read again at every lookup, so a test changes an
//                     account (a group removed, disabled) by rewriting the file.
//   PUBLISH_WRONG_KEY "1": sign with one RSA key but publish another under the same key id, so every
//                     token it issues carries a signature the published keys do not verify.
//
// Sign-in is a plain form that takes a username (an account's `sub`) and no password; consent is
// given at once. Refresh tokens are rotated at every use, so a client must keep the newest one.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

import Provider from 'oidc-provider';

const { PORT, CLIENT_ID, CLIENT_SECRET, REDIRECT_URI, ACCOUNTS_FILE } = process.env;
const KEY_ID = 'membercare-test-key';

function newSigningKey() {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...privateKey.export({ format: 'jwk' }), kid: KEY_ID, alg: 'RS256', use: 'sig' };
}

function publicPart({ kty, n, e, kid, alg, use }) {
  return { kty, n, e, kid, alg, use };
}

const signingKey = newSigningKey();
const publishedKeys = {
  keys: [publicPart(process.env.PUBLISH_WRONG_KEY === '1' ? newSigningKey() : signingKey)],
};

function accounts() {
  return JSON.parse(readFileSync(ACCOUNTS_FILE, 'utf8'));
}

// A disabled or deleted account is not found: the provider then refuses its refresh tokens
// (invalid_grant) and its access tokens at userinfo (401).
async function findAccount(ctx, sub) {
  const account = accounts()[sub];
  if (!account || account.disabled) return undefined;
  return {
    accountId: sub,
    async claims() {
      return {
        sub,
        preferred_username: account.username ?? sub,
        name: account.name,
        email: account.email,
        groups: account.groups ?? [],
        store_code: account.store_code,
      };
    },
  };
}

const provider = new Provider(`http://127.0.0.1:${PORT}`, {
  clients: [
    {
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
      redirect_uris: [REDIRECT_URI],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_post',
    },
  ],
  claims: {
    openid: ['sub'],
    email: ['email'],
    profile: ['preferred_username', 'name', 'groups', 'store_code'],
  },
  scopes: ['openid', 'offline_access', 'profile', 'email'],
  findAccount,
  jwks: { keys: [signingKey] },
  cookies: { keys: [randomBytes(32).toString('hex')] },
  features: { devInteractions: { enabled: false } },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  pkce: { required: () => true },
  rotateRefreshToken: () => true,
  ttl: { AccessToken: 3600, IdToken: 3600, RefreshToken: 86400, Grant: 86400, Session: 86400 },
});

const page = (body) => `<!doctype html><title>Test provider</title>${body}`;

function loginForm(uid, problem = '') {
  return page(`${problem ? `<p>${problem}</p>` : ''}
<form method="post" action="/interaction/${uid}/login">
  <input name="login" autocomplete="username"><button type="submit">Sign in</button>
</form>`);
}

async function formBody(req) {
  let raw = '';
  for await (const chunk of req) raw += chunk;
  return new URLSearchParams(raw);
}

// The interaction: a login form, then consent to whatever the client asked for.
async function interaction(req, res, uid, action) {
  const details = await provider.interactionDetails(req, res);
  if (details.prompt.name === 'login') {
    if (action === 'login' && req.method === 'POST') {
      const login = (await formBody(req)).get('login') ?? '';
      const account = accounts()[login];
      if (account && !account.disabled) {
        await provider.interactionFinished(req, res, { login: { accountId: login } });
        return;
      }
      res.writeHead(200, { 'content-type': 'text/html' }).end(loginForm(uid, 'Unknown account'));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html' }).end(loginForm(uid));
    return;
  }
  // Consent: grant every scope and claim asked for.
  const { accountId } = details.session;
  const { missingOIDCScope, missingOIDCClaims, missingResourceScopes } = details.prompt.details;
  const grant = details.grantId
    ? await provider.Grant.find(details.grantId)
    : new provider.Grant({ accountId, clientId: details.params.client_id });
  if (missingOIDCScope) grant.addOIDCScope(missingOIDCScope.join(' '));
  if (missingOIDCClaims) grant.addOIDCClaims(missingOIDCClaims);
  for (const [indicator, scopes] of Object.entries(missingResourceScopes ?? {})) {
    grant.addResourceScope(indicator, scopes.join(' '));
  }
  const grantId = await grant.save();
  await provider.interactionFinished(req, res, { consent: { grantId } });
}

const handle = provider.callback();

const server = createServer(async (req, res) => {
  const url = new URL(req.url, `http://${req.headers.host}`);
  const match = url.pathname.match(/^\/interaction\/([^/]+)(?:\/(login))?$/);
  try {
    if (match) {
      await interaction(req, res, match[1], match[2]);
    } else if (url.pathname === '/jwks') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(publishedKeys));
    } else {
      handle(req, res);
    }
  } catch (error) {
    res.writeHead(500, { 'content-type': 'text/plain' }).end(String(error));
  }
});

server.listen(Number(PORT), '127.0.0.1', () => console.log(`listening on ${PORT}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
