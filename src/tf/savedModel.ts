// A TensorFlow graph run as ONE call: written as a SavedModel, loaded into a session of tfjs-node's binding.
//
// Why: in eager mode every op pays TensorFlow's eager dispatch (~10-12 us here) and runs on the calling
// thread; the paper preset's Transformer step is ~600 such ops. A session runs the same ops from one
// call, through TensorFlow's graph executor: ~1 us per op, and independent ops (a layer's weight gradient
// and its input gradient, say) run at once on the inter-op threads (docs/training-speed.md, "Graph steps").
// tfjs-node's binding can load a SavedModel and run it (`loadSavedModel`, `runSavedModel`), but cannot
// take a GraphDef directly, so the graph goes through a temporary folder that is removed once loaded.
//
// The messages below are declared after TensorFlow's own .proto files (Apache-2.0):
// tensorflow/core/protobuf/saved_model.proto, meta_graph.proto, core/framework/graph.proto, node_def.proto,
// attr_value.proto, versions.proto: same message names, field names and numbers, reduced to what a graph of
// plain ops needs. `DataType` (types.proto) is kept as an int32: tfjs-node's TF_FLOAT / TF_INT32 (the C
// API's TF_DataType) have the same numbers as DT_FLOAT / DT_INT32. AttrValue's members are declared
// `optional` so that a false, a 0 or an empty string is still written: TensorFlow needs the attribute set.
// TensorFlow's int64 fields are declared int32 here: the same varint on the wire for every value an op
// attribute of ours takes (negative ones too: both are sign-extended to 10 bytes), and no 64-bit integers in
// protobufjs, whose Long support src/tensorboard/proto.ts switches off for the whole process.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as protobuf from 'protobufjs';
import type { Tensor } from '@tensorflow/tfjs';

const SCHEMA = `
syntax = "proto3";
package tensorflow;
message SavedModel { int32 saved_model_schema_version = 1; repeated MetaGraphDef meta_graphs = 2; }
message MetaGraphDef { MetaInfoDef meta_info_def = 1; GraphDef graph_def = 2; }
message MetaInfoDef { repeated string tags = 4; }
message GraphDef { repeated NodeDef node = 1; VersionDef versions = 4; }
message VersionDef { int32 producer = 1; int32 min_consumer = 2; }
message NodeDef { string name = 1; string op = 2; repeated string input = 3; string device = 4; map<string, AttrValue> attr = 5; }
message TensorShapeProto { bool unknown_rank = 3; }
message AttrValue {
  message ListValue {
    repeated bytes s = 2;
    repeated int32 i = 3 [packed = true];
    repeated float f = 4 [packed = true];
    repeated bool b = 5 [packed = true];
    repeated int32 type = 6 [packed = true];
  }
  optional ListValue list = 1;
  optional bytes s = 2;
  optional int32 i = 3;
  optional float f = 4;
  optional bool b = 5;
  optional int32 type = 6;
  optional TensorShapeProto shape = 7;
}
`;

const SavedModelMessage = protobuf.parse(SCHEMA, { keepCase: true }).root.lookupType('tensorflow.SavedModel');

/** The tag the graph is saved and loaded under (any string works; this is TensorFlow's usual one). */
const TAG = 'serve';
/** GraphDef version of the ops' semantics: TensorFlow 2.x's (any producer >= 21 loads; 1482 is TF 2.13's). */
const GRAPH_PRODUCER = 1482;

export type AttrValue =
  | { list: { s?: Uint8Array[]; i?: number[]; f?: number[]; b?: boolean[]; type?: number[] } }
  | { s: Uint8Array }
  | { i: number }
  | { f: number }
  | { b: boolean }
  | { type: number }
  /** A shape attribute; only "any shape" is needed here (a resource variable's `shape`). */
  | { shape: { unknown_rank: true } };

export interface GraphNode {
  name: string;
  op: string;
  /** "node" (its first output) or "node:k". */
  input?: string[];
  attr?: Record<string, AttrValue>;
}

