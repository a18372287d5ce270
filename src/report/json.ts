// One JSON document on stdout for --json; u64 as decimal strings (house style §1).
import { toJson } from '../core/u64.js';

export const SCHEMA_VERSION = 2;

export function renderJson(command: string, body: object): string {
  return `${toJson({ schemaVersion: SCHEMA_VERSION, command, ...body })}\n`;
}
