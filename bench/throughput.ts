import * as hdr from 'hdr-histogram-js';

/** Calls per second and the 99th percentile latency (ms) of one measured run. */
export interface Figures {
  readonly perSecond: number;
  readonly p99: number;
}

/** Run `op` `calls` times with `inFlight` concurrent callers; throughput and p99 latency. */
export async function measure(calls: number, inFlight: number, op: (i: number) => Promise<void>): Promise<Figures> {
  const h = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: 3 });
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < calls) {
        const i = next++;
        const t0 = process.hrtime.bigint();
        await op(i);
        h.recordValue(Number(process.hrtime.bigint() - t0) / 1e3);
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { perSecond: calls / seconds, p99: h.getValueAtPercentile(99) / 1e3 };
}
