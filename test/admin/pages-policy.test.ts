/**
 * @jest-environment jsdom
 */
/**
 * The Policy page over a fake AdminApi: validation once typing pauses (one check per pause, for the text in the
 * editor), a problem's line and column moving the cursor there, the diff against the running policy marked by
 * signs and words as well as colour, the preview's figures in tables (and their CSV), Save with the version edited
 * from, and a save refused because someone else saved meanwhile offering the running policy again.
 */
import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { createElement } from 'react';
import { AdminApiError } from '../../src/admin/api';
import PolicyPage from '../../src/admin/pages/PolicyPage';
import { offsetOf } from '../../src/admin/pages/policy-position';
import { CONTEXT_LINES, policyDiff } from '../../src/admin/pages/policy-diff';
import type { PolicyCheck, PolicyPreview, RunningPolicy } from '../../src/admin/pages/policy-wire';
import { POLICY_CHECK_DELAY_MS } from '../../src/admin/pages/use-policy-check';
import { captureDownloads, fakeAdminApi, jsdomForFluent, type FakeAdminApi } from './pages-fake-api';

jsdomForFluent();

// The chart library's d3 modules are ESM only, which jest's CommonJS runtime cannot load: the chart is drawn in
// Chromium (policy-preview.test.ts); here it stands in as the rows it is given, so that its numbers are checked.
jest.mock('../../src/admin/pages/PolicyPreviewChart', () => ({
  PolicyPreviewChart: ({ rows }: { rows: unknown[] }) =>
    jest
      .requireActual<typeof import('react')>('react')
      .createElement('div', { 'data-testid': 'chart' }, JSON.stringify(rows)),
}));

const RUNNING = ['version: 1', 'classifications:', '  internal:', '    requirement: none', ''].join('\n');
const EDITED = RUNNING.replace('requirement: none', 'requirement: transport');

function running(text = RUNNING, version = 'v1', revision = 1): RunningPolicy {
  return {
    revision,
    version,
    text,
    source: 'console',
    savedBy: 'ops@example.gov',
    savedAt: '2026-12-01T08:00:00.000Z',
    note: 'first',
    history: [
      { revision, version, savedBy: 'ops@example.gov', savedAt: '2026-12-01T08:00:00.000Z', note: 'first' },
    ],
  };
}

const PREVIEW: PolicyPreview = {
  from: '2026-11-07T00:00:00.000Z',
  to: '2026-12-07T00:00:00.000Z',
  messages: 12,
  before: { send: 5, tag: 4, pgp: 1, escrow: 2, split: 0, block: 0 },
  after: { send: 0, tag: 8, pgp: 1, escrow: 3, split: 0, block: 0 },
  recipientsBefore: { internal: 3, tls: 6, pgp: 1, escrow: 2, none: 7, blocked: 0 },
  recipientsAfter: { internal: 3, tls: 12, pgp: 1, escrow: 3, none: 0, blocked: 0 },
  changedMessages: 5,
  domains: [
    { domain: 'partner.example', from: 'none', to: 'tls', recipients: 6 },
    { domain: 'smallclinic.example', from: 'none', to: 'escrow', recipients: 1 },
  ],
};

function policyApi(
  check: (text: string) => PolicyCheck = () => ({ valid: true, version: 'v2', errors: [] }),
) {
  let current = running();
  return fakeAdminApi({
    'GET /admin/policy': () => current,
    'POST /admin/policy/check': (body) => check((body as { text: string }).text),
    'POST /admin/policy/preview': () => PREVIEW,
    'PUT /admin/policy': (body) => {
      const { text, note } = body as { text: string; note?: string };
      const saved = {
        revision: current.revision + 1,
        version: 'v2',
        savedBy: 'ops@example.gov',
        savedAt: '2026-12-07T10:00:00.000Z',
        note,
      };
      current = { ...saved, text, source: 'console', history: [saved, ...current.history] };
      return { version: 'v2', restartNeeded: ['listen.port'] };
    },
  });
}

const editor = () => screen.getByLabelText('Policy (YAML)') as HTMLTextAreaElement;
const type = (text: string) => fireEvent.change(editor(), { target: { value: text } });

/** Previews the text in the editor, once the check has found it valid; resolves when the figures are shown. */
async function previewIt(): Promise<void> {
  await screen.findByText('The edited policy is valid.');
  fireEvent.click(screen.getByRole('button', { name: 'Preview' }));
  // A table from an earlier preview may be on screen already: the answer for this text also clears its warning.
  await waitFor(() => {
    expect(screen.getByRole('table', { name: 'Messages per action' })).toBeTruthy();
    expect(screen.queryByText(/The text changed since this preview/)).toBeNull();
  });
}

