import { z } from 'zod';
import { MODELS_DIR } from '../../core/paths.js';
import type { Features } from '../../domain/features.js';
import { BayesLinearLearner, type BayesPrepared } from '../bayes-linear.js';
import type { ActionRef, Contribution, Learner, LearnerSnapshot, LearningExample, ScoreBuffers } from '../learner.js';
import { RewardScale, rewardScaleStateSchema } from '../reward-scale.js';
import { InputEncoder } from './encoder.js';
import { EmbeddingHead } from './head.js';
import { loadNetwork, policyModelsDir } from './model-files.js';
import { embed, headDimension, type Network } from './network.js';
import { NEURAL_LINEAR_KIND, neuralLinearSchema, type NeuralLinearConfig } from './config.js';
import type { TrainJob, TrainReply } from './protocol.js';
import { ReplayBuffer } from './replay.js';
import { BackgroundTrainer } from './trainer.js';

export interface NeuralLinearOptions {
  /** Policy name: names the directory networks are saved in. */
  readonly policy?: string;
}

export interface NeuralPrepared {
  readonly raw: BayesPrepared;
  readonly context: Features;
  /** Network version z was computed with (0: none). */
  readonly version: number;
  readonly z: Float64Array | undefined;
}

interface Installed {
  readonly network: Network;
  readonly encoder: InputEncoder;
  readonly head: EmbeddingHead;
  readonly dir: string | undefined;
}

/** What the last finished training job reported, for benchmarks and logs. */
export interface TrainingReport {
  readonly version: number;
  readonly ms: number;
  readonly backend: string;
  readonly loss: number;
  readonly examples: number;
}

/** The most actions the network gets outputs for; others still get a head arm. */
const MAX_NETWORK_ACTIONS = 1024;

const headArmSchema = z.object({ id: z.string(), count: z.number().int().nonnegative(), aInv: z.array(z.number()), b: z.array(z.number()) });

const stateSchema = z.object({
  config: z.record(z.string(), z.unknown()),
  raw: z.object({ kind: z.string(), updates: z.number(), state: z.unknown() }),
  rewardScale: rewardScaleStateSchema,
  nextTrainAt: z.number().int().nonnegative(),
  network: z.object({ version: z.number().int().positive(), dir: z.string().optional() }).nullable(),
  head: z.array(headArmSchema),
});

/**
 * Neural-linear (Riquelme, Tucker, Snoek 2018): a small network learns a
 * representation from the replay buffer on a worker thread; the online head
 * is an exact Bayesian linear regression per action on its embedding,
 * updated with every reward. When a new network arrives, the head is rebuilt
 * from the replay buffer on the new embedding.
 *
 * Until the first network arrives this is exactly bayes-linear on the raw
 * features: it delegates to an inner BayesLinearLearner, which it keeps
 * learning all along because that model also owns the feature encoding
 * (vocabulary, online scales) the network's inputs are read through.
 *
 * Unlearning is exact for the head while the example is still in the replay
 * buffer, and always exact for the inner raw model; the network itself is
 * not unlearned (it forgets an example only when a later network is trained
 * without it, which the buffer guarantees once the example is removed).
 */
export class NeuralLinearLearner implements Learner<NeuralPrepared> {
  readonly kind = NEURAL_LINEAR_KIND;
  private count = 0;
  private installed: Installed | undefined;
  private readonly buffer: ReplayBuffer;
  private readonly trainer = new BackgroundTrainer();
  private rewardScale = new RewardScale();
  private nextTrainAt: number;
  private jobSeqs: number[] = [];
  private jobCount = 0;
  private report: TrainingReport | undefined;
  private failure: string | undefined;

  constructor(
    readonly config: NeuralLinearConfig,
    private readonly options: NeuralLinearOptions = {},
    private readonly raw: BayesLinearLearner = new BayesLinearLearner({
      lambda: config.lambda,
      noise: config.noise,
      forgetting: 1,
      maxFeatures: config.maxFeatures,
      ...(config.overflowSlots === undefined ? {} : { overflowSlots: config.overflowSlots }),
    }),
  ) {
    this.buffer = new ReplayBuffer(config.replay);
    this.nextTrainAt = config.minExamples;
  }

  get updates(): number {
    return this.count;
  }

  /** Network version serving now; 0 before the first network. */
  get networkVersion(): number {
    return this.installed?.network.meta.version ?? 0;
  }

  /** Logged with each decision (policy.modelVersion) once a network serves. */
  get modelTag(): string | undefined {
    return this.installed ? `nn-v${this.installed.network.meta.version}` : undefined;
  }

  /** A training job is running on the worker. */
  get training(): boolean {
    return this.trainer.busy;
  }

  get lastTraining(): TrainingReport | undefined {
    return this.report;
  }

