import type {CommandSpec} from '../command.js';
import {localClient} from '../../service/client.js';
import {keyHelp} from '../../dash/keymap.js';
import {stringFlag} from '../flags.js';

export const dash: CommandSpec = {
	name: 'dash',
	summary: 'the live triage dashboard (Ink); --once prints one frame',
	// Drawn from the dashboard's key registry, like its `?` overlay and the README table.
	get usage() {
		return `metawsm forum dash [--demo] [--once] [--no-bell] [--actor-name NAME]

Opens full-screen in the terminal and updates by itself. Needs a terminal; --once prints one
plain frame (NO_COLOR-safe) for scripts and pipes. The bell rings on each new escalation (an
urgent thread, an SLA breach) unless --no-bell; in tmux it flags the dashboard's window when
that window is not shown.

Keys (? in the dashboard shows those of where you are):
${keyHelp()}

Examples:
  metawsm forum dash
  metawsm forum dash --demo          # temporary database, sample threads, simulated agents
  metawsm forum dash --once | head   # the queue as text`;
	},
	flags: {
		demo: {type: 'boolean', description: 'seed demo data (a temporary database unless --db) and simulate agents'},
		once: {type: 'boolean', description: 'print one frame of the queue and exit (no TTY needed)'},
		bell: {type: 'boolean', default: true, description: 'ring the terminal bell on new escalations (default on; --no-bell silences)'},
		actorName: {type: 'string', description: 'operator name: who acts, whose seen marks, "me" (env METAWSM_ACTOR_NAME)'},
	},
	async run(context) {
		const once = context.flags['once'] === true;
		const demo = context.flags['demo'] === true;
		// Ink owns the terminal: skipped-event warnings go to the status line, not stderr.
		if (!once) context.warningsOnStderr = false;
		// In the demo the operator is the fixture's (threads are assigned to it) unless one is named.
		const named = context.flags['actorName'] !== undefined || (context.env['METAWSM_ACTOR_NAME'] ?? '').trim() !== '';
		const number = (name: string) => (context.env[name] ? Number(context.env[name]) : undefined);
		// Loaded only here: agents' commands never pay for ink or react.
		const {runDash} = await import('../../dash/run-dash.js');
		return runDash({
			// The live view may be the first to open the forum (it records seen marks): it creates the database.
			openForum: async ({busyTimeoutMs}) =>
				busyTimeoutMs === undefined || context.isRemote() ? context.openForum() : localClient(context.openService(context.dbPath(), {busyTimeoutMs, create: true})),
			remote: context.isRemote(),
			policy: context.policy(),
			redisUrl: once || demo || context.isRemote() ? undefined : context.redisUrl(),
			presenceRedisUrl: once || demo ? undefined : context.redisUrl(),
			operator: demo && !named ? undefined : context.actor('operator'),
			once,
			demo: demo ? {db: stringFlag(context.flags, 'db')} : undefined,
			bell: context.flags['bell'] !== false,
			color: (context.env['NO_COLOR'] ?? '') === '',
			onceSize: {columns: number('COLUMNS'), rows: number('LINES')},
			stdin: process.stdin,
			stdout: process.stdout,
			print: (text) => context.print(text),
			signal: context.signal,
		});
	},
};
