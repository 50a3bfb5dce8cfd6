/**
 * Fuzz: what Microsoft Graph (or whatever answers in its place) sends the add-in about a list — the group lookup
 * and a page of members — through readGraph and both readers. Only LIST_UNREADABLE may be thrown.
 */
import fc from 'fast-check';
import { readGraph, readGroupIds, readMembersPage } from '../../src/outlook/graph/graph-answers';
import { deepJson, textInputs } from './generators';
import { fuzzTest, refusedWith } from './runner';

const groups = JSON.stringify({ value: [{ id: '4f1c2a8e-0000-4000-8000-000000000001' }] });
const page = JSON.stringify({
  '@odata.nextLink': 'https://graph.microsoft.com/v1.0/groups/g/members?$skiptoken=X',
  value: [
    {
      '@odata.type': '#microsoft.graph.user',
      id: 'u1',
      mail: 'ann@example.gov',
      displayName: 'Ann',
      userType: 'Member',
    },
    {
      '@odata.type': '#microsoft.graph.orgContact',
      id: 'c1',
      mail: 'bob@partner.example',
      displayName: null,
    },
    { '@odata.type': '#microsoft.graph.group', id: 'g2', mail: 'sub@example.gov' },
    { '@odata.type': '#microsoft.graph.device', id: 'd1' },
  ],
});

const answers = fc.oneof(
  textInputs(
    fc.constantFrom(groups, page),
    '{}[]":,\\/.@#-',
    fc.constantFrom(
      '[',
      '{',
      '"',
      '\\u0000',
      ' ',
      '"value":',
      '"mail":',
      '"@odata.type":"#microsoft.graph.group",',
    ),
  ),
  deepJson([
    ['[', ']'],
    ['{"value":[', ']}'],
    ['{"a":', '}'],
  ]),
  fc.json({ maxDepth: 6 }),
);

function readAll(text: string): void {
  for (const read of [readGroupIds, readMembersPage] as Array<(body: unknown) => unknown>) {
    refusedWith('LIST_UNREADABLE', () => readGraph(text, read));
  }
}

fuzzTest({
  name: 'Microsoft Graph list answers',
  inputs: answers,
  size: (text) => Buffer.byteLength(text),
  parse: readAll,
});
