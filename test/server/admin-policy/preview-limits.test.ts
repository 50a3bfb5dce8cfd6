/**
 * A preview is refused, naming the days it covered, once it would replay more recipients than its cap or run past
 * its time budget, looked at every few thousand recipients, within a page too; other work gets its turns while a
 * page is replayed; pages are read one after another, each resuming after the last.
 */
import type { DecisionRecord } from '../../../src/core/decisions/record';
import { previewPolicy } from '../../../src/server/admin-policy/preview';
import type { DecisionPage, TimeRange } from '../../../src/server/store/decision-store';
import { ManualClock } from '../../helpers/clock';
import { defaultPolicy } from '../../helpers/policy';

const record = (id: string, recipients = 1): DecisionRecord => ({
  id,
  at: '2026-12-07T10:00:00.000Z',
  policyVersion: 'v',
  host: 'outlook',
  sender: 'ana@example.gov',
  pseudonymous: false,
  classification: 'confidential',
  action: 'tag',
  outcome: 'tagged',
  passcodeSet: false,
  recipients: Array.from({ length: recipients }, (_, i) => ({
    address: `b${id}.${i}@partner.example`,
    domain: 'partner.example',
    internal: false,
    transport: 'encrypted' as const,
    key: 'none' as const,
    protection: 'tls' as const,
  })),
});

/**
 * Ten records (of one recipient, the fourth of `fourth`) in pages of the size asked, each page taking `msPerPage`
 * of the clock.
 */
function tenRecords(clock: ManualClock, msPerPage = 0, fourth = 1) {
  const asked: Array<{ range: TimeRange; after?: string }> = [];
  const all = Array.from({ length: 10 }, (_, i) => record(String(i).padStart(2, '0'), i === 3 ? fourth : 1));
  return {
    asked,
    async list(range: TimeRange, limit: number, after?: string): Promise<DecisionPage> {
      asked.push({ range, ...(after !== undefined ? { after } : {}) });
      clock.advance(msPerPage);
      const start = after === undefined ? 0 : all.findIndex((r) => r.id === after) + 1;
      const records = all.slice(start, start + limit);
      return start + limit < all.length ? { records, next: records.at(-1)!.id } : { records };
    },
  };
}

test('every page is read, resuming after the last, over the days asked', async () => {
  const clock = new ManualClock(Date.parse('2026-12-07T12:00:00.000Z'));
  const decisions = tenRecords(clock);
  const figures = await previewPolicy(defaultPolicy(), defaultPolicy(), 7, {
    decisions,
    clock,
    limits: { page: 4 },
  });
  expect(figures).toMatchObject({
    from: '2026-11-30T12:00:00.000Z',
    to: '2026-12-07T12:00:00.000Z',
    messages: 10,
  });
  expect(decisions.asked.map((a) => a.after)).toEqual([undefined, '03', '07']);
});

test('more recipients than the cap: refused, naming the days, though the records are fewer', async () => {
  const clock = new ManualClock(Date.now());
  const refused = previewPolicy(defaultPolicy(), defaultPolicy(), 30, {
    decisions: tenRecords(clock, 0, 500),
    clock,
    limits: { maxRecipients: 100 },
  });
  await expect(refused).rejects.toMatchObject({
    code: 'PREVIEW_TOO_LARGE',
    message: 'the last 30 days hold more than 100 recipients: preview fewer days',
  });
});

test('within one page, other work gets its turns every few recipients, and the budget is looked at', async () => {
  const clock = new ManualClock(Date.now());
  let turns = 0;
  let done = false;
  const tick = () => {
    turns++;
    if (!done) setImmediate(tick);
  };
  setImmediate(tick);
  const figures = await previewPolicy(defaultPolicy(), defaultPolicy(), 30, {
    decisions: tenRecords(clock),
    clock,
    limits: { page: 10, turnRecipients: 2 },
  });
  done = true;
  expect(figures.messages).toBe(10);
  expect(turns).toBeGreaterThanOrEqual(5);

  // Each look at the clock finds 400 ms gone: past the budget on the second turn, though one page holds all.
  const slow = new ManualClock(Date.now());
  const monotonic = slow.monotonic.bind(slow);
  slow.monotonic = () => {
    slow.advance(400);
    return monotonic();
  };
  const refused = previewPolicy(defaultPolicy(), defaultPolicy(), 30, {
    decisions: tenRecords(slow),
    clock: slow,
    limits: { page: 10, turnRecipients: 2, budgetMs: 1000 },
  });
  await expect(refused).rejects.toMatchObject({ code: 'PREVIEW_TOO_LARGE' });
});

test('past the time budget: refused, and no further page is read', async () => {
  const clock = new ManualClock(Date.now());
  const decisions = tenRecords(clock, 600);
  const refused = previewPolicy(defaultPolicy(), defaultPolicy(), 30, {
    decisions,
    clock,
    limits: { page: 4, budgetMs: 1000 },
  });
  await expect(refused).rejects.toMatchObject({ code: 'PREVIEW_TOO_LARGE' });
  expect(decisions.asked).toHaveLength(2);
});
