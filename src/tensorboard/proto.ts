// The protocol buffer messages of TensorBoard event files, decoded with protobufjs.
//
// The schema below is declared after TensorBoard's own .proto files (Apache-2.0), at
// tensorflow/tensorboard tensorboard/compat/proto/{event,summary,histogram,tensor,tensor_shape}.proto:
// same message names, field names, field numbers and types, reduced to the fields a reader of scalars
// and histograms needs. Fields left out (images, audio, graph defs, run metadata, resource handles,
// variants, ...) are skipped by the decoder as unknown fields, which protobuf guarantees to be safe.
// `DataType` (types.proto) is kept as a plain int32; its numbers are in `DT` below.
// The two `oneof`s (Event.what, Summary.Value.value) are declared as plain fields: protobufjs keeps a
// oneof by deleting the other members from the message on every decode, which made decoding ~2x slower
// (V8 turns objects with deleted keys into slow dictionaries). The decoder sets a field as an own
// property only when it is on the wire, so `decodeEvent` finds the member that is set by presence
// (`what`, `value`), the same answer a oneof gives for what any writer produces.
//
// int64 fields (Event.step, dimension sizes) are decoded as JS numbers: protobufjs is configured here
// without `long`, so it returns numbers (exact up to 2^53, far beyond any training step).
import * as protobuf from 'protobufjs';

const SCHEMA = `
syntax = "proto3";
package tensorboard;

message Event {
  double wall_time = 1;
  int64 step = 2;
  // oneof what
  optional string file_version = 3;
  bytes graph_def = 4;
  Summary summary = 5;
  SessionLog session_log = 7;
  bytes meta_graph_def = 9;
}

message SessionLog {
  enum SessionStatus {
    STATUS_UNSPECIFIED = 0;
    START = 1;
    STOP = 2;
    CHECKPOINT = 3;
  }
  SessionStatus status = 1;
  string checkpoint_path = 2;
  string msg = 3;
}

message SummaryMetadata {
  message PluginData {
    string plugin_name = 1;
    bytes content = 2;
  }
  PluginData plugin_data = 1;
  string display_name = 2;
  string summary_description = 3;
  int32 data_class = 4;
}

message Summary {
  message Value {
    string node_name = 7;
    string tag = 1;
    SummaryMetadata metadata = 9;
    // oneof value (\`optional\`: a 0.0 on the wire must be told from no simple_value at all)
    optional float simple_value = 2;
    bytes obsolete_old_style_histogram = 3;
    HistogramProto histo = 5;
    TensorProto tensor = 8;
  }
  repeated Value value = 1;
}

message HistogramProto {
  double min = 1;
  double max = 2;
  double num = 3;
  double sum = 4;
  double sum_squares = 5;
  repeated double bucket_limit = 6 [packed = true];
  repeated double bucket = 7 [packed = true];
}

message TensorShapeProto {
  message Dim {
    int64 size = 1;
    string name = 2;
  }
  repeated Dim dim = 2;
  bool unknown_rank = 3;
}

message TensorProto {
  int32 dtype = 1;
  TensorShapeProto tensor_shape = 2;
  int32 version_number = 3;
  bytes tensor_content = 4;
  repeated int32 half_val = 13 [packed = true];
  repeated float float_val = 5 [packed = true];
  repeated double double_val = 6 [packed = true];
  repeated int32 int_val = 7 [packed = true];
  repeated bytes string_val = 8;
  repeated int64 int64_val = 10 [packed = true];
  repeated bool bool_val = 11 [packed = true];
  repeated uint32 uint32_val = 16 [packed = true];
  repeated uint64 uint64_val = 17 [packed = true];
}
`;

/** TensorFlow DataType numbers (types.proto) that the reader turns into numbers. */
export const DT = {
  FLOAT: 1,
  DOUBLE: 2,
  INT32: 3,
  UINT8: 4,
  INT16: 5,
  INT8: 6,
  STRING: 7,
  INT64: 9,
  BOOL: 10,
  BFLOAT16: 14,
  UINT16: 17,
  HALF: 19,
  UINT32: 22,
  UINT64: 23,
} as const;

export const SESSION_START = 1;

// Decoded shapes (protobufjs leaves absent scalar fields at their proto3 defaults on the prototype,
// absent messages undefined, absent repeated fields as empty arrays).
export interface PbHistogram {
  min: number;
  max: number;
  num: number;
  sum: number;
  sumSquares: number;
  bucketLimit: number[];
  bucket: number[];
}
export interface PbTensor {
  dtype: number;
  tensorShape?: { dim: { size: number; name: string }[]; unknownRank: boolean };
  tensorContent: Uint8Array;
  halfVal: number[];
  floatVal: number[];
  doubleVal: number[];
  intVal: number[];
  stringVal: Uint8Array[];
  int64Val: number[];
  boolVal: boolean[];
  uint32Val: number[];
  uint64Val: number[];
}
export interface PbSummaryMetadata {
  pluginData?: { pluginName: string; content: Uint8Array };
  displayName: string;
  summaryDescription: string;
  dataClass: number;
}
export interface PbSummaryValue {
  tag: string;
  nodeName: string;
  metadata?: PbSummaryMetadata;
  /** Which member of `oneof value` is set, if any. */
  value?: 'simpleValue' | 'obsoleteOldStyleHistogram' | 'histo' | 'tensor';
  simpleValue: number;
  histo?: PbHistogram;
  tensor?: PbTensor;
}
export interface PbEvent {
  wallTime: number;
  step: number;
  what?: 'fileVersion' | 'graphDef' | 'summary' | 'sessionLog' | 'metaGraphDef';
  fileVersion: string;
  summary?: { value: PbSummaryValue[] };
  sessionLog?: { status: number; checkpointPath: string; msg: string };
}

// Numbers, not Long objects, for int64/uint64 (see the header).
protobuf.util.Long = undefined as unknown as typeof protobuf.util.Long;
protobuf.configure();

const root = protobuf.parse(SCHEMA, { keepCase: false }).root;
const EventType = root.lookupType('tensorboard.Event');

const own = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);

/**
 * Decodes one Event message. Throws (a protobufjs error) on bytes that are not a well-formed Event;
 * callers count such records and go on.
 */
export function decodeEvent(data: Uint8Array): PbEvent {
  const ev = EventType.decode(data) as unknown as PbEvent;
  ev.what = own(ev, 'summary')
    ? 'summary'
    : own(ev, 'fileVersion')
      ? 'fileVersion'
      : own(ev, 'sessionLog')
        ? 'sessionLog'
        : own(ev, 'graphDef')
          ? 'graphDef'
          : own(ev, 'metaGraphDef')
            ? 'metaGraphDef'
            : undefined;
  if (ev.summary) {
    for (const v of ev.summary.value) {
      v.value = own(v, 'simpleValue')
        ? 'simpleValue'
        : own(v, 'histo')
          ? 'histo'
          : own(v, 'tensor')
            ? 'tensor'
            : own(v, 'obsoleteOldStyleHistogram')
              ? 'obsoleteOldStyleHistogram'
              : undefined;
    }
  }
  return ev;
}

/** Encodes an Event from a plain object (camelCase field names). For tests and fixtures. */
export function encodeEvent(event: Record<string, unknown>): Uint8Array {
  return EventType.encode(EventType.fromObject(event)).finish();
}
