import cliProgress from 'cli-progress';

/** What long runs report to; the silent one costs nothing. */
export interface Progress {
  /** Start (or restart) a phase with a total, e.g. bytes to read or resamples to draw. */
  start(label: string, total: number): void;
  update(done: number, total?: number): void;
  stop(): void;
}

export const silentProgress: Progress = {
  start() {},
  update() {},
  stop() {},
};

export interface ProgressStream {
  write(chunk: string): unknown;
  readonly isTTY?: boolean;
}

/**
 * A bar on a terminal, nothing otherwise: CI logs and pipes must not fill up
 * with carriage-return redraws. CI is detected by the conventional CI env var.
 */
export function createProgress(stream: ProgressStream, env: Readonly<Record<string, string | undefined>> = process.env): Progress {
  const ci = env['CI'];
  if (stream.isTTY !== true || (ci !== undefined && ci !== '' && ci !== 'false' && ci !== '0')) return silentProgress;
  let bar: cliProgress.SingleBar | undefined;
  return {
    start(label, total) {
      bar?.stop();
      bar = new cliProgress.SingleBar(
        {
          stream: stream as NodeJS.WritableStream,
          format: `${label.padEnd(12)} [{bar}] {percentage}% | {eta_formatted}`,
          hideCursor: true,
          clearOnComplete: true,
        },
        cliProgress.Presets.shades_classic,
      );
      bar.start(Math.max(1, total), 0);
    },
    update(done, total) {
      if (!bar) return;
      if (total !== undefined) bar.setTotal(Math.max(1, total));
      bar.update(done);
    },
    stop() {
      bar?.stop();
      bar = undefined;
    },
  };
}
