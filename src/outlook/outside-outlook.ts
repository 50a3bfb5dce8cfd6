/**
 * Office.js loaded outside Outlook (a browser opening an add-in page by its address) starts with no host: no
 * mailbox, no item, no dialog API. The pages say where they belong instead of failing on the first Office call.
 */

interface OfficeContextLike {
  context?: { mailbox?: { item?: unknown } };
}

/** Whether Office.js found an Outlook item to work on. */
export function hasOutlookItem(office: OfficeContextLike): boolean {
  return office.context?.mailbox?.item != null;
}

/** Shows `text` where the page would have rendered. */
export function showOutsideOutlook(text: string): void {
  const root = document.getElementById('root');
  if (root) root.textContent = text;
}
