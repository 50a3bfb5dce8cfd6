/**
 * A domain override set or removed in the policy's text through the `yaml` Document, so that everything else the
 * admin wrote — comments, order, quoting — stays as it was. The text given is the policy in force, which parses.
 */
import { isMap, isSeq, parseDocument, type Document, type YAMLMap, type YAMLSeq } from 'yaml';
import { normalizeDomain } from '../../core/addresses';
import type { DomainOverride } from '../../core/policy/schema';
import { NotFoundError } from '../api/errors';

/** The fields of an override besides its domain. */
export type OverrideFields = Omit<DomainOverride, 'domain'>;

/**
 * The text in force as a document to edit: its keys were checked when it was saved (and `yaml`'s own check is
 * quadratic in a mapping's size), its errors need no copies of their lines.
 */
const DOCUMENT_OPTIONS = { uniqueKeys: false, prettyErrors: false } as const;

/** `[a, b]` stays written as the admin writes it, not `[ a, b ]`. */
const WRITE_OPTIONS = { flowCollectionPadding: false } as const;

const FIELDS = ['trustTransport', 'requirement', 'note'] as const satisfies readonly (keyof OverrideFields)[];

/** The pattern as the policy compares it: `example.org` or `*.example.org`, lower-case A-labels. */
export function domainPattern(value: string): string {
  return value.startsWith('*.') ? `*.${normalizeDomain(value.slice(2))}` : normalizeDomain(value);
}

/** The `domains` list, and the override in it for `pattern` (compared as the policy compares them), if any. */
function overrideIn(document: Document, pattern: string): { list?: YAMLSeq; index: number } {
  const list = document.get('domains', true);
  if (!isSeq(list)) return { index: -1 };
  const index = list.items.findIndex((item) => {
    const domain = isMap(item) ? item.get('domain') : undefined;
    if (typeof domain !== 'string') return false;
    try {
      return domainPattern(domain) === pattern;
    } catch {
      return false;
    }
  });
  return { list, index };
}

/**
 * `text` with the override for `domain` set to `fields`: the existing entry's fields changed in place (its comments
 * kept), or a new entry at the end of `domains` (the list made when there is none).
 */
export function setOverride(text: string, domain: string, fields: OverrideFields): string {
  const document = parseDocument(text, DOCUMENT_OPTIONS);
  const pattern = domainPattern(domain);
  const { list, index } = overrideIn(document, pattern);
  if (list && index >= 0) {
    const entry = list.items[index] as YAMLMap;
    for (const field of FIELDS) {
      if (fields[field] === undefined) entry.delete(field);
      else entry.set(field, fields[field]);
    }
  } else {
    const added = document.createNode({ domain: pattern, ...fields });
    if (list) {
      // A list written `domains: []` would take the new entry inline: written as a block instead.
      list.flow = false;
      list.add(added);
    } else document.set('domains', document.createNode([added]));
  }
  return document.toString(WRITE_OPTIONS);
}

/** `text` without the override for `domain`; NOT_FOUND when the policy has none. */
export function removeOverride(text: string, domain: string): string {
  const document = parseDocument(text, DOCUMENT_OPTIONS);
  const { list, index } = overrideIn(document, domainPattern(domain));
  if (!list || index < 0) throw new NotFoundError(`an override for ${domain}`);
  list.items.splice(index, 1);
  return document.toString(WRITE_OPTIONS);
}
