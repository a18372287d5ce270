// Hostile edits of real repair plans (issue 10: "the plan file is untrusted input"). Each mutation
// edits a plan made by `repair --plan-out` from sample data and names the JSON path the refusal
// must name. `stage` says which guard should catch it: 'validate' (plan-validate.ts, before any
// input is read) or 'replay' (plan-replay.ts: well-formed, but not what raft-rescue plans).
import crypto from 'node:crypto';
import { encodeMetadata } from '../../src/format/metadata.js';
import { formatClusterYaml, formatNodeInfo } from '../../src/format/node-yaml.js';
import { configurationEntry } from '../../src/repair/plan/outputs.js';
import { PLAN_VERSION } from '../../src/repair/plan/types.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
export type Plan = any;

export interface PlanMutation {
  readonly name: string;
  readonly set: 'past-snapshot' | 'crash';
  readonly stage: 'validate' | 'replay';
  /** The JSON path the one-line refusal must name (a RegExp where two fields are equally right). */
  readonly field: string | RegExp;
  readonly mutate: (plan: Plan) => void;
}

/** Absolute paths a successful escape would create; none may exist after any case. */
export const CANARIES = ['/tmp/rr-hostile-plan-canary', '/etc/rr-hostile-plan-canary'];

const sha = (b: Uint8Array): string => crypto.createHash('sha256').update(b).digest('hex');

/** Sets a generated file's bytes with a consistent size, sha256 and text: only the content is wrong. */
export function setGenerated(file: Plan, bytes: Uint8Array): void {
  file.from.base64 = Buffer.from(bytes).toString('base64');
  if (file.from.text !== undefined) file.from.text = Buffer.from(bytes).toString('utf8');
  file.size = bytes.length;
  file.sha256 = sha(bytes);
}

const f = (plan: Plan, o: number, i: number): Plan => plan.outputs[o].files[i];
// past-snapshot, outputs[0] (the source): 0 snapshot, 1 .meta, 2-3 entries, 4-5 copied segments,
// 6 configuration segment, 7-8 metadata1/2 (kept), 9 cluster.yaml, 10 info.yaml.
// outputs[1]: 7 generated metadata1, 8 cluster.yaml, 9 info.yaml. crash outputs[0].files[7]: a truncated copy.
const META = 7;

/** A consistent change of one member's address everywhere the plan derives from it. */
export function moveMember(plan: Plan, index: number, address: string): void {
  const members = plan.target.members;
  members[index].address = address;
  plan.outputs[index].address = address;
  const infos = members.map((m: Plan) => ({ id: BigInt(m.id), address: m.address, role: m.role }));
  const term = { term: BigInt(plan.configurationEntry.term), rule: plan.configurationEntry.termRule };
  const conf = configurationEntry(BigInt(plan.configurationEntry.index), infos, term);
  plan.configurationEntry = conf.entry;
  plan.outputs.forEach((o: Plan, i: number) => {
    for (const file of o.files) {
      if (file.from.what === 'configuration-segment') Object.assign(file, conf.file);
      if (file.from.what === 'cluster.yaml') setGenerated(file, Buffer.from(formatClusterYaml(infos)));
      if (file.from.what === 'info.yaml') setGenerated(file, Buffer.from(formatNodeInfo(infos[i])));
    }
  });
}

const v = (name: string, field: string | RegExp, mutate: (p: Plan) => void, set: PlanMutation['set'] = 'past-snapshot'): PlanMutation => ({ name, set, stage: 'validate', field, mutate });
const r = (name: string, field: string | RegExp, mutate: (p: Plan) => void): PlanMutation => ({ name, set: 'past-snapshot', stage: 'replay', field, mutate });
const name = (n: string) => (p: Plan) => void (f(p, 0, META).name = n);
const mode = (m: unknown) => (p: Plan) => void (f(p, 0, META).mode = m);

