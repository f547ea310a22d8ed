/**
 * The alternate screen, entered once and left on every way out: normal exit, q, Ctrl-C,
 * SIGTERM and SIGHUP (through the caller's abort), an uncaught exception, or process exit.
 * Ctrl-Z leaves it too, stops the job like any shell program, and takes it back on `fg`.
 */
export const ENTER_ALTERNATE_SCREEN = '\u001B[?1049h\u001B[H\u001B[2J';
export const LEAVE_ALTERNATE_SCREEN = '\u001B[?25h\u001B[?1049l';
const HIDE_CURSOR = '\u001B[?25l';

export interface TerminalGuard {
	/** Leave the alternate screen and drop the handlers; safe to call more than once. */
	restore(): void;
	/**
	 * Ctrl-Z: give the terminal back (main screen, cursor, cooked mode) and stop the job; on
	 * SIGCONT (`fg`) take it back and call `onResume` to redraw everything.
	 */
	suspend(onResume: () => void): void;
}

export function enterAlternateScreen(
	stdout: NodeJS.WriteStream,
	options: {stdin?: NodeJS.ReadStream; onCrash?: (error: unknown) => void} = {},
): TerminalGuard {
	let restored = false;
	const write = (text: string) => {
		try {
			stdout.write(text);
		} catch {
			// The terminal may already be gone (a hangup).
		}
	};
	const rawMode = (on: boolean) => {
		try {
			if (options.stdin?.isTTY && options.stdin.isRaw !== on) options.stdin.setRawMode(on);
		} catch {
			// Same.
		}
	};
	const restore = () => {
		if (restored) return;
		restored = true;
		process.off('exit', restore);
		process.off('uncaughtException', crash);
		process.off('unhandledRejection', crash);
		rawMode(false);
		write(LEAVE_ALTERNATE_SCREEN);
	};
	const crash = (error: unknown) => {
		restore();
		options.onCrash?.(error);
		process.exit(1);
	};
	const suspend = (onResume: () => void) => {
		if (restored) return;
		const wasRaw = options.stdin?.isRaw === true;
		rawMode(false);
		write(LEAVE_ALTERNATE_SCREEN);
		// A frame scheduled before the stop would land on the shell's screen on `fg`: drop output until then.
		const original = stdout.write;
		stdout.write = (() => true) as typeof stdout.write;
		process.once('SIGCONT', () => {
			stdout.write = original;
			if (restored) return;
			write(ENTER_ALTERNATE_SCREEN + HIDE_CURSOR);
			if (wasRaw) rawMode(true);
			onResume();
		});
		// The whole foreground job, as the terminal's own ^Z would (raw mode turned that off).
		process.kill(0, 'SIGTSTP');
	};
	process.on('exit', restore);
	process.on('uncaughtException', crash);
	process.on('unhandledRejection', crash);
	// Raw before the first frame: a key pressed as soon as the screen shows waits in the
	// terminal's buffer as typed, instead of being cooked (Enter as a newline) before Ink listens.
	rawMode(true);
	stdout.write(ENTER_ALTERNATE_SCREEN);
	return {restore, suspend};
}
