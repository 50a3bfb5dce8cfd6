/**
 * Split sends keep the whole message (issue 22): each moved group's new message carries every attachment
 * byte-identical (files, attached items, the inline image with its content id), the HTML as written, importance
 * and reply-to, with its recipients in their fields, and the classification the sender chose, which its own plan
 * then starts from; what a host cannot carry and any message over its size limit is named before anything changes;
 * opening that stops half-way says which groups were opened.
 */
import { applyPlan, type ApplyDeps } from '../../src/addin/protect/apply';
import { CLASSIFICATION_HEADER } from '../../src/addin/protect/applied';
import { problemsBefore } from '../../src/addin/split/check';
import { carriedClassification } from '../../src/addin/split/classification';
import { readOutline, withChosen } from '../../src/addin/split/original';
import { loadMessage, planWith } from '../../src/addin/state';
import type { NewMessageCarries, NewMessages } from '../../src/addin/host';
import { splitNote } from '../../src/addin/split/losses';
import { doneText } from '../../src/addin/ui/use-apply';
import type { Policy } from '../../src/core/policy/schema';
import {
  A,
  B,
  C,
  D,
  EVERYTHING,
  fakeHost,
  MISSING,
  splitBackend,
  splitPolicy,
  threeWayPolicy,
  wholeMessage,
  type FakeOptions,
  type Item,
} from './split-fakes';

async function planned(item: Item, policy: Policy, options: FakeOptions = {}) {
  const fake = fakeHost(item, options);
  const backend = splitBackend(policy);
  const deps: ApplyDeps = {
    host: fake.host,
    backend,
    backendUrl: 'https://sg.example',
    randomHex: () => '00',
  };
  const loaded = await loadMessage(deps);
  return { ...fake, deps, loaded, planned: planWith(loaded, undefined) };
}

const TWO_WAY = () =>
  wholeMessage({ to: [{ address: A }, { address: B, displayName: 'Bob' }], cc: [{ address: C }] });

test('the new message carries every attachment byte for byte, the content id, importance, reply-to, the HTML as written', async () => {
  const item = TWO_WAY();
  const before = structuredClone(item);
  const { host, opened, deps, loaded, planned: p } = await planned(item, splitPolicy());
  expect(p.plan.groups?.map((g) => [g.protection, g.addresses])).toEqual([
    ['tls', [A]],
    ['pgp', [B, C]],
  ]);
  expect(await applyPlan(p, loaded, deps)).toMatchObject({
    action: 'split',
    opened: [{ group: p.plan.groups![1] }],
  });
  expect(opened).toHaveLength(1);
  const [{ asked }] = opened as [(typeof opened)[number]];
  expect({ to: asked.to, cc: asked.cc, bcc: asked.bcc }).toEqual({ to: [B], cc: [C], bcc: [] });
  expect(asked.subject).toBe(before.subject);
  expect(asked.html).toBe(before.html);
  expect(asked.importance).toBe('high');
  expect(asked.replyTo).toEqual(['desk@example.gov']);
  expect(
    asked.attachments!.map((a) => ({
      name: a.name,
      contentType: a.contentType,
      inline: a.inline,
      contentId: a.contentId,
      kind: a.kind,
    })),
  ).toEqual([
    {
      name: 'contract.pdf',
      contentType: 'application/pdf',
      inline: false,
      contentId: undefined,
      kind: 'file',
    },
    { name: 'minutes.eml', contentType: 'message/rfc822', inline: false, contentId: undefined, kind: 'item' },
    { name: 'logo.png', contentType: 'image/png', inline: true, contentId: 'logo@example.gov', kind: 'file' },
  ]);
  asked.attachments!.forEach((a, i) =>
    expect(Buffer.from(a.data).equals(Buffer.from(before.attachments[i]!.data))).toBe(true),
  );
  // This message keeps the first group, its attachments and body untouched.
  expect(await host.getRecipients()).toEqual({ to: [{ address: A }], cc: [], bcc: [] });
  expect(item.attachments.map((a) => a.name)).toEqual(['contract.pdf', 'minutes.eml', 'logo.png']);
  expect(item.html).toBe(before.html);
});

