/**
 * A bare ASCII dot-atom address, `local@domain`: what hosts hand over most of the time. It reads the same under
 * RFC 5322 as under this pattern, so the address parser skips the full grammar for it, and the send handler (which
 * carries no parser) can still know its normal form. Linear on any input: the atom class excludes the dot, so
 * every character has one place in a match. Groups: the local part, the domain.
 */
export const PLAIN_ADDRESS =
  /^([A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*)@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)$/;
