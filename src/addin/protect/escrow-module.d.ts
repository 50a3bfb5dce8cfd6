/**
 * `sendguard-escrow` is the secure-pickup client (src/addin/protect/escrow/), named by an alias in each host's
 * webpack part so the pane loads it as a chunk of its own on first use; a dynamic import of a relative path would
 * need a file extension under the compiler's Node16 module rules.
 */
declare module 'sendguard-escrow' {
  export const escrowMessage: import('./escrow-port').EscrowMessage;
}
