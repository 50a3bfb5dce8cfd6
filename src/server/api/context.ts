/** What every API plugin is registered with: validated once in `buildApp`, read-only afterwards. */
import type { Clock } from '../../core/clock';
import type { Config } from '../config/schema';
import type { Metrics } from '../observability/metrics';
import type { KeyInspector, KeyService, MailboxAccessService, TransportService } from '../services';
import type { ApiStore } from '../store/store';
import type { SignInDirectory } from '../escrow/sign-in-directory';
import type { ServedPolicy } from './served-policy';
import type { VerdictSigner } from '../verdicts/signer';

export interface ApiContext {
  config: Config;
  store: ApiStore;
  /**
   * The policy in force (the policy file's, or the newest version saved through the API) and as clients get it;
   * read it on each request, since a saved version replaces it. The keyring routes tell it when the keyring changes.
   */
  servedPolicy: ServedPolicy;
  transport: TransportService;
  /**
   * How recipient domains' users reach their mail (the last mile); absent, answers carry no mailbox access and a
   * classification that requires it finds it unknown.
   */
  mailbox?: MailboxAccessService;
  keys: KeyService;
  keyInspector: KeyInspector;
  /** Who vouches for a recipient's address by sign-in: the assess answer names it per external recipient. */
  signIn: SignInDirectory;
  metrics: Metrics;
  clock: Clock;
  /** Signs the verdicts and the policy handed out, for add-ins to decide from during an outage; absent, none are. */
  verdictSigner?: VerdictSigner;
}
