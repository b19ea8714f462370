import assert from 'node:assert/strict';
import type { DatasetName, DatasetSpec } from '../../../src/runSpec/runSpec';
import {
  DatasetError,
  datasetInfoWithoutLoading,
  featureSize,
  loadDataset,
  type Dataset,
} from '../../../src/trainer/datasets';

const GENERATED: DatasetName[] = ['spiral', 'moons', 'xor', 'sine'];
const spec = (name: DatasetName, extra: Partial<DatasetSpec> = {}): DatasetSpec => ({ name, validationSplit: 0.2, ...extra });

function sameData(a: Dataset, b: Dataset): boolean {
  const eq = (p: Float32Array, q: Float32Array) => Buffer.from(p.buffer).equals(Buffer.from(q.buffer));
  return eq(a.train.x, b.train.x) && eq(a.train.y, b.train.y) && eq(a.validation.x, b.validation.x) && eq(a.validation.y, b.validation.y);
}

/** Per-column mean and std of a split's features. */
function stats(x: Float32Array, n: number, f: number, col: number) {
  let s = 0;
  let s2 = 0;
  for (let i = 0; i < n; i++) s += x[i * f + col];
  const mean = s / n;
  for (let i = 0; i < n; i++) s2 += (x[i * f + col] - mean) ** 2;
  return { mean, std: Math.sqrt(s2 / n) };
}

describe('trainer/datasets: generated sets', () => {
  for (const name of GENERATED) {
    describe(name, () => {
      const d = loadDataset(spec(name), 1);

      it('is identical for the same seed and different for another seed', () => {
        assert.ok(sameData(d, loadDataset(spec(name), 1)));
        assert.ok(!sameData(d, loadDataset(spec(name), 2)));
      });

      it('has the shapes and label ranges its info promises', () => {
        const f = featureSize(d.info);
        assert.deepEqual(d.info.inputShape, name === 'sine' ? [1] : [2]);
        for (const s of [d.train, d.validation]) {
          assert.equal(s.x.length, s.n * f);
          assert.ok(s.x.every(Number.isFinite));
        }
        assert.equal(d.train.n + d.validation.n, name === 'sine' ? 400 : 600, 'default sample count');
        assert.equal(d.validation.n, Math.round((d.train.n + d.validation.n) * 0.2));
        if (d.info.task === 'classification') {
          const counts = new Array(d.info.outputSize).fill(0);
          for (const s of [d.train, d.validation]) {
            assert.equal(s.y.length, s.n);
            for (const c of s.y) {
              assert.ok(Number.isInteger(c) && c >= 0 && c < d.info.outputSize, `label ${c}`);
              counts[c]++;
            }
          }
          // Generated classes are balanced (round-robin over classes).
          assert.ok(Math.max(...counts) - Math.min(...counts) <= 1, `class counts ${counts}`);
          assert.equal(d.info.classNames?.length, d.info.outputSize);
        } else {
          assert.equal(d.info.outputSize, 1);
          assert.ok(d.train.y.every((v) => Math.abs(v) < 1.6), 'sin(x) plus small noise');
        }
      });

      it('standardises features with train-split statistics', () => {
        for (let c = 0; c < featureSize(d.info); c++) {
          const { mean, std } = stats(d.train.x, d.train.n, featureSize(d.info), c);
          assert.ok(Math.abs(mean) < 1e-5 && Math.abs(std - 1) < 1e-4, `column ${c}: mean ${mean}, std ${std}`);
        }
        assert.equal(d.info.featureScaling?.mean.length, featureSize(d.info));
      });

      it('is described the same without loading', () => {
        const { featureScaling: _, ...loaded } = d.info;
        assert.deepEqual(datasetInfoWithoutLoading(name), loaded);
      });
    });
  }

  it('labels xor by quadrant, up to the jitter near the axes', () => {
    const d = loadDataset(spec('xor', { validationSplit: 0 }), 3);
    const s = d.info.featureScaling!;
    let agree = 0;
    for (let i = 0; i < d.train.n; i++) {
      const a = d.train.x[2 * i] * s.std[0] + s.mean[0];
      const b = d.train.x[2 * i + 1] * s.std[1] + s.mean[1];
      if ((a * b < 0 ? 1 : 0) === d.train.y[i]) agree++;
    }
    assert.ok(agree / d.train.n > 0.85 && agree < d.train.n, `${agree} of ${d.train.n} in their quadrant`);
  });

  it('keeps the same points when only the validation fraction changes', () => {
    // Data and split draw from separate random streams; compare the labels' multiset of train+validation.
    const a = loadDataset(spec('spiral', { validationSplit: 0.1 }), 5);
    const b = loadDataset(spec('spiral', { validationSplit: 0.5 }), 5);
    assert.equal(a.validation.n, 60);
    assert.equal(b.validation.n, 300);
    const raw = (d: Dataset) => {
      const s = d.info.featureScaling!;
      const pts: string[] = [];
      for (const split of [d.train, d.validation])
        for (let i = 0; i < split.n; i++)
          pts.push([0, 1].map((c) => (split.x[i * 2 + c] * s.std[c] + s.mean[c]).toFixed(3)).join(','));
      return pts.sort();
    };
    assert.deepEqual(raw(a), raw(b));
  });

  it('honours samples and validationSplit 0, and rejects bad values with a DatasetError', () => {
    const d = loadDataset(spec('moons', { samples: 50, validationSplit: 0 }), 1);
    assert.equal(d.train.n, 50);
    assert.equal(d.validation.n, 0);
    assert.throws(() => loadDataset(spec('moons', { validationSplit: 0.95 }), 1), DatasetError);
    assert.throws(() => loadDataset(spec('moons', { samples: 3 }), 1), /moons: samples must be an integer/);
    assert.throws(() => loadDataset(spec('moons', { samples: 10.5 }), 1), DatasetError);
    assert.throws(() => loadDataset({ name: 'nope' as DatasetName, validationSplit: 0.2 }, 1), /unknown dataset/);
  });
});

