/**
 * The GraphiQL playground, bundled at build time (ui/build.mjs) and served by the
 * apiserver from its own files: no CDN, so it works on a machine without internet.
 *
 * URLs and the token: ui/common/session.ts.
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
import { apiUrl, authHeaders, initialToken, saveToken } from '../common/session.js';

const explorer = explorerPlugin();

function Playground() {
  const [token, setToken] = useState(initialToken);
  const fetcher = useMemo(() => {
    const headers = authHeaders(token);
    return createGraphiQLFetcher({
      url: apiUrl('graphql'),
      subscriptionUrl: apiUrl('graphql', 'ws'),
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
        saveToken(value);
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