/** The attribute kinds of tfjs-node's binding (binding.TF_ATTR_*), and an op attribute as the binding takes it. */
export interface AttrKinds {
  TF_ATTR_STRING: number;
  TF_ATTR_INT: number;
  TF_ATTR_FLOAT: number;
  TF_ATTR_BOOL: number;
  TF_ATTR_TYPE: number;
}
export interface BindingAttr {
  name: string;
  type: number;
  value: unknown;
}

/** An op attribute as the binding takes it, as a GraphDef AttrValue. */
export function attrValue(kinds: AttrKinds, a: BindingAttr): AttrValue {
  const v = a.value;
  const many = Array.isArray(v);
  switch (a.type) {
    case kinds.TF_ATTR_TYPE:
      return many ? { list: { type: v as number[] } } : { type: v as number };
    case kinds.TF_ATTR_INT:
      return many ? { list: { i: v as number[] } } : { i: v as number };
    case kinds.TF_ATTR_BOOL:
      return many ? { list: { b: v as boolean[] } } : { b: v as boolean };
    case kinds.TF_ATTR_FLOAT:
      return many ? { list: { f: v as number[] } } : { f: v as number };
    case kinds.TF_ATTR_STRING:
      return many ? { list: { s: (v as string[]).map((s) => Buffer.from(s)) } } : { s: Buffer.from(v as string) };
    default:
      throw new Error(`attribute ${a.name} of kind ${a.type} cannot be written into a graph`);
  }
}

/** saved_model.pb of a graph of `nodes` under the one tag this module loads. */
export function encodeSavedModel(nodes: readonly GraphNode[]): Uint8Array {
  const message = {
    saved_model_schema_version: 1,
    meta_graphs: [{ meta_info_def: { tags: [TAG] }, graph_def: { node: nodes, versions: { producer: GRAPH_PRODUCER } } }],
  };
  return SavedModelMessage.encode(message).finish();
}

/** What this module needs of tfjs-node's backend (nodejs_kernel_backend.ts). */
export interface SavedModelBackend {
  loadSavedModelMetaGraph(path: string, tags: string): number;
  runSavedModel(id: number, inputs: Tensor[], inputInfos: Array<{ name: string }>, outputNames: string[]): Tensor[];
  deleteSavedModel(id: number): void;
}

/** A graph loaded into a TensorFlow session: run it with its placeholders fed, fetch some of its outputs. */
export class GraphSession {
  private id: number | null;
  private readonly inputInfos: Array<{ name: string }>;

  /**
   * @param feeds names of the graph's Placeholder nodes, in the order run() takes their tensors
   * @param fetches "node:k" of the outputs run() returns, in order
   * @param tmpRoot where the SavedModel folder is written (removed again before this returns)
   */
  constructor(
    private readonly backend: SavedModelBackend,
    nodes: readonly GraphNode[],
    feeds: readonly string[],
    private readonly fetches: readonly string[],
    tmpRoot: string = os.tmpdir(),
  ) {
    const bytes = encodeSavedModel(nodes);
    const dir = fs.mkdtempSync(path.join(tmpRoot, 'radam-graph-'));
    try {
      fs.writeFileSync(path.join(dir, 'saved_model.pb'), bytes);
      this.id = backend.loadSavedModelMetaGraph(dir, TAG);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    this.inputInfos = feeds.map((name) => ({ name: `${name}:0` }));
  }

  /** One session run: `inputs` feed the placeholders (constructor order); the fetched outputs, owned by the caller. */
  run(inputs: Tensor[]): Tensor[] {
    return this.call(inputs, this.inputInfos, this.fetches);
  }

  /**
   * A session run with other feeds and fetches than the constructor's (a graph with several entry points:
   * TensorFlow runs only the nodes the fetches need). `fetches` are "node:k".
   */
  runWith(inputs: Tensor[], feeds: readonly string[], fetches: readonly string[]): Tensor[] {
    return this.call(inputs, feeds.map((name) => ({ name: `${name}:0` })), fetches);
  }

  private call(inputs: Tensor[], inputInfos: Array<{ name: string }>, fetches: readonly string[]): Tensor[] {
    if (this.id === null) throw new Error('GraphSession: run after dispose');
    return this.backend.runSavedModel(this.id, inputs, inputInfos, fetches as string[]);
  }

  dispose(): void {
    if (this.id !== null) this.backend.deleteSavedModel(this.id);
    this.id = null;
  }
}
