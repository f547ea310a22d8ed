import {progressBar} from '../progress.js';
import {safeJson, safeLine} from '../../text/safe-text.js';
import type {CommandSpec} from '../command.js';

export const rebuild: CommandSpec = {
	name: 'rebuild',
	summary: 'replay all events into the projections; --verify only compares',
	usage: `metawsm forum rebuild [--verify]

Replays every event into new projection tables in short batches (at most ~50 ms each under
the write lock, so agents and the dashboard keep writing meanwhile), then catches up with what
was written since and swaps the new tables in under one short lock.
Events that cannot be read (payload_json does not parse, unknown type, wrong payload)
are skipped with a warning on stderr. --verify replays every event into a fresh
temporary database and reports each projection row that differs from the stored one,
each bad event and each gap in the sequence (exit 1 if any); it writes nothing.
On a terminal, stderr shows a progress bar.

Example:
  metawsm forum rebuild --verify`,
	flags: {verify: {type: 'boolean', description: 'compare instead of rebuilding'}},
	async run(context) {
		const service = context.openService();
		try {
			if (context.flags['verify'] !== true) {
				const bar = progressBar('rebuild');
				let result;
				try {
					result = service.rebuild({onProgress: bar.update});
				} finally {
					bar.end();
				}
				const {events, skipped, longestLockMs, longestLockByStepMs} = result;
				const ms = (value: number) => Math.round(value * 10) / 10;
				const bySteps = Object.fromEntries(Object.entries(longestLockByStepMs).map(([step, value]) => [step, ms(value)]));
				if (context.json) context.printJson({rebuilt: true, events, skipped, longest_lock_ms: ms(longestLockMs), longest_lock_by_step_ms: bySteps});
				else context.print(`rebuilt projections from ${events} events${skipped > 0 ? `; skipped ${skipped} bad events (see rebuild --verify)` : ''}`);
				return 0;
			}
			const bar = progressBar('verify');
			let verified;
			try {
				verified = service.verify({onProgress: bar.update});
			} finally {
				bar.end();
			}
			const {events, differences, badEvents, gaps} = verified;
			const clean = differences.length === 0 && badEvents.length === 0 && gaps.length === 0;
			if (context.json) {
				context.printJson({
					events,
					clean,
					differences,
					bad_events: badEvents.map((bad) => ({sequence: bad.sequence, event_type: bad.eventType, reason: bad.reason})),
					gaps,
				});
				return clean ? 0 : 1;
			}
			const lines = [
				differences.length === 0
					? `verified ${events} events: projections match a replay`
					: `verified ${events} events: ${differences.length} projection rows differ from a replay`,
			];
			for (const d of differences.slice(0, 20)) {
				lines.push(`  ${d.table} ${d.key}: stored ${d.actual ? safeJson(d.actual) : 'missing'}; replay ${d.expected ? safeJson(d.expected) : 'missing'}`);
			}
			for (const bad of badEvents) lines.push(`bad event #${bad.sequence} (${safeLine(bad.eventType)}): ${bad.reason}; every reader skips it`);
			for (const gap of gaps) lines.push(gap.first === gap.last ? `gap: sequence ${gap.first} missing` : `gap: sequences ${gap.first}–${gap.last} missing`);
			if (differences.length > 0) lines.push('run `metawsm forum rebuild` to replace the projections with the replay');
			context.print(lines.join('\n'));
			return clean ? 0 : 1;
		} finally {
			service.close();
		}
	},
};