export const PLAN_MUTATIONS: readonly PlanMutation[] = [
  v('file name climbing out with ../', 'outputs[0].files[7].name', name('../../../rr-hostile-plan-canary')),
  v('absolute file name', 'outputs[0].files[7].name', name(CANARIES[0]!)),
  v('file name "."', 'outputs[0].files[7].name', name('.')),
  v('file name ".."', 'outputs[0].files[7].name', name('..')),
  v('file name with NUL', 'outputs[0].files[7].name', name('metadata1\u0000x')),
  v('file name with a newline', 'outputs[0].files[7].name', name('meta\ndata1')),
  v('file name with an escape sequence', 'outputs[0].files[7].name', name('\u001b[31mmetadata1')),
  v('empty file name', 'outputs[0].files[7].name', name('')),
  v('file name of 300 bytes', 'outputs[0].files[7].name', name('m'.repeat(300))),
  v('node address climbing out', 'outputs[0].address', (p) => void (p.outputs[0].address = '../../rr-hostile-plan-canary:1')),
  v('node address without a port', 'outputs[0].address', (p) => void (p.outputs[0].address = '127.0.0.1')),
  v('node address with control characters', 'outputs[0].address', (p) => void (p.outputs[0].address = 'a\u001b[2J:80')),
  v('setuid mode', 'outputs[0].files[7].mode', mode(0o4755)),
  v('setgid mode', 'outputs[0].files[7].mode', mode(0o2600)),
  v('sticky mode', 'outputs[0].files[7].mode', mode(0o1600)),
  v('world-writable mode', 'outputs[0].files[7].mode', mode(0o666)),
  v('mode as a string', 'outputs[0].files[7].mode', mode('384')),
  v('copy from ../ outside the node', 'outputs[0].files[7].from.file', (p) => void (f(p, 0, META).from.file = '../../../../etc/shadow')),
  v('copy from an absolute path', 'outputs[0].files[7].from.file', (p) => void (f(p, 0, META).from.file = '/etc/shadow')),
  v('copy from a node that is no input', 'outputs[0].files[7].from.node', (p) => Object.assign(f(p, 0, META).from, { node: '/etc', file: 'shadow' })),
  v('copy of an input file the plan does not pin', 'outputs[0].files[7].from.file', (p) => void (f(p, 0, META).from.file = 'notes.txt')),
  v('copy without a sha256', 'outputs[0].files[4].sha256', (p) => void (f(p, 0, 4).sha256 = null)),
  v('copy with another size than pinned', 'outputs[0].files[4].size', (p) => void (f(p, 0, 4).size += 1)),
  v('pinned input without a sha256', 'inputs.nodes[0].files[0].sha256', (p) => void (p.inputs.nodes[0].files[0].sha256 = null)),
  v('pinned sha256 in upper case', 'inputs.nodes[0].files[0].sha256', (p) => void (p.inputs.nodes[0].files[0].sha256 = p.inputs.nodes[0].files[0].sha256.toUpperCase())),
  v('no pinned inputs at all', 'source.node', (p) => void (p.inputs.nodes = [])),
  v('the same input key twice', 'inputs.nodes[1].key', (p) => void (p.inputs.nodes[1].key = p.inputs.nodes[0].key)),
  v('a pinned input file name with ../', 'inputs.nodes[0].files[0].name', (p) => void (p.inputs.nodes[0].files[0].name = '../x')),
  v('generated content of an unknown kind', 'outputs[0].files[10].from.what', (p) => void (f(p, 0, 10).from.what = 'shell-script')),
  v('an origin of an unknown kind', 'outputs[0].files[10].from.kind', (p) => void (f(p, 0, 10).from.kind = 'symlink')),
  v('info.yaml with another ID (size, sha256, text consistent)', 'outputs[0].files[10].sha256', (p) => {
    setGenerated(f(p, 0, 10), Buffer.from(Buffer.from(f(p, 0, 10).from.base64, 'base64').toString().replace(/ID: 3/, 'ID: 4')));
  }),
  v('cluster.yaml that is a shell script', 'outputs[0].files[9].size', (p) => setGenerated(f(p, 0, 9), Buffer.from('#!/bin/sh\nrm -rf /\n'))),
  v('fresh metadata that votes', 'outputs[1].files[7].sha256', (p) => setGenerated(f(p, 1, META), encodeMetadata({ version: 1n, term: 2n, votedFor: 7n }))),
  v('configuration segment of random bytes', 'outputs[0].files[6].sha256', (p) => setGenerated(f(p, 0, 6), crypto.randomBytes(f(p, 0, 6).size))),
  v('configuration entry payload edited', 'configurationEntry.payloadBase64', (p) => void (p.configurationEntry.payloadBase64 = Buffer.from('hello').toString('base64'))),
  v('YAML text that is not its base64', 'outputs[0].files[10].from.text', (p) => void (f(p, 0, 10).from.text = 'ID: 1\n')),
  v('a field the tool does not know, on a file', 'outputs[0].files[0].exec', (p) => void (f(p, 0, 0).exec = 'sh -c id')),
  v('a field the tool does not know, at the top', 'postInstall', (p) => void (p.postInstall = 'curl | sh')),
  v('another plan version', 'planVersion', (p) => void (p.planVersion = PLAN_VERSION + 1)),
  v('entries: count 0', 'outputs[0].files[2].from.count', (p) => void (f(p, 0, 2).from.count = 0)),
  v('entries: count that is not the range', 'outputs[0].files[3].from.count', (p) => void (f(p, 0, 3).from.count += 5)),
  v('entries: a name that is no segment name', 'outputs[0].files[2].name', (p) => void (f(p, 0, 2).name = 'evil-segment')),
  v('a file twice in one node', 'outputs[0].files[11].name', (p) => void p.outputs[0].files.push({ ...f(p, 0, META) })),
  v('two outputs at one address', / outputs\[1\]\.(address|dir): /, (p) => void (p.outputs[1].address = p.outputs[0].address)),
  v('member ID 0', 'target.members[0].id', (p) => void (p.target.members[0].id = '0')),
  v('member ID above 2^64', 'target.members[0].id', (p) => void (p.target.members[0].id = '18446744073709551616')),
  v('an index as a JSON number', 'expected.lastIndex', (p) => void (p.expected.lastIndex = 3017)),
  v('ready with refusals', 'refusals', (p) => void (p.refusals = ['no'])),
  v('dropping complete entries without allowDataLoss', 'lost[0]', (p) => void p.lost.push({ kind: 'unfillable-hole', from: '5', to: '9', reason: 'x', complete: true })),
  v('one output fewer than members', 'outputs', (p) => void p.outputs.pop()),
  v('negative size', 'outputs[0].files[0].size', (p) => void (f(p, 0, 0).size = -1)),
  v('kept metadata on a node that is not the source', 'outputs[1].metadata', (p) => void (p.outputs[1].metadata = 'kept')),
  v('a cluster file but a target from the configuration', 'target.from', (p) => void (p.options.cluster = '/tmp/t.yaml')),
  v('truncated copy longer than the file', 'outputs[0].files[7].from.bytes', (p) => {
    const file = f(p, 0, 7);
    file.from.bytes = file.from.originalSize + 100;
    file.size = file.from.bytes;
  }, 'crash'),
  v('truncated copy of another size than pinned', 'outputs[0].files[7].from.originalSize', (p) => void (f(p, 0, 7).from.originalSize += 8), 'crash'),
  r('another source node', 'source.node', (p) => void (p.source.node = p.inputs.nodes[2].key)),
  r('a lost range added', 'lost[0]', (p) => void p.lost.push({ kind: 'torn-tail', from: '5000', to: null, reason: 'x', complete: false, data: null })),
  v('a source chosen by --source that was not', 'source.chosenBy', (p) => Object.assign(p.options, { source: '127.0.0.1:9541' })),
  r('a repair description edited', 'repairs[0].description', (p) => void (p.repairs[0].description = 'nothing to see here')),
  r('another expected last index', 'expected.lastIndex', (p) => void (p.expected.lastIndex = '9999')),
  r('metadata1 copied from another node (pinned)', /outputs\[0\]\.files\[7\]\.(sha256|from\.node)/, (p) => {
    const other = p.inputs.nodes[1].files.find((x: Plan) => x.name === 'metadata1');
    Object.assign(f(p, 0, META), { size: other.size, sha256: other.sha256 });
    f(p, 0, META).from.node = p.inputs.nodes[1].key;
  }),
  r('a not-copied reason edited', 'notCopied[0].reason', (p) => void (p.notCopied[0].reason = 'fine')),
  r('a member moved, consistently everywhere, without --cluster', 'target.members[0].address', (p) => moveMember(p, 0, '10.0.0.9:9001')),
  r('refused status with a refusal', 'status', (p) => Object.assign(p, { status: 'refused', refusals: ['edited'] })),
  v('an engine raft-rescue does not know', 'options.engine', (p) => void (p.options.engine = 'dqlite-9.9')),
  // options.engine is auto: another engine is caught by what it would write (the entry's term rule).
  v('engine name edited, options left', 'configurationEntry.termRule', (p) => void (p.engine.name = 'cowsql-1.15')),
  v('a named engine with an inferred source', 'engine.source', (p) => Object.assign(p.options, { engine: 'dqlite-1.11' })),
  v('recovery entry term 2 under an engine that writes 1', 'configurationEntry.term', (p) => void (p.configurationEntry.term = '2')),
  v('expected last term other than the entry\'s', 'expected.lastTerm', (p) => void (p.expected.lastTerm = '7')),
  v('a snapshot form the options do not ask for', 'engine.snapshotForm', (p) => void (p.engine.snapshotForm = 'raw')),
  v('a snapshot converted that the plan\'s engine does not convert', 'outputs[0].files[0].from.to', (p) => {
    const snap = f(p, 0, 0);
    snap.from = { kind: 'converted-snapshot', node: snap.from.node, file: snap.from.file, to: 'raw', originalSize: snap.size };
    snap.sha256 = null;
  }),
  v('metadata converted like a snapshot', 'outputs[0].files[7].role', (p) => {
    const meta = f(p, 0, META);
    meta.from = { kind: 'converted-snapshot', node: meta.from.node, file: meta.from.file, to: 'lz4', originalSize: meta.size };
  }),
  r('snapshots asked raw, consistently, but copied as they are', 'engine.notes[0]', (p) => {
    Object.assign(p.options, { convertSnapshots: 'raw' });
    p.engine.snapshotForm = 'raw';
  }),
];