  get lastFailure(): string | undefined {
    return this.failure;
  }

  prepare(context: Features): NeuralPrepared {
    const raw = this.raw.prepare(context);
    const net = this.installed;
    if (net === undefined) return { raw, context, version: 0, z: undefined };
    return { raw, context, version: net.network.meta.version, z: embed(net.network, net.encoder.encode(context)) };
  }

  score(prepared: NeuralPrepared, actions: readonly ActionRef[], out: ScoreBuffers): void {
    const net = this.installed;
    if (net === undefined) {
      this.raw.score(prepared.raw, actions, out);
      return;
    }
    // A network installed between prepare and score: embed again rather than mix versions.
    const z =
      prepared.z !== undefined && prepared.version === net.network.meta.version
        ? prepared.z
        : embed(net.network, net.encoder.encode(prepared.context));
    net.head.score(z, actions, out.mean, out.width);
    const noise = this.config.noise * this.rewardScale.value;
    for (let k = 0; k < actions.length; k++) out.width[k] = noise * out.width[k]!;
  }

  learn(example: LearningExample): void {
    this.poll();
    this.raw.learn(example);
    this.rewardScale.update(example.reward, example.previousReward);
    const net = this.installed;
    const id = example.action.id;
    if (example.previousReward !== undefined) {
      const entry = this.buffer.find(example.context, id, example.previousReward);
      if (entry) entry.reward = example.reward;
      net?.head.correct(id, this.embedFor(net, example.context), example.reward - example.previousReward);
    } else {
      this.buffer.push(example.context, id, example.reward);
      net?.head.add(id, this.embedFor(net, example.context), example.reward);
    }
    this.count++;
    this.maybeTrain();
  }

  unlearn(example: LearningExample): boolean {
    const rawExact = this.raw.unlearn(example);
    const net = this.installed;
    const id = example.action.id;
    const entry = this.buffer.find(example.context, id, example.reward);
    let headExact = true;
    if (example.previousReward !== undefined) {
      if (entry) entry.reward = example.previousReward;
      net?.head.correct(id, this.embedFor(net, example.context), example.previousReward - example.reward);
      this.rewardScale.remove(example.reward);
      this.rewardScale.update(example.previousReward);
    } else {
      if (entry) this.buffer.remove(entry);
      // Only an example still in the buffer is surely in the head (the head is rebuilt from the buffer).
      if (net) headExact = entry !== undefined && net.head.remove(id, this.embedFor(net, example.context), example.reward);
      this.rewardScale.remove(example.reward);
    }
    this.count++;
    return rawExact && headExact;
  }

  /** Explanations come from the raw linear model: embedding units have no names. */
  explain(prepared: NeuralPrepared, action: ActionRef, top: number): Contribution[] {
    return this.raw.explain(prepared.raw, action, top);
  }

  /** Head posterior mean weights on [1, embedding] (copy), for tests and diagnostics. */
  headWeights(actionId: string): Float64Array | undefined {
    return this.installed?.head.weights(actionId);
  }

  /** The serving network (tests, diagnostics). */
  get network(): Network | undefined {
    return this.installed?.network;
  }

  /** The head's feature vector for a context under the serving network. */
  embedding(context: Features): Float64Array | undefined {
    const net = this.installed;
    return net ? this.embedFor(net, context) : undefined;
  }

  /** Examples currently in the replay buffer (oldest first). */
  replayed(): ReadonlyArray<{ readonly context: Features; readonly actionId: string; readonly reward: number }> {
    return this.buffer.list();
  }

  /** Install a finished network if one has arrived. Called on every learn; never waits. */
  poll(): void {
    const reply = this.trainer.poll();
    if (reply !== undefined) this.handle(reply);
  }

  /** Start training now if none is running (ignores the schedule). Returns false when busy or empty. */
  trainNow(): boolean {
    if (this.trainer.busy || this.buffer.size === 0) return false;
    this.submit();
    return true;
  }

  /** Wait for the running job, if any, and install its network. */
  async settle(timeoutMs?: number): Promise<void> {
    const reply = await this.trainer.next(timeoutMs);
    if (reply !== undefined) this.handle(reply);
  }

  /** Stop the training worker. */
  async close(): Promise<void> {
    await this.trainer.close();
  }

  snapshot(): LearnerSnapshot {
    const net = this.installed;
    const state: z.infer<typeof stateSchema> = {
      config: { ...this.config, kind: NEURAL_LINEAR_KIND },
      raw: this.raw.snapshot(),
      rewardScale: this.rewardScale.snapshot(),
      nextTrainAt: this.nextTrainAt,
      network: net ? { version: net.network.meta.version, ...(net.dir === undefined ? {} : { dir: net.dir }) } : null,
      head: net ? net.head.snapshot() : [],
    };
    return { kind: this.kind, updates: this.count, state };
  }

