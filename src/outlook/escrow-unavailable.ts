/**
 * Built in place of the secure-pickup client while src/addin/protect/escrow/ does not exist yet (see
 * webpack.part.js): the pane then says plainly that secure pickup is unavailable instead of failing to build.
 */
import type { EscrowMessage } from '../addin/protect/escrow-port';

export const escrowMessage: EscrowMessage = async () => {
  throw new Error('Secure pickup is not available in this version of the add-in.');
};