test('a recipient that is only in Bcc stays in Bcc; the original keeps its own Bcc of the first group', async () => {
  const item = wholeMessage({ to: [{ address: A }], bcc: [{ address: B }, { address: 'al@tls.example' }] });
  const { host, opened, deps, loaded, planned: p } = await planned(item, splitPolicy());
  await applyPlan(p, loaded, deps);
  expect(opened[0]!.asked).toMatchObject({ to: [], cc: [], bcc: [B] });
  expect(await host.getRecipients()).toEqual({
    to: [{ address: A }],
    cc: [],
    bcc: [{ address: 'al@tls.example' }],
  });
});

describe('the classification the sender chose', () => {
  // By default normal (no requirement); the sender chose confidential, which needs a protection for everyone.
  const chosenPolicy = () => splitPolicy({ defaultClassification: 'normal' });
  const chosenConfidential = () => {
    const item = TWO_WAY();
    item.headers[CLASSIFICATION_HEADER] = 'confidential';
    return item;
  };

  test('goes with the new message, whose own plan starts from it rather than from the detectors alone', async () => {
    const policy = chosenPolicy();
    const { deps, loaded, planned: p } = await planned(chosenConfidential(), policy, { canSend: true });
    expect(p.plan.action).toBe('split');
    const { message } = (await applyPlan(p, loaded, deps)).opened![0]!;
    expect(await message.host!.getHeader(CLASSIFICATION_HEADER)).toBe('confidential');
    const own = { host: message.host!, backend: splitBackend(policy) };
    const theirs = planWith(await loadMessage(own), undefined);
    expect(theirs.classification.classification).toBe('confidential');
    expect(theirs.plan.action).toBe('pgp');

    // Without it, the same message would have gone as the default classification allows: in the clear.
    const unread = { ...message.host!, getHeader: async () => undefined };
    expect(planWith(await loadMessage({ ...own, host: unread }), undefined).plan.action).toBe('send');
  });

  test('a host that cannot carry it names it, by the policy’s label, and nothing opens', async () => {
    const policy = chosenPolicy();
    policy.classifications[1]!.label = 'Confidential (personal data)';
    const carries = { ...EVERYTHING, classification: false, limit: 'This client cannot.' };
    const split = await planned(chosenConfidential(), policy, { carries });
    const sentence = `Split here, the classification you chose, Confidential (personal data) would be missing for ${B} and ${C} (OpenPGP). This client cannot.`;
    const outline = await readOutline(split.host, split.loaded);
    expect(problemsBefore(split.planned.plan, outline, policy, split.host.newMessages)).toEqual([
      expect.stringContaining(sentence),
    ]);
    await expect(applyPlan(split.planned, split.loaded, split.deps)).rejects.toThrow(sentence);
    expect(split.opened).toEqual([]);
  });

  test('chosen in the pane after the message was read, it is named all the same; at the default, nothing to lose', async () => {
    const policy = chosenPolicy();
    const carries = { ...EVERYTHING, classification: false };
    const { loaded, host } = await planned(TWO_WAY(), policy, { carries });
    const outline = await readOutline(host, loaded);
    const asConfidential = planWith(loaded, 'confidential');
    expect(
      problemsBefore(asConfidential.plan, withChosen(outline, 'confidential'), policy, host.newMessages),
    ).toEqual([expect.stringContaining('the classification you chose, confidential would be missing')]);
    // A new message without it plans from the default too: nothing lower.
    const atDefault = await planned(TWO_WAY(), splitPolicy(), { carries });
    expect(atDefault.planned.plan.action).toBe('split');
    const read = await readOutline(atDefault.host, atDefault.loaded);
    expect(
      problemsBefore(atDefault.planned.plan, read, atDefault.loaded.policy, carriesOnly(carries)),
    ).toEqual([]);
  });
});

