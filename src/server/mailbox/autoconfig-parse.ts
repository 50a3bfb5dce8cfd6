/**
 * Thunderbird's autoconfig file (config-v1.1.xml, as documented on wiki.mozilla.org/Thunderbird:Autoconfiguration
 * and served by ISPs and its ISPDB): the IMAP, POP3 and SMTP servers a mail client is told to use, and how
 * (socketType SSL, STARTTLS or plain). Read with saxes, a streaming parser that is linear in its input and expands
 * no entities but XML's five, so a hostile file costs time and memory in proportion to its bounded size.
 */
import { SaxesParser } from 'saxes';
import { SendguardError } from '../../core/errors';
import { isHostName, MAX_ENDPOINTS, type Endpoint } from './endpoints';
import type { AccessProtocol, AccessSecurity } from './report';

/** The fetch's own cap: a real file is 1 to 3 KiB. */
export const MAX_AUTOCONFIG_BYTES = 64 * 1024;
/** A host name is at most 253 characters; anything longer in a field is junk. */
const MAX_FIELD_CHARS = 300;

export class AutoconfigError extends SendguardError {}

const SERVER_ELEMENTS: Record<string, Record<string, AccessProtocol>> = {
  incomingServer: { imap: 'imap', pop3: 'pop3' },
  outgoingServer: { smtp: 'submission' },
};

const SOCKET_TYPES: Record<string, AccessSecurity> = {
  SSL: 'implicit',
  STARTTLS: 'starttls',
  plain: 'plain',
};

const FIELDS = new Set(['hostname', 'port', 'socketType']);

/** One server element as read: its type and the text of the fields that matter. */
interface ServerEntry {
  protocol: AccessProtocol | undefined;
  fields: Map<string, string>;
}

export interface AutoconfigServers {
  /** The usable entries, at most MAX_ENDPOINTS, `foundBy` autoconfig. */
  endpoints: Endpoint[];
  /** Entries left out: another type (Exchange, JMAP…), an unusable host, port or socket type, or past the cap. */
  skipped: number;
}

/**
 * The servers of the file, `%EMAILDOMAIN%` in a host name replaced by `domain`. Throws AutoconfigError for a
 * document that is not well-formed XML, is too long, or is not a `clientConfig`.
 */
export function parseAutoconfig(xml: string, domain: string, url: string): AutoconfigServers {
  if (xml.length > MAX_AUTOCONFIG_BYTES) {
    throw new AutoconfigError('AUTOCONFIG_TOO_LARGE', `longer than ${MAX_AUTOCONFIG_BYTES} characters`);
  }
  const entries = readEntries(xml);
  const endpoints: Endpoint[] = [];
  for (const entry of entries) {
    const endpoint = endpointOf(entry, domain, url);
    if (endpoint && endpoints.length < MAX_ENDPOINTS) endpoints.push(endpoint);
  }
  return { endpoints, skipped: entries.length - endpoints.length };
}

/** The server elements directly inside clientConfig/emailProvider, in document order. */
function readEntries(xml: string): ServerEntry[] {
  const parser = new SaxesParser({ xmlns: false });
  const path: string[] = [];
  const entries: ServerEntry[] = [];
  let entry: ServerEntry | undefined;
  let field: { name: string; text: string } | undefined;
  parser.on('opentag', (tag) => {
    path.push(tag.name);
    if (path.length === 1 && tag.name !== 'clientConfig') {
      throw new AutoconfigError(
        'AUTOCONFIG_NOT_CLIENTCONFIG',
        `the root element is <${tag.name.slice(0, 40)}>`,
      );
    }
    const protocols = SERVER_ELEMENTS[tag.name];
    if (path.length === 3 && path[1] === 'emailProvider' && protocols) {
      const type = tag.attributes.type;
      entry = { protocol: typeof type === 'string' ? protocols[type] : undefined, fields: new Map() };
      entries.push(entry);
    } else if (path.length === 4 && entry && FIELDS.has(tag.name)) {
      field = { name: tag.name, text: '' };
    }
  });
  const addText = (text: string) => {
    if (!field) return;
    if (field.text.length + text.length > MAX_FIELD_CHARS) {
      throw new AutoconfigError(
        'AUTOCONFIG_FIELD_TOO_LONG',
        `<${field.name}> is longer than ${MAX_FIELD_CHARS} characters`,
      );
    }
    field.text += text;
  };
  parser.on('text', addText);
  parser.on('cdata', addText);
  parser.on('closetag', () => {
    if (path.length === 4 && field) {
      // The first of a repeated field counts, as in Thunderbird.
      if (entry && !entry.fields.has(field.name)) entry.fields.set(field.name, field.text.trim());
      field = undefined;
    }
    if (path.length === 3) entry = undefined;
    path.pop();
  });
  try {
    parser.write(xml).close();
  } catch (error) {
    if (error instanceof AutoconfigError) throw error;
    throw new AutoconfigError(
      'AUTOCONFIG_NOT_XML',
      `not well-formed XML: ${error instanceof Error ? error.message.slice(0, 200) : 'unknown error'}`,
      { cause: error },
    );
  }
  return entries;
}

function endpointOf(entry: ServerEntry, domain: string, url: string): Endpoint | undefined {
  const host = (entry.fields.get('hostname') ?? '')
    .split('%EMAILDOMAIN%')
    .join(domain)
    .toLowerCase()
    .replace(/\.$/, '');
  const portText = entry.fields.get('port') ?? '';
  const port = /^[0-9]{1,5}$/.test(portText) ? Number(portText) : 0;
  const security = SOCKET_TYPES[entry.fields.get('socketType') ?? ''];
  if (!entry.protocol || !isHostName(host) || port < 1 || port > 65535 || !security) return undefined;
  return {
    protocol: entry.protocol,
    host,
    port,
    security,
    foundBy: ['autoconfig'],
    ...(security === 'plain' ? { plainIn: url } : {}),
  };
}
