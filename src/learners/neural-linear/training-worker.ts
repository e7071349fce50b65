/**
 * Worker thread entry: trains the representation network on one job at a
 * time and posts back plain arrays. Everything slow (tfjs start-up, gradient
 * steps, saving) happens here, never on the thread that serves decisions.
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { SeededRandom, shuffle } from '../../core/random.js';
import { claimVersionDir } from './model-files.js';
import { embed, headDimension, rawEmbedding, type Network, type NetworkMeta } from './network.js';
import type { TrainJob, TrainReply } from './protocol.js';
import { buildModel, fileSaveHandler, loadTf, networkFromModel } from './tfjs-io.js';

// tfjs greets Node users on stderr with advice to install tfjs-node; that is known.
const warn = console.warn.bind(console);
console.warn = (...args: unknown[]) => {
  if (typeof args[0] === 'string' && args[0].includes('tfjs-node')) return;
  warn(...args);
};

async function train(job: TrainJob): Promise<TrainReply> {
  const started = performance.now();
  const { tf, backend } = await loadTf(job.backend);
  const n = job.target.length;
  const model = buildModel(tf, {
    inputs: job.inputs,
    hidden: job.hidden,
    embedding: job.embedding,
    outputs: job.meta.actions.length,
    seed: job.seed,
  });
  const optimizer = tf.train.adam(job.learningRate);
  const x = tf.tensor2d(job.x, [n, job.inputs]);
  const mask = tf.oneHot(tf.tensor1d(job.action, 'int32'), job.meta.actions.length).toFloat();
  const y = tf.tensor1d(job.target);
  const rng = new SeededRandom(job.seed);
  const order = Array.from({ length: n }, (_, i) => i);
  let loss = NaN;
  for (let epoch = 0; epoch < job.epochs; epoch++) {
    shuffle(order, rng);
    for (let start = 0; start < n; start += job.batchSize) {
      const idx = tf.tensor1d(order.slice(start, start + job.batchSize), 'int32');
      const value = optimizer.minimize(() => {
        // Bandit feedback: only the chosen action's output has a target.
        const predicted = (model.apply(x.gather(idx)) as typeof x).mul(mask.gather(idx)).sum(1);
        return predicted.sub(y.gather(idx)).square().mean() as ReturnType<typeof tf.scalar>;
      }, true);
      if (epoch === job.epochs - 1 && value) loss = value.dataSync()[0]!;
      value?.dispose();
      idx.dispose();
    }
  }
  tf.dispose([x, mask, y]);
  optimizer.dispose();

  const provisional: Network = networkFromModel(model, {
    version: job.version,
    ...job.meta,
    embedScale: [],
    trainedOn: n,
  });
  const embedScale = new Float64Array(job.embedding);
  const inputs = Array.from({ length: n }, (_, i) => job.x.subarray(i * job.inputs, (i + 1) * job.inputs));
  for (const input of inputs) {
    const h = rawEmbedding(provisional, input);
    for (let j = 0; j < h.length; j++) embedScale[j] = Math.max(embedScale[j]!, Math.abs(h[j]!));
  }
  // A unit that never fires keeps scale 1: dividing by 0 would poison the head.
  const scale = Array.from(embedScale, (s) => (s > 1e-6 ? s : 1));
  let version = job.version;
  let dir: string | undefined;
  if (job.policyDir !== undefined) {
    const claimed = claimVersionDir(job.policyDir, job.version);
    version = claimed.version;
    dir = claimed.dir;
  }
  const meta: NetworkMeta = { ...provisional.meta, version, embedScale: scale };
  const network: Network = { meta, layers: provisional.layers };
  if (dir !== undefined) {
    model.setUserDefinedMetadata({ tact: meta });
    await model.save(fileSaveHandler(tf, dir));
  }
  model.dispose();
  const d = headDimension(network);
  const embeddings = new Float64Array(n * d);
  for (let i = 0; i < n; i++) embed(network, inputs[i]!, embeddings.subarray(i * d, (i + 1) * d));
  return {
    type: 'trained',
    id: job.id,
    network,
    embeddings,
    ...(dir === undefined ? {} : { dir }),
    backend,
    ms: performance.now() - started,
    loss,
  };
}

const port = (workerData as { port: MessagePort }).port;
// One job at a time, in order: the learner never submits a second before the first replies.
let queue: Promise<void> = Promise.resolve();
port.on('message', (job: TrainJob) => {
  queue = queue.then(async () => {
    let reply: TrainReply;
    try {
      reply = await train(job);
    } catch (e) {
      reply = { type: 'failed', id: job.id, message: e instanceof Error ? e.message : String(e) };
    }
    const transfer: ArrayBuffer[] =
      reply.type === 'trained'
        ? [reply.embeddings, ...reply.network.layers.flatMap((l) => [l.kernel, l.bias])].map((a) => a.buffer as ArrayBuffer)
        : [];
    port.postMessage(reply, transfer);
  });
});
void parentPort;