  /**
   * The network is read back from its directory. A network that was never
   * saved (save: false), or whose files are gone, cannot come back: the
   * learner then serves on raw features until the next network is trained.
   */
  static restore(snapshot: LearnerSnapshot, options: NeuralLinearOptions = {}): NeuralLinearLearner {
    const s = stateSchema.parse(snapshot.state);
    const config = neuralLinearSchema.parse(s.config);
    const learner = new NeuralLinearLearner(config, options, BayesLinearLearner.restore(s.raw));
    learner.count = snapshot.updates;
    learner.rewardScale = RewardScale.restore(s.rewardScale);
    learner.nextTrainAt = s.nextTrainAt;
    if (s.network?.dir !== undefined) {
      let network: Network | undefined;
      try {
        network = loadNetwork(s.network.dir);
      } catch (e) {
        learner.failure = `network v${s.network.version} not restored: ${e instanceof Error ? e.message : String(e)}`;
      }
      if (network) {
        const head = EmbeddingHead.restore(headDimension(network), config.lambda, s.head);
        learner.installed = { network, encoder: new InputEncoder(network.meta, learner.raw.vocabulary), head, dir: s.network.dir };
      }
    }
    return learner;
  }

  private embedFor(net: Installed, context: Features): Float64Array {
    return embed(net.network, net.encoder.encode(context));
  }

  private maybeTrain(): void {
    if (this.trainer.busy || this.count < this.nextTrainAt || this.buffer.size < this.config.minExamples) return;
    this.submit();
  }

  private submit(): void {
    const vocabulary = this.raw.vocabulary;
    const dIn = vocabulary.size;
    const inputNames = Array.from({ length: dIn }, (_, i) => vocabulary.nameOf(i));
    const inputScales = Array.from({ length: dIn }, (_, i) => this.raw.scaler.scaleOf(i));
    const encoder = new InputEncoder({ inputNames, inputScales }, vocabulary);
    const actionIndex = new Map<string, number>();
    const rows = this.buffer.list().filter((e) => {
      if (!actionIndex.has(e.actionId) && actionIndex.size < MAX_NETWORK_ACTIONS) actionIndex.set(e.actionId, actionIndex.size);
      return actionIndex.has(e.actionId);
    });
    const n = rows.length;
    const x = new Float32Array(n * dIn);
    const action = new Int32Array(n);
    const target = new Float32Array(n);
    const unit = this.rewardScale.value;
    rows.forEach((e, i) => {
      x.set(encoder.encode(e.context), i * dIn);
      action[i] = actionIndex.get(e.actionId)!;
      target[i] = e.reward / unit;
    });
    this.jobSeqs = rows.map((e) => e.seq);
    const c = this.config;
    const job: TrainJob = {
      id: ++this.jobCount,
      x,
      inputs: dIn,
      action,
      target,
      meta: { inputNames, inputScales, actions: [...actionIndex.keys()] },
      hidden: c.hidden,
      embedding: c.embedding,
      epochs: c.epochs,
      batchSize: c.batchSize,
      learningRate: c.learningRate,
      seed: c.seed + this.jobCount,
      backend: c.backend,
      version: this.networkVersion + 1,
      ...(c.save ? { policyDir: policyModelsDir(c.modelsDir ?? MODELS_DIR, this.options.policy ?? 'default') } : {}),
    };
    this.trainer.submit(job);
    this.nextTrainAt = this.count + Math.min(Math.max(this.count, c.minExamples), c.retrainEvery);
  }

  /** Swap in the new network and rebuild the head from the buffer on its embedding. */
  private handle(reply: TrainReply): void {
    if (reply.type === 'failed') {
      this.failure = reply.message;
      return;
    }
    const { network, embeddings } = reply;
    const encoder = new InputEncoder(network.meta, this.raw.vocabulary);
    const d = headDimension(network);
    const head = new EmbeddingHead(d, this.config.lambda);
    const rowOf = new Map<number, number>();
    this.jobSeqs.forEach((seq, row) => rowOf.set(seq, row));
    for (const e of this.buffer.list()) {
      const row = rowOf.get(e.seq);
      // Rows the worker embedded are reused; examples learned since the job started are embedded here.
      const zv = row === undefined ? embed(network, encoder.encode(e.context)) : embeddings.subarray(row * d, (row + 1) * d);
      head.add(e.actionId, zv, e.reward);
    }
    this.installed = { network, encoder, head, dir: reply.dir };
    this.report = { version: network.meta.version, ms: reply.ms, backend: reply.backend, loss: reply.loss, examples: network.meta.trainedOn };
    this.jobSeqs = [];
  }
}
