/**
 * Fuzz: a contact's vCard as a (possibly remote) address book gives it, through readContactCard. Only
 * LIST_UNREADABLE (past the cap) may be thrown.
 */
import fc from 'fast-check';
import { readContactCard } from '../../src/thunderbird/vcard-email';
import { textInputs } from './generators';
import { fuzzTest, refusedWith } from './runner';

const card = [
  'BEGIN:VCARD',
  'VERSION:4.0',
  'FN:Ann\\, Head of',
  '  Unit',
  'item1.EMAIL;PREF=2;X-LABEL="a:b":ann@x.example',
  'EMAIL;TYPE=INTERNET,pref:a@x.example',
  'END:VCARD',
  '',
].join('\r\n');

fuzzTest({
  name: 'contact vCards',
  inputs: textInputs(
    fc.constant(card),
    ':;=,"\\\r\n \t.',
    fc.constantFrom('"', ':', ';', '\\', '\r\n ', '\n\t', 'EMAIL:', 'EMAIL;PREF=', 'FN:', 'item1.'),
  ),
  size: (text) => Buffer.byteLength(text),
  parse: (text) => refusedWith('LIST_UNREADABLE', () => readContactCard(text)),
});