describe('trainer/datasets: digits (mnist package)', function () {
  this.timeout(20000);
  let d: Dataset;
  before(() => {
    d = loadDataset(spec('digits'), 1);
  });

  it('gives 3000 28x28x1 images in [0, 1] with labels 0-9 by default', () => {
    assert.deepEqual(d.info.inputShape, [28, 28, 1]);
    assert.equal(d.info.outputSize, 10);
    assert.equal(d.train.n, 2400);
    assert.equal(d.validation.n, 600);
    assert.equal(d.train.x.length, 2400 * 784);
    assert.ok(d.train.x.every((v) => v >= 0 && v <= 1));
    const counts = new Array(10).fill(0);
    for (const c of d.train.y) counts[c]++;
    // A random pick from ~1000 images per digit: every digit well represented.
    for (const c of counts) assert.ok(c > 150, `per-digit counts ${counts}`);
    // Real images: mostly background with some ink, not noise.
    const ink = d.train.x.subarray(0, 784).filter((v) => v > 0.5).length;
    assert.ok(ink > 30 && ink < 400, `ink pixels in the first image: ${ink}`);
    assert.equal(d.info.featureScaling, undefined, 'pixels are not standardised');
  });

  it('picks the same images for a seed and others for another seed', () => {
    assert.ok(sameData(d, loadDataset(spec('digits'), 1)));
    assert.ok(!sameData(d, loadDataset(spec('digits'), 2)));
  });

  it('honours samples up to the 10,000 images of the package', () => {
    assert.equal(loadDataset(spec('digits', { samples: 100, validationSplit: 0.1 }), 1).train.n, 90);
    assert.throws(() => loadDataset(spec('digits', { samples: 10001 }), 1), /digits: samples must be an integer in \[10, 10000\]/);
  });
});
