/** The files the service serves: what code outside the web module (the CLI's manifest command) imports. */
export {
  MANIFEST_TEMPLATE,
  MANIFEST_FORMATS,
  deploymentManifest,
  manifestSignIn,
  namedSignIn,
} from './manifests';
export type { ManifestFormat } from './manifests';
export type { DeploymentOptions } from './unified-manifest';
