/**
 * The alternate screen, entered once and left on every way out: normal exit, q, Ctrl-C,
 * SIGTERM (through the caller), an uncaught exception, or process exit.
 */
export const ENTER_ALTERNATE_SCREEN = '\u001B[?1049h\u001B[H\u001B[2J';
export const LEAVE_ALTERNATE_SCREEN = '\u001B[?25h\u001B[?1049l';

export interface TerminalGuard {
	/** Leave the alternate screen and drop the handlers; safe to call more than once. */
	restore(): void;
}

export function enterAlternateScreen(
	stdout: NodeJS.WriteStream,
	options: {stdin?: NodeJS.ReadStream; onCrash?: (error: unknown) => void} = {},
): TerminalGuard {
	let restored = false;
	const restore = () => {
		if (restored) return;
		restored = true;
		process.off('exit', restore);
		process.off('uncaughtException', crash);
		process.off('unhandledRejection', crash);
		try {
			if (options.stdin?.isTTY && options.stdin.isRaw) options.stdin.setRawMode(false);
		} catch {
			// The terminal may already be gone.
		}
		try {
			stdout.write(LEAVE_ALTERNATE_SCREEN);
		} catch {
			// Same.
		}
	};
	const crash = (error: unknown) => {
		restore();
		options.onCrash?.(error);
		process.exit(1);
	};
	process.on('exit', restore);
	process.on('uncaughtException', crash);
	process.on('unhandledRejection', crash);
	stdout.write(ENTER_ALTERNATE_SCREEN);
	return {restore};
}
