/** What a host whose new messages carry everything says it carries (Thunderbird's does). */
import type { NewMessageCarries } from '../../src/addin/host';

export const EVERYTHING: NewMessageCarries = {
  files: true,
  items: true,
  inlineImages: true,
  importance: true,
  replyTo: true,
  classification: true,
};
