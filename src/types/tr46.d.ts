// tr46 ships no type declarations; this covers the one function Sendguard uses.
declare module 'tr46' {
  export interface ToASCIIOptions {
    checkBidi?: boolean;
    checkHyphens?: boolean;
    checkJoiners?: boolean;
    useSTD3ASCIIRules?: boolean;
    verifyDNSLength?: boolean;
    transitionalProcessing?: boolean;
    ignoreInvalidPunycode?: boolean;
  }
  /** The A-label form of a domain name, or null where UTS #46 processing finds an error. */
  export function toASCII(domainName: string, options?: ToASCIIOptions): string | null;
  export function toUnicode(domainName: string, options?: ToASCIIOptions): { domain: string; error: boolean };
}
