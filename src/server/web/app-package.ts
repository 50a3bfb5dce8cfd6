/**
 * The app package the Microsoft 365 admin centre takes for an add-in with the unified manifest: a zip with
 * manifest.json and the two icons it names, all at the root. Bytes in, bytes out: the caller reads the icons.
 */
import { zipSync } from 'fflate';
import { PACKAGE_ICONS } from './unified-manifest';

export interface PackageIcons {
  /** 192×192, full colour. */
  color: Uint8Array;
  /** 32×32, white on transparent. */
  outline: Uint8Array;
}

/** The manifest as served at /manifest.json and written into the package: the same bytes in both. */
export function manifestJsonText(manifest: Record<string, unknown>): string {
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

export function appPackage(manifest: Record<string, unknown>, icons: PackageIcons): Uint8Array {
  return zipSync(
    {
      'manifest.json': new TextEncoder().encode(manifestJsonText(manifest)),
      [PACKAGE_ICONS.color]: icons.color,
      [PACKAGE_ICONS.outline]: icons.outline,
    },
    // A fixed time makes the same deployment's package the same bytes each time it is built.
    { level: 9, mtime: new Date('2024-01-01T00:00:00Z') },
  );
}
