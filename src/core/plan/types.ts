import type { SignInProvider } from '../escrow/wire';
import type { RecipientField } from '../recipient-fields';
import type {
  ApplicableProtection,
  KeySource,
  KeyVerdict,
  MessageAction,
  Protection,
  RecipientProof,
  Requirement,
  TransportVerdict,
} from '../vocabulary';

/** A protection that could serve one body shared by several recipients; `none` is plain mail. */
export type Candidate = 'none' | ApplicableProtection;

export interface RecipientPlan {
  address: string;
  domain: string;
  displayName?: string;
  fields: RecipientField[];
  internal: boolean;
  requirement: Requirement;
  /** The domain's verdict as assessed (`unknown` when no assessment was given). */
  transport: TransportVerdict;
  key: { verdict: KeyVerdict; source?: KeySource; fingerprint?: string };
  /** What this recipient can be served with, in the policy's order of preference. */
  allowed: Candidate[];
  /** Why each other candidate cannot serve this recipient. */
  refused: Partial<Record<Candidate, string>>;
  protection: Protection;
  /** With `escrow`: how this recipient proves who they are before the pickup opens. */
  proof?: RecipientProof;
  /** The identity provider the assessment names for this recipient, when there is one. */
  signIn?: SignInProvider;
  /** One sentence for the sender: what this recipient gets and why. */
  reason: string;
}

export interface PlanGroup {
  protection: Candidate;
  action: MessageAction;
  addresses: string[];
}

export interface Plan {
  classification: string;
  action: MessageAction;
  /** The plan in one sentence. */
  summary: string;
  recipients: RecipientPlan[];
  /** With `split`: one group per message to send, covering every recipient exactly once. */
  groups?: PlanGroup[];
  /** With `block`: the recipients nothing can serve. */
  blocked?: string[];
}
