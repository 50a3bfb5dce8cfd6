import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { receivedReport } from '../../../src/core/received';

const FIXTURES = join(__dirname, '../../fixtures/received');

interface Expected {
  source: string;
  hops: string[];
  summary: string;
}

const messages = readdirSync(FIXTURES)
  .filter((name) => name.endsWith('.eml'))
  .sort();

function expected(message: string): Expected {
  return JSON.parse(readFileSync(join(FIXTURES, message.replace(/\.eml$/, '.json')), 'utf8')) as Expected;
}

describe('received corpus', () => {
  test('every fixture has its expectations next to it, and every expectation a fixture', () => {
    const json = readdirSync(FIXTURES).filter((name) => name.endsWith('.json'));
    expect(json.map((name) => name.replace(/\.json$/, '')).sort()).toEqual(
      messages.map((name) => name.replace(/\.eml$/, '')).sort(),
    );
  });

  test('classifies every hop and every summary as expected', () => {
    let hops = 0;
    let correct = 0;
    const wrong: string[] = [];
    for (const message of messages) {
      const want = expected(message);
      const report = receivedReport(readFileSync(join(FIXTURES, message), 'utf8'));
      const got = report.hops.map((hop) => hop.tls);
      hops += want.hops.length;
      correct += want.hops.filter((tls, i) => got[i] === tls).length;
      if (got.join() !== want.hops.join())
        wrong.push(`${message}: got ${got.join()}, want ${want.hops.join()}`);
      if (report.summary !== want.summary)
        wrong.push(`${message}: summary ${report.summary}, want ${want.summary}`);
    }
    console.log(`received corpus: ${messages.length} messages, ${hops} hops, ${correct} correct`);
    expect(wrong).toEqual([]);
  });

  test('every fixture dates every hop: the corpus uses only dates the parser must read', () => {
    for (const message of messages) {
      const report = receivedReport(readFileSync(join(FIXTURES, message), 'utf8'));
      expect(
        report.hops.filter((hop) => hop.date === null).map((hop) => `${message}: ${hop.dateRaw}`),
      ).toEqual([]);
    }
  });
});
