import { entriesOf } from '../../analysis/log-entries.js';
import type { NodeVerdict } from '../../analysis/verdict.js';
import { UsageError } from '../../core/errors.js';
import { parseU64 } from '../../core/u64.js';
import { decodeConfiguration, raftRoleName } from '../../format/configuration.js';
import { summarizeCommand } from '../../format/dqlite-command.js';
import { EntryType, entryTypeName } from '../../format/segment.js';
import { openPayloadReader } from '../../scan/payloads.js';
import { startupWords } from '../../report/verdict.js';
import { verdictsOf } from '../../workflows/check.js';
import { renderDump, type DumpNode, type DumpRow } from '../../report/dump.js';
import { renderJson } from '../../report/json.js';
import { ExitCode } from '../exit-codes.js';
import type { AnyCommand, CommandContext } from './index.js';
import { inputNotesField, inputNotesText, renderOptions, withCommon, withScan, type CommonArgs } from './shared.js';

interface DumpArgs extends CommonArgs {
  from?: string;
  to?: string;
  type?: string;
  node?: string;
  limit: number;
}

function u64Arg(name: string, v: string | undefined): bigint | undefined {
  if (v === undefined) return undefined;
  const value = parseU64(v);
  if (value === undefined) throw new UsageError(`--${name} takes an index (a whole number from 0 to 2^64-1), not '${v}'`);
  return value;
}

function summary(type: number, bytes: Uint8Array): string {
  if (type === EntryType.CHANGE) {
    const c = decodeConfiguration(bytes);
    return c.value ? `configuration: ${c.value.map((s) => `${s.id}@${s.address} ${raftRoleName(s.role)}`).join(', ')}` : `configuration (undecodable: ${c.issues[0]?.message ?? '?'})`;
  }
  if (type === EntryType.BARRIER) return 'barrier';
  return summarizeCommand(bytes);
}

/** The entries the node holds on disk (its verdict's log), marking those start-up would drop. */
function dumpNode(verdict: NodeVerdict, args: DumpArgs): DumpNode {
  const node = verdict.node;
  const log = verdict.diskLog;
  const drops = verdict.startupDrops;
  const reader = openPayloadReader();
  const rows: DumpRow[] = [];
  let truncated = false;
  try {
    for (const e of entriesOf(log, u64Arg('from', args.from), u64Arg('to', args.to))) {
      const type = entryTypeName(e.entry.type);
      if (args.type && args.type !== type) continue;
      if (rows.length >= args.limit) {
        truncated = true;
        break;
      }
      const bytes = reader.payload(node, e.file, e.entry);
      const dropped = drops !== undefined && e.index >= drops.from && e.index <= drops.to;
      rows.push({ index: e.index, term: e.entry.term, type, length: e.entry.length, file: e.file, offset: e.entry.payloadOffset, droppedAtStartup: dropped, summary: summary(e.entry.type, bytes) });
    }
  } finally {
    reader.close();
  }
  return { name: node.name, path: node.displayPath, startup: startupWords(verdict.startup, drops), rows, truncated };
}

export function dumpCommand(ctx: CommandContext): AnyCommand {
  return {
    command: 'dump <input...>',
    describe: 'list log entries (index, term, type, where they live, what they hold)',
    builder: (y) =>
      withCommon(y)
        .option('from', { type: 'string', describe: 'first index to list' })
        .option('to', { type: 'string', describe: 'last index to list' })
        .option('type', { type: 'string', choices: ['command', 'barrier', 'change'], describe: 'only entries of this type' })
        .option('node', { type: 'string', describe: 'only the node with this name (info.yaml Address or directory name)' })
        .option('limit', { type: 'number', default: 100000, describe: 'at most this many entries per node' }),
    handler: async (argv) => {
      const args = argv as unknown as DumpArgs;
      if (!Number.isSafeInteger(args.limit) || args.limit < 1) throw new UsageError(`--limit takes a positive whole number, not '${String(argv['limit'])}'`);
      await withScan(args, {}, (scan) => {
        const verdicts = verdictsOf(scan.nodes);
        const chosen = args.node ? verdicts.filter((v) => v.name === args.node) : verdicts;
        if (!chosen.length) throw new UsageError(`no node named ${args.node}; nodes: ${scan.nodes.map((n) => n.name).join(', ')}`);
        const dumped = chosen.map((v) => dumpNode(v, args));
        ctx.io.stdout(args.json
          ? renderJson('dump', { nodes: dumped, ...inputNotesField(scan) })
          : renderDump(dumped, renderOptions(args, ctx.io)) + inputNotesText(args, ctx.io, scan));
        ctx.exitCode = ExitCode.OK;
      }, ctx.io);
    },
  };
}
