// The order of batches: a fresh seeded permutation of the training set per epoch, cut into batches of a
// fixed size (the remainder of an epoch is dropped, so every step sees the same batch shape and no
// example is seen twice within an epoch). Same seed, same order: every run of a comparison steps on the
// same batches, and a rerun sees the same ones again.
import { Random } from './random';

export class BatchSampler {
  private readonly random: Random;
  private order: Uint32Array = new Uint32Array(0);
  private pos = 0;
  readonly batchSize: number;
  /** Epochs started so far (1 after the first batch). */
  epoch = 0;

  constructor(
    readonly examples: number,
    batchSize: number,
    seed: number,
  ) {
    if (!(Number.isInteger(examples) && examples >= 1)) throw new RangeError(`the training set is empty`);
    if (!(Number.isInteger(batchSize) && batchSize >= 1)) throw new RangeError(`batch size must be an integer >= 1, got ${batchSize}`);
    // A batch larger than the training set becomes the whole set.
    this.batchSize = Math.min(batchSize, examples);
    this.random = new Random(seed, 'batches');
  }

  /** Indices of the next batch (a new array each call: the caller uploads it). */
  next(): Int32Array {
    if (this.epoch === 0 || this.pos + this.batchSize > this.examples) {
      this.order = this.random.permutation(this.examples);
      this.pos = 0;
      this.epoch++;
    }
    const batch = Int32Array.from(this.order.subarray(this.pos, this.pos + this.batchSize));
    this.pos += this.batchSize;
    return batch;
  }
}
