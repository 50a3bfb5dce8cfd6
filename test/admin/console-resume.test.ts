/**
 * @jest-environment jsdom
 */
/**
 * The console reopened with a token kept from earlier in the tab: only the service's refusal of the token (401,
 * 403) forgets it; when the re-check cannot be made (the service unreachable, a 5xx) the token is kept and the
 * admin is told the service could not be reached, with a Retry that signs in once it answers.
 */
import { FluentProvider, webLightTheme } from '@fluentui/react-components';
import { fireEvent, render, screen } from '@testing-library/react';
import { createElement } from 'react';
import { Console } from '../../src/admin/shell/Console';
import { NOT_ACCEPTED, NOT_ADMIN } from '../../src/admin/shell/sign-in-check';
import { TOKEN_KEY } from '../../src/admin/shell/token-store';
import { jsdomForFluent } from './pages-fake-api';

jsdomForFluent();

// The page behind the sign-in is not under test: the overview the console opens on stands in as a stub (the
// console names it with webpack's .js, which jest would not find).
jest.mock('../../src/admin/pages/OverviewPage.js', () => ({ __esModule: true, default: () => 'Overview' }), {
  virtual: true,
});

const ADMIN = { kind: 'token', subject: 'tok-1', name: 'ops console', roles: ['admin'] };

/** What the service does with GET /me from now on. */
let answerMe: () => Promise<Response>;
const meCalls: string[] = [];

beforeEach(() => {
  meCalls.length = 0;
  sessionStorage.clear();
  sessionStorage.setItem(TOKEN_KEY, 'sgk_kept');
  globalThis.fetch = ((input: RequestInfo | URL) => {
    const url = String(input);
    expect(url).toBe('https://sendguard.test/api/v1/me');
    meCalls.push(url);
    return answerMe();
  }) as typeof fetch;
});

/** jsdom has no Response: the parts of one the console's API client reads. */
const json = (status: number, body: unknown) =>
  Promise.resolve({
    ok: status >= 200 && status < 300,
    status,
    statusText: '',
    json: () => Promise.resolve(body),
    text: () => Promise.resolve(JSON.stringify(body)),
  } as Response);
const refusal = (status: number, code: string) => json(status, { error: { code, message: code } });

function openConsole(): void {
  render(
    createElement(
      FluentProvider,
      { theme: webLightTheme },
      createElement(Console, { apiBase: 'https://sendguard.test/api/v1' }),
    ),
  );
}

test.each([
  ['unreachable', () => Promise.reject(new TypeError('Failed to fetch'))],
  ['a 503', () => refusal(503, 'UNAVAILABLE')],
  ['a 500', () => refusal(500, 'INTERNAL')],
])('%s keeps the token and offers a retry, which signs in once the service answers', async (_, failure) => {
  answerMe = failure;
  openConsole();
  expect(await screen.findByText('Could not reach the Sendguard service')).toBeTruthy();
  expect(sessionStorage.getItem(TOKEN_KEY)).toBe('sgk_kept');
  expect(screen.queryByLabelText(/token/i)).toBeNull();
  answerMe = () => json(200, ADMIN);
  fireEvent.click(screen.getByRole('button', { name: 'Retry' }));
  expect(await screen.findByText('Signed in as ops console')).toBeTruthy();
  expect(meCalls).toHaveLength(2);
  expect(sessionStorage.getItem(TOKEN_KEY)).toBe('sgk_kept');
});

test.each([
  [401, 'UNAUTHORIZED', NOT_ACCEPTED],
  [403, 'FORBIDDEN', NOT_ADMIN],
])('a %i forgets the token and returns to sign-in with the reason', async (status, code, reason) => {
  answerMe = () => refusal(status, code);
  openConsole();
  expect(await screen.findByText(reason)).toBeTruthy();
  expect(sessionStorage.getItem(TOKEN_KEY)).toBeNull();
  expect(screen.queryByText('Could not reach the Sendguard service')).toBeNull();
});

test('a token the service names without the admin role is forgotten too', async () => {
  answerMe = () => json(200, { ...ADMIN, roles: ['sender'] });
  openConsole();
  expect(await screen.findByText(NOT_ADMIN)).toBeTruthy();
  expect(sessionStorage.getItem(TOKEN_KEY)).toBeNull();
});

test('"Sign in with another token" forgets the kept one', async () => {
  answerMe = () => Promise.reject(new TypeError('Failed to fetch'));
  openConsole();
  fireEvent.click(await screen.findByRole('button', { name: 'Sign in with another token' }));
  expect(sessionStorage.getItem(TOKEN_KEY)).toBeNull();
  expect(await screen.findByRole('button', { name: 'Sign in' })).toBeTruthy();
});
