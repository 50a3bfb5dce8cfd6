/**
 * What Node hands a client's `checkServerIdentity` at the end of a handshake. After a handshake whose chain
 * verified, Node calls the socket's `getPeerCertificate(true)`: every field of the certificate printed, three
 * fingerprints, and the detailed chain, each issuer looked up in the trust store. That is about a millisecond of
 * CPU, more than the rest of the handshake, only for a check that reads the leaf's names, or (a probe that records
 * rather than refuses) nothing at all. Until the handshake ends the socket answers that call with less; then Node's
 * own method is back for anyone else.
 */
import type tls from 'node:tls';

/**
 * `leaf`: the leaf alone, without the chain (Node's own identity check reads its subject and subjectAltName).
 * `nothing`: an empty object, for a `checkServerIdentity` that ignores its certificate.
 */
export function lightIdentityCertificate(socket: tls.TLSSocket, handed: 'leaf' | 'nothing'): void {
  const nodes = socket.getPeerCertificate;
  const answer =
    handed === 'leaf' ? () => nodes.call(socket, false) : () => ({}) as tls.DetailedPeerCertificate;
  Object.defineProperty(socket, 'getPeerCertificate', { value: answer, configurable: true, writable: true });
  const restore = () => {
    delete (socket as { getPeerCertificate?: unknown }).getPeerCertificate;
  };
  // Before every other listener: whoever handles secureConnect already gets Node's method.
  socket.prependOnceListener('secureConnect', restore);
  socket.once('close', restore);
}
