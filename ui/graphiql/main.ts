/**
 * The GraphiQL playground, bundled at build time (ui/build.mjs) and served by the
 * apiserver from its own files: no CDN, so it works on a machine without internet.
 *
 * URLs are relative to the page (`graphql` next to `graphiql`), so the page also works
 * through `kubectl proxy` (http://127.0.0.1:8001/graphiql), which adds the credentials
 * itself. Opened directly, the page needs a bearer token: from the link `kubeling up`
 * prints (`#token=…`, a fragment the browser never sends to any server), or typed into the
 * token field; it is kept in this tab's sessionStorage only.
 */
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import { explorerPlugin } from '@graphiql/plugin-explorer';
import { GraphiQL } from 'graphiql';
import { createElement, useMemo, useState } from 'react';
import { createRoot } from 'react-dom/client';
import './workers.js';
import 'graphiql/style.css';
import '@graphiql/plugin-explorer/style.css';
import { EXAMPLE_TABS } from './examples.js';

const TOKEN_KEY = 'kubeling.token';

function initialToken(): string {
  const fromFragment = /(?:^|[#&])token=([^&]+)/.exec(location.hash)?.[1];
  if (fromFragment) {
    const token = decodeURIComponent(fromFragment);
    sessionStorage.setItem(TOKEN_KEY, token);
    // Drop the token from the address bar and history.
    history.replaceState(null, '', location.pathname + location.search);
    return token;
  }
  return sessionStorage.getItem(TOKEN_KEY) ?? '';
}

function endpoint(protocol: 'http' | 'ws'): string {
  const url = new URL('graphql', location.href);
  if (protocol === 'ws') url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.toString();
}

const explorer = explorerPlugin();

function Playground() {
  const [token, setToken] = useState(initialToken);
  const fetcher = useMemo(() => {
    const headers: Record<string, string> = token ? { Authorization: `Bearer ${token}` } : {};
    return createGraphiQLFetcher({
      url: endpoint('http'),
      subscriptionUrl: endpoint('ws'),
      headers,
      // mercurius reads credentials for subscriptions from connection_init.
      wsConnectionParams: headers,
    });
  }, [token]);

  const tokenBar = createElement(
    'form',
    {
      className: 'kubeling-token',
      onSubmit: (e: { preventDefault(): void; currentTarget: HTMLFormElement }) => {
        e.preventDefault();
        const value = (new FormData(e.currentTarget).get('token') ?? '').toString().trim();
        if (value) sessionStorage.setItem(TOKEN_KEY, value);
        else sessionStorage.removeItem(TOKEN_KEY);
        setToken(value);
      },
    },
    createElement('strong', null, 'Kubeling'),
    createElement('label', { htmlFor: 'kubeling-token' }, 'Bearer token'),
    createElement('input', {
      id: 'kubeling-token',
      name: 'token',
      type: 'password',
      defaultValue: token,
      placeholder: 'kubectl config view --raw -o jsonpath={.users[0].user.token}',
      autoComplete: 'off',
    }),
    createElement('button', { type: 'submit' }, 'Use'),
    createElement('span', { className: 'kubeling-token-state' }, token ? 'token set' : 'no token (fine through kubectl proxy)'),
  );

  return createElement(
    'div',
    { className: 'kubeling-page' },
    tokenBar,
    createElement(
      'div',
      { className: 'kubeling-graphiql' },
      createElement(GraphiQL, {
        fetcher,
        plugins: [explorer],
        defaultTabs: EXAMPLE_TABS,
        defaultEditorToolsVisibility: false,
      }),
    ),
  );
}

createRoot(document.getElementById('graphiql')!).render(createElement(Playground));
