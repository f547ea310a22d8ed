/**
 * The README's dashboard key table, from the key registry (source/dash/keymap.ts): written
 * between `<!-- keys:start -->` and `<!-- keys:end -->`. `--check` fails when it differs.
 * Run: node --import tsx scripts/readme-keys.ts [--check]
 */
import fs from 'node:fs';
import {keyTable} from '../source/dash/keymap.js';

const START = '<!-- keys:start -->';
const END = '<!-- keys:end -->';
const file = new URL('../README.md', import.meta.url);
const readme = fs.readFileSync(file, 'utf8');
const start = readme.indexOf(START);
const end = readme.indexOf(END);
if (start < 0 || end < start) throw new Error(`README.md: no ${START} … ${END} markers`);
const next = `${readme.slice(0, start + START.length)}\n${keyTable()}\n${readme.slice(end)}`;
if (process.argv.includes('--check')) {
	if (next !== readme) {
		console.error('README.md: the key table differs from the registry; run node --import tsx scripts/readme-keys.ts');
		process.exit(1);
	}
} else fs.writeFileSync(file, next);
