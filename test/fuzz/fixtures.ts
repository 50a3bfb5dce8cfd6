/** Real documents from the test fixtures, as seeds the generators mutate. */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const FIXTURES = path.join(__dirname, '..', 'fixtures');

export function fixtureTexts(folder: string, extension: string): string[] {
  const dir = path.join(FIXTURES, folder);
  return readdirSync(dir)
    .filter((name) => name.endsWith(extension))
    .sort()
    .map((name) => readFileSync(path.join(dir, name), 'utf8'));
}
