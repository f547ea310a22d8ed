/**
 * Answer in $EDITOR: hand the terminal to the editor (raw mode off, main screen), take it
 * back after (alternate screen, raw mode, full redraw).
 */
import {spawnSync} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {useStdin, useStdout} from 'ink';
import {useCallback} from 'react';

export const SCISSORS = '# ------------------------ >8 ------------------------';

/** Everything above the scissors line, trimmed. */
export function editedText(raw: string): string {
	const cut = raw.indexOf(SCISSORS);
	return (cut >= 0 ? raw.slice(0, cut) : raw).trim();
}

/** Open the editor on `initial` (e.g. text kept from a refused answer) above the context; resolves with the text written. */
export type Editor = (context: string, initial?: string) => Promise<string>;

export interface UseEditorOptions {
	/** Called after the terminal is back, so the app redraws everything. */
	onResume?: () => void;
	env?: NodeJS.ProcessEnv;
	/** Whether the app owns the alternate screen (leave it while the editor runs). */
	alternateScreen?: boolean;
}

export function useEditor(options: UseEditorOptions = {}): Editor {
	const {setRawMode, isRawModeSupported} = useStdin();
	const {stdout} = useStdout();
	return useCallback(
		async (context: string, initial?: string) => {
			const env = options.env ?? process.env;
			const editor = env['VISUAL']?.trim() || env['EDITOR']?.trim() || 'vi';
			const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'metawsm-answer-'));
			const file = path.join(dir, 'answer.md');
			fs.writeFileSync(file, `${initial ?? ''}\n${SCISSORS}\n# Write the answer above this line; everything below is ignored.\n${context}\n`);
			if (isRawModeSupported) setRawMode(false);
			if (options.alternateScreen) stdout.write('\u001B[?1049l');
			stdout.write('\u001B[?25h');
			try {
				// Through sh so EDITOR may carry arguments, e.g. "code --wait".
				const result = spawnSync('/bin/sh', ['-c', `${editor} "$1"`, 'metawsm-editor', file], {stdio: 'inherit', env});
				if (result.error) throw result.error;
				if (result.status !== 0) throw new Error(`editor "${editor}" exited with status ${result.status ?? result.signal}`);
				return editedText(fs.readFileSync(file, 'utf8'));
			} finally {
				fs.rmSync(dir, {recursive: true, force: true});
				if (options.alternateScreen) stdout.write('\u001B[?1049h\u001B[2J\u001B[H');
				stdout.write('\u001B[?25l');
				if (isRawModeSupported) setRawMode(true);
				options.onResume?.();
			}
		},
		[isRawModeSupported, setRawMode, stdout, options.env, options.alternateScreen, options.onResume],
	);
}
