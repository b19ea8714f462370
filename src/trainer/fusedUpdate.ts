// The training step with the optimizer's update inside the graph (issue 17, fourth pass).
//
// Why: a graph step (graphStep.ts) computes the loss and the flat gradient in one session run, and the
// optimizer then updated the parameters with ~10 eager elementwise ops, each a pass over all parameters
// and, at 2 intra-op threads, a hand-off to TensorFlow's thread pool and back. For the MLP at batch 1024
// (269k parameters) those ops took ~1.7-2.1 ms of a ~9-12 ms step; TensorFlow's fused Adam kernel
// (ResourceApplyAdam) does the same update in one pass, ~0.5 ms (docs/training-speed.md, "Fused updates").
//
// How: the step's traced graph (graphStep.ts) is extended. The parameters, m and v become resource
// variables of the session; the node `params` (a placeholder in the plain graph) becomes a read of the
// parameter variable, so the traced forward and backward pass are unchanged; ResourceApplyAdam takes the
// step's gradient; the parameters after the update are fetched every step, so the tfjs variable (what
// evaluation, norms and the end of a run read) is always current. The optimizer keeps deciding every
// number (SlotOptimizer.planFusedUpdate: k and e in float64) and its step counts (commitFusedUpdate);
// only m and v live in the session meanwhile, handed over on entering and handed back on leaving.
//
// ResourceApplyAdam: m += (g - m)(1 - beta1); v += (g^2 - v)(1 - beta2);
//                    theta -= lr sqrt(1 - beta2_power) / (1 - beta1_power) * m / (sqrt(v) + eps).
// With both powers fed as 0 its step size is exactly lr, fed as the optimizer's k; eps is fed as its e.
import type { GraphNode } from '../tf/savedModel';

const F = { type: 1 }; // DT_FLOAT

/** Placeholders of a fused step run, after the plain step's x, y and captured constants. */
export const FUSED_STEP_FEEDS = ['fused_k', 'fused_e', 'fused_beta1', 'fused_beta2', 'fused_zero'] as const;
/** Placeholders of the run that hands the state over: parameters, m, v. */
export const FUSED_ENTER_FEEDS = ['fused_init_p', 'fused_init_m', 'fused_init_v'] as const;
export const FUSED_ENTER_FETCH = 'fused_entered:0';
/** The parameters after the update (fetched with the step's loss and gradient). */
export const FUSED_PARAMS_AFTER = 'fused_params_after:0';
/** m and v, read back on leaving. */
export const FUSED_LEAVE_FETCHES = ['fused_m_now:0', 'fused_v_now:0'] as const;

/**
 * The plain step's graph (its `params` placeholder read from a variable instead) plus the state's
 * variables, the hand-over in and out, and the fused update of the flat parameters by `gradient`
 * ("node:k", the step's gradient output). `unique` names the variables within the session.
 */
export function fusedStepGraph(plain: readonly GraphNode[], gradient: string, unique: string): GraphNode[] {
  if (!plain.some((n) => n.name === 'params' && n.op === 'Placeholder')) throw new Error('the step graph has no params placeholder');
  const nodes: GraphNode[] = [];
  const variable = (name: string) =>
    nodes.push({
      name,
      op: 'VarHandleOp',
      attr: { dtype: F, shape: { shape: { unknown_rank: true } }, shared_name: { s: Buffer.from(`${name}_${unique}`) }, container: { s: Buffer.from('') } },
    });
  const placeholder = (name: string) => nodes.push({ name, op: 'Placeholder', attr: { dtype: F } });
  for (const v of ['fused_p', 'fused_m', 'fused_v']) variable(v);
  for (const n of plain) {
    // Every op of the step reads the parameters as it read the placeholder: through the node named `params`.
    nodes.push(n.name === 'params' ? { name: 'params', op: 'ReadVariableOp', input: ['fused_p'], attr: { dtype: F } } : n);
  }
  for (const p of [...FUSED_STEP_FEEDS, ...FUSED_ENTER_FEEDS]) placeholder(p);
  const assigns = (['p', 'm', 'v'] as const).map((s) => {
    const name = `fused_assign_${s}`;
    nodes.push({ name, op: 'AssignVariableOp', input: [`fused_${s}`, `fused_init_${s}`], attr: { dtype: F } });
    return `^${name}`;
  });
  nodes.push({ name: 'fused_entered', op: 'Identity', input: ['fused_init_p', ...assigns], attr: { T: F } });
  nodes.push({
    name: 'fused_apply',
    op: 'ResourceApplyAdam',
    input: ['fused_p', 'fused_m', 'fused_v', 'fused_zero', 'fused_zero', 'fused_k', 'fused_beta1', 'fused_beta2', 'fused_e', gradient.replace(/:0$/, '')],
    attr: { T: F, use_locking: { b: false }, use_nesterov: { b: false } },
  });
  nodes.push({ name: 'fused_params_after', op: 'ReadVariableOp', input: ['fused_p', '^fused_apply'], attr: { dtype: F } });
  nodes.push({ name: 'fused_m_now', op: 'ReadVariableOp', input: ['fused_m'], attr: { dtype: F } });
  nodes.push({ name: 'fused_v_now', op: 'ReadVariableOp', input: ['fused_v'], attr: { dtype: F } });
  return nodes;
}
