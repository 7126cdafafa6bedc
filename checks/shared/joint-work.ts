/**
 * Work that several checks of one audit wait for (the MX answer, the addresses of an MX host,
 * the SMTP probe of an MX host), gathered once per audit through sharedWithinAudit.
 *
 * Each check collects under its own abort signal (its deadline in src/runner.ts, its SMTP time
 * budget), so the shared work cannot run under any one of them: the first check to give up
 * would cut it short for the others. It runs under a joint signal instead, which aborts only
 * when every check waiting for it has given up; each check stops waiting when its own signal
 * aborts and then gets what its own aborted lookup would have given (`givenUp`). A check that
 * comes after all the others gave up starts the work afresh.
 */
import type { CollectContext } from '../../src/check.js';
import { sharedWithinAudit } from './audit-scope.js';

const GAVE_UP = Symbol('gave up');

class JointWork<T> {
  private controller = new AbortController();
  private result: Promise<T>;
  private settled = false;
  private waiting = 0;

  constructor(private readonly gather: (signal: AbortSignal) => Promise<T>) {
    this.result = this.start();
  }

  private start(): Promise<T> {
    this.controller = new AbortController();
    this.settled = false;
    const result = this.gather(this.controller.signal);
    void result.then(
      () => {
        if (this.result === result) this.settled = true;
      },
      () => {
        if (this.result === result) this.settled = true;
      },
    );
    return result;
  }

  async wait(signal: AbortSignal, givenUp: () => T | Promise<T>): Promise<T> {
    if (signal.aborted) {
      // Gave up before it could join: nobody may be left to want the work.
      if (this.waiting === 0 && !this.settled) this.controller.abort(signal.reason);
      return givenUp();
    }
    if (this.controller.signal.aborted) this.result = this.start();
    this.waiting++;
    let leave = (): void => {};
    const gaveUp = new Promise<typeof GAVE_UP>((resolve) => {
      leave = () => resolve(GAVE_UP);
      signal.addEventListener('abort', leave, { once: true });
    });
    try {
      const r = await Promise.race([this.result, gaveUp]);
      return r === GAVE_UP ? givenUp() : r;
    } finally {
      signal.removeEventListener('abort', leave);
      this.waiting--;
      if (this.waiting === 0 && !this.settled) this.controller.abort(signal.reason);
    }
  }
}

/**
 * `gather` run once per audit under `key`, waited for under `signal`; `givenUp` answers a
 * caller whose signal aborted first. Without ctx.shared (unit tests) each call gathers alone.
 */
export async function sharedWhileWanted<T>(
  ctx: CollectContext,
  key: string,
  signal: AbortSignal,
  gather: (signal: AbortSignal) => Promise<T>,
  givenUp: () => T | Promise<T>,
): Promise<T> {
  if (signal.aborted) return givenUp();
  if (!ctx.shared) return gather(signal);
  const work = await sharedWithinAudit(ctx, key, async () => new JointWork(gather));
  return work.wait(signal, givenUp);
}
