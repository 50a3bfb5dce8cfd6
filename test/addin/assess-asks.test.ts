/**
 * What each caller asks the service beside the recipients: the pane asks for their mailbox access (its rows show
 * it) and the reply path; the send check asks for neither, so the service waits on no mailbox check for it unless
 * the policy needs one.
 */
import type { AssessAnswer, AssessOptions, Backend } from '../../src/addin/backend';
import type { MailHost } from '../../src/addin/host';
import { readAndEvaluate } from '../../src/addin/send-check';
import { loadMessage, prefetch } from '../../src/addin/state';
import { assessedRecipient } from '../helpers/assess-answer';
import { defaultPolicy } from '../helpers/policy';

function host(sender: string | undefined): MailHost {
  return {
    getRecipients: async () => ({ to: [{ address: 'ann@partner.example' }], cc: [], bcc: [] }),
    getSubject: async () => 'Minutes',
    getBody: async () => 'See you Tuesday.',
    getHeader: async () => undefined,
    getSenderAddress: async () => sender,
  } as Partial<MailHost> as MailHost;
}

function recordingBackend() {
  const asked: AssessOptions[] = [];
  const backend: Backend = {
    policy: async () => ({ version: 'v', policy: defaultPolicy() }),
    async assess(recipients, options = {}): Promise<AssessAnswer> {
      asked.push(options);
      return {
        policyVersion: 'v',
        partial: false,
        recipients: recipients.map((address) => assessedRecipient(address, 'encrypted')),
        invalid: [],
      };
    },
    acceptKey: () => Promise.reject(new Error('no key to accept here')),
  };
  return { backend, asked };
}

test('the pane asks for mailbox access, with the sender’s address when the host gives one', async () => {
  const withSender = recordingBackend();
  await loadMessage({ host: host('clerk@example.gov'), backend: withSender.backend });
  expect(withSender.asked).toEqual([{ sender: 'clerk@example.gov', mailboxAccess: true }]);
  const without = recordingBackend();
  await loadMessage({ host: host(undefined), backend: without.backend });
  expect(without.asked).toEqual([{ mailboxAccess: true }]);
});

test('the pane asks with the sender’s address in normal form, and without one that is not an address', async () => {
  const idn = recordingBackend();
  await loadMessage({ host: host('Anna@Müller.DE'), backend: idn.backend });
  expect(idn.asked).toEqual([{ sender: 'Anna@xn--mller-kva.de', mailboxAccess: true }]);
  const odd = recordingBackend();
  await loadMessage({ host: host('not an address'), backend: odd.backend });
  expect(odd.asked).toEqual([{ mailboxAccess: true }]);
});

test('the pane’s request made ahead of its first load asks the same', async () => {
  const { backend, asked } = recordingBackend();
  prefetch({ host: host('clerk@example.gov'), backend });
  await new Promise((resolve) => setImmediate(resolve));
  expect(asked).toEqual([{ sender: 'clerk@example.gov', mailboxAccess: true }]);
});

test('the send check asks for neither mailbox access nor the reply path', async () => {
  const { backend, asked } = recordingBackend();
  const evaluation = await readAndEvaluate(host('clerk@example.gov'), backend);
  expect(evaluation.kind).toBe('planned');
  expect(asked).toEqual([{}]);
});
