/** @jsxRuntime automatic (jest compiles with the classic runtime by default; webpack already uses this one) */
/// <reference types="office-js" />
/**
 * The read pane's entry in Outlook (and on the try-it read page, whose simulated `Office` stands in): the
 * transport report of the message being read; meanwhile it keeps what the message shows of its protection for a
 * reply in the same conversation (office-thread.ts).
 */
import { createRoot } from 'react-dom/client';
import { recordFailure } from '../addin/failure-log';
import { ReadPane } from '../addin/ui/ReadPane';
import { createOfficeReadHost } from './office-read-host';
import { keepReadThread } from './office-thread';
import { hasOutlookItem, showOutsideOutlook } from './outside-outlook';
import { runtimeThreadStore } from './thread-store';

void Office.onReady(() => {
  if (!hasOutlookItem(Office))
    return showOutsideOutlook(
      'Sendguard’s transport report works inside Outlook: open it on a message you received.',
    );
  createRoot(document.getElementById('root')!).render(<ReadPane host={createOfficeReadHost(Office)} />);
  const threads = runtimeThreadStore();
  if (threads)
    keepReadThread(Office, threads).catch((error: unknown) =>
      recordFailure('keeping what this message shows of its protection', error),
    );
});