describe('one rule for the classification a new message is given', () => {
  test('the plan’s where it is above the default; none at the default or below, where the new message plans no lower without it', () => {
    const normal = splitPolicy({ defaultClassification: 'normal' });
    expect(carriedClassification({ classification: 'confidential' }, normal)).toBe('confidential');
    expect(carriedClassification({ classification: 'normal' }, normal)).toBeUndefined();
    // The sender chose less than the default: a new message given nothing starts from the default, which is more.
    expect(carriedClassification({ classification: 'normal' }, splitPolicy())).toBeUndefined();
  });

  test('at the default, the split the pane offers on a host that cannot carry a classification opens, and is given none', async () => {
    const carries = { ...EVERYTHING, classification: false };
    const split = await planned(TWO_WAY(), splitPolicy(), { carries });
    const { plan } = split.planned;
    expect([plan.action, plan.classification]).toEqual(['split', split.loaded.policy.defaultClassification]);
    expect(
      problemsBefore(
        plan,
        await readOutline(split.host, split.loaded),
        split.loaded.policy,
        split.host.newMessages,
      ),
    ).toEqual([]);
    await applyPlan(split.planned, split.loaded, split.deps);
    expect(split.opened).toHaveLength(1);
    expect(split.opened[0]!.asked).not.toHaveProperty('classification');
    // A host that carries one is given none either: the same rule, whatever the host.
    const carrying = await planned(TWO_WAY(), splitPolicy());
    await applyPlan(carrying.planned, carrying.loaded, carrying.deps);
    expect(carrying.opened[0]!.asked).not.toHaveProperty('classification');
  });
});

/** The fake's new messages with what they carry replaced. */
const carriesOnly = (carries: NewMessageCarries): NewMessages => ({
  carries,
  open: () => Promise.reject(new Error('not opened here')),
});

describe('a classification a sensitivity label raised the message to', () => {
  // By default normal: only the label makes the message confidential.
  const labelled = () =>
    splitPolicy({ defaultClassification: 'normal', labels: { 'Confidential – personal': 'confidential' } });

  test('goes with the new message, which then plans as the split did, not from the default', async () => {
    const policy = labelled();
    const split = await planned(TWO_WAY(), policy, { label: 'Confidential – personal', canSend: true });
    expect(split.planned.plan).toMatchObject({ action: 'split', classification: 'confidential' });
    const { message } = (await applyPlan(split.planned, split.loaded, split.deps)).opened![0]!;
    expect(split.opened[0]!.asked.classification).toBe('confidential');
    const theirs = planWith(
      await loadMessage({ host: message.host!, backend: splitBackend(policy) }),
      undefined,
    );
    expect(theirs.plan.action).toBe('pgp');
  });

  test('a host that cannot carry it names it (not as the sender’s choice), and nothing opens', async () => {
    const policy = labelled();
    const carries = { ...EVERYTHING, classification: false };
    const split = await planned(TWO_WAY(), policy, { label: 'Confidential – personal', carries });
    await expect(applyPlan(split.planned, split.loaded, split.deps)).rejects.toThrow(
      `Split here, the classification confidential would be missing for ${B} and ${C} (OpenPGP).`,
    );
    expect(split.opened).toEqual([]);
  });
});

