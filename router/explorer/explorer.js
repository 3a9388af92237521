/* global window, document, location, URL, React, ReactDOM, GraphiQL */
/**
 * Starts GraphiQL on the router's own `/graphql`: queries and mutations over
 * HTTP, subscriptions over graphql-ws at the same address. Loaded by
 * index.html after React, ReactDOM and GraphiQL (their UMD builds set these
 * globals).
 */
'use strict';

/**
 * The page's nonce, which its Content-Security-Policy allows on <style>
 * elements: GraphiQL's menus and dialogs (react-remove-scroll) add one while
 * open, tagged with `__webpack_nonce__`.
 */
window.__webpack_nonce__ = document.currentScript.nonce;

const endpoint = new URL('/graphql', location.href);
const socketEndpoint = new URL(endpoint);
socketEndpoint.protocol = endpoint.protocol === 'https:' ? 'wss:' : 'ws:';

/**
 * GraphiQL's fetcher sends the headers editor's headers with every HTTP
 * request and, for a subscription, as the `connectionParams` of the
 * graphql-ws connection it opens for it (@graphiql/toolkit merges them).
 */
const graphiqlFetcher = GraphiQL.createFetcher({ url: endpoint.href, subscriptionUrl: socketEndpoint.href });

/**
 * The router reads the token from `connectionParams.authorization`
 * (router/src/subscriptions.ts): name the header in lower case however it was
 * typed, so `Authorization`, `authorization` and `AUTHORIZATION` all work.
 */
function withLowerCaseAuthorization(headers) {
  if (!headers) return headers;
  const named = {};
  for (const [name, value] of Object.entries(headers)) {
    named[name.toLowerCase() === 'authorization' ? 'authorization' : name] = value;
  }
  return named;
}

function fetcher(params, options) {
  return graphiqlFetcher(params, options && { ...options, headers: withLowerCaseAuthorization(options.headers) });
}

const WELCOME = `# The bank's explorer (GraphiQL), served by the router.
#
# 1. Run SignIn (development accounts: see the README).
# 2. Put its accessToken in Headers, below:
#    {"Authorization": "Bearer <accessToken>"}
# 3. Run Me. Docs (the book, top left) describe
#    every type, field and argument.
#
# Subscriptions (notificationAdded, messageAdded,
# loanApplicationUpdated) run over graphql-ws at
# the same /graphql, with the same header.

mutation SignIn {
  login(email: "customer@bank.local", password: "demo-password-2026") {
    accessToken
    expiresAt
  }
}

query Me {
  me {
    id
    name
    email
    roles
  }
}
`;

ReactDOM.createRoot(document.getElementById('graphiql')).render(
  React.createElement(GraphiQL, {
    fetcher,
    defaultQuery: WELCOME,
    defaultEditorToolsVisibility: 'headers',
    // Access tokens stay out of localStorage.
    shouldPersistHeaders: false,
  }),
);
