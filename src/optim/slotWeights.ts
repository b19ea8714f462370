// Optimizer state from tfjs's weights format (SlotOptimizer.setWeights in base.ts): the named tensors
// getWeights wrote, [<var>/<kind> for each slot kind..., <var>/step where a variable's step differs from
// the optimizer's], or tfjs-core Adam's [<var>/m..., <var>/v...]. Slots come back unclaimed: the next
// step matches them to variables (base.ts claimRestored).
import type { Tensor } from '@tensorflow/tfjs';
import { tf } from '../tf';
import type { NamedTensor, Slot } from './base';

export const sameShape = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/** The slots of `weights` (without the leading iteration count); throws naming the weight at fault. */
export async function slotsFromWeights(weights: NamedTensor[], slotKinds: readonly string[], iterations: number, className: string): Promise<Slot[]> {
  const byName = new Map<string, { tensors: (Tensor | undefined)[]; step?: number }>();
  const entry = (name: string) => {
    let e = byName.get(name);
    if (e === undefined) {
      e = { tensors: slotKinds.map(() => undefined) };
      byName.set(name, e);
    }
    return e;
  };
  for (const { name, tensor } of weights) {
    const cut = name.lastIndexOf('/');
    if (cut <= 0) throw new Error(`setWeights: unexpected weight name '${name}'`);
    const varName = name.slice(0, cut);
    const kind = name.slice(cut + 1);
    if (kind === 'step') {
      entry(varName).step = (await tensor.data())[0];
      continue;
    }
    const i = slotKinds.indexOf(kind);
    if (i < 0) throw new Error(`setWeights: '${name}' is not a slot of ${className} (${slotKinds.join(', ')})`);
    entry(varName).tensors[i] = tensor;
  }
  const restored: Slot[] = [];
  for (const [name, e] of byName) {
    const missing = slotKinds.filter((_, i) => e.tensors[i] === undefined);
    if (missing.length) throw new Error(`setWeights: '${name}' lacks ${missing.map((k) => `${name}/${k}`).join(', ')}`);
    const tensors = e.tensors as Tensor[];
    const shape = tensors[0].shape;
    if (!tensors.every((x) => sameShape(x.shape, shape))) throw new Error(`setWeights: slots of '${name}' differ in shape`);
    restored.push({
      name,
      shape: shape.slice(),
      step: e.step ?? iterations,
      // A variable made from a tensor shares its data (reference counted): the caller may dispose theirs.
      tensors: tensors.map((x) => tf.tidy(() => tf.cast(x, 'float32').variable(false))),
      scales: tensors.map(() => 1),
      claimed: false,
    });
  }
  return restored;
}
