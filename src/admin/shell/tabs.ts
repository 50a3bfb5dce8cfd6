/** The console's pages in the order the tab list shows them, each at its own URL fragment (`#/overview`). */
export const TABS = [
  { id: 'overview', label: 'Overview' },
  { id: 'domains', label: 'Domains' },
  { id: 'keys', label: 'Keys' },
  { id: 'messages', label: 'Secure messages' },
  { id: 'tokens', label: 'Tokens' },
  { id: 'policy', label: 'Policy' },
] as const;

export type TabId = (typeof TABS)[number]['id'];

const IDS: ReadonlySet<string> = new Set(TABS.map((tab) => tab.id));

/** The tab a fragment names; the first (Overview) for an empty or unknown one. */
export function tabOfHash(hash: string): TabId {
  const id = hash.replace(/^#\/?/, '');
  return IDS.has(id) ? (id as TabId) : TABS[0].id;
}

export const hashOfTab = (id: TabId): string => `#/${id}`;
