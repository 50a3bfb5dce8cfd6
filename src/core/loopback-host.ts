/**
 * Names that can only mean this machine: `localhost`, `*.localhost` (RFC 6761), 127.0.0.0/8 and `[::1]`. The
 * service's development mode answers only requests addressed so, and a manifest may name plain HTTP only for such
 * a host. Written without Node's `net` (core imports no Node built-in).
 */
const NAME_CHARS = new Set('abcdefghijklmnopqrstuvwxyz0123456789-.');

function isPort(text: string): boolean {
  return text.length >= 1 && text.length <= 5 && [...text].every((c) => c >= '0' && c <= '9');
}

/** `localhost`, `*.localhost`, `127.x.y.z` or `[::1]`, each with any port or none. */
export function isLoopbackHost(host: string | undefined): boolean {
  if (!host || host.length > 255) return false;
  const lower = host.toLowerCase();
  let name: string;
  let port: string | undefined;
  if (lower.startsWith('[')) {
    const end = lower.indexOf(']');
    name = lower.slice(1, end);
    const rest = lower.slice(end + 1);
    if (end < 0 || (rest !== '' && !rest.startsWith(':'))) return false;
    port = rest === '' ? undefined : rest.slice(1);
    if (name !== '::1') return false;
  } else {
    const [first = '', second, extra] = lower.split(':');
    if (extra !== undefined) return false;
    name = first;
    port = second;
  }
  if (port !== undefined && !isPort(port)) return false;
  if (name === '::1' || name === 'localhost') return true;
  if (isIPv4(name)) return name.startsWith('127.');
  return (
    name.endsWith('.localhost') &&
    !name.startsWith('.') &&
    !name.includes('..') &&
    [...name].every((c) => NAME_CHARS.has(c))
  );
}

/** Four decimal octets, each 0 to 255, without leading zeros (which some parsers read as octal). */
function isIPv4(text: string): boolean {
  const octets = text.split('.');
  return (
    octets.length === 4 &&
    octets.every(
      (octet) =>
        octet.length >= 1 &&
        octet.length <= 3 &&
        [...octet].every((c) => c >= '0' && c <= '9') &&
        (octet === '0' || !octet.startsWith('0')) &&
        Number(octet) <= 255,
    )
  );
}
