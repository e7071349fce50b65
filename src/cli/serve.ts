import type { TactConfig } from '../config.js';
import { createTact, type Adapters, type Tact } from '../main.js';
import { startGrpcServer, type RunningGrpcServer } from '../server/grpc-server.js';

/** A serving Tact: gRPC bound, windows being closed on a timer. */
export interface RunningTact {
  readonly tact: Tact;
  readonly grpc: RunningGrpcServer;
  /** Graceful stop: NOT_SERVING, drain calls, close windows due, flush logs, close the store. */
  stop(): Promise<void>;
}

export async function serve(config: TactConfig, adapters: Adapters = {}): Promise<RunningTact> {
  const tact = createTact(config, adapters);
  const grpc = await startGrpcServer({ engine: tact.engine, joiner: tact.joiner, clock: tact.clock }, config.listen);
  const sweeper = setInterval(() => {
    tact.joiner.sweep().catch((err: unknown) => tact.logger.error({ err }, 'closing attribution windows failed'));
  }, config.sweepIntervalMs);
  sweeper.unref();
  tact.logger.info({ listen: config.listen, port: grpc.port, store: tact.store.kind }, 'tact serving');
  let stopping: Promise<void> | undefined;
  return {
    tact,
    grpc,
    stop() {
      stopping ??= (async () => {
        clearInterval(sweeper);
        await grpc.shutdown(config.shutdownGraceMs);
        await tact.close();
        tact.logger.info('tact stopped');
      })();
      return stopping;
    },
  };
}
