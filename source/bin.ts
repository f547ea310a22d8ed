#!/usr/bin/env node
/** The `metawsm` executable. */
import {run} from './cli/main.js';

const controller = new AbortController();
let interrupted = 0;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
	process.on(signal, () => {
		// First signal: stop cleanly; second: leave now.
		if (++interrupted > 1) process.exit(130);
		controller.abort();
	});
}

const code = await run({
	argv: process.argv.slice(2),
	signal: controller.signal,
	setTitle: (title) => void (process.title = title),
	stdoutIsTTY: process.stdout.isTTY === true,
});
// Exit once stdout has drained: long-running commands may leave timers or sockets behind.
process.exitCode = code;
process.stdout.write('', () => process.exit(code));
