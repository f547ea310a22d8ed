/**
 * Reading the commands stream without trusting its sizes: a Lua script runs XREADGROUP or
 * XAUTOCLAIM inside Redis and hands back an entry only when it is small enough; a larger one
 * comes back as `{oversize: <bytes>}`, so no attacker-sized value ever reaches this process.
 */
import type {Redis} from 'ioredis';
import {parseEntries, type StreamEntry} from './connection.js';

/** Largest entry (all field names and values) serve reads. */
export const MAX_ENTRY_BYTES = 600 * 1024;
/** Most fields an entry may have (a command has 7). */
export const MAX_ENTRY_FIELDS = 16;

const SCRIPT = `
local mode, group, consumer, count = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local maxBytes, maxFields = tonumber(ARGV[5]), tonumber(ARGV[6])
local cursor, entries = '0-0', {}
if mode == 'claim' then
  local reply = redis.call('XAUTOCLAIM', KEYS[1], group, consumer, ARGV[7], ARGV[8], 'COUNT', count)
  cursor, entries = reply[1], reply[2]
else
  local reply = redis.call('XREADGROUP', 'GROUP', group, consumer, 'COUNT', count, 'STREAMS', KEYS[1], ARGV[7])
  if reply and reply[1] then entries = reply[1][2] end
end
local out = {}
for _, entry in ipairs(entries) do
  local fields = entry[2]
  if type(fields) == 'table' then
    local size = 0
    for _, value in ipairs(fields) do size = size + string.len(value) end
    if #fields > maxFields * 2 or size > maxBytes then
      table.insert(out, {entry[1], {'oversize', tostring(size), 'field_count', tostring(#fields / 2)}})
    else
      table.insert(out, entry)
    end
  end
end
return {cursor, out}
`;

export interface BoundedRead {
	cursor: string;
	entries: StreamEntry[];
}

export interface BoundedReadOptions {
	key: string;
	group: string;
	consumer: string;
	count: number;
}

async function run(redis: Redis, options: BoundedReadOptions, args: (string | number)[]): Promise<BoundedRead> {
	const raw = (await redis.call('EVAL', [SCRIPT, 1, options.key, ...args.slice(0, 1), options.group, options.consumer, options.count, MAX_ENTRY_BYTES, MAX_ENTRY_FIELDS, ...args.slice(1)])) as unknown[];
	return {cursor: String(raw?.[0] ?? '0-0'), entries: parseEntries(raw?.[1])};
}

/** XREADGROUP (no BLOCK): new entries with `>`, or this consumer's own pending ones from an id. */
export function readGroup(redis: Redis, options: BoundedReadOptions, id: string): Promise<BoundedRead> {
	return run(redis, options, ['read', id]);
}

/** XAUTOCLAIM: entries pending longer than `idleMs`, from `start`. */
export function claimIdle(redis: Redis, options: BoundedReadOptions, idleMs: number, start: string): Promise<BoundedRead> {
	return run(redis, options, ['claim', idleMs, start]);
}