async function renderPage(api: FakeAdminApi): Promise<void> {
  render(createElement(PolicyPage, { api }));
  await screen.findByLabelText('Policy (YAML)');
  // The running text is checked once, like any text the editor holds.
  await screen.findByText(/The edited policy is valid/);
}

describe('validation as you type', () => {
  test('one check per pause in typing, for the text in the editor when typing stopped', async () => {
    const api = policyApi();
    await renderPage(api);
    const before = api.callsTo('POST', '/admin/policy/check').length;
    type(`${RUNNING}# a`);
    type(`${RUNNING}# ab`);
    type(EDITED);
    expect(screen.getByText('Checking the edited policy…')).toBeTruthy();
    expect(api.callsTo('POST', '/admin/policy/check')).toHaveLength(before);
    await screen.findByText('The edited policy is valid.');
    expect(api.callsTo('POST', '/admin/policy/check').slice(before)).toEqual([
      { method: 'POST', path: '/admin/policy/check', body: { text: EDITED } },
    ]);
    // No check is left pending for the texts typed in between.
    await act(() => new Promise((resolve) => setTimeout(resolve, POLICY_CHECK_DELAY_MS * 2)));
    expect(api.callsTo('POST', '/admin/policy/check')).toHaveLength(before + 1);
  });

  test("a problem's line and column move the cursor there, and Save waits until it is mended", async () => {
    const broken = `${RUNNING}  bad: [\n`;
    const api = policyApi((text) =>
      text === broken
        ? {
            valid: false,
            errors: [
              { message: 'Flow sequence is not closed', line: 5, column: 8 },
              { message: 'unknown classification setting', path: 'classifications.internal.bad' },
            ],
          }
        : { valid: true, errors: [] },
    );
    await renderPage(api);
    type(broken);
    const jump = await screen.findByRole('button', { name: 'Line 5, column 8: Flow sequence is not closed' });
    expect(screen.getByText('unknown classification setting (at classifications.internal.bad)')).toBeTruthy();
    expect(screen.getByText('Mend the problems listed under the editor to save.')).toBeTruthy();
    expect((screen.getByRole('button', { name: 'Save policy' }) as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(jump);
    expect(document.activeElement).toBe(editor());
    expect(editor().selectionStart).toBe(broken.indexOf('['));
  });
});

describe('diff against the running policy', () => {
  test('added and removed lines carry a sign and words, and are an insertion and a deletion', async () => {
    await renderPage(policyApi());
    expect(screen.getByText('No changes from the running policy (version v1).')).toBeTruthy();
    type(EDITED);
    const changes = await screen.findByRole('region', {
      name: 'Changes from the running policy (version v1)',
    });
    expect(screen.getByText(/1 line added, 1 line removed/)).toBeTruthy();
    const removed = changes.querySelector('del')!;
    const added = changes.querySelector('ins')!;
    expect(removed.textContent).toBe('− Removed line 4:     requirement: none');
    expect(added.textContent).toBe('+ Added line 4:     requirement: transport');
    // The sign is for the eye; the words are for screen readers.
    expect(added.querySelector('[aria-hidden="true"]')!.textContent).toBe('+ ');
  });

  test('long unchanged stretches fold to the lines around each change', () => {
    const lines = Array.from({ length: 20 }, (_, i) => `line ${i + 1}`);
    const edited = [...lines.slice(0, 10), 'changed', ...lines.slice(11)];
    const diff = policyDiff(lines.join('\n') + '\n', edited.join('\n') + '\n');
    expect(diff).toMatchObject({ added: 1, removed: 1 });
    expect(diff.rows).toEqual([
      { kind: 'folded', lines: 10 - CONTEXT_LINES },
      ...[8, 9, 10].map((line) => ({ kind: 'same', text: `line ${line}`, line })),
      { kind: 'removed', text: 'line 11', line: 11 },
      { kind: 'added', text: 'changed', line: 11 },
      ...[12, 13, 14].map((line) => ({ kind: 'same', text: `line ${line}`, line })),
      { kind: 'folded', lines: 9 - CONTEXT_LINES },
    ]);
  });
});

describe('preview', () => {
  test('sends the edited text and shows each figure in its table, with CSV of the same rows', async () => {
    const downloads = captureDownloads();
    const api = policyApi();
    await renderPage(api);
    type(EDITED);
    fireEvent.click(screen.getByRole('button', { name: 'Preview' }));
    const actions = await screen.findByRole('table', { name: 'Messages per action' });
    expect(api.callsTo('POST', '/admin/policy/preview')).toEqual([
      { method: 'POST', path: '/admin/policy/preview', body: { text: EDITED, days: 30 } },
    ]);
    expect(
      screen.getByText(
        'Replayed 12 send checks from 2026-11-07 00:00 UTC to 2026-12-07 00:00 UTC: 5 would be sent differently under the edited policy.',
      ),
    ).toBeTruthy();
    expect(JSON.parse(screen.getByTestId('chart').textContent!)).toContainEqual({
      name: 'Forced TLS',
      before: 4,
      after: 8,
    });
    const cells = (table: HTMLElement, name: string) =>
      [...within(table).getByText(name).closest('tr')!.querySelectorAll('td')].map((td) => td.textContent);
    expect(cells(actions, 'Plain mail')).toEqual(['Plain mail', '5', '0', '-5']);
    expect(cells(actions, 'Forced TLS')).toEqual(['Forced TLS', '4', '8', '+4']);
    const protections = screen.getByRole('table', { name: 'Recipients per protection' });
    expect(cells(protections, 'Secure pickup')).toEqual(['Secure pickup', '2', '3', '+1']);
    const domains = screen.getByRole('table', {
      name: 'Domains whose recipients would move to another protection',
    });
    expect(cells(domains, 'partner.example')).toEqual(['partner.example', 'Plain mail', 'Forced TLS', '6']);
    fireEvent.click(
      screen.getByRole('button', {
        name: 'Download CSV of Domains whose recipients would move to another protection',
      }),
    );
    expect(await downloads[0]!.text()).toBe(
      'Domain,Running policy,Edited policy,Recipients\r\n' +
        'partner.example,Plain mail,Forced TLS,6\r\n' +
        'smallclinic.example,Plain mail,Secure pickup,1\r\n',
    );
    type(`${EDITED}# more`);
    expect(await screen.findByText(/The text changed since this preview/)).toBeTruthy();
  });
});

describe('save', () => {
  test('sends the text, the revision it was edited from and the note; says what needs a restart', async () => {
    const api = policyApi();
    await renderPage(api);
    type(EDITED);
    fireEvent.change(screen.getByLabelText('Note for the history'), {
      target: { value: 'tag internal mail' },
    });
    await previewIt();
    fireEvent.click(screen.getByRole('button', { name: 'Save policy' }));
    await screen.findByText(
      'The policy was saved as version v2. These settings take effect only after the service restarts: listen.port.',
    );
    expect(api.callsTo('PUT', '/admin/policy')).toEqual([
      {
        method: 'PUT',
        path: '/admin/policy',
        body: { text: EDITED, baseRevision: 1, note: 'tag internal mail' },
      },
    ]);
    await waitFor(() =>
      expect(
        within(screen.getByRole('table', { name: 'Policy history' })).getByText('tag internal mail'),
      ).toBeTruthy(),
    );
    expect(screen.getByText('No changes from the running policy (version v2).')).toBeTruthy();
  });

  test('409: someone else saved meanwhile; the edit is kept until the admin reloads the running policy', async () => {
    const api = policyApi();
    const theirs = `${RUNNING}# theirs\n`;
    api.routes.set('PUT /admin/policy', () => {
      throw new AdminApiError(409, 'POLICY_CHANGED', 'the policy changed since version v1');
    });
    await renderPage(api);
    type(EDITED);
    await previewIt();
    fireEvent.click(screen.getByRole('button', { name: 'Save policy' }));
    await screen.findByText(/Someone else saved the policy after revision 1, which you edited/);
    expect(editor().value).toBe(EDITED);
    // Theirs changed a comment only: the policy's version is the same, its revision is not.
    api.routes.set('GET /admin/policy', () => running(theirs, 'v1', 2));
    fireEvent.click(screen.getByRole('button', { name: 'Reload the running policy' }));
    await waitFor(() => expect(editor().value).toBe(theirs));
    expect(screen.queryByText(/Someone else saved the policy/)).toBeNull();
    expect(screen.getByText(/The running policy, version v1, was saved from the console/)).toBeTruthy();
  });
});

describe('save waits for the preview', () => {
  const saveButton = () => screen.getByRole('button', { name: 'Save policy' }) as HTMLButtonElement;

  test('Save is offered only for a valid text previewed as it is now, with the preview said beside it', async () => {
    const api = policyApi();
    await renderPage(api);
    type(EDITED);
    await screen.findByText('The edited policy is valid.');
    // Valid, but not previewed: nothing can be saved yet.
    expect(saveButton().disabled).toBe(true);
    expect(screen.getByText(/Preview the text as it is now to save it/)).toBeTruthy();
    await previewIt();
    expect(saveButton().disabled).toBe(false);
    const summary =
      'Replayed 12 send checks from 2026-11-07 00:00 UTC to 2026-12-07 00:00 UTC: 5 would be sent differently under the edited policy.';
    expect(screen.getByText(`What saving changes: ${summary}`)).toBeTruthy();
    // A preview of an earlier text does not count: another edit waits for its own check and preview.
    type(`${EDITED}# more`);
    expect(saveButton().disabled).toBe(true);
    await screen.findByText('The edited policy is valid.');
    expect(saveButton().disabled).toBe(true);
    expect(screen.queryByText(/What saving changes/)).toBeNull();
    await previewIt();
    expect(saveButton().disabled).toBe(false);
    fireEvent.click(saveButton());
    await screen.findByText(/The policy was saved as version v2/);
    expect(api.callsTo('PUT', '/admin/policy').map((c) => (c.body as { text: string }).text)).toEqual([
      `${EDITED}# more`,
    ]);
  });

  test('a previewed text the check finds invalid cannot be saved', async () => {
    const broken = `${EDITED}  bad: [\n`;
    const api = policyApi((text) =>
      text === broken
        ? { valid: false, errors: [{ message: 'Flow sequence is not closed' }] }
        : { valid: true, errors: [] },
    );
    await renderPage(api);
    type(broken);
    fireEvent.click(screen.getByRole('button', { name: 'Preview' }));
    await screen.findByRole('table', { name: 'Messages per action' });
    await screen.findByText(/Flow sequence is not closed/);
    expect(saveButton().disabled).toBe(true);
    expect(screen.getByText('Mend the problems listed under the editor to save.')).toBeTruthy();
  });
});

describe('history', () => {
  const saved = (revision: number, text: string, note: string) => ({
    revision,
    version: `v${revision}`,
    savedBy: 'ops@example.gov',
    savedAt: `2026-12-0${revision}T08:00:00.000Z`,
    note,
    text,
  });
  const FIRST = saved(1, RUNNING, 'first');
  const SECOND = saved(2, EDITED, 'internal over TLS');

  function historyApi(): FakeAdminApi {
    const api = policyApi();
    const { text: _first, ...firstEntry } = FIRST;
    const { text: _second, ...secondEntry } = SECOND;
    api.routes.set('GET /admin/policy', () => ({
      ...running(EDITED, 'v2', 2),
      history: [secondEntry, firstEntry],
    }));
    api.routes.set('GET /admin/policy/versions/1', () => FIRST);
    api.routes.set('GET /admin/policy/versions/2', () => SECOND);
    return api;
  }

  test('a row opens what that version changed, against the version saved before it', async () => {
    const api = historyApi();
    await renderPage(api);
    fireEvent.click(screen.getByRole('button', { name: 'Show the changes in revision 2' }));
    const changes = await screen.findByRole('region', {
      name: 'Changes from revision 1 (version v1, saved by ops@example.gov on 2026-12-01 08:00 UTC)',
    });
    expect(within(changes).getByRole('deletion').textContent).toContain('requirement: none');
    expect(within(changes).getByRole('insertion').textContent).toContain('requirement: transport');
    expect(api.callsTo('GET', '/admin/policy/versions/2')).toHaveLength(1);
    expect(api.callsTo('GET', '/admin/policy/versions/1')).toHaveLength(1);
    expect(screen.getByRole('heading', { name: 'Changes in revision 2' })).toBeTruthy();
  });

  test('the first saved version says there is no earlier text to compare it with', async () => {
    const api = historyApi();
    await renderPage(api);
    fireEvent.click(screen.getByRole('button', { name: 'Show the changes in revision 1' }));
    expect(await screen.findByText(/Revision 1 is the first saved from the console/)).toBeTruthy();
    expect(api.callsTo('GET', '/admin/policy/versions/0')).toEqual([]);
  });
});

test('offsetOf: line and column from 1, clamped to the line and the text', () => {
  const text = 'ab\ncde\n\nf';
  expect(offsetOf(text, 1, 1)).toBe(0);
  expect(offsetOf(text, 2, 3)).toBe(5);
  expect(offsetOf(text, 2, 99)).toBe(6);
  expect(offsetOf(text, 4, 1)).toBe(8);
  expect(offsetOf(text, 9, 1)).toBe(text.length);
});