describe('what this host cannot carry is named before the split, and nothing happens', () => {
  const LIMIT = 'Outlook on the web adds inline images only from requirement set 1.13 on.';

  test.each([
    [
      'no inline images, with the host’s reason',
      { ...EVERYTHING, inlineImages: false, limit: LIMIT },
      `Split here, the image in the body “logo.png” would be missing for ${B} and ${C} (OpenPGP). ${LIMIT}`,
    ],
    [
      'no attached messages, importance or reply-to',
      { ...EVERYTHING, items: false, importance: false, replyTo: false },
      `Split here, the attached message “minutes.eml”, the high importance and the reply-to address desk@example.gov would be missing for ${B} and ${C} (OpenPGP).`,
    ],
    [
      'no files',
      { ...EVERYTHING, files: false },
      `Split here, “contract.pdf” would be missing for ${B} and ${C} (OpenPGP).`,
    ],
  ])('%s', async (_, carries, sentence) => {
    const item = TWO_WAY();
    const { opened, deps, loaded, planned: p, host } = await planned(item, splitPolicy(), { carries });
    const outline = await readOutline(host, loaded);
    const [problem] = problemsBefore(p.plan, outline, loaded.policy, host.newMessages);
    expect(problem).toContain(sentence);
    expect(problem).toContain('Remove them here and write to them in a message of their own');
    await expect(applyPlan(p, loaded, deps)).rejects.toMatchObject({
      code: 'APPLY_CANNOT',
      message: expect.stringContaining(sentence),
    });
    expect(opened).toEqual([]);
    expect((await host.getRecipients()).cc).toEqual([{ address: C }]);
  });

  test('a body over what the new message takes, and a linked file no host can copy, whatever it carries', async () => {
    const item = TWO_WAY();
    item.html = `<p>${'é'.repeat(16 * 1024)}</p>`; // 16 Ki characters, 32 KiB in UTF-8
    item.attachments.push({
      id: 'att-3',
      name: 'budget.xlsx',
      contentType: 'application/vnd.ms-excel',
      size: 120,
      inline: false,
      kind: 'cloud',
      data: new Uint8Array(0),
    });
    const carries = { ...EVERYTHING, htmlBytes: 24 * 1024 };
    const { opened, deps, loaded, planned: p, host } = await planned(item, splitPolicy(), { carries });
    const sentence = `Split here, the message text and the linked file “budget.xlsx” would be missing for ${B} and ${C} (OpenPGP).`;
    await expect(applyPlan(p, loaded, deps)).rejects.toThrow(sentence);
    expect(opened).toEqual([]);
    // Within what it takes, the text is not named; the linked file still is.
    const outline = await readOutline(host, loaded);
    const roomy = carriesOnly({ ...carries, htmlBytes: 40 * 1024 });
    expect(problemsBefore(p.plan, outline, loaded.policy, roomy)).toEqual([
      expect.stringContaining(`Split here, the linked file “budget.xlsx” would be missing`),
    ]);
  });

  test('normal importance and no reply-to are nothing to lose', async () => {
    const item = { ...TWO_WAY(), importance: 'normal' as const, replyTo: [] };
    const carries = { ...EVERYTHING, importance: false, replyTo: false };
    const { loaded, planned: p, host } = await planned(item, splitPolicy(), { carries });
    expect(problemsBefore(p.plan, await readOutline(host, loaded), loaded.policy, host.newMessages)).toEqual(
      [],
    );
  });

  test('a host that opens no new messages names the groups it cannot split off', async () => {
    const { loaded, planned: p, host, deps } = await planned(TWO_WAY(), splitPolicy(), { carries: null });
    const expected = `This mail client cannot open a new message for ${B} and ${C} (OpenPGP), so Sendguard cannot split this one`;
    expect(problemsBefore(p.plan, await readOutline(host, loaded), loaded.policy, undefined)[0]).toContain(
      expected,
    );
    await expect(applyPlan(p, loaded, deps)).rejects.toThrow(expected);
  });
});

test('sizes: the group whose message would be over the limit is named with its size and the limit; the other is not', async () => {
  // OpenPGP encrypts the text body, not the HTML: a large HTML body weighs on forced TLS only.
  const item = wholeMessage({ to: [{ address: A }, { address: B }] }, { pdf: 10_000, image: 20_000 });
  item.html = `<p>${'x'.repeat(780 * 1024)}</p>`;
  const {
    loaded,
    planned: p,
    host,
    deps,
    opened,
  } = await planned(item, splitPolicy({ limits: { messageBytes: 1024 * 1024 } }));
  const problems = problemsBefore(p.plan, await readOutline(host, loaded), loaded.policy, host.newMessages);
  expect(problems).toEqual([
    `The message for ${A} (forced TLS) would be about 1.1 MB; your organisation sends at most 1 MB.`,
  ]);
  await expect(applyPlan(p, loaded, deps)).rejects.toThrow(problems[0]);
  expect(opened).toEqual([]);
});

