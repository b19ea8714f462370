// Every case of the PyTorch float64 reference trajectories, replayed through applyGradients in float32:
// the repository's test/fixtures/reference/, plus any further cases in RADAM_REFERENCE or ../shared/reference
// (see helpers.ts).

import assert from 'node:assert/strict';
import * as path from 'node:path';
import { rectification, type StepInfo } from '../../../src/optim';
import { close, createFor, loadReference, readReferenceFile, replay, specOf } from './helpers';

const ref = loadReference();
const sources = [ref.repoFile, ...ref.extraFiles].map((f) => path.relative(process.cwd(), f) || f).join(', ');

describe(`optim: reference trajectories (${ref.cases.length} cases from ${sources})`, () => {
  it('the repository has its own cases, each radam or adam with steps', () => {
    const own = readReferenceFile(ref.repoFile);
    assert.ok(own.cases.length >= 4, `${ref.repoFile}: ${own.cases.length} cases`);
    for (const c of own.cases) {
      assert.ok(c.optimizer === 'radam' || c.optimizer === 'adam', c.name);
      assert.ok(c.steps.length > 0, c.name);
    }
    assert.ok(ref.cases.filter((c) => c.source === ref.repoFile).length === own.cases.length);
  });

  for (const c of ref.cases) {
    const { atol, rtol } = c;
    it(`${c.name}: ${c.optimizer} ${JSON.stringify(c.config)}, ${c.steps.length} steps match params within atol ${atol} + rtol ${rtol}`, () => {
      const opt = createFor(c);
      let checked = 0;
      replay(c, opt, (step, vars) => {
        for (const [name, v] of vars) {
          const problem = close(v.dataSync(), step.params[name], atol, rtol);
          assert.equal(problem, null, `${c.name} step ${step.t} param ${name}: ${problem}`);
          checked++;
        }
        const info = opt.lastStep as StepInfo;
        assert.equal(info.step, step.t);
        if (step.rho_t !== undefined && c.optimizer === 'radam') {
          assert.ok(Math.abs((info.rhoT as number) - step.rho_t) <= 1e-9, `lastStep.rhoT at ${step.t}: ${info.rhoT} vs ${step.rho_t}`);
          assert.equal(info.rectified, step.rectified);
          if (step.r_t == null) assert.equal(info.rT, null);
          else assert.ok(Math.abs((info.rT as number) - step.r_t) <= 1e-9, `lastStep.rT at ${step.t}`);
        }
      });
      assert.equal(checked, c.steps.length * Object.keys(c.shapes).length);
    });
  }

  for (const c of ref.cases.filter((k) => k.optimizer === 'radam')) {
    it(`${c.name}: rectification() matches rho_inf, rho_t, r_t to 1e-9 and the rectified flags`, () => {
      const spec = specOf(c);
      const beta2 = spec.beta2 ?? 0.999;
      const threshold = spec.rectificationThreshold ?? 5;
      for (const s of c.steps) {
        const r = rectification(s.t, beta2, threshold);
        if (c.rho_inf !== undefined) assert.ok(Math.abs(r.rhoInf - c.rho_inf) <= 1e-9, `rho_inf ${r.rhoInf} vs ${c.rho_inf}`);
        assert.ok(Math.abs(r.rhoT - (s.rho_t as number)) <= 1e-9, `t=${s.t} rho_t ${r.rhoT} vs ${s.rho_t}`);
        assert.equal(r.rectified, s.rectified, `t=${s.t}`);
        if (s.r_t == null) assert.equal(r.rT, null, `t=${s.t}`);
        else assert.ok(Math.abs((r.rT as number) - s.r_t) <= 1e-9, `t=${s.t} r_t ${r.rT} vs ${s.r_t}`);
      }
    });
  }
});
