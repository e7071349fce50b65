/**
 * The learner's handle on its training worker. Replies are read with
 * receiveMessageOnPort, synchronously: a network can be installed between
 * two decisions even when the caller never yields to the event loop (a
 * tight benchmark loop), and nothing runs on the event loop behind the
 * learner's back.
 */
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { invariant, tactError } from '../../core/errors.js';
import type { TrainJob, TrainReply } from './protocol.js';

/**
 * From dist/ the worker is plain JS; from src/ (tsx, vitest) it is
 * TypeScript, which a bare worker cannot load, so it registers tsx first.
 */
function spawnWorker(port: MessagePort): Worker {
  const here = import.meta.url;
  const options = { workerData: { port }, transferList: [port] };
  if (here.endsWith('.ts')) {
    const target = JSON.stringify(new URL('./training-worker.ts', here).href);
    return new Worker(`import { register } from 'tsx/esm/api'; register(); await import(${target});`, { ...options, eval: true });
  }
  return new Worker(new URL('./training-worker.js', here), options);
}

export class BackgroundTrainer {
  private worker: Worker | undefined;
  private port: MessagePort | undefined;
  private inFlight: number | undefined;
  private crashed: TrainReply | undefined;

  /** A job was submitted and its reply not yet taken. */
  get busy(): boolean {
    return this.inFlight !== undefined;
  }

  submit(job: TrainJob): void {
    if (this.busy) throw invariant('a training job is already in flight');
    const port = this.ensureWorker();
    this.inFlight = job.id;
    const transfer = [job.x, job.action, job.target].map((a) => a.buffer as ArrayBuffer);
    port.postMessage(job, transfer);
  }

  /** The in-flight job's reply if it has arrived; never waits. */
  poll(): TrainReply | undefined {
    if (this.inFlight === undefined) return undefined;
    const crashed = this.crashed;
    if (crashed !== undefined) {
      this.crashed = undefined;
      this.inFlight = undefined;
      return crashed;
    }
    const message = this.port ? receiveMessageOnPort(this.port) : undefined;
    if (message === undefined) return undefined;
    this.inFlight = undefined;
    return message.message as TrainReply;
  }

  /** Wait for the in-flight job's reply (tests, benchmarks, shutdown). */
  async next(timeoutMs = 60_000): Promise<TrainReply | undefined> {
    const deadline = Date.now() + timeoutMs;
    while (this.busy) {
      const reply = this.poll();
      if (reply !== undefined) return reply;
      if (Date.now() > deadline) throw tactError('DEADLINE_EXCEEDED', `training did not finish within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    return undefined;
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    this.port?.close();
    this.port = undefined;
    this.inFlight = undefined;
    if (worker) await worker.terminate();
  }

  private ensureWorker(): MessagePort {
    if (this.port) return this.port;
    const { port1, port2 } = new MessageChannel();
    const worker = spawnWorker(port2);
    // Training is best effort: the process must be free to exit without it.
    worker.unref();
    worker.on('error', (e: Error) => {
      if (this.inFlight !== undefined) this.crashed = { type: 'failed', id: this.inFlight, message: e.message };
      this.worker = undefined;
      this.port = undefined;
    });
    this.worker = worker;
    this.port = port1;
    return port1;
  }
}
