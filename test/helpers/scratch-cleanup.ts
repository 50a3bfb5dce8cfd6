/**
 * In jest's `setupFilesAfterEnv`: after every test file, also one whose tests failed, what it started and the
 * folders it made through scratch.ts are stopped and removed.
 */
import { cleanUpScratch } from './scratch';

// Ending a real Thunderbird and a backend can take longer than one test's time-out.
afterAll(cleanUpScratch, 120_000);