describe('opening that stops half-way', () => {
  const THREE = () => wholeMessage({ to: [{ address: A }, { address: B }, { address: D }] });

  test('the groups opened leave this message, the others stay, and the error says which is which', async () => {
    const {
      opened,
      deps,
      loaded,
      planned: p,
      host,
    } = await planned(THREE(), threeWayPolicy(), { failOpenFor: D });
    expect(p.plan.groups?.map((g) => g.protection)).toEqual(['tls', 'pgp', 'escrow']);
    await expect(applyPlan(p, loaded, deps)).rejects.toMatchObject({
      code: 'APPLY_SPLIT_STOPPED',
      message: `Sendguard could not open the message for ${D} (secure pickup): The compose window did not open. They stay in this message. The message for ${B} (OpenPGP) is open and they were taken out of this one. Apply again to split off the rest.`,
    });
    expect(opened.map((o) => o.asked.to)).toEqual([[B]]);
    expect((await host.getRecipients()).to).toEqual([{ address: A }, { address: D }]);
  });

  test('a message that opened without everything holds its group: it leaves this one, and the sender is told what to add', async () => {
    const item = TWO_WAY();
    const { deps, loaded, planned: p, host, opened } = await planned(item, splitPolicy(), { missingFor: B });
    const applied = await applyPlan(p, loaded, deps);
    expect(applied.opened).toEqual([{ group: p.plan.groups![1], message: { missing: MISSING } }]);
    expect(await host.getRecipients()).toEqual({ to: [{ address: A }], cc: [], bcc: [] });
    expect(opened).toHaveLength(1);
    expect(doneText(applied)).toBe(
      `The other groups are open in new messages, each with the whole message; this one keeps the first group. Each passes the send check on its own when it is sent. ${MISSING}`,
    );
  });

  test('when the first cannot open, nothing was split', async () => {
    const { deps, loaded, planned: p, host } = await planned(THREE(), threeWayPolicy(), { failOpenFor: B });
    await expect(applyPlan(p, loaded, deps)).rejects.toThrow(
      /could not open the message for .*: The compose window did not open\. They stay in this message\. Nothing was split\.$/,
    );
    expect((await host.getRecipients()).to).toHaveLength(3);
  });
});

describe('where the host cannot read importance or reply-to, nor its new messages carry them', () => {
  const LIMIT = 'Outlook cannot read or set importance or reply-to from an add-in.';
  const carries = { ...EVERYTHING, importance: false, replyTo: false, limit: LIMIT };

  test('the split goes ahead with the host’s limit as a note, since nobody knows whether either was set', async () => {
    const split = await planned(TWO_WAY(), splitPolicy(), { carries });
    const { getImportance: _i, getReplyTo: _r, ...unreading } = split.host;
    const outline = await readOutline(unreading, split.loaded);
    expect(outline.unreadable).toEqual(['importance', 'replyTo']);
    expect(problemsBefore(split.planned.plan, outline, split.loaded.policy, split.host.newMessages)).toEqual(
      [],
    );
    expect(splitNote(split.host.newMessages, outline, split.planned.plan)).toBe(
      `If you set an importance or a reply-to address on this message, set it again in each new message: they open without it. ${LIMIT}`,
    );
  });

  test('no note where the host reads them (a loss is named instead) or its new messages carry them', async () => {
    const split = await planned(TWO_WAY(), splitPolicy(), { carries });
    const outline = await readOutline(split.host, split.loaded);
    expect(splitNote(split.host.newMessages, outline, split.planned.plan)).toBeUndefined();
    const { getImportance: _i, getReplyTo: _r, ...unreading } = split.host;
    const unread = await readOutline(unreading, split.loaded);
    expect(splitNote(carriesOnly(EVERYTHING), unread, split.planned.plan)).toBeUndefined();
  });
});
