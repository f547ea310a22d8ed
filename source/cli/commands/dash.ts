import type {CommandSpec} from '../command.js';
import {localClient} from '../../service/client.js';
import {defaultConfigPath, loadDashConfig, settingsOf, THEMES, type DashConfig} from '../../dash/dash-config.js';
import {keyHelp} from '../../dash/keymap.js';
import {stringFlag, type Flags} from '../flags.js';
import {ForumError} from '../../forum/errors.js';

/** The config in force for help: the keys after it, or why it is refused (help still prints the defaults). */
function helpConfig(flags: Flags, env: NodeJS.ProcessEnv): {config?: DashConfig; note: string} {
	try {
		const config = loadDashConfig({given: typeof flags['config'] === 'string' ? flags['config'] : undefined, env});
		return {config, note: config.file ? `the keys in force with ${config.file}` : `the defaults; no config at ${defaultConfigPath(env)}`};
	} catch (error) {
		return {note: `the defaults: ${error instanceof ForumError ? error.message : String(error)} (the dashboard refuses to start until it is fixed)`};
	}
}

export const dash: CommandSpec = {
	name: 'dash',
	summary: 'the live triage dashboard (Ink); --once prints one frame',
	// Drawn from the dashboard's key registry, like its `?` overlay and the README table.
	usage({flags, env}) {
		const {config, note} = helpConfig(flags, env);
		return `metawsm forum dash [--demo] [--once] [--no-bell] [--config FILE] [--actor-name NAME]

Opens full-screen in the terminal and updates by itself. Needs a terminal; --once prints one
plain frame (NO_COLOR-safe) for scripts and pipes. The bell rings on each new escalation (an
urgent thread, an SLA breach) unless --no-bell; in tmux it flags the dashboard's window when
that window is not shown.

Config: --config FILE, else $XDG_CONFIG_HOME/metawsm/dash.json, else ~/.config/metawsm/dash.json
(a missing default file is fine). It rebinds keys by action name (MODE.action for one mode),
picks a theme (${THEMES.join(', ')}) and turns the bell off:
  {"keys": {"answer": "x", "queue.close": ["c", "C"], "quit": []}, "theme": "high-contrast", "bell": false}
Key names: a single character, enter, esc, tab, shift+tab, space, backspace, delete, up, down,
left, right, home, end, pageup, pagedown, ctrl+a … ctrl+z. Ctrl-C, Ctrl-Z, the digits, text
inputs, y/N and Enter/Esc in menus cannot be rebound.

Keys (${note}; ? in the dashboard shows those of where you are):
${keyHelp(config?.keymap)}

Examples:
  metawsm forum dash
  metawsm forum dash --demo          # temporary database, sample threads, simulated agents
  metawsm forum dash --once | head   # the queue as text`;
	},
	flags: {
		demo: {type: 'boolean', description: 'seed demo data (a temporary database unless --db) and simulate agents'},
		once: {type: 'boolean', description: 'print one frame of the queue and exit (no TTY needed)'},
		bell: {type: 'boolean', description: 'ring the terminal bell on new escalations (default on, or the config\'s "bell"; --no-bell silences)'},
		config: {type: 'string', description: 'dashboard config (keys, theme, bell); default $XDG_CONFIG_HOME/metawsm/dash.json or ~/.config/metawsm/dash.json'},
		actorName: {type: 'string', description: 'operator name: who acts, whose seen marks, "me" (env METAWSM_ACTOR_NAME)'},
	},
	async run(context) {
		const once = context.flags['once'] === true;
		// Checked before anything opens: a bad config exits 2 naming the file and the entry.
		const config = loadDashConfig({given: stringFlag(context.flags, 'config'), env: context.env});
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
			...settingsOf(config, {bellFlag: typeof context.flags['bell'] === 'boolean' ? context.flags['bell'] : undefined, env: context.env}),
			keymap: config.keymap,
			onceSize: {columns: number('COLUMNS'), rows: number('LINES')},
			stdin: process.stdin,
			stdout: process.stdout,
			print: (text) => context.print(text),
			signal: context.signal,
		});
	},
};
