/** The domain of an address in `mailboxKey` form: what follows its last @ (a local part may hold a quoted @). */
export function domainOf(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1);
}
