// One factory for RAdam and every baseline it is compared against, from the optimizer part of a run spec.

import { AdamOptimizer } from './adam';
import type { SlotOptimizer } from './base';
import { RAdamOptimizer } from './radam';
import { SgdMomentumOptimizer } from './sgd';
import { resolveOptions } from './options';
import { resolveOptimizerSpec } from './spec';
import type { OptimizerSpec } from './types';

/**
 * An optimizer from a spec: `radam`; `adam` (tfjs semantics: eps added to sqrt(v_hat)); `adamw` (Adam with
 * decoupled weight decay); `sgd-momentum` (beta1 is the momentum); `adam-2k` (only v_t updated for the
 * first k steps); `adam-eps` (Adam with eps = 1e-4). Fields that do not apply to the name are ignored.
 */
export function createOptimizer(spec: OptimizerSpec): SlotOptimizer {
  const r = resolveOptimizerSpec(spec);
  const schedule = r.schedule ?? null;
  switch (r.name) {
    case 'radam':
      // The resolved spec holds every option RAdam's table names, under the same names.
      return new RAdamOptimizer({ ...resolveOptions(RAdamOptimizer.options, r), schedule });
    case 'adam':
    case 'adamw':
    case 'adam-eps':
    case 'adam-2k':
      return new AdamOptimizer({ ...resolveOptions(AdamOptimizer.options, r), frozenSteps: r.name === 'adam-2k' ? r.k : 0, schedule });
    case 'sgd-momentum':
      // The spec's beta1 is SGD's momentum.
      return new SgdMomentumOptimizer({ ...resolveOptions(SgdMomentumOptimizer.options, r), momentum: r.beta1, schedule });
  }
}
