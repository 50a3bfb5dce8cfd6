/** dns-packet's table of record type names and codes, which its own typings leave out. */
declare module 'dns-packet/types' {
  /** The code of a type name (`A` is 1; `UNKNOWN_61` is 61); 0 for a name it does not know. */
  export function toType(name: string): number;
}
