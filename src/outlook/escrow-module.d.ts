/**
 * `sendguard-escrow` is an alias webpack.part.js resolves to src/addin/protect/escrow/ (the secure-pickup client)
 * once it exists, and to escrow-unavailable.ts until then; declared here so the pane's entry type-checks either way.
 */
declare module 'sendguard-escrow' {
  export const escrowMessage: import('../addin/protect/escrow-port').EscrowMessage;
}
