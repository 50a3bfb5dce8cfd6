/**
 * The two things the send check needs from a contact's vCard (RFC 6350; Thunderbird keeps contacts as vCards and
 * gives them to add-ons so, Manifest V3): its display name (FN) and its primary email address, the one Thunderbird
 * sends a mailing list's mail to — the EMAIL with the lowest PREF (RFC 6350 §5.3; vCard 3's TYPE=pref counts as
 * PREF=1), the first of equals. A contact may come from a remote address book (CardDAV, LDAP), so the reading is
 * one linear pass with a length cap, no regular expression that can backtrack.
 */
import { ListLookupError } from '../addin/lists/directory';

/** Far above any contact without an embedded photo; a larger one is refused rather than read slowly. */
const VCARD_MAX_CHARS = 1_000_000;

/** RFC 6350 §5.3: PREF is 1 (most preferred) to 100; absent is least preferred. */
const NO_PREF = 101;

interface ContactCard {
  displayName?: string;
  email?: string;
}

/** RFC 6350 §3.2: a line break followed by one space or tab continues the line. */
function unfoldedLines(vCard: string): string[] {
  const lines: string[] = [];
  let line = '';
  for (const raw of vCard.split('\n')) {
    const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (text.startsWith(' ') || text.startsWith('\t')) line += text.slice(1);
    else {
      lines.push(line);
      line = text;
    }
  }
  lines.push(line);
  return lines;
}

/** RFC 6350 §3.4: `\,` `\;` `\\` stand for themselves, `\n` for a line break. */
function unescaped(value: string): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (c === '\\' && i + 1 < value.length) {
      const next = value[++i]!;
      out += next === 'n' || next === 'N' ? '\n' : next;
    } else out += c;
  }
  return out;
}

interface ContentLine {
  name: string;
  params: string[];
  value: string;
}

/** `group.NAME;param;param:value`, the colon being the first outside a quoted parameter value. */
function contentLine(line: string): ContentLine | undefined {
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '"') quoted = !quoted;
    else if (c === ':' && !quoted) {
      const [nameWithGroup = '', ...params] = line.slice(0, i).split(';');
      const name = nameWithGroup.slice(nameWithGroup.lastIndexOf('.') + 1).toUpperCase();
      return { name, params, value: line.slice(i + 1) };
    }
  }
  return undefined;
}

function prefOf(params: string[]): number {
  for (const param of params) {
    const [key = '', value = ''] = param.split('=');
    const upper = key.toUpperCase();
    if (upper === 'PREF') {
      const pref = Number.parseInt(value, 10);
      if (pref >= 1 && pref <= 100) return pref;
    }
    if (upper === 'TYPE' && value.toLowerCase().split(',').includes('pref')) return 1;
  }
  return NO_PREF;
}

export function readContactCard(vCard: string): ContactCard {
  if (vCard.length > VCARD_MAX_CHARS)
    throw new ListLookupError('LIST_UNREADABLE', 'one of its contacts is too large to read');
  let displayName: string | undefined;
  let email: string | undefined;
  let emailPref = NO_PREF + 1;
  for (const line of unfoldedLines(vCard)) {
    const parsed = contentLine(line);
    // Only these two are read: a PHOTO's or a NOTE's value, however long, is not unescaped for nothing.
    if (!parsed || (parsed.name !== 'FN' && parsed.name !== 'EMAIL')) continue;
    const value = unescaped(parsed.value).trim();
    if (value === '') continue;
    if (parsed.name === 'FN' && displayName === undefined) displayName = value;
    if (parsed.name === 'EMAIL') {
      const pref = prefOf(parsed.params);
      if (pref < emailPref) {
        email = value;
        emailPref = pref;
      }
    }
  }
  return { ...(displayName ? { displayName } : {}), ...(email ? { email } : {}) };
}
